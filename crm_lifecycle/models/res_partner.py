from datetime import datetime, time, timedelta

import psycopg2.errors
import pytz

from odoo import api, fields, models, modules, tools
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .crm_pool import RELEASE_RULES

# Context keys of the screens whose new partners are customers to follow.
MANAGED_SEARCH_MODES = ("customer",)
POOL_STATES = [("owned", "Owned"), ("pool", "In Pool")]
# Customers handled per statement (and per commit) by the ownership crons.
CRM_CRON_BATCH = 5000
# What the ownership schedule is computed from (crm.pool._schedule_query): model -> fields
# (None: the whole model, small configuration tables).
CRM_SCHEDULE_FIELDS = {
    "res.partner": [
        "commercial_partner_id",
        "create_date",
        "crm_followup_days",
        "crm_locked",
        "crm_pool_id",
        "crm_pool_state",
        "crm_release_days",
        "crm_release_rule",
        "crm_warned_date",
        "last_contact_date",
        "lifecycle_stage_id",
        "next_followup_date",
        "owner_since",
        "ownership_deadline",
        "user_id",
    ],
    "crm.lifecycle.stage": None,
    "crm.pool": None,
    "crm.pool.level": None,
    "sale.order": ["partner_id", "state", "date_order"],
    "account.move": ["commercial_partner_id", "state", "move_type", "invoice_date"],
    "crm.lead": ["partner_id", "active", "type", "probability"],
}


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "crm.duplicate.mixin"]

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
    owner_since = fields.Datetime(
        copy=False,
        readonly=True,
        help="When the current salesperson became the owner of this customer.",
    )
    crm_pool_state = fields.Selection(
        POOL_STATES,
        string="Ownership",
        index=True,
        copy=False,
        readonly=True,
        help="Owned: a salesperson follows the customer. In Pool: colleagues may claim it.",
    )
    crm_pool_id = fields.Many2one(
        "crm.pool",
        string="Pool",
        index=True,
        copy=False,
        tracking=True,
        help="The pool the customer returns to when its owner lets it go, and whose rules apply.",
    )
    crm_locked = fields.Boolean(
        string="Locked",
        copy=False,
        readonly=True,
        tracking=True,
        help="The owner locked the customer: it never returns to the pool by timeout.",
    )
    last_contact_date = fields.Datetime(
        copy=False,
        readonly=True,
        help="Last message, email, done activity or meeting of a salesperson with the customer.",
    )
    next_followup_date = fields.Date(
        string="Next Follow-up",
        copy=False,
        readonly=True,
        index=True,
        help="Last contact plus the follow-up interval.",
    )
    crm_followup_days = fields.Integer(
        string="Follow Up Every (Days)",
        help="This customer's own follow-up interval. 0: the interval of its pool level, stage or pool.",
    )
    ownership_deadline = fields.Datetime(
        string="Returns to Pool On",
        copy=False,
        readonly=True,
        index=True,
        help="When the customer returns to the pool unless its owner acts. Empty: never.",
    )
    crm_release_rule = fields.Selection(
        RELEASE_RULES,
        string="Release Rule",
        copy=False,
        readonly=True,
        help="The rule that sets the deadline.",
    )
    crm_release_days = fields.Integer(
        string="Rule Days", copy=False, readonly=True, help="The day limit of the release rule."
    )
    previous_owner_id = fields.Many2one("res.users", copy=False, readonly=True)
    crm_released_date = fields.Datetime(string="Released On", copy=False, readonly=True)
    crm_released_by_id = fields.Many2one(
        "res.users", string="Released By", copy=False, readonly=True, help="Empty: released by a rule."
    )
    crm_release_reason = fields.Text(string="Release Reason", copy=False, readonly=True)
    crm_warned_date = fields.Datetime(
        string="Warned On", copy=False, readonly=True, help="When the owner was warned of the deadline."
    )
    crm_pool_days = fields.Integer(
        string="Days in Pool", compute="_compute_crm_pool_days", help="Days since the customer was released."
    )
    crm_is_owner = fields.Boolean(string="Is Owner", compute="_compute_crm_ownership_buttons")
    crm_can_claim = fields.Boolean(string="Can Claim", compute="_compute_crm_ownership_buttons")
    crm_never_contacted = fields.Boolean(
        string="Claimed, Never Contacted",
        compute="_compute_crm_never_contacted",
        search="_search_crm_never_contacted",
        help="Owned, and nobody contacted the customer since its owner took it.",
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

    @api.depends("crm_released_date", "crm_pool_state")
    def _compute_crm_pool_days(self):
        now = fields.Datetime.now()
        for partner in self:
            in_pool = partner.crm_pool_state == "pool" and partner.crm_released_date
            partner.crm_pool_days = (now - partner.crm_released_date).days if in_pool else 0

    @api.depends("user_id", "crm_pool_state", "lifecycle_stage_id", "parent_id")
    @api.depends_context("uid")
    def _compute_crm_ownership_buttons(self):
        for partner in self:
            managed = bool(partner.lifecycle_stage_id) and not partner.parent_id
            partner.crm_is_owner = managed and partner.user_id == self.env.user
            partner.crm_can_claim = managed and partner.crm_pool_state == "pool"

    @api.depends("crm_pool_state", "owner_since", "last_contact_date")
    def _compute_crm_never_contacted(self):
        for partner in self:
            partner.crm_never_contacted = bool(
                partner.crm_pool_state == "owned"
                and partner.owner_since
                and (not partner.last_contact_date or partner.last_contact_date < partner.owner_since)
            )

    def _search_crm_never_contacted(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(f"Unsupported search on crm_never_contacted: {operator} {value!r}")
        # a domain cannot compare two fields: select the ids in SQL (indexed on the state)
        never = SQL(
            """(SELECT id FROM res_partner
                 WHERE crm_pool_state = 'owned' AND owner_since IS NOT NULL
                   AND (last_contact_date IS NULL OR last_contact_date < owner_since))"""
        )
        return [("id", "in" if (operator == "=") == value else "not in", never)]

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

    @api.model_create_multi
    def create(self, vals_list):
        bypass_reasons = self._crm_duplicate_pop_bypass_reasons(vals_list)
        entry_stage = False
        if self._crm_managed_context():
            entry_stage = self.env["crm.lifecycle.stage"]._get_by_code("pool")
        # the pool of each (team, salesperson, company): one lookup per combination, not per record
        pools = {}
        for vals in vals_list:
            # forms send every field of a new record, the empty stage included
            if entry_stage and not vals.get("parent_id") and not vals.get("lifecycle_stage_id"):
                vals["lifecycle_stage_id"] = entry_stage.id
            if vals.get("lifecycle_stage_id"):
                vals.setdefault("lifecycle_stage_date", fields.Datetime.now())
            if vals.get("user_id"):
                vals.setdefault("owner_since", fields.Datetime.now())
            if vals.get("lifecycle_stage_id") and not vals.get("parent_id"):
                # set before the record exists: its creator sees it through its pool or owner
                vals.setdefault("crm_pool_state", "owned" if vals.get("user_id") else "pool")
                if not vals.get("crm_pool_id"):
                    pool_key = (vals.get("crm_team_id"), vals.get("user_id"), vals.get("company_id"))
                    if pool_key not in pools:
                        pools[pool_key] = self._crm_pool_for_vals(vals).id
                    vals["crm_pool_id"] = pools[pool_key]
        partners = super().create(vals_list)
        managed = partners.filtered(
            lambda partner: partner.lifecycle_stage_id and partner.commercial_partner_id == partner
        )
        if managed:
            # the timeline is written by the system, never by hand
            self.env["crm.partner.event"].sudo().create(
                [
                    managed._crm_event_vals(partner, False, partner.lifecycle_stage_id, "manual")
                    for partner in managed
                ]
            )
        partners._crm_init_ownership()
        partners._crm_duplicate_check(dict(zip(partners.ids, bypass_reasons, strict=True)))
        return partners

    def write(self, vals):
        if (
            "crm_pool_id" in vals
            and not self.env.context.get("crm_pool_write")
            and not self._crm_is_manager()
        ):
            moved = self.filtered(lambda partner: partner.crm_pool_id.id != vals["crm_pool_id"])
            if moved:
                raise AccessError(
                    self.env._(
                        "Only a sales manager may move %(partners)s to another pool.",
                        partners=", ".join(moved.mapped("display_name")),
                    )
                )
        changing = self._crm_owner_changes(vals)
        if changing:
            return self._crm_write_owner_change(changing, vals)
        vals, duplicate_watch = self._crm_duplicate_watch(vals)
        if "user_id" in vals and "owner_since" not in vals:
            vals = dict(vals, owner_since=fields.Datetime.now() if vals["user_id"] else False)
        if "lifecycle_stage_id" not in vals or self.env.context.get("crm_lifecycle_stage_write"):
            result = super().write(vals)
        else:
            # contacts receive their company's stage through the commercial sync: pass through
            commercial = self.filtered(lambda partner: partner.commercial_partner_id == partner)
            contacts = self - commercial
            rest = {key: value for key, value in vals.items() if key != "lifecycle_stage_id"}
            result = True
            if contacts:
                result = super(ResPartner, contacts).write(vals)
            if commercial and rest:
                result = super(ResPartner, commercial).write(rest)
            if commercial:
                commercial._crm_move_by_hand(vals["lifecycle_stage_id"])
        self._crm_duplicate_check_write(duplicate_watch)
        if {"crm_followup_days", "crm_pool_id", "crm_locked"} & set(vals):
            self._crm_refresh_schedule(partners=self)
        return result

    def _crm_owner_changes(self, vals):
        """The followed customers of ``self`` whose salesperson ``vals`` changes by hand."""
        if "user_id" not in vals or self.env.context.get("crm_pool_write"):
            return self.browse()
        return self.filtered(
            lambda partner: (
                partner.lifecycle_stage_id
                and partner.commercial_partner_id == partner
                and partner.user_id.id != vals["user_id"]
            )
        )

    def _crm_write_owner_change(self, changing, vals):
        """The salesperson of a followed customer changes through the ownership rules."""
        rest = {key: value for key, value in vals.items() if key != "user_id"}
        result = True
        if self - changing:
            result = (self - changing).write(vals)
        if rest:
            result = changing.write(rest)
        changing._crm_change_owner_by_hand(self.env["res.users"].browse(vals["user_id"]))
        return result

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
    # ------------------------------------------------------------------
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
        # user may not edit. A move by hand keeps the user's rights.
        writer = to_move if manual else to_move.sudo()
        writer.with_context(crm_lifecycle_stage_write=True).write(
            {"lifecycle_stage_id": target.id, "lifecycle_stage_date": fields.Datetime.now()}
        )
        # events are the audit trail: written even when the user may not create them by hand
        self.env["crm.partner.event"].sudo().create(events)
        # one refresh of the schedule below for the stage and the ownership, not one per write
        entering = to_move.sudo().with_context(crm_schedule_later=True)
        entering.filtered(lambda partner: not partner.crm_pool_id)._crm_init_ownership()
        self._crm_refresh_schedule(partners=to_move)
        return to_move

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

    # ------------------------------------------------------------------
    # Duplicate check (crm.duplicate.mixin)
    # ------------------------------------------------------------------
    @api.model
    def _crm_key_depends(self):
        return ["name", "is_company", "vat", "phone", "mobile", "email", "country_id", "company_id"]

    def _crm_key_source(self):
        # a person's name is no key: many people share one
        return {
            "name": self.name if self.is_company else False,
            "vat": self.vat,
            "phone": self.phone,
            "mobile": self.mobile,
            "email": self.email,
            "country": (self.country_id or self.company_id.country_id or self.env.company.country_id).code,
        }

    @api.model
    def _crm_duplicate_trigger_fields(self):
        return super()._crm_duplicate_trigger_fields() | {"lifecycle_stage_id", "parent_id"}

    def _crm_duplicate_checkable(self):
        # contacts follow their company; partners outside the CRM flow are never refused
        return self.filtered(
            lambda partner: (
                partner.active and partner.lifecycle_stage_id and partner.commercial_partner_id == partner
            )
        )

    def _crm_duplicate_summary(self):
        return {
            "name": self.name,
            "owner": self.user_id,
            "since": self.owner_since or self.create_date,
            "stage": self.lifecycle_stage_id.name,
            "pool": self.crm_pool_id,
        }

    # ------------------------------------------------------------------
    # Ownership: actions
    # ------------------------------------------------------------------
    def action_crm_claim(self):
        """The current user takes these customers from the pool."""
        partners = self._crm_ownership_managed()
        partners._crm_claim(self.env.user)
        return self._crm_notification(
            self.env._("%(count)s customer(s) are yours now.", count=len(partners)), "success"
        )

    def action_crm_release(self, reason=None):
        """The owner (or a manager) gives customers back to their pool, with a reason.

        Without ``reason``, open the dialog that asks for one.
        """
        partners = self._crm_ownership_managed()
        if not reason:
            return partners._crm_open_dialog("crm.pool.release", self.env._("Release to Pool"))
        others = partners._crm_not_owner_nor_manager()
        if others:
            raise AccessError(
                self.env._(
                    "Only the owner or a sales manager may release %(partners)s.",
                    partners=", ".join(others.mapped("display_name")),
                )
            )
        partners.filtered(lambda partner: partner.crm_pool_state == "owned")._crm_release(reason, "manual")
        return True

    def action_crm_assign(self, user=None):
        """A manager gives customers to ``user``, over the limits if needed (with a warning).

        Without ``user``, open the dialog that asks for one.
        """
        partners = self._crm_ownership_managed()
        if not user:
            return partners._crm_open_dialog("crm.pool.assign", self.env._("Assign Customers"))
        if isinstance(user, int):
            user = self.env["res.users"].browse(user)
        if not self._crm_is_manager():
            raise AccessError(self.env._("Only a sales manager may assign customers to a salesperson."))
        warnings = partners._crm_assign(user, self.env.context.get("crm_assign_reason"), "manual")
        if warnings:
            return self._crm_notification("\n".join(warnings), "warning", sticky=True)
        return self._crm_notification(
            self.env._("%(count)s customer(s) assigned to %(user)s.", count=len(partners), user=user.name),
            "success",
        )

    def _crm_open_dialog(self, model, name, context=None):
        """The dialog ``model`` that asks what an action on ``self`` needs (a reason, a user, a note)."""
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": context or {"default_partner_ids": self.ids},
        }

    def action_crm_lock(self):
        """The owner locks customers against release by timeout, within the pool's limit."""
        partners = self._crm_ownership_managed()
        partners._crm_check_owner_or_manager()
        for user, owned in partners.grouped("user_id").items():
            refusals = owned._crm_lock_check(user)
            if refusals:
                raise UserError("\n".join(refusals))
        partners.with_context(crm_pool_write=True).sudo().write({"crm_locked": True})
        return True

    def action_crm_unlock(self):
        partners = self._crm_ownership_managed()
        partners._crm_check_owner_or_manager()
        # sudo: the owner may always unlock their customer; checked above
        partners.with_context(crm_pool_write=True).sudo().write({"crm_locked": False})
        return True

    def action_crm_log_call(self):
        """One click from the form: note what was said; the note counts as a contact."""
        self.ensure_one()
        return self._crm_open_dialog(
            "crm.contact.log", self.env._("Log a Call"), {"default_partner_id": self.commercial_partner_id.id}
        )

    # ------------------------------------------------------------------
    # Ownership: rules
    # ------------------------------------------------------------------
    def _crm_ownership_managed(self):
        """The followed commercial entities of ``self`` (ownership applies to them only)."""
        return self.commercial_partner_id.filtered(lambda partner: partner.lifecycle_stage_id)

    def _crm_is_manager(self):
        return self.env.su or self.env.user.has_group("crm_lifecycle.group_crm_lifecycle_manager")

    def _crm_not_owner_nor_manager(self):
        """The customers of ``self`` the current user neither owns nor manages."""
        if self._crm_is_manager():
            return self.browse()
        return self.filtered(lambda partner: partner.user_id != self.env.user)

    def _crm_check_owner_or_manager(self):
        others = self._crm_not_owner_nor_manager()
        if others:
            raise AccessError(
                self.env._(
                    "Only the owner or a sales manager may do this on %(partners)s.",
                    partners=", ".join(others.mapped("display_name")),
                )
            )

    @api.model
    def _crm_notification(self, message, kind, sticky=False):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": kind,
                "sticky": sticky,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    @api.model
    def _crm_user_day_start(self, user):
        """Midnight of today in ``user``'s time zone, as a naive UTC datetime."""
        tz = pytz.timezone(user.tz or "UTC")
        now = pytz.utc.localize(fields.Datetime.now()).astimezone(tz)
        start = tz.localize(datetime.combine(now.date(), time.min))
        return start.astimezone(pytz.utc).replace(tzinfo=None)

    def _crm_claim_check(self, user):
        """What refuses ``user`` to take the customers of ``self``: a list of messages.

        Each message names the customer or the pool, the rule, and when it will allow it.
        An assignment by a manager shows the limits it overrides with the same messages.
        """
        # sudo: the counts and owners are the pool's bookkeeping, told by name only
        partners = self.sudo()
        messages = []
        now = fields.Datetime.now()
        takers = partners.browse()
        for partner in partners:
            pool = partner.crm_pool_id
            if not partner.lifecycle_stage_id or partner.parent_id:
                messages.append(
                    self.env._("%(partner)s is not a followed customer.", partner=partner.display_name)
                )
            elif partner.user_id == user:
                continue
            elif partner.crm_pool_state == "owned" and partner.user_id:
                messages.append(
                    self.env._(
                        "%(partner)s already belongs to %(owner)s (since %(since)s).",
                        partner=partner.display_name,
                        owner=partner.user_id.name,
                        since=self._crm_format_date(partner.owner_since),
                    )
                )
            elif pool and not pool._is_visible_to(user):
                messages.append(
                    self.env._(
                        "%(partner)s is in the pool %(pool)s, which is open to the teams %(teams)s only.",
                        partner=partner.display_name,
                        pool=pool.name,
                        teams=", ".join(pool.team_ids.mapped("name")),
                    )
                )
            elif (
                pool.reclaim_cooldown_days
                and partner.previous_owner_id == user
                and partner.crm_released_date
                and partner.crm_released_date + timedelta(days=pool.reclaim_cooldown_days) > now
            ):
                messages.append(
                    self.env._(
                        "%(user)s released %(partner)s on %(released)s; the pool %(pool)s lets the previous "
                        "owner claim it again from %(allowed)s (reclaim cooldown of %(days)s days).",
                        user=user.name,
                        partner=partner.display_name,
                        released=self._crm_format_date(partner.crm_released_date),
                        pool=pool.name,
                        allowed=self._crm_format_date(
                            partner.crm_released_date + timedelta(days=pool.reclaim_cooldown_days)
                        ),
                        days=pool.reclaim_cooldown_days,
                    )
                )
            else:
                takers |= partner
        messages.extend(takers._crm_limit_messages(user, claims=True))
        return messages

    def _crm_limit_messages(self, user, claims=False):
        """The pool limits ``user`` would exceed by taking ``self``: owned customers, and with
        ``claims`` the claims per day (an assignment by a manager is no claim)."""
        pools = self.crm_pool_id
        if not pools:
            return []
        Partner = self.env["res.partner"].sudo()
        owned = dict(
            Partner._read_group(
                [
                    ("user_id", "=", user.id),
                    ("crm_pool_state", "=", "owned"),
                    ("crm_pool_id", "in", pools.ids),
                    ("lifecycle_stage_id", "!=", False),
                    ("parent_id", "=", False),
                ],
                ["crm_pool_id"],
                ["__count"],
            )
        )
        claimed = dict(
            self.env["crm.partner.event"]
            .sudo()
            ._read_group(
                [
                    ("event_type", "=", "claim"),
                    ("to_user_id", "=", user.id),
                    ("pool_id", "in", pools.ids),
                    ("date", ">=", self._crm_user_day_start(user)),
                ],
                ["pool_id"],
                ["__count"],
            )
        )
        messages = []
        for pool, partners in self.grouped("crm_pool_id").items():
            if pool.max_owned and owned.get(pool, 0) + len(partners) > pool.max_owned:
                messages.append(
                    self.env._(
                        "%(user)s owns %(owned)s customers of the pool %(pool)s, whose limit is %(max)s: "
                        "release customers before taking %(count)s more.",
                        user=user.name,
                        owned=owned.get(pool, 0),
                        pool=pool.name,
                        max=pool.max_owned,
                        count=len(partners),
                    )
                )
            if (
                claims
                and pool.max_claims_per_day
                and claimed.get(pool, 0) + len(partners) > pool.max_claims_per_day
            ):
                messages.append(
                    self.env._(
                        "%(user)s claimed %(claimed)s customers of the pool %(pool)s today, which allows "
                        "%(max)s a day: claim again tomorrow.",
                        user=user.name,
                        claimed=claimed.get(pool, 0),
                        pool=pool.name,
                        max=pool.max_claims_per_day,
                    )
                )
        return messages

    def _crm_lock_check(self, user):
        """Refusals of locking ``self`` for their owner ``user``: the pool's ``max_locked``."""
        to_lock = self.filtered(lambda partner: not partner.crm_locked)
        locked = dict(
            self.env["res.partner"]
            .sudo()
            ._read_group(
                [
                    ("user_id", "=", user.id),
                    ("crm_locked", "=", True),
                    ("crm_pool_id", "in", to_lock.crm_pool_id.ids),
                    ("parent_id", "=", False),
                ],
                ["crm_pool_id"],
                ["__count"],
            )
        )
        messages = []
        for pool, partners in to_lock.grouped("crm_pool_id").items():
            if locked.get(pool, 0) + len(partners) > pool.max_locked:
                messages.append(
                    self.env._(
                        "%(user)s locked %(locked)s customers of the pool %(pool)s, which allows %(max)s: "
                        "unlock one first.",
                        user=user.name,
                        locked=locked.get(pool, 0),
                        pool=pool.name,
                        max=pool.max_locked,
                    )
                )
        return messages

    @api.model
    def _crm_format_date(self, value):
        return tools.format_date(self.env, value) if value else ""

    # ------------------------------------------------------------------
    # Ownership: changes
    # ------------------------------------------------------------------
    def _crm_claim(self, user, trigger="manual", document=None):
        """Give the pool customers of ``self`` to ``user`` under the pool rules.

        Safe under concurrency: the rows are locked first; when another transaction claimed
        them since this one began, the claim is refused naming who won.
        """
        partners = self._crm_ownership_managed().filtered(lambda partner: partner.user_id != user)
        if not partners:
            return partners
        partners._crm_lock_rows()
        refusals = partners._crm_claim_check(user)
        if refusals:
            raise UserError("\n".join(refusals))
        partners._crm_set_owner(user, "claim", trigger, document=document)
        return partners

    def _crm_assign(self, user, reason=None, trigger="manual"):
        """Give ``self`` to ``user`` whatever the limits; return the limits overridden."""
        partners = self._crm_ownership_managed().filtered(lambda partner: partner.user_id != user)
        if not partners:
            return []
        partners._crm_lock_rows()
        # a transfer from a colleague counts against the new owner's limits as a pool customer does
        warnings = partners._crm_limit_messages(user)
        if warnings:
            reason = "\n".join(filter(None, [reason, self.env._("Over the pool limits:")] + warnings))
        for owner, owned in partners.grouped("user_id").items():
            owned._crm_set_owner(user, "transfer" if owner else "assign", trigger, reason)
        return warnings

    def _crm_release(self, reason, trigger="manual", document=None):
        """Return ``self`` (owned) to their pools; the previous owner waits the cooldown."""
        partners = self._crm_ownership_managed()
        if not partners:
            return partners
        partners._crm_lock_rows()
        now = fields.Datetime.now()
        events = [
            dict(
                self._crm_event_base_vals(partner, "release", trigger, reason, document),
                from_user_id=partner.user_id.id,
            )
            for partner in partners
        ]
        for owner, owned in partners.grouped("user_id").items():
            # sudo: the owner releases a customer they may no longer see once in a team's pool
            owned.with_context(crm_pool_write=True).sudo().write(
                {
                    "user_id": False,
                    "crm_pool_state": "pool",
                    "previous_owner_id": owner.id,
                    "crm_released_date": now,
                    "crm_released_by_id": self.env.uid if trigger == "manual" else False,
                    "crm_release_reason": reason,
                    "crm_locked": False,
                    "owner_since": False,
                    "ownership_deadline": False,
                    "crm_release_rule": False,
                    "crm_warned_date": False,
                    "next_followup_date": False,
                }
            )
        # events are the audit trail: written even when the user may not create them by hand
        self.env["crm.partner.event"].sudo().create(events)
        partners._crm_drop_pool_activities()
        return partners

    def _crm_set_owner(self, user, event_type, trigger, reason=None, document=None):
        now = fields.Datetime.now()
        events = [
            dict(
                self._crm_event_base_vals(partner, event_type, trigger, reason, document),
                from_user_id=partner.user_id.id,
                to_user_id=user.id,
            )
            for partner in self
        ]
        for owner, owned in self.grouped("user_id").items():
            vals = {
                "user_id": user.id,
                "crm_pool_state": "owned",
                "owner_since": now,
                "crm_locked": False,
                "crm_warned_date": False,
            }
            if owner:
                vals["previous_owner_id"] = owner.id
            # sudo: the rules were checked by the caller; a pool customer is not the user's to edit yet
            owned.with_context(crm_pool_write=True).sudo().write(vals)
        self.env["crm.partner.event"].sudo().create(events)
        self._crm_drop_pool_activities()
        self._crm_refresh_schedule(partners=self)

    def _crm_change_owner_by_hand(self, user):
        """The Salesperson field of followed customers was edited: follow the ownership rules."""
        if not user:
            self._crm_check_owner_or_manager()
            self._crm_release(self.env._("Salesperson removed by hand."), "manual")
        elif self._crm_is_manager():
            self._crm_assign(user)
        elif user == self.env.user:
            self._crm_claim(user)
        else:
            raise AccessError(
                self.env._(
                    "Only a sales manager may give customers to another salesperson. Release "
                    "%(partners)s to the pool instead.",
                    partners=", ".join(self.mapped("display_name")),
                )
            )

    def _crm_lock_rows(self):
        """Lock the rows of ``self``; refuse naming the winner when another transaction changed them."""
        self.env.flush_all()
        try:
            with self.env.cr.savepoint(flush=False):
                # a lost race is expected, not a bad query: no error in the log
                self.env.cr.execute(
                    SQL("SELECT id FROM res_partner WHERE id IN %s FOR UPDATE", tuple(self.ids)),
                    log_exceptions=False,
                )
        except (psycopg2.errors.SerializationFailure, psycopg2.errors.LockNotAvailable):
            raise UserError(self._crm_taken_message()) from None

    def _crm_taken_message(self):
        # another transaction committed a change of these customers after ours began: read what
        # it did through a fresh cursor, ours cannot see it
        with self.env.registry.cursor() as cr:
            cr.execute(
                SQL(
                    """
                    SELECT partner.name, owner_partner.name
                      FROM res_partner partner
                 LEFT JOIN res_users owner ON owner.id = partner.user_id
                 LEFT JOIN res_partner owner_partner ON owner_partner.id = owner.partner_id
                     WHERE partner.id IN %s
                    """,
                    tuple(self.ids),
                )
            )
            rows = cr.fetchall()
        lines = [
            self.env._("%(partner)s was just taken by %(owner)s.", partner=partner, owner=owner)
            if owner
            else self.env._(
                "%(partner)s was just changed by someone else: reload and try again.", partner=partner
            )
            for partner, owner in rows
        ]
        return "\n".join(lines)

    @api.model
    def _crm_pool_for_vals(self, vals):
        """The pool of a new customer: its team's (given, or its salesperson's), else the default."""
        team = self.env["crm.team"].browse(vals.get("crm_team_id"))
        if not team and vals.get("user_id"):
            team = self.env["res.users"].sudo().browse(vals["user_id"]).sale_team_id
        company = self.env["res.company"].browse(vals.get("company_id")) or None
        return self.env["crm.pool"]._get_for_team(team, company)

    def _crm_init_ownership(self):
        """Followed commercial entities entering the CRM flow (``self``) get their pool and
        ownership state; those entering with a salesperson are owned from now on."""
        # sudo: bookkeeping of customers the user was allowed to create or move; a new customer
        # is not visible to its creator until it has a pool or an owner
        entering = self.sudo().filtered(
            lambda partner: partner.lifecycle_stage_id and partner.commercial_partner_id == partner
        )
        if not entering:
            return
        Pool = self.env["crm.pool"]
        now = fields.Datetime.now()
        groups = {}
        for partner in entering:
            pool = partner.crm_pool_id or Pool._get_for_team(partner.crm_team_id, partner.company_id or None)
            state = "owned" if partner.user_id else "pool"
            if (
                partner.crm_pool_id == pool
                and partner.crm_pool_state == state
                and (state == "pool" or partner.owner_since)
            ):
                continue  # preset by create(): nothing to write (the owned are refreshed below)
            groups.setdefault((pool, state), entering.browse())
            groups[(pool, state)] |= partner
        for (pool, state), partners in groups.items():
            vals = {"crm_pool_id": pool.id, "crm_pool_state": state}
            if state == "owned":
                vals["owner_since"] = now
            partners.with_context(crm_pool_write=True).write(vals)
        owned = entering.filtered("user_id")
        if owned:
            self.env["crm.partner.event"].sudo().create(
                [
                    dict(
                        self._crm_event_base_vals(partner, "assign", "manual"), to_user_id=partner.user_id.id
                    )
                    for partner in owned
                ]
            )
            self._crm_refresh_schedule(partners=owned)

    def _crm_drop_pool_activities(self, kind=None):
        """Remove the open follow-up and release warning activities of ``self`` (new owner, released).

        ``kind``: ``followup`` or ``warning`` for one of them only.
        """
        if not self:
            return
        types = self._crm_pool_activity_types(kind)
        # sudo: the activities were given by the system to the previous owner
        self.env["mail.activity"].sudo().search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", self.ids),
                ("activity_type_id", "in", types.ids),
                ("id", "not in", self.env.context.get("crm_activities_done", [])),
            ]
        ).unlink()

    @api.model
    def _crm_pool_activity_types(self, kind=None):
        xmlids = {
            "followup": "crm_lifecycle.mail_activity_type_crm_followup",
            "warning": "crm_lifecycle.mail_activity_type_crm_release_warning",
        }
        types = self.env["mail.activity.type"]
        for key, xmlid in xmlids.items():
            if kind in (None, key):
                types |= self.env.ref(xmlid, raise_if_not_found=False) or types
        return types

    # ------------------------------------------------------------------
    # Contacts and schedule
    # ------------------------------------------------------------------
    @api.model
    def _crm_register_contact(self, partners, date=None):
        """A salesperson was in touch with ``partners``: move their last contact and schedule."""
        partners = partners.commercial_partner_id.filtered("lifecycle_stage_id")
        if not partners:
            return
        date = date or fields.Datetime.now()
        self.env["res.partner"].flush_model(["last_contact_date"])
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner SET last_contact_date = %(date)s
                 WHERE id IN %(ids)s AND (last_contact_date IS NULL OR last_contact_date < %(date)s)
             RETURNING id
                """,
                date=date,
                ids=tuple(partners.ids),
            )
        )
        touched = self.browse([row[0] for row in self.env.cr.fetchall()])
        if not touched:
            return
        touched.invalidate_recordset(["last_contact_date"])
        touched._crm_refresh_schedule(partners=touched)
        # the due follow-up and a warning made stale by the contact are done with
        today = fields.Date.context_today(self)
        touched = touched.sudo()
        touched.filtered(lambda partner: not partner.crm_warned_date)._crm_drop_pool_activities("warning")
        touched.filtered(
            lambda partner: not partner.next_followup_date or partner.next_followup_date > today
        )._crm_drop_pool_activities("followup")

    @api.model
    def _crm_refresh_schedule(self, partners=None, pools=None, ids=None):
        """Recompute ``ownership_deadline``, ``crm_release_rule`` and ``next_followup_date`` in SQL.

        For ``partners``, the owned customers of ``pools``, or the ids ``ids``. A warning
        already given is forgotten when the deadline moves out of the warning window.
        """
        if partners is not None and self.env.context.get("crm_schedule_later"):
            return  # the caller refreshes these partners once it is done (see _crm_set_stage)
        if partners is not None:
            # only the owned customers have a schedule (see crm.pool._schedule_query): the others
            # cost no flush nor UPDATE (a lead converted for a pool customer, one at a time);
            # sudo: the ownership state of customers the caller is moving, read from the cache
            ids = (
                partners.sudo()
                .filtered(
                    lambda partner: (
                        partner.crm_pool_state == "owned"
                        and partner.user_id
                        and partner.lifecycle_stage_id
                        and partner.commercial_partner_id == partner
                    )
                )
                .ids
            )
        if pools is not None:
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM res_partner WHERE crm_pool_id IN %s AND crm_pool_state = 'owned'",
                    tuple(pools.ids) or (0,),
                )
            )
            ids = [row[0] for row in self.env.cr.fetchall()]
        if not ids:
            return
        # what the schedule reads, not every pending write of the transaction (Odoo batches
        # those: flushing them all per converted lead would write them one lead at a time)
        for model, fnames in CRM_SCHEDULE_FIELDS.items():
            self.env[model].flush_model(fnames)
        for start in range(0, len(ids), CRM_CRON_BATCH):
            self._crm_refresh_schedule_batch(ids[start : start + CRM_CRON_BATCH])
        self.invalidate_model(
            [
                "ownership_deadline",
                "crm_release_rule",
                "crm_release_days",
                "next_followup_date",
                "crm_warned_date",
            ]
        )

    @api.model
    def _crm_refresh_schedule_batch(self, ids):
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner p
                   SET ownership_deadline = sched.deadline,
                       crm_release_rule = sched.kept_rule,
                       crm_release_days = sched.kept_days,
                       next_followup_date = sched.followup,
                       crm_warned_date = CASE WHEN sched.rewarn THEN NULL ELSE p.crm_warned_date END
                  FROM (
                        SELECT schedule.*,
                               CASE WHEN schedule.deadline IS NOT NULL THEN schedule.rule END AS kept_rule,
                               CASE WHEN schedule.deadline IS NOT NULL THEN schedule.rule_days END
                                   AS kept_days,
                               (schedule.deadline IS NULL
                                OR schedule.deadline - make_interval(days => schedule.warn_days) > %(now)s
                               ) AS rewarn
                          FROM (%(schedule)s) schedule
                  ) sched
                 WHERE p.id = sched.id
                   -- rows left as they are cost no write (every index of res_partner would be touched)
                   AND (p.ownership_deadline IS DISTINCT FROM sched.deadline
                        OR p.crm_release_rule IS DISTINCT FROM sched.kept_rule
                        OR p.crm_release_days IS DISTINCT FROM sched.kept_days
                        OR p.next_followup_date IS DISTINCT FROM sched.followup
                        OR (p.crm_warned_date IS NOT NULL AND sched.rewarn))
                """,
                now=fields.Datetime.now(),
                schedule=self.env["crm.pool"]._schedule_query(SQL("p.id = ANY(%s)", list(ids))),
            )
        )

    # ------------------------------------------------------------------
    # Crons
    # ------------------------------------------------------------------
    @api.model
    def _cron_crm_release_expired(self, batch_size=CRM_CRON_BATCH):
        """Warn owners before the deadline, then return expired customers to their pools.

        Walks the owned customers by id in batches. Per batch: one statement refreshes the
        schedule, one releases the expired customers and writes their events, one gives the
        warnings. Each batch is committed on its own (outside tests): a rerun after a crash
        re-reads the state and continues, nothing is released twice and no event is lost.
        """
        now = fields.Datetime.now()
        texts = self._crm_release_texts()
        for ids in self._crm_cron_batches(SQL("TRUE"), batch_size, count=True):
            with self.env.cr.savepoint(flush=False):
                self._crm_refresh_schedule_batch(ids)
                self._crm_release_expired_batch(ids, now, texts)
                self._crm_warn_batch(ids, now, texts)
        self.invalidate_model()
        self.env["crm.partner.event"].invalidate_model()
        self.env["mail.activity"].invalidate_model()

    @api.model
    def _crm_cron_batches(self, condition, batch_size, count=False):
        """Yield the ids of the owned followed customers matching ``condition`` (SQL on the
        partner), by id in batches of ``batch_size``. Once the caller has handled a batch, report
        the progress (the remaining count only with ``count``) and commit it (outside tests).
        Each batch is read afresh, so a rerun after a crash continues from the current state."""
        owned = SQL(
            "crm_pool_state = 'owned' AND lifecycle_stage_id IS NOT NULL"
            " AND id = commercial_partner_id AND %s",
            condition,
        )
        self.env.flush_all()
        total = 0
        if count:
            self.env.cr.execute(SQL("SELECT COUNT(*) FROM res_partner WHERE %s", owned))
            total = self.env.cr.fetchone()[0]
        done = last_id = 0
        while True:
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM res_partner WHERE %s AND id > %s ORDER BY id LIMIT %s",
                    owned,
                    last_id,
                    batch_size,
                )
            )
            ids = [row[0] for row in self.env.cr.fetchall()]
            if not ids:
                return
            yield ids
            done += len(ids)
            last_id = ids[-1]
            self.env["ir.cron"]._notify_progress(done=done, remaining=max(total - done, 0))
            self._crm_cron_commit()

    @api.model
    def _crm_cron_commit(self):
        # a batch is done for good: a crash later does not undo it (never inside tests)
        if not tools.config["test_enable"] and not modules.module.current_test:
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _crm_release_texts(self):
        """Translated reasons and warnings, with ``{days}`` and ``{date}`` filled in SQL."""
        return {
            "no_contact": self.env._("No contact for {days} days."),
            "no_opportunity": self.env._("No open opportunity or quotation {days} days after the claim."),
            "no_deal": self.env._("No confirmed order or posted invoice {days} days after the claim."),
            "warning": self.env._("Returns to the pool on {date}, because: {reason}"),
            "warning_summary": self.env._("Returns to the pool on {date}"),
            "followup": self.env._("Follow up"),
        }

    @api.model
    def _crm_reason_sql(self, texts, rule, days):
        return SQL(
            """replace(CASE %(rule)s WHEN 'no_contact' THEN %(no_contact)s
                                     WHEN 'no_opportunity' THEN %(no_opportunity)s
                                     ELSE %(no_deal)s END, '{days}', %(days)s::text)""",
            rule=rule,
            days=days,
            no_contact=texts["no_contact"],
            no_opportunity=texts["no_opportunity"],
            no_deal=texts["no_deal"],
        )

    @api.model
    def _crm_release_expired_batch(self, ids, now, texts):
        """Release the expired customers among ``ids`` and write their events, in one statement."""
        reason = self._crm_reason_sql(texts, SQL("p.crm_release_rule"), SQL("p.crm_release_days"))
        self.env.cr.execute(
            SQL(
                """
                WITH expired AS (
                    SELECT p.id, p.user_id, %(reason)s AS reason
                      FROM res_partner p
                     WHERE p.id = ANY(%(ids)s) AND p.crm_pool_state = 'owned'
                       AND p.ownership_deadline <= %(now)s
                       FOR UPDATE OF p
                ), released AS (
                    UPDATE res_partner p
                       SET user_id = NULL, crm_pool_state = 'pool', previous_owner_id = expired.user_id,
                           crm_released_date = %(now)s, crm_released_by_id = NULL,
                           crm_release_reason = expired.reason, crm_locked = FALSE, owner_since = NULL,
                           ownership_deadline = NULL, crm_release_rule = NULL, crm_release_days = NULL,
                           crm_warned_date = NULL,
                           next_followup_date = NULL, write_date = %(now)s, write_uid = %(uid)s
                      FROM expired
                     WHERE p.id = expired.id
                 RETURNING p.id, p.company_id, p.crm_pool_id, expired.user_id, expired.reason
                ), events AS (
                    INSERT INTO crm_partner_event
                           (partner_id, event_type, date, user_id, from_user_id, to_stage_id, reason, trigger,
                            company_id, pool_id, create_uid, write_uid, create_date, write_date)
                    SELECT released.id, 'release', %(now)s, %(uid)s, released.user_id, NULL, released.reason,
                           'timeout', COALESCE(released.company_id, %(company)s), released.crm_pool_id,
                           %(uid)s, %(uid)s, %(now)s, %(now)s
                      FROM released
                )
                DELETE FROM mail_activity activity
                 USING released
                 WHERE activity.res_model = 'res.partner' AND activity.res_id = released.id
                   AND activity.activity_type_id IN %(types)s
                """,
                reason=reason,
                ids=list(ids),
                now=now,
                uid=self.env.uid,
                company=self.env.company.id,
                types=tuple(self._crm_pool_activity_types().ids) or (0,),
            )
        )

    @api.model
    def _crm_warn_batch(self, ids, now, texts):
        """Give owners one activity (and the timeline a warning event) per cycle for the customers
        of ``ids`` about to return to the pool."""
        warning_type = self.env.ref("crm_lifecycle.mail_activity_type_crm_release_warning")
        date_text = SQL("to_char(p.ownership_deadline, 'YYYY-MM-DD')")
        reason = self._crm_reason_sql(texts, SQL("p.crm_release_rule"), SQL("p.crm_release_days"))
        self.env.cr.execute(
            SQL(
                """
                WITH warned AS (
                    UPDATE res_partner p
                       SET crm_warned_date = %(now)s
                      FROM crm_pool pool
                     WHERE p.id = ANY(%(ids)s) AND pool.id = p.crm_pool_id AND p.crm_pool_state = 'owned'
                       AND p.ownership_deadline IS NOT NULL AND p.ownership_deadline > %(now)s
                       AND p.ownership_deadline - make_interval(days => pool.warn_days) <= %(now)s
                       AND pool.warn_days > 0
                       AND (p.crm_warned_date IS NULL OR p.crm_warned_date < p.owner_since)
                 RETURNING p.id, p.name, p.user_id, p.ownership_deadline, p.company_id, p.crm_pool_id,
                           replace(%(summary)s, '{date}', %(date_text)s) AS summary,
                           replace(replace(%(note)s, '{date}', %(date_text)s), '{reason}', %(reason)s) AS note
                ), events AS (
                    INSERT INTO crm_partner_event
                           (partner_id, event_type, date, user_id, from_user_id, reason, trigger,
                            company_id, pool_id, create_uid, write_uid, create_date, write_date)
                    SELECT warned.id, 'warning', %(now)s, %(uid)s, warned.user_id, warned.note, 'timeout',
                           COALESCE(warned.company_id, %(company)s), warned.crm_pool_id,
                           %(uid)s, %(uid)s, %(now)s, %(now)s
                      FROM warned
                )
                INSERT INTO mail_activity
                       (res_model_id, res_model, res_id, res_name, activity_type_id, summary, note,
                        date_deadline, automated, user_id, user_tz, active,
                        create_uid, write_uid, create_date, write_date)
                SELECT %(model_id)s, 'res.partner', warned.id, warned.name, %(type)s, warned.summary,
                       '<p>' || warned.note || '</p>', warned.ownership_deadline::date, TRUE, warned.user_id,
                       owner_partner.tz, TRUE, %(uid)s, %(uid)s, %(now)s, %(now)s
                  FROM warned
                  JOIN res_users owner ON owner.id = warned.user_id
                  JOIN res_partner owner_partner ON owner_partner.id = owner.partner_id
                """,
                now=now,
                ids=list(ids),
                summary=texts["warning_summary"],
                note=texts["warning"],
                date_text=date_text,
                reason=reason,
                model_id=self.env["ir.model"]._get_id("res.partner"),
                type=warning_type.id,
                uid=self.env.uid,
                company=self.env.company.id,
            )
        )

    @api.model
    def _cron_crm_followup_reminders(self, batch_size=CRM_CRON_BATCH):
        """Give each owner one "Follow up" activity for the customers due today or overdue.

        Never duplicated: a customer with an open follow-up activity gets none. Batched by id,
        one statement per batch, committed per batch outside tests.
        """
        followup_type = self.env.ref("crm_lifecycle.mail_activity_type_crm_followup")
        today = fields.Date.context_today(self)
        now = fields.Datetime.now()
        summary = self._crm_release_texts()["followup"]
        due = SQL("user_id IS NOT NULL AND next_followup_date <= %s", today)
        for ids in self._crm_cron_batches(due, batch_size):
            self.env.cr.execute(
                SQL(
                    """
                    INSERT INTO mail_activity
                           (res_model_id, res_model, res_id, res_name, activity_type_id, summary,
                            date_deadline, automated, user_id, user_tz, active,
                            create_uid, write_uid, create_date, write_date)
                    SELECT %(model_id)s, 'res.partner', p.id, p.name, %(type)s, %(summary)s,
                           p.next_followup_date, TRUE, p.user_id, owner_partner.tz, TRUE,
                           %(uid)s, %(uid)s, %(now)s, %(now)s
                      FROM res_partner p
                      JOIN res_users owner ON owner.id = p.user_id
                      JOIN res_partner owner_partner ON owner_partner.id = owner.partner_id
                     WHERE p.id = ANY(%(ids)s)
                       AND NOT EXISTS (
                               SELECT 1 FROM mail_activity open_activity
                                WHERE open_activity.res_model = 'res.partner' AND open_activity.res_id = p.id
                                  AND open_activity.activity_type_id = %(type)s AND open_activity.active
                           )
                    """,
                    model_id=self.env["ir.model"]._get_id("res.partner"),
                    type=followup_type.id,
                    summary=summary,
                    ids=ids,
                    uid=self.env.uid,
                    now=now,
                )
            )
        self.env["mail.activity"].invalidate_model()
