from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_value_period_months = fields.Integer(
        related="company_id.crm_value_period_months",
        readonly=False,
    )
