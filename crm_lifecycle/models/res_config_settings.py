from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_duplicate_check = fields.Boolean(
        related="company_id.crm_duplicate_check",
        readonly=False,
    )
    crm_check_daily_limit = fields.Integer(related="company_id.crm_check_daily_limit", readonly=False)
    crm_cost_guard = fields.Boolean(related="company_id.crm_cost_guard", readonly=False)
    crm_cost_guard_min_margin = fields.Float(
        related="company_id.crm_cost_guard_min_margin",
        readonly=False,
    )
