from odoo import models

from ..models.crm_internal import LEAD_HOOKS_LATER, collecting


class CrmLead2OpportunityPartner(models.TransientModel):
    _inherit = "crm.lead2opportunity.partner"

    def _convert_and_allocate(self, leads, user_ids, team_id=False):
        """Odoo converts, links to a customer and allocates the leads one at a time: their
        customers are claimed (for the salesperson they end up with) and moved to their stage
        once, for all the leads, when the conversion is done."""
        with collecting(self.env, LEAD_HOOKS_LATER) as lead_ids:
            result = super()._convert_and_allocate(leads, user_ids, team_id=team_id)
        if lead_ids:
            self.env["crm.lead"].browse(sorted(lead_ids)).exists()._crm_lifecycle_lead_effects()
        return result
