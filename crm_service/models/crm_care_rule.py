# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import safe_eval

from odoo.addons.crm_value.models.crm_value_score import ABC_CLASSES

from .crm_complaint import SERVICE_MODELS

CARE_TRIGGERS = [
    ("first_deal", "After the First Deal"),
    ("anniversary", "Anniversary of the First Deal"),
    ("periodic", "Periodic"),
    ("dormant", "Dormant Customer"),
    ("at_risk", "Customer at Risk"),
    ("complaint_closed", "After a Complaint Closed"),
    ("birthday", "Birthday of a Contact"),
]
CARE_ACTIONS = [
    ("activity", "Activity"),
    ("mail_template", "E-mail Template"),
    ("activity_plan", "Activity Plan"),
]
CARE_RESPONSIBLES = [
    ("owner", "Salesperson (Owner)"),
    ("service_rep", "Service Representative"),
]
#: triggers whose ``days`` counts from their date (the others do not use it)
TRIGGERS_WITH_DAYS = ("first_deal", "periodic", "complaint_closed")


class CrmCareRule(models.Model):
    """When a customer gets a care action, and which one.

    The daily cron (``_cron_care``, in crm_care_engine.py) selects, per rule, the customers whose
    trigger date fell in the last ``catch_up_days`` days and records one ``crm.care.event`` per
    (rule, customer, period key), then applies the action."""

    _name = "crm.care.rule"
    _description = "Customer Care Rule"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(
        default=10, help="Rules run in this order; with a quiet period, the first wins."
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    # --- who
    partner_domain = fields.Char(
        string="Customers",
        default="[]",
        help="Only the customers (commercial partners) matching this filter.",
    )
    abc_class = fields.Selection(
        ABC_CLASSES,
        string="Value Class",
        help="Only customers of this value class in the company's value scores. Empty: every class.",
    )
    service_model = fields.Selection(
        SERVICE_MODELS, help="Only customers served this way. Empty: both service models."
    )
    lifecycle_stage_id = fields.Many2one(
        "crm.lifecycle.stage",
        help="Only customers in this stage. Empty: every stage (customers outside the CRM flow never).",
    )
    # --- when
    trigger = fields.Selection(CARE_TRIGGERS, required=True, default="anniversary")
    days = fields.Integer(
        default=30,
        help="After the first deal / after a complaint closed: days after that date. "
        "Periodic: every so many days (each customer on its own day of the cycle).",
    )
    churn_rule_prefix = fields.Char(
        string="Churn Reason Starts With",
        help="Customer at risk: only those whose churn rule starts with this text "
        "(e.g. service_ for the service signals). Empty: any reason.",
    )
    catch_up_days = fields.Integer(
        default=7,
        help="A trigger date up to so many days past still gets its care (the cron did not run, "
        "the customer was in a quiet period or had an open complaint). Older dates are left out, "
        "so a new rule does not fire for every past date at once.",
    )
    quiet_days = fields.Integer(
        string="Quiet Period (Days)",
        default=14,
        help="No care from this rule for a customer who had any care event (of any rule) in the "
        "last so many days. 0: no quiet period.",
    )
    # --- what
    action = fields.Selection(CARE_ACTIONS, required=True, default="activity")
    responsible = fields.Selection(
        CARE_RESPONSIBLES,
        default="owner",
        required=True,
        help="Who does the care: the customer's salesperson or service representative (the other "
        "one when empty, then the default below).",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Default Responsible",
        domain="[('share', '=', False)]",
        help="Gets the care of customers with neither a salesperson nor a service representative.",
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        default=lambda self: self.env.ref("mail.mail_activity_data_call", raise_if_not_found=False),
        domain="[('res_model', 'in', (False, 'res.partner'))]",
    )
    summary = fields.Char(translate=True, help="Title of the activity. Empty: the rule's name.")
    script_id = fields.Many2one(
        "crm.talk.script",
        string="Talk Script",
        check_company=True,
        help="What to say: the script's text goes into the activity.",
    )
    note = fields.Html(translate=True, help="Added to the activity after the script.")
    deadline_days = fields.Integer(
        string="Due After (Days)", default=3, help="Activity deadline after the event."
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail Template",
        domain="[('model', '=', 'res.partner')]",
        help="Sent to the customer (or the contact whose birthday it is) through the mail queue.",
    )
    activity_plan_id = fields.Many2one(
        "mail.activity.plan",
        domain="[('res_model', '=', 'res.partner')]",
        check_company=True,
        help="Launched on the customer; its steps' deadlines count from the event's date.",
    )
    event_ids = fields.One2many("crm.care.event", "rule_id", string="Events")
    event_count = fields.Integer(compute="_compute_event_count", string="Events ")
    preview_count = fields.Integer(
        string="Due Today",
        compute="_compute_preview_count",
        help="Customers the next run would give an event (quiet period and open complaints applied).",
    )

    _sql_constraints = [
        (
            "days_positive",
            "CHECK(days >= 0 AND catch_up_days >= 0 AND quiet_days >= 0)",
            "Days are 0 or more.",
        ),
    ]

    @api.constrains("trigger", "days", "action", "mail_template_id", "activity_plan_id", "partner_domain")
    def _check_rule(self):
        for rule in self:
            if rule.trigger == "periodic" and rule.days < 1:
                raise ValidationError(
                    self.env._(
                        "Care rule %(rule)s: a periodic rule needs a period of 1 day or more.", rule=rule.name
                    )
                )
            if rule.action == "mail_template" and not rule.mail_template_id:
                raise ValidationError(
                    self.env._("Care rule %(rule)s: choose the e-mail template to send.", rule=rule.name)
                )
            if rule.action == "activity_plan" and not rule.activity_plan_id:
                raise ValidationError(
                    self.env._("Care rule %(rule)s: choose the activity plan to launch.", rule=rule.name)
                )
            try:
                domain = safe_eval(rule.partner_domain or "[]")
                self.env["res.partner"]._search(domain)
            except Exception as error:
                raise ValidationError(
                    self.env._(
                        "Care rule %(rule)s: the customer filter is not valid (%(error)s); "
                        "edit it with the filter editor.",
                        rule=rule.name,
                        error=error,
                    )
                ) from error

    def _compute_event_count(self):
        counts = dict(
            self.env["crm.care.event"]._read_group([("rule_id", "in", self.ids)], ["rule_id"], ["__count"])
        )
        for rule in self:
            rule.event_count = counts.get(rule, 0)

    def _compute_preview_count(self):
        today = fields.Date.context_today(self)
        for rule in self:
            rule.preview_count = rule._crm_care_count_due(today) if rule.id and rule.active else 0

    def action_view_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_service.crm_care_event_action")
        action["domain"] = [("rule_id", "=", self.id)]
        action["context"] = {"default_rule_id": self.id}
        return action

    def action_run_now(self):
        """Run the rule today (the same as the daily cron, for this rule only). Managers only."""
        self.check_access("write")
        if not self.env.user.has_group("crm_service.group_crm_service_manager"):
            raise ValidationError(self.env._("Only a service manager may run a care rule."))
        # the cron's work: events and their actions for the rule's customers, beyond the
        # manager's record rules (the manager may edit the rule, checked above)
        created = self.sudo()._crm_care_run(fields.Date.context_today(self))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("%(count)s care events created.", count=created),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
