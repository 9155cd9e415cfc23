from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_service_portal = fields.Boolean(
        related="company_id.crm_service_portal",
        readonly=False,
    )
