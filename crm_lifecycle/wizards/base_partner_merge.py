from odoo import models

from ..models.crm_internal import PARTNER_MERGE, marked


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _update_values(self, src_partners, dst_partner):
        # the surviving customer keeps its own ownership bookkeeping; the merged ones' is dropped
        with marked(dst_partner, PARTNER_MERGE):
            return super()._update_values(src_partners, dst_partner)
