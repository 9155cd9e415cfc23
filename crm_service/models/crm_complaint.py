import re
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import email_normalize

from odoo.addons.crm_lifecycle.models.crm_internal import is_marked, marked

from .crm_complaint_stage import DONE_STATES

CASE_TYPES = [
    ("request", "Service Request"),
    ("complaint", "Complaint"),
]
CHANNELS = [
    ("email", "E-mail"),
    ("phone", "Phone"),
    ("portal", "Portal"),
    ("visit", "Visit"),
    ("other", "Other"),
]
SEVERITIES = [
    ("1", "Low"),
    ("2", "Medium"),
    ("3", "High"),
    ("4", "Critical"),
]
SERVICE_MODELS = [
    ("tiered", "Tiered"),
    ("dedicated", "Dedicated"),
]


# the bookkeeping of a case: stamped by the stage changes and the actions (Escalate, Reopen), never
# written by hand; the mark below lets the addon's own writes through
CASE_BOOKKEEPING_FIELDS = (
    "first_response_date",
    "resolved_date",
    "closed_date",
    "reopen_count",
    "escalation_level",
)
BOOKKEEPING_WRITE = "crm_service.bookkeeping_write"
# the references in an e-mail subject: "Re: [CASE-2026-00012] Broken parcel"
SUBJECT_REFERENCE = re.compile(r"\[([^\[\]\s]{3,64})\]")
# the cases whose automatic messages (acknowledgement) are being posted: no first response
AUTOMATIC_POST = "crm_service.automatic_post"


