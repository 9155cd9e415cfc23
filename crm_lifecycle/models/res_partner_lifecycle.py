from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .crm_internal import SCHEDULE_LATER, STAGE_WRITE, is_marked, marked

# Context keys of the screens whose new partners are customers to follow.
MANAGED_SEARCH_MODES = ("customer",)


# one concern per file, by design (issue 11): see res_partner.py's docstring
class ResPartner(models.Model):
    """Lifecycle stage of customers and their timeline of events."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    lifecycle_stage_id = fields.Many2one(
        "crm.lifecycle.stage",
        index=True,
        tracking=True,
        copy=False,
        ondelete="restrict",
        group_expand="_read_group_lifecycle_stage_ids",
        help="Where the customer stands. Empty: not followed by the CRM (vendors, employees, contacts).",
    )
    lifecycle_stage_code = fields.Char(related="lifecycle_stage_id.code", string="Stage Code")
    lifecycle_stage_date = fields.Datetime(
        string="In Stage Since", copy=False, readonly=True, help="When the customer entered its stage."
    )
    crm_team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        compute="_compute_crm_team_id",
        store=True,
        readonly=False,
        index=True,
        help="The team following this customer; by default the salesperson's team.",
    )
    crm_source_id = fields.Many2one(
        "utm.source",
        string="Source",
        index=True,
        help="Where the customer came from: a trade fair, a website, a list...",
    )

    crm_event_ids = fields.One2many("crm.partner.event", "partner_id", string="Timeline")
    crm_event_count = fields.Integer(compute="_compute_crm_event_count", string="Events")
    crm_talk_script_ids = fields.Many2many(
        "crm.talk.script",
        compute="_compute_crm_talk_script_ids",
        string="Talk Scripts",
        groups="crm_lifecycle.group_crm_lifecycle_user",
        help="The talk scripts for the customer's lifecycle stage.",
    )

    @api.depends("user_id")
    def _compute_crm_team_id(self):
        for partner in self:
            if partner.user_id and partner.user_id.sale_team_id:
                partner.crm_team_id = partner.user_id.sale_team_id

    def _compute_crm_event_count(self):
        counts = dict(
            self.env["crm.partner.event"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.crm_event_count = counts.get(partner, 0)

    @api.depends("commercial_partner_id.lifecycle_stage_id", "company_id")
    @api.depends_context("company")
    def _compute_crm_talk_script_ids(self):
        # partners outside the CRM flow (no stage) get no script
        managed = self.filtered("commercial_partner_id.lifecycle_stage_id")
        scripts = self.env["crm.talk.script"]._crm_scripts_for(
            managed, lambda partner: partner.commercial_partner_id.lifecycle_stage_id
        )
        for partner in self:
            partner.crm_talk_script_ids = scripts.get(partner, self.env["crm.talk.script"])

    @api.model
    def _read_group_lifecycle_stage_ids(self, stages, domain):
        # every stage is a kanban column, even an empty one
        return stages.search([("active", "=", True)], order=stages._order)

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + [
            "lifecycle_stage_id",
            "lifecycle_stage_date",
            "crm_team_id",
            "crm_source_id",
        ]

    # ------------------------------------------------------------------
    # Create and write (called by res_partner.py's create() and write())
    # ------------------------------------------------------------------
    @api.model
    def _crm_lifecycle_prepare_create(self, vals_list):
        """Stage of the new customers: the entry stage on the screens of customers."""
        entry_stage = False
        if self._crm_managed_context():
            entry_stage = self.env["crm.lifecycle.stage"]._get_by_code("pool")
        for vals in vals_list:
            # forms send every field of a new record, the empty stage included
            if entry_stage and not vals.get("parent_id") and not vals.get("lifecycle_stage_id"):
                vals["lifecycle_stage_id"] = entry_stage.id
            if vals.get("lifecycle_stage_id"):
                vals.setdefault("lifecycle_stage_date", fields.Datetime.now())

    def _crm_lifecycle_after_create(self):
        """The first event of the timeline of each new followed customer of ``self``."""
        managed = self.filtered(
            lambda partner: partner.lifecycle_stage_id and partner.commercial_partner_id == partner
        )
        if managed:
            # sudo: the timeline is written by the system, never by hand
            self.env["crm.partner.event"].sudo().create(
                [
                    managed._crm_event_vals(partner, False, partner.lifecycle_stage_id, "manual")
                    for partner in managed
                ]
            )

    def _crm_stage_moved_by_hand(self, vals):
        """The followed commercial entities of ``self`` whose stage ``vals`` sets by hand.

        A stage written by the system (``_crm_write_stage``) is no move by hand. Contacts
        receive their company's stage through the commercial sync and pass through.
        """
        if "lifecycle_stage_id" not in vals or is_marked(self, STAGE_WRITE):
            return self.browse()
        return self.filtered(lambda partner: partner.commercial_partner_id == partner)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_crm_change_stage(self):
        """Open the wizard that moves customers to any stage with a reason (managers)."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Change Lifecycle Stage"),
            "res_model": "crm.lifecycle.stage.change",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_ids": self.commercial_partner_id.ids},
        }

    def action_crm_open_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_lifecycle.crm_partner_event_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    # ------------------------------------------------------------------
    # Stage moves

    def _crm_move_by_hand(self, stage_id):
        """A stage set from the statusbar, the kanban or an import."""
        stage = self.env["crm.lifecycle.stage"].browse(stage_id)
        if stage:
            self._crm_set_stage(stage.code, trigger="manual")
        elif self.filtered("lifecycle_stage_id"):
            raise UserError(
                self.env._(
                    "A followed customer cannot lose its lifecycle stage. Move it to "
                    "'Invalid' with a reason instead."
                )
            )

    @api.model
    def _crm_set_stage_from_documents(self, documents, code, trigger):
        """Move the customers of ``documents`` (leads, orders, invoices) to ``code`` at once."""
        by_partner = {}
        for document in documents:
            by_partner.setdefault(document.partner_id.commercial_partner_id, document)
        partners = self.browse([partner.id for partner in by_partner])
        moved = partners._crm_set_stage(code, trigger=trigger, document=by_partner)
        # a new deal or opportunity may exempt the customers from release
        self._crm_refresh_schedule(partners=partners.filtered("lifecycle_stage_id") - moved)
        return moved

    @api.model
    def _crm_claim_from_documents(self, documents, trigger):
        """A salesperson's new opportunity or quotation for a pool customer claims the customer for
        the document's salesperson, under the pool's limits. System flows (superuser: website
        forms, automatic assignment) claim nothing. A sales manager's document assigns the
        customer instead, over the limits as any assignment by a manager (a manager converting
        or quoting many leads at once, as Odoo's mass conversion does)."""
        if self.env.su:
            return
        manager = self._crm_is_manager()
        by_user = {}
        for document in documents:
            partner = document.partner_id.commercial_partner_id
            if partner.lifecycle_stage_id and partner.crm_pool_state == "pool":
                user = document.user_id or self.env.user
                by_user.setdefault(user, {}).setdefault(partner, document)
        for user, by_partner in by_user.items():
            partners = self.browse([partner.id for partner in by_partner])
            if manager:
                partners._crm_assign(user, trigger=trigger)
            else:
                partners._crm_claim(user, trigger, document=next(iter(by_partner.values())))

    def _crm_set_stage(self, code, reason=None, trigger="manual", document=None):
        """Move the commercial entities of ``self`` to the stage ``code``.

        ``document`` is the record that caused the move, or a dict giving it per partner.

        Automatic triggers only ever move forward (to a stage of higher sequence)
        and leave unmanaged partners alone unless the document makes them enter
        the CRM flow. A manual move backward, or to a lost stage, needs a reason
        and the manager group. Every move is a ``crm.partner.event``.

        :return: the partners that moved
        """
        if not self:
            return self
        target = self.env["crm.lifecycle.stage"]._get_by_code(code)
        partners = self.commercial_partner_id
        manual = trigger == "manual"
        is_manager = self.env.user.has_group("crm_lifecycle.group_crm_lifecycle_manager")
        to_move = self.browse()
        for partner in partners:
            current = partner.lifecycle_stage_id
            if current == target:
                continue
            backward = bool(current) and (current.sequence > target.sequence or current.is_lost)
            needs_reason = manual and bool(current) and (backward or target.is_lost)
            if not manual and backward and not (target.is_lost and trigger == "lead"):
                continue  # automatic moves never go back
            if needs_reason:
                if not is_manager:
                    raise AccessError(
                        self.env._(
                            "Only a sales manager may move %(partner)s from %(from)s back to %(to)s.",
                            partner=partner.display_name,
                            **{"from": current.name, "to": target.name},
                        )
                    )
                if not reason:
                    raise UserError(
                        self.env._(
                            "Moving %(partner)s from %(from)s to %(to)s needs a reason: use the "
                            "'Change Stage' button.",
                            partner=partner.display_name,
                            **{"from": current.name, "to": target.name},
                        )
                    )
            to_move |= partner
        if not to_move:
            return to_move
        documents = document if isinstance(document, dict) else {}
        events = [
            self._crm_event_vals(
                partner,
                partner.lifecycle_stage_id,
                target,
                trigger,
                reason,
                documents.get(partner, document if not documents else None),
            )
            for partner in to_move
        ]
        # An automatic move follows a document the user was allowed to create or post;
        # the stage is the system's bookkeeping, so it is written even on a customer the
        # user may not edit. A move by hand needs the user's right to edit the customers.
        if manual:
            to_move.check_access("write")
        to_move._crm_write_stage(target)
        # events are the audit trail: written even when the user may not create them by hand
        self.env["crm.partner.event"].sudo().create(events)
        # one refresh of the schedule below for the stage and the ownership, not one per write
        entering = to_move.sudo().filtered(lambda partner: not partner.crm_pool_id)
        with marked(entering, SCHEDULE_LATER):
            entering._crm_init_ownership()
        self._crm_refresh_schedule(partners=to_move)
        return to_move

    def _crm_write_stage(self, stage):
        """Write ``stage`` on ``self``, the rules of the move checked by the caller."""
        # sudo: the stage is the system's bookkeeping, written once the move's rules are checked;
        # the mark tells write() to take it as is instead of dispatching it as a move by hand
        with marked(self, STAGE_WRITE):
            self.sudo().write({"lifecycle_stage_id": stage.id, "lifecycle_stage_date": fields.Datetime.now()})

    @api.model
    def _crm_event_vals(self, partner, from_stage, to_stage, trigger, reason=None, document=None):
        vals = self._crm_event_base_vals(partner, "stage", trigger, reason, document)
        vals.update({"from_stage_id": from_stage.id if from_stage else False, "to_stage_id": to_stage.id})
        return vals

    @api.model
    def _crm_event_base_vals(self, partner, event_type, trigger, reason=None, document=None):
        vals = {
            "partner_id": partner.id,
            "event_type": event_type,
            "trigger": trigger,
            "reason": reason or False,
            "user_id": self.env.uid,
            "company_id": (partner.company_id or self.env.company).id,
            "pool_id": partner.crm_pool_id.id,
        }
        if document:
            vals.update(
                {
                    "document_model": document._name,
                    "document_id": document.id,
                    "document_name": document.display_name,
                }
            )
        return vals

    @api.model
    def _crm_managed_context(self):
        context = self.env.context
        return bool(
            context.get("crm_lifecycle_managed")
            or context.get("res_partner_search_mode") in MANAGED_SEARCH_MODES
        )
