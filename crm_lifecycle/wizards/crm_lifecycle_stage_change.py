from odoo import fields, models


class CrmLifecycleStageChange(models.TransientModel):
    _name = "crm.lifecycle.stage.change"
    _description = "Change Customer Lifecycle Stage"

    partner_ids = fields.Many2many("res.partner", string="Customers", required=True)
    stage_id = fields.Many2one("crm.lifecycle.stage", string="New Stage", required=True)
    reason = fields.Text(
        required=True,
        help="Why the customers move; kept on their timeline. Needed to move back or to a lost stage.",
    )

    def action_apply(self):
        self.ensure_one()
        self.partner_ids._crm_set_stage(self.stage_id.code, reason=self.reason, trigger="manual")
        return {"type": "ir.actions.act_window_close"}
