from odoo import api, fields, models


class CrmComplaint(models.Model):
    _inherit = "crm.complaint"  # pylint: disable=consider-merging-classes-inherited

    equipment_id = fields.Many2one(
        "crm.equipment",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        domain="[('partner_id', '=', commercial_partner_id)]",
        help="The customer's equipment the case is about: a fault of that equipment.",
    )
    visit_ids = fields.One2many("crm.service.visit", "complaint_id", string="Visits")

    @api.onchange("equipment_id")
    def _onchange_equipment_id(self):
        if self.equipment_id and not self.product_id:
            self.product_id = self.equipment_id.product_id

    @api.model_create_multi
    def create(self, vals_list):
        cases = super().create(vals_list)
        faulty = cases.equipment_id
        if faulty:
            self.env["crm.equipment"]._crm_create_replacement_leads(faulty)
        return cases

    def write(self, vals):
        result = super().write(vals)
        if vals.get("equipment_id"):
            self.env["crm.equipment"]._crm_create_replacement_leads(self.equipment_id)
        return result
