from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    crm_equipment_wear_threshold = fields.Float(
        string="Replacement at Wear (%)",
        default=90.0,
        help="Equipment at this wear gets a replacement opportunity for the customer's owner.",
    )
    crm_equipment_fault_threshold = fields.Integer(
        string="Replacement after Faults (12 Months)",
        default=3,
        help="Equipment with this many faults in 12 months gets a replacement opportunity, and its "
        "customer's churn state is raised to at risk. 0: never.",
    )
    crm_equipment_team_id = fields.Many2one(
        "crm.service.team",
        string="Default Equipment Team",
        help="The team whose leader gets the planned visits of customers without a service team "
        "(and of equipment without a technician).",
    )
    crm_service_benefit_weight_visits = fields.Float(
        string="Weight: Visits on Time",
        default=1.0,
        help="Weight of the share of preventive visits done by their due date in the benefit index. "
        "0: not counted.",
    )
    crm_service_benefit_weight_availability = fields.Float(
        string="Weight: Equipment Availability",
        default=1.0,
        help="Weight of the equipment's time in service in the benefit index. 0: not counted.",
    )
