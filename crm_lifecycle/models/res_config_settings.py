from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_duplicate_check = fields.Boolean(
        related="company_id.crm_duplicate_check",
        readonly=False,
    )
