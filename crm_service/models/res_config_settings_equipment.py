from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    crm_equipment_wear_threshold = fields.Float(
        related="company_id.crm_equipment_wear_threshold", readonly=False
    )
    crm_equipment_fault_threshold = fields.Integer(
        related="company_id.crm_equipment_fault_threshold", readonly=False
    )
    crm_equipment_team_id = fields.Many2one(related="company_id.crm_equipment_team_id", readonly=False)
    crm_service_benefit_weight_visits = fields.Float(
        related="company_id.crm_service_benefit_weight_visits", readonly=False
    )
    crm_service_benefit_weight_availability = fields.Float(
        related="company_id.crm_service_benefit_weight_availability", readonly=False
    )
