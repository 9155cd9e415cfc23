from odoo import fields, models
from odoo.exceptions import UserError

from .crm_equipment_planning import REPLACEMENT_REASONS


class CrmLead(models.Model):
    """Leads of crm_service: the suggestion logged from a lead, and the equipment a replacement
    opportunity is for."""

    _inherit = "crm.lead"

    crm_equipment_id = fields.Many2one(
        "crm.equipment",
        string="Equipment",
        index="btree_not_null",
        help="The customer's equipment this opportunity would replace.",
    )
    crm_equipment_reason = fields.Selection(REPLACEMENT_REASONS, string="Replacement Reason")

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
