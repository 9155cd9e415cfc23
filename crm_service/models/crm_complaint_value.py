from odoo import models

from .crm_value_score_service import POOR_RATING


class CrmComplaint(models.Model):
    _inherit = "crm.complaint"  # pylint: disable=consider-merging-classes-inherited

    def rating_apply(
        self, rate, token=None, rating=None, feedback=None, subtype_xmlid=None, notify_delay_send=False
    ):
        """A poor rating raises the customer's churn state at once (``service_poor_rating``),
        without waiting for the next value run."""
        result = super().rating_apply(
            rate,
            token=token,
            rating=rating,
            feedback=feedback,
            subtype_xmlid=subtype_xmlid,
            notify_delay_send=notify_delay_send,
        )
        if 0 < rate <= POOR_RATING:
            self._crm_value_raise_signals()
        return result

    def _crm_value_raise_signals(self):
        """Apply the churn signals to the stored value scores of these cases' customers, per
        company, in one statement per signal (``crm.value.score._crm_value_raise_churn_signals``)."""
        by_company = {}
        for case in self.filtered("commercial_partner_id"):
            by_company.setdefault(case.company_id, set()).add(case.commercial_partner_id.id)
        # sudo: the customer (portal or rating link) or the cron triggers it; the update writes only
        # the churn state the engine would compute from the cases, never a user's value
        scores = self.env["crm.value.score"].sudo()
        changed = []
        for company, partner_ids in by_company.items():
            changed += scores._crm_value_raise_churn_signals(company, partner_ids)
        return changed
