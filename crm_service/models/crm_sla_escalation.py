# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

ESCALATION_TRIGGERS = [
    ("at_risk", "At Risk"),
    ("breach", "At Breach"),
    ("after_breach", "Hours after Breach"),
]
ESCALATION_RECIPIENTS = [
    ("assignee", "Assignee"),
    ("team_leader", "Team Leader"),
    ("escalation_team", "Escalation Team Leader"),
    ("service_manager", "Service Manager"),
    ("customer_owner", "Customer's Owner"),
]


class CrmSlaEscalation(models.Model):
    """One step of a policy's escalation chain, fired once per SLA line by the SLA cron."""

    _name = "crm.sla.escalation"
    _description = "SLA Escalation Step"
    _order = "policy_id, sequence, id"

    policy_id = fields.Many2one("crm.sla.policy", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="policy_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    target = fields.Selection(
        [("any", "Both Targets"), ("response", "Response"), ("resolution", "Resolution")],
        required=True,
        default="any",
        help="The SLA target whose lines this step watches.",
    )
    trigger = fields.Selection(ESCALATION_TRIGGERS, required=True, default="breach")
    hours = fields.Float(
        string="Hours after Breach",
        help="For 'Hours after Breach': calendar hours (around the clock) after the deadline.",
    )
    recipient = fields.Selection(ESCALATION_RECIPIENTS, required=True, default="team_leader")
    user_id = fields.Many2one(
        "res.users",
        string="Service Manager",
        domain="[('share', '=', False)]",
        help="Who is told for the recipient 'Service Manager'.",
    )

    _sql_constraints = [
        ("hours_positive", "CHECK(hours >= 0)", "Escalation hours cannot be negative."),
    ]

    @api.depends("trigger", "recipient", "hours")
    def _compute_display_name(self):
        triggers = dict(self._fields["trigger"]._description_selection(self.env))
        recipients = dict(self._fields["recipient"]._description_selection(self.env))
        for step in self:
            trigger = triggers.get(step.trigger, "")
            if step.trigger == "after_breach":
                trigger = self.env._("%(hours)s h after breach", hours=step.hours)
            step.display_name = f"{trigger} → {recipients.get(step.recipient, '')}"
