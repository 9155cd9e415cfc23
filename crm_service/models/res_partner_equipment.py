from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    crm_equipment_count = fields.Integer(compute="_compute_crm_equipment", string="Equipment")
    crm_equipment_wear_max = fields.Float(compute="_compute_crm_equipment", string="Highest Wear (%)")
    crm_equipment_wear_mean = fields.Float(compute="_compute_crm_equipment", string="Mean Wear (%)")
    crm_equipment_next_due = fields.Date(compute="_compute_crm_equipment", string="Next Visit Due")

    def _compute_crm_equipment(self):
        Equipment = self.env["crm.equipment"]
        stats = {}
        if Equipment.has_access("read"):
            stats = {
                partner: (count, wear_max, wear_avg, due)
                for partner, count, wear_max, wear_avg, due in Equipment._read_group(
                    [("partner_id", "in", self.commercial_partner_id.ids), ("state", "!=", "retired")],
                    ["partner_id"],
                    ["__count", "wear_percent:max", "wear_percent:avg", "next_due:min"],
                )
            }
        for partner in self:
            count, wear_max, wear_avg, due = stats.get(partner.commercial_partner_id, (0, 0.0, 0.0, False))
            partner.crm_equipment_count = count
            partner.crm_equipment_wear_max = wear_max or 0.0
            partner.crm_equipment_wear_mean = round(wear_avg or 0.0, 2)
            partner.crm_equipment_next_due = due

    def action_view_crm_equipment(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_service.crm_equipment_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action
