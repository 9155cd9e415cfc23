from odoo import models


class CrmValueScore(models.Model):
    _inherit = "crm.value.score"  # pylint: disable=consider-merging-classes-inherited

    def _crm_value_after_store(self, company, as_of):
        """The classes just stored move the ownership deadlines of the pools having levels by
        value class (the escalation is decided by the release cron itself)."""
        result = super()._crm_value_after_store(company, as_of)
        # sudo: the recompute updates every pool of the company, whatever the user may see
        pools = (
            self.env["crm.pool"]
            .sudo()
            .search([("company_id", "=", company.id), ("level_ids.crm_value_abc_class", "!=", False)])
        )
        if pools:
            self.env["res.partner"]._crm_refresh_schedule(pools=pools)
        return result
