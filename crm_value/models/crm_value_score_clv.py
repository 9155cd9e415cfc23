from odoo import models


class CrmValueScore(models.Model):
    _inherit = "crm.value.score"  # pylint: disable=consider-merging-classes-inherited

    def _crm_value_after_store(self, company, as_of):
        """After the scores are stored: fit the company's lifetime value model and write
        p_alive, expected_purchases and clv of every score (NULL when the fit is refused)."""
        result = super()._crm_value_after_store(company, as_of)
        self.env["crm.value.clv.model"]._crm_value_apply_clv(company, as_of)
        return result
