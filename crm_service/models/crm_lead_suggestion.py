from odoo import models
from odoo.exceptions import UserError


class CrmLead(models.Model):
    _inherit = "crm.lead"

    def action_crm_log_suggestion(self):
        """Log what the prospect or customer asked for, from the lead."""
        self.ensure_one()
        if not self.partner_id:
            raise UserError(
                self.env._(
                    "The lead %(lead)s has no customer: set its Customer first, then log the suggestion.",
                    lead=self.display_name,
                )
            )
        partner = self.partner_id
        return self.env["crm.suggestion.log"]._crm_action(
            {
                "default_partner_id": partner.commercial_partner_id.id,
                "default_contact_id": partner.id if partner != partner.commercial_partner_id else False,
                "default_channel": "other",
                "default_lead_id": self.id,
                "default_description": self.name,
            }
        )
