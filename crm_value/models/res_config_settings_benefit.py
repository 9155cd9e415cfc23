from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    crm_value_benefit_weight_discount = fields.Float(
        related="company_id.crm_value_benefit_weight_discount", readonly=False
    )
    crm_value_benefit_weight_not_credited = fields.Float(
        related="company_id.crm_value_benefit_weight_not_credited", readonly=False
    )
    crm_value_benefit_weight_confirmed = fields.Float(
        related="company_id.crm_value_benefit_weight_confirmed", readonly=False
    )
    crm_value_benefit_weight_on_time = fields.Float(
        related="company_id.crm_value_benefit_weight_on_time", readonly=False
    )
    crm_value_benefit_discount_full = fields.Float(
        related="company_id.crm_value_benefit_discount_full", readonly=False
    )
