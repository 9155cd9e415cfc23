from odoo import models


class CrmComplaint(models.Model):
    _inherit = "crm.complaint"  # pylint: disable=consider-merging-classes-inherited

    def action_crm_log_suggestion(self):
        """Log the improvement the customer proposed while telling about the case."""
        self.ensure_one()
        return self.env["crm.suggestion.log"]._crm_action(
            {
                "default_partner_id": self.commercial_partner_id.id,
                "default_contact_id": self.partner_id.id
                if self.partner_id != self.commercial_partner_id
                else False,
                "default_product_id": self.product_id.id,
                "default_channel": self.channel,
                "default_complaint_id": self.id,
            }
        )
