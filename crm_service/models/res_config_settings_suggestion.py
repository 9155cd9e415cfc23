from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    crm_service_benefit_weight_suggestions = fields.Float(
        related="company_id.crm_service_benefit_weight_suggestions", readonly=False
    )
