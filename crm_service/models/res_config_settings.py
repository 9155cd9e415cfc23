from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_service_portal = fields.Boolean(
        related="company_id.crm_service_portal",
        readonly=False,
    )
    crm_service_portal_company_cases = fields.Boolean(
        related="company_id.crm_service_portal_company_cases",
        readonly=False,
    )
