from odoo import api, fields, models

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
    severity = fields.Selection(SEVERITIES, required=True, default="2", tracking=True)
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
    team_id = fields.Many2one("crm.service.team", index=True, tracking=True, check_company=True)
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
    color = fields.Integer()

    @api.depends("partner_id", "partner_id.commercial_partner_id")
    def _compute_commercial_partner_id(self):
        for case in self:
            case.commercial_partner_id = case.partner_id.commercial_partner_id

    @api.depends("partner_id.email")
    def _compute_email_from(self):
        for case in self:
            if case.partner_id.email:
                case.email_from = case.partner_id.email

    @api.depends("severity")
    def _compute_priority_sort(self):
        for case in self:
            case.priority_sort = int(case.severity or 0)

    @api.depends("team_id.tier")
    def _compute_tier_level(self):
        for case in self:
            case.tier_level = case.team_id.tier or case.tier_level or "1"

    @api.model
    def _default_stage_id(self):
        return self.env["crm.complaint.stage"].search([("state", "=", "new")], limit=1)

    @api.model
    def _read_group_expand_stage_ids(self, stages, domain):
        # the stages in use and every unfolded stage, as columns of the kanban
        return stages.search(["|", ("id", "in", stages.ids), ("fold", "=", False)], order=stages._order)
