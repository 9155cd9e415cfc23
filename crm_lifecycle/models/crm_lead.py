from odoo import api, fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    partner_lifecycle_stage_id = fields.Many2one(
        related="partner_id.commercial_partner_id.lifecycle_stage_id",
        string="Customer Stage",
    )
    partner_owner_id = fields.Many2one(
        related="partner_id.commercial_partner_id.user_id",
        string="Customer Owner",
    )

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads._crm_lifecycle_on_lead()
        return leads

    def write(self, vals):
        result = super().write(vals)
        if "partner_id" in vals or "stage_id" in vals:
            self._crm_lifecycle_on_lead()
        return result

    def action_set_lost(self, **additional_values):
        result = super().action_set_lost(**additional_values)
        self._crm_lifecycle_on_lost()
        return result

    def _crm_lifecycle_on_lead(self):
        """A lead makes its customer qualified; a potential stage makes it potential."""
        with_partner = self.filtered(lambda lead: lead.partner_id and lead.active)
        potential = with_partner.filtered("stage_id.is_potential")
        Partner = self.env["res.partner"]
        Partner._crm_set_stage_from_documents(with_partner - potential, "qualified", "lead")
        Partner._crm_set_stage_from_documents(potential, "potential", "lead")

    def _crm_lifecycle_on_lost(self):
        lost = self.filtered(lambda lead: lead.partner_id and lead.lost_reason_id.is_invalid_customer)
        if not lost:
            return
        partners = lost.partner_id.commercial_partner_id
        domain_partner = [("partner_id", "child_of", partners.ids)]
        open_leads = self.env["crm.lead"]._read_group(
            domain_partner + [("active", "=", True), ("probability", "<", 100)],
            ["partner_id"],
        )
        open_orders = self.env["sale.order"]._read_group(
            domain_partner + [("state", "in", ("draft", "sent", "sale"))],
            ["partner_id"],
        )
        busy = self.env["res.partner"].union(*(row[0] for row in open_leads + open_orders))
        busy = busy.commercial_partner_id
        for reason, leads in lost.grouped("lost_reason_id").items():
            free = leads.filtered(lambda lead: lead.partner_id.commercial_partner_id not in busy)
            by_partner = {lead.partner_id.commercial_partner_id: lead for lead in free}
            self.env["res.partner"].union(*by_partner)._crm_set_stage(
                "invalid", reason=reason.name, trigger="lead", document=by_partner
            )
