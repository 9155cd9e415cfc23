from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_duplicate_check = fields.Boolean(
        related="company_id.crm_duplicate_check",
        readonly=False,
    )
    crm_cost_guard = fields.Boolean(related="company_id.crm_cost_guard", readonly=False)
    crm_cost_guard_min_margin = fields.Float(
        related="company_id.crm_cost_guard_min_margin",
        readonly=False,
    )
