from odoo import fields, models

COMPLAINT_STATES = [
    ("new", "New"),
    ("open", "In Progress"),
    ("waiting_customer", "Waiting on Customer"),
    ("waiting_third_party", "Waiting on Third Party"),
    ("resolved", "Resolved"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
# the states of a case nobody works on any longer
DONE_STATES = ("resolved", "closed", "cancelled")


class CrmComplaintStage(models.Model):
    _name = "crm.complaint.stage"
    _description = "Case Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    state = fields.Selection(
        COMPLAINT_STATES,
        required=True,
        default="open",
        help="What the stage means for the case: its dates, the SLA clock and the portal follow it.",
    )
    sla_pause = fields.Boolean(
        string="Pause SLA",
        help="While a case is in this stage, its SLA clock stops (waiting on the customer, for example).",
    )
    template_id = fields.Many2one(
        "mail.template",
        string="E-mail Template",
        domain="[('model', '=', 'crm.complaint')]",
        help="Sent to the customer when a case reaches this stage.",
    )
    rating_template_id = fields.Many2one(
        "mail.template",
        string="Rating Request",
        domain="[('model', '=', 'crm.complaint')]",
        help="Asks the customer to rate the service when a case reaches this stage.",
    )
    customer_can_close = fields.Boolean(
        help="Customers may confirm in the portal that a case of this stage is solved.",
    )
    fold = fields.Boolean(string="Folded in Kanban")
    active = fields.Boolean(default=True)
