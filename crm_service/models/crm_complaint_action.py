from odoo import fields, models

ACTION_TYPES = [
    ("immediate", "Immediate"),
    ("corrective", "Corrective"),
    ("preventive", "Preventive"),
]


class CrmComplaintAction(models.Model):
    """What is done about a complaint: fix it now, correct its cause, prevent it from recurring."""

    _name = "crm.complaint.action"
    _description = "Complaint Action"
    _order = "complaint_id, deadline, id"
    _check_company_auto = True

    complaint_id = fields.Many2one("crm.complaint", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="complaint_id.company_id", store=True, index=True)
    action_type = fields.Selection(ACTION_TYPES, required=True, default="immediate", string="Type")
    name = fields.Char(string="Action", required=True)
    user_id = fields.Many2one(
        "res.users", string="Owner", default=lambda self: self.env.user, domain="[('share', '=', False)]"
    )
    deadline = fields.Date()
    done_date = fields.Date(string="Done On")
    effective = fields.Boolean(help="The action proved effective: the problem did not come back.")
