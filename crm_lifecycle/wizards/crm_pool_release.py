from odoo import fields, models


class CrmPoolRelease(models.TransientModel):
    _name = "crm.pool.release"
    _description = "Release Customers to the Pool"

    partner_ids = fields.Many2many("res.partner", string="Customers", required=True)
    reason = fields.Text(
        required=True,
        help="Why you give the customers back; shown to the colleagues who see them in the pool.",
    )

    def action_confirm(self):
        self.ensure_one()
        self.partner_ids.action_crm_release(self.reason)
        return {"type": "ir.actions.act_window_close"}