class CrmComplaint(models.Model):
    """A customer's case: a service request or a complaint, from intake to closing."""

    _name = "crm.complaint"
    _description = "Customer Case"
    _inherit = [
        "portal.mixin",
        "mail.thread.cc",
        "mail.activity.mixin",
        "rating.mixin",
        "utm.mixin",
    ]
    _order = "priority_sort desc, id desc"
    _check_company_auto = True
    _mailing_enabled = True
    # who may read a case may write in its thread: the customer in the portal, a salesperson
    _mail_post_access = "read"
    _primary_email = "email_from"

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, index="trigram", default="/"
    )
    subject = fields.Char(required=True, tracking=True)
    case_type = fields.Selection(CASE_TYPES, required=True, default="request", string="Type", tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", index=True, tracking=True, check_company=True
    )
    commercial_partner_id = fields.Many2one(
        "res.partner",
        string="Customer Company",
        compute="_compute_commercial_partner_id",
        store=True,
        index=True,
    )
    email_from = fields.Char(string="E-mail", compute="_compute_email_from", store=True, readonly=False)
    channel = fields.Selection(CHANNELS, required=True, default="phone", tracking=True)
    category_id = fields.Many2one("crm.complaint.category", index=True, tracking=True, check_company=True)
    severity = fields.Selection(
        SEVERITIES,
        required=True,
        compute="_compute_severity",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
    )
    priority_sort = fields.Integer(compute="_compute_priority_sort", store=True)
    product_id = fields.Many2one("product.product", check_company=True)
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Sales Order",
        check_company=True,
        domain="[('partner_id', 'child_of', commercial_partner_id)]",
    )
    invoice_id = fields.Many2one(
        "account.move",
        check_company=True,
        domain="[('move_type', 'in', ('out_invoice', 'out_refund')),"
        " ('partner_id', 'child_of', commercial_partner_id)]",
    )
    description = fields.Html()
    team_id = fields.Many2one(
        "crm.service.team",
        index=True,
        tracking=True,
        check_company=True,
        compute="_compute_team_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Assigned To",
        index=True,
        tracking=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
    )
    tier_level = fields.Selection(
        [("1", "Tier 1"), ("2", "Tier 2")],
        compute="_compute_tier_level",
        store=True,
        readonly=False,
        string="Tier",
    )
    service_model = fields.Selection(
        SERVICE_MODELS,
        compute="_compute_service_model",
        store=True,
        readonly=False,
        precompute=True,
        help="How the customer is served, copied from the customer when the case is created.",
    )
    escalation_level = fields.Integer(readonly=True, copy=False, default=0)
    stage_id = fields.Many2one(
        "crm.complaint.stage",
        index=True,
        tracking=True,
        copy=False,
        ondelete="restrict",
        group_expand="_read_group_expand_stage_ids",
        default=lambda self: self._default_stage_id(),
    )
    state = fields.Selection(related="stage_id.state", store=True, index=True)
    kanban_state = fields.Selection(
        [("normal", "In Progress"), ("done", "Ready"), ("blocked", "Blocked")], default="normal"
    )
    first_response_date = fields.Datetime(readonly=True, copy=False)
    resolved_date = fields.Datetime(readonly=True, copy=False)
    closed_date = fields.Datetime(readonly=True, copy=False)
    reopen_count = fields.Integer(readonly=True, copy=False, default=0)
    root_cause_id = fields.Many2one("crm.complaint.root.cause", index=True, tracking=True, check_company=True)
    resolution = fields.Html(help="The answer given to the customer; shown in the portal.")
    action_ids = fields.One2many("crm.complaint.action", "complaint_id", string="Actions")
    action_open_count = fields.Integer(compute="_compute_action_open_count", string="Open Actions")
    color = fields.Integer()

    # ------------------------------------------------------------------ computes and constraints

    @api.depends("partner_id", "partner_id.commercial_partner_id")
    def _compute_commercial_partner_id(self):
        for case in self:
            case.commercial_partner_id = case.partner_id.commercial_partner_id

    @api.depends("partner_id.email")
    def _compute_email_from(self):
        for case in self:
            if case.partner_id.email:
                case.email_from = case.partner_id.email

    @api.depends("category_id")
    def _compute_severity(self):
        for case in self:
            default = case.category_id._crm_default_severity() if case.category_id else False
            if default and not case.id:
                case.severity = default
            elif not case.severity:
                case.severity = default or "2"

    @api.depends("category_id", "partner_id")
    def _compute_team_id(self):
        # a default while the case is typed or created: a written team stays as it is
        for case in self.filtered(lambda case: not case.id or not case.team_id):
            team = case.partner_id.commercial_partner_id.service_team_id
            if not team and case.category_id:
                team = case.category_id._crm_default_team()
            if team and team.company_id == case.company_id:
                case.team_id = team

    @api.depends("partner_id")
    def _compute_service_model(self):
        for case in self.filtered(lambda case: not case.id or not case.service_model):
            case.service_model = case.partner_id.commercial_partner_id.service_model or "tiered"

    @api.depends("severity")
    def _compute_priority_sort(self):
        for case in self:
            case.priority_sort = int(case.severity or 0)

    @api.depends("team_id.tier")
    def _compute_tier_level(self):
        for case in self:
            case.tier_level = case.team_id.tier or case.tier_level or "1"

    @api.depends("action_ids.done_date")
    def _compute_action_open_count(self):
        for case in self:
            case.action_open_count = len(case.action_ids.filtered(lambda action: not action.done_date))

    @api.depends("name", "subject")
    def _compute_display_name(self):
        for case in self:
            case.display_name = f"[{case.name}] {case.subject}" if case.subject else case.name

    @api.constrains("stage_id", "root_cause_id", "case_type")
    def _check_close_complaint(self):
        for case in self.filtered(lambda case: case.case_type == "complaint" and case.state == "closed"):
            if not case.root_cause_id:
                raise ValidationError(
                    self.env._(
                        "The complaint %(case)s cannot be closed without a root cause: set its Root Cause "
                        "first.",
                        case=case.display_name,
                    )
                )
            open_actions = case.action_ids.filtered(lambda action: not action.done_date)
            if open_actions:
                raise ValidationError(
                    self.env._(
                        "The complaint %(case)s cannot be closed while actions are not done: %(actions)s. "
                        "Set their Done On date first.",
                        case=case.display_name,
                        actions=", ".join(open_actions.mapped("name")),
                    )
                )

    @api.model
    def _default_stage_id(self):
        return self.env["crm.complaint.stage"].search([("state", "=", "new")], limit=1)

    @api.model
    def _read_group_expand_stage_ids(self, stages, domain):
        # the stages in use and every unfolded stage, as columns of the kanban
        return stages.search(["|", ("id", "in", stages.ids), ("fold", "=", False)], order=stages._order)

    # ------------------------------------------------------------------ CRUD

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [dict(vals) for vals in vals_list]
        for vals in vals_list:
            self._crm_check_bookkeeping(vals)
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = self._crm_next_reference(company)
        cases = super().create(vals_list)
        cases.filtered(lambda case: not case.user_id)._crm_assign()
        cases._crm_stamp_stage_dates({case.id: False for case in cases})
        return cases

    def write(self, vals):
        self._crm_check_bookkeeping(vals)
        previous_states = {case.id: case.state for case in self} if "stage_id" in vals else None
        result = super().write(vals)
        if previous_states is not None:
            self._crm_stamp_stage_dates(previous_states)
            self._crm_send_rating_requests(previous_states)
        return result

    def _crm_send_rating_requests(self, previous_states):
        """The cases that just entered a stage with a rating request, and that their customer did
        not rate yet, ask the customer to rate the service (Odoo's rating e-mail with its
        smileys, through the mail queue, in the customer's language)."""
        for case in self:
            template = case.stage_id.rating_template_id
            if (
                template
                and case.partner_id
                and previous_states[case.id] != case.state
                and not case.rating_last_value
            ):
                case.rating_send_request(template, lang=case.partner_id.lang, force_send=False)

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        for vals in vals_list:
            vals["name"] = "/"
        return vals_list

    def _track_template(self, changes):
        res = super()._track_template(changes)
        case = self[0]
        if "stage_id" in changes and case.stage_id.template_id:
            res["stage_id"] = (
                case.stage_id.template_id,
                {
                    "auto_delete_keep_log": False,
                    "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
                    "email_layout_xmlid": "mail.mail_notification_light",
                },
            )
        return res

    def _compute_access_url(self):  # pylint: disable=missing-return
        super()._compute_access_url()
        for case in self:
            case.access_url = f"/my/complaints/{case.id}"

    def _message_post_after_hook(self, message, msg_values):
        # the first public answer of an internal user (not a note, not the acknowledgement) is the
        # first response
        if (
            not is_marked(self, AUTOMATIC_POST)
            and msg_values.get("message_type") in ("comment", "email")
            and msg_values.get("subtype_id") == self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        ):
            author = (
                self.env["res.users"]
                .sudo()
                .search(  # reading who wrote: no data disclosed
                    [("partner_id", "=", msg_values.get("author_id")), ("share", "=", False)], limit=1
                )
            )
            waiting = self.filtered(lambda case: not case.first_response_date)
            if author and waiting:
                waiting._crm_write_bookkeeping({"first_response_date": fields.Datetime.now()})
        return super()._message_post_after_hook(message, msg_values)

    def rating_apply(
        self, rate, token=None, rating=None, feedback=None, subtype_xmlid=None, notify_delay_send=False
    ):
        """The customer's first rating of a case counts: a second submission (the link of the
        e-mail clicked again) changes nothing."""
        if token and not rating:
            rating = self.env["rating.rating"].search([("access_token", "=", token)], limit=1)
        if rating and rating.consumed:
            return rating
        return super().rating_apply(
            rate,
            token=token,
            rating=rating,
            feedback=feedback,
            subtype_xmlid=subtype_xmlid,
            notify_delay_send=notify_delay_send,
        )

    # ------------------------------------------------------------------ mail gateway

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A case from an e-mail to a team's alias; a reply whose headers were lost (but whose
        subject keeps the reference) goes to its case."""
        values = dict(custom_values or {})
        email_from = msg_dict.get("email_from") or ""
        company = self.env["res.company"].browse(values.get("company_id")) or self.env.company
        case = self._crm_case_of_subject(msg_dict.get("subject") or "", email_from, company)
        if case:
            case.message_update(msg_dict)
            return case
        partner = self.env["res.partner"].browse(msg_dict.get("author_id")).exists()
        if not partner and email_from:
            partner = self._mail_find_partner_from_emails([email_from], force_create=True)[0]
        values.update(
            {
                "name": "/",
                "subject": msg_dict.get("subject") or self.env._("(no subject)"),
                "description": msg_dict.get("body"),
                "partner_id": partner.id,
                "email_from": email_from,
                "channel": "email",
                "company_id": company.id,
            }
        )
        case = super(CrmComplaint, self.with_company(company)).message_new(msg_dict, custom_values=values)
        if partner:
            case.message_subscribe(partner_ids=partner.ids)
        case._crm_send_acknowledgement()
        return case

    @api.model
    def _crm_case_of_subject(self, subject, email_from, company):
        """The case whose reference the subject holds, when the sender is its customer (one of its
        e-mail, the customer's contacts or a follower): anyone else starts a new case."""
        references = SUBJECT_REFERENCE.findall(subject)
        if not references:
            return self.browse()
        cases = self.search([("name", "in", references), ("company_id", "=", company.id)], limit=1)
        sender = email_normalize(email_from)
        if not cases or not sender:
            return self.browse()
        known = {
            email_normalize(email)
            for email in (
                cases.email_from,
                *cases.commercial_partner_id.child_ids.mapped("email"),
                cases.commercial_partner_id.email,
                *cases.message_partner_ids.mapped("email"),
            )
            if email
        }
        return cases if sender in known else self.browse()

    def _crm_send_acknowledgement(self):
        """Tell the customers their case's reference (the template of the acknowledgement)."""
        template = self.env.ref("crm_service.mail_template_crm_complaint_ack", raise_if_not_found=False)
        cases = self.filtered("partner_id")
        if not template or not cases:
            return
        with marked(cases, AUTOMATIC_POST):
            for case in cases:
                case.message_post_with_source(
                    template,
                    subtype_xmlid="mail.mt_comment",
                    email_layout_xmlid="mail.mail_notification_light",
                )

    # ------------------------------------------------------------------ actions

    def action_take(self):
        """The agent takes the cases: they become theirs and leave the New stage."""
        open_stage = self._crm_stage_of_state("open")
        for case in self:
            vals = {"user_id": self.env.uid}
            if case.state == "new" and open_stage:
                vals["stage_id"] = open_stage.id
            case.write(vals)
        return True

    def action_raise_to_complaint(self):
        """A service request becomes a complaint: same thread, same reference, same clock."""
        requests = self.filtered(lambda case: case.case_type == "request")
        if not requests:
            raise UserError(self.env._("Only a service request can be raised to a complaint."))
        requests.write({"case_type": "complaint"})
        for case in requests:
            case.message_post(
                body=self.env._("%(user)s raised this request to a complaint.", user=self.env.user.name),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_escalate_technical(self):
        """Send the cases to the technical team (tier 2): the escalation team of their team, else
        the first tier-2 team of their company. Cases are moved team by team."""
        first_tier2 = self._crm_first_team_by_company("2")
        moves = defaultdict(lambda: self.browse())
        for case in self:
            target = case.team_id.escalation_team_id or first_tier2.get(case.company_id.id)
            if not target or target == case.team_id:
                raise UserError(
                    self.env._(
                        "The case %(case)s has no technical team to escalate to: set an Escalation Team "
                        "on the team %(team)s, or create a tier-2 team.",
                        case=case.display_name,
                        team=case.team_id.display_name or "-",
                    )
                )
            moves[case.team_id, target] |= case
        for (previous, target), cases in moves.items():
            cases.write({"team_id": target.id, "tier_level": target.tier, "user_id": False})
            for level, same_level in cases.grouped("escalation_level").items():
                same_level._crm_write_bookkeeping({"escalation_level": level + 1})
            cases._crm_assign()
            body = self.env._(
                "%(user)s escalated this case from %(from_team)s to %(to_team)s.",
                user=self.env.user.name,
                from_team=previous.display_name or "-",
                to_team=target.display_name,
            )
            for case in cases:
                case.message_post(body=body, subtype_xmlid="mail.mt_note")
        return True

    def action_reopen(self):
        """Reopen resolved or closed cases: they go back to work, their reopen count grows."""
        stage = self._crm_stage_of_state("open")
        done = self.filtered(lambda case: case.state in ("resolved", "closed"))
        if not done:
            raise UserError(self.env._("Only a resolved or closed case can be reopened."))
        done.write({"stage_id": stage.id})
        return True

    def action_ask_expert(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Ask an Expert"),
            "res_model": "crm.complaint.ask.expert",
            "view_mode": "form",
            "target": "new",
            "context": {"default_complaint_id": self.id},
        }

    def action_resolve(self):
        stage = self._crm_stage_of_state("resolved")
        self.write({"stage_id": stage.id})
        return True

    # ------------------------------------------------------------------ helpers

    def _crm_check_bookkeeping(self, vals):
        """Refuse a user's write of the bookkeeping: stages and actions keep it."""
        if self.env.su or is_marked(self, BOOKKEEPING_WRITE):
            return
        written = [name for name in CASE_BOOKKEEPING_FIELDS if name in vals]
        if written:
            raise AccessError(
                self.env._(
                    "%(fields)s of a case are kept by its stages and actions (Escalate, Reopen, the first "
                    "reply); they cannot be written by hand.",
                    fields=", ".join(self._fields[name]._description_string(self.env) for name in written),
                )
            )

    def _crm_write_bookkeeping(self, vals):
        """Write bookkeeping fields (the addon's own writes; the user's rights still apply)."""
        if not self:
            return
        with marked(self, BOOKKEEPING_WRITE):
            self.write(vals)

    def _crm_stamp_stage_dates(self, previous_states):
        """Stamp the resolved and closed dates, and count reopenings, after a stage change."""
        now = fields.Datetime.now()
        resolved = self.filtered(lambda case: case.state == "resolved" and not case.resolved_date)
        resolved._crm_write_bookkeeping({"resolved_date": now})
        closed = self.filtered(lambda case: case.state == "closed" and previous_states[case.id] != "closed")
        closed.filtered(lambda case: not case.resolved_date)._crm_write_bookkeeping({"resolved_date": now})
        closed._crm_write_bookkeeping({"closed_date": now})
        reopened = self.filtered(
            lambda case: previous_states[case.id] in ("resolved", "closed") and case.state not in DONE_STATES
        )
        by_count = defaultdict(lambda: self.browse())
        for case in reopened:
            by_count[case.reopen_count] |= case
        for count, cases in by_count.items():
            cases._crm_write_bookkeeping(
                {"reopen_count": count + 1, "resolved_date": False, "closed_date": False}
            )
        for case in reopened:
            case.message_post(
                body=self.env._("%(user)s reopened this case.", user=self.env.user.name),
                subtype_xmlid="mail.mt_note",
            )

    def _crm_stage_of_state(self, state):
        stage = self.env["crm.complaint.stage"].search([("state", "=", state)], limit=1)
        if not stage:
            raise UserError(
                self.env._(
                    "No stage of the state %(state)s exists: create one in Customer Service > "
                    "Configuration > Stages.",
                    state=dict(
                        self.env["crm.complaint.stage"]._fields["state"]._description_selection(self.env)
                    )[state],
                )
            )
        return stage

    @api.model
    def _crm_next_reference(self, company):
        sequence = self.env["ir.sequence"].sudo()  # references only: the sequences of the cases
        company_sequence = sequence.search(
            [("code", "=", "crm.complaint"), ("company_id", "=", company.id)], limit=1
        )
        if not company_sequence:
            template = sequence.env.ref("crm_service.seq_crm_complaint", raise_if_not_found=False)
            if template:
                company_sequence = template.copy({"company_id": company.id, "number_next": 1})
            else:
                company_sequence = sequence.create(
                    {
                        "name": "Customer Case",
                        "code": "crm.complaint",
                        "prefix": "CASE-%(year)s-",
                        "padding": 5,
                        "company_id": company.id,
                    }
                )
        return company_sequence.next_by_id()

    def _crm_assign(self):
        """Give each case without an assignee its owner: the dedicated representative of the
        customer (or the backup), else a member of its team by the team's method."""
        to_team = self.browse()
        unavailable = self._crm_unavailable_users(
            self.commercial_partner_id.service_rep_id | self.commercial_partner_id.service_rep_backup_id
        )
        by_user = defaultdict(lambda: self.browse())
        desks = None
        for case in self:
            customer = case.commercial_partner_id
            if case.service_model != "dedicated" or case.tier_level == "2":
                to_team |= case
                continue
            released = "crm_pool_state" in customer._fields and customer.crm_pool_state == "pool"
            rep, backup = customer.service_rep_id, customer.service_rep_backup_id
            if rep and rep not in unavailable and not released:
                by_user[rep] |= case
            elif backup and backup not in unavailable and not released:
                by_user[backup] |= case
                case._crm_tell_managers(
                    self.env._(
                        "%(rep)s, the representative of %(customer)s, is away: the backup %(backup)s takes "
                        "this case.",
                        rep=rep.name or "-",
                        customer=customer.display_name,
                        backup=backup.name,
                    )
                )
            else:
                if released:
                    reason = self.env._(
                        "%(customer)s was released to the pool", customer=customer.display_name
                    )
                elif rep:
                    reason = self.env._(
                        "%(rep)s, the representative of %(customer)s, is away or archived",
                        rep=rep.name,
                        customer=customer.display_name,
                    )
                else:
                    reason = self.env._("%(customer)s has no representative", customer=customer.display_name)
                if desks is None:
                    desks = self._crm_first_team_by_company("1")
                desk = case._crm_desk_team(desks)
                if desk and desk != case.team_id:
                    case.team_id = desk
                case._crm_tell_managers(
                    self.env._("%(reason)s: the case goes to the service desk.", reason=reason)
                )
                to_team |= case
        for user, cases in by_user.items():
            cases.user_id = user
        for team, cases in to_team.grouped("team_id").items():
            if team:
                team._crm_assign_cases(cases)

    def _crm_desk_team(self, desks=None):
        """The service desk (tier 1) of the case: its team, the customer's, else the company's first.
        ``desks``: the company's first desks by company id, when the caller has them already."""
        self.ensure_one()
        if self.team_id.tier == "1":
            return self.team_id
        team = self.commercial_partner_id.service_team_id
        if team.tier == "1" and team.company_id == self.company_id:
            return team
        desks = self._crm_first_team_by_company("1") if desks is None else desks
        return desks.get(self.company_id.id, self.env["crm.service.team"])

    def _crm_first_team_by_company(self, tier):
        """The first team of ``tier`` of each company of the cases (one query)."""
        teams = self.env["crm.service.team"].search(
            [("tier", "=", tier), ("company_id", "in", self.company_id.ids)], order="company_id, sequence, id"
        )
        first = {}
        for team in teams:
            first.setdefault(team.company_id.id, team)
        return first

    def _crm_tell_managers(self, message):
        """A note on the case for the service managers, and an activity for the team leader."""
        self.ensure_one()
        self.message_post(body=message, subtype_xmlid="mail.mt_note")
        leader = self.team_id.leader_id
        if leader:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Case rerouted"),
                note=message,
                user_id=leader.id,
            )

    @api.model
    def _crm_unavailable_users(self, users):
        """The users among ``users`` who are archived or on leave now (one query)."""
        users = users.with_context(active_test=False)
        unavailable = users.filtered(lambda user: not user.active)
        available = users - unavailable
        if available:
            now = fields.Datetime.now()
            # reading leave periods only, to route cases: no detail of the leave is shown
            leaves = (
                self.env["resource.calendar.leaves"]
                .sudo()
                .search(
                    [
                        ("resource_id.user_id", "in", available.ids),
                        ("date_from", "<=", now),
                        ("date_to", ">=", now),
                    ]
                )
            )
            unavailable |= leaves.resource_id.user_id
        return unavailable
