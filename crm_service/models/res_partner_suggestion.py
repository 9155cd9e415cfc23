from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    crm_suggestion_requested_count = fields.Integer(
        string="Suggestions Requested", compute="_compute_crm_suggestion_counts"
    )
    crm_suggestion_shipped_count = fields.Integer(
        string="Suggestions Shipped", compute="_compute_crm_suggestion_counts"
    )

    def _compute_crm_suggestion_counts(self):
        Vote = self.env["crm.suggestion.vote"]
        counts = {}
        if Vote.has_access("read"):
            for partner, state, count in Vote._read_group(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("suggestion_state", "!=", "duplicate"),
                ],
                ["partner_id", "suggestion_state"],
                ["__count"],
            ):
                counts.setdefault(partner.id, {})[state] = count
        for partner in self:
            by_state = counts.get(partner.commercial_partner_id.id, {})
            partner.crm_suggestion_requested_count = sum(by_state.values())
            partner.crm_suggestion_shipped_count = by_state.get("shipped", 0)

    def action_view_crm_suggestions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_service.crm_suggestion_action")
        action["domain"] = [("vote_ids.partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_filter_open": 0}
        return action

    def action_crm_log_suggestion(self):
        self.ensure_one()
        contact = self if self.commercial_partner_id != self else self.env["res.partner"]
        return self.env["crm.suggestion.log"]._crm_action(
            {
                "default_partner_id": self.commercial_partner_id.id,
                "default_contact_id": contact.id,
                "default_channel": self.commercial_partner_id.preferred_channel or "phone",
            }
        )
