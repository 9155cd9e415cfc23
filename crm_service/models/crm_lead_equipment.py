from odoo import fields, models

from .crm_equipment_planning import REPLACEMENT_REASONS


class CrmLead(models.Model):
    _inherit = "crm.lead"

    crm_equipment_id = fields.Many2one(
        "crm.equipment",
        string="Equipment",
        index="btree_not_null",
        help="The customer's equipment this opportunity would replace.",
    )
    crm_equipment_reason = fields.Selection(REPLACEMENT_REASONS, string="Replacement Reason")
