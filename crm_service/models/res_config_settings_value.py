from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    crm_service_benefit_weight_satisfaction = fields.Float(
        related="company_id.crm_service_benefit_weight_satisfaction", readonly=False
    )
    crm_service_benefit_weight_sla = fields.Float(
        related="company_id.crm_service_benefit_weight_sla", readonly=False
    )
    crm_service_poor_rating_days = fields.Integer(
        related="company_id.crm_service_poor_rating_days", readonly=False
    )
