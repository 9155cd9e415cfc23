# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    crm_birthday = fields.Date(
        string="Birthday", help="Care rules on birthdays greet the contact on this day."
    )
    crm_care_event_count = fields.Integer(string="Care", compute="_compute_crm_care_event_count")

    def _compute_crm_care_event_count(self):
        counts = dict(
            self.env["crm.care.event"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.crm_care_event_count = counts.get(partner.commercial_partner_id, 0)

    def action_view_crm_care_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_service.crm_care_event_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_filter_due": 0}
        return action
