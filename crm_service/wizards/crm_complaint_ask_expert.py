from odoo import api, fields, models


class CrmComplaintAskExpert(models.TransientModel):
    """Ask an Expert: a technical person follows the case; its owner stays the same."""

    _name = "crm.complaint.ask.expert"
    _description = "Ask an Expert"

    complaint_id = fields.Many2one("crm.complaint", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="complaint_id.company_id")
    expert_ids = fields.Many2many(
        "res.users",
        compute="_compute_expert_ids",
        string="Technical Staff",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Expert",
        required=True,
        domain="[('id', 'in', expert_ids)]",
    )
    message = fields.Text(string="Question")

    @api.depends("complaint_id")
    def _compute_expert_ids(self):
        for wizard in self:
            teams = self.env["crm.service.team"].search(
                [("tier", "=", "2"), ("company_id", "=", wizard.complaint_id.company_id.id)]
            )
            wizard.expert_ids = teams.member_ids | teams.leader_id

    def action_ask(self):
        self.ensure_one()
        case = self.complaint_id
        case.message_subscribe(partner_ids=self.user_id.partner_id.ids)
        body = self.env._(
            "%(user)s asked %(expert)s for expert help.", user=self.env.user.name, expert=self.user_id.name
        )
        case.message_post(
            body=body if not self.message else f"{body}\n{self.message}",
            subtype_xmlid="mail.mt_note",
            partner_ids=self.user_id.partner_id.ids,
        )
        return {"type": "ir.actions.act_window_close"}
