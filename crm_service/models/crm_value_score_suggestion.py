"""What suggestions bring to crm_value: the ``suggestions`` component of the benefit index, and
the weighted value of the suggestions kept in step with the recomputed scores."""

from odoo import api, models
from odoo.tools import SQL


class CrmValueScore(models.Model):
    _inherit = "crm.value.score"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _crm_value_benefit_components(self):
        components = super()._crm_value_benefit_components()
        components.append(
            {
                "key": "suggestions",
                "label": self.env._("Suggestions shipped"),
                "weight": self.env.company.crm_service_benefit_weight_suggestions,
                "method": "_crm_value_benefit_suggestions",
            }
        )
        return components

    def _crm_value_benefit_changed_partner_ids(self, company, since):
        """The customers whose votes, or the suggestions they asked for, were written since
        ``since``: the second run of a day computes their suggestions component again."""
        partners = super()._crm_value_benefit_changed_partner_ids(company, since)
        self.env["crm.suggestion"].flush_model()
        self.env["crm.suggestion.vote"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT vote.partner_id
                  FROM crm_suggestion_vote vote
                  JOIN crm_suggestion suggestion ON suggestion.id = vote.suggestion_id
                 WHERE suggestion.company_id = %(company)s
                   AND (vote.write_date >= %(since)s OR suggestion.write_date >= %(since)s)
                """,
                company=company.id,
                since=since,
            )
        )
        partners.update(row[0] for row in self.env.cr.fetchall())
        return partners

    def _crm_value_benefit_suggestions(self, company, as_of, partner_ids=None):
        """Suggestions shipped for the customer: ``S / R`` where ``R`` counts the suggestions of
        the company the customer asked for (a vote dated up to ``as_of``) that were asked for in
        the value period or shipped in it, and ``S`` those of them shipped in the period
        (``shipped_date`` after the period's start, up to ``as_of``). Duplicates are not counted
        (the merge moves their votes to the kept suggestion). Customers with ``R = 0`` are left
        out: a customer who asked for nothing is neither helped nor let down."""
        for model in ("crm.suggestion", "crm.suggestion.vote"):
            self.env[model].flush_model()
        date_from, date_to, partner_filter = self._crm_value_benefit_prepare(company, as_of, partner_ids)
        return self._crm_value_benefit_fetch(
            SQL(
                """
                SELECT rp.commercial_partner_id,
                       COUNT(DISTINCT s.id) FILTER (WHERE s.shipped_date > %(date_from)s
                                                      AND s.shipped_date <= %(date_to)s
                                                      AND s.state = 'shipped')::float
                       / COUNT(DISTINCT s.id)
                  FROM crm_suggestion_vote v
                  JOIN crm_suggestion s ON s.id = v.suggestion_id
                  JOIN res_partner rp ON rp.id = v.partner_id
                 WHERE s.company_id = %(company)s AND s.state != 'duplicate'
                   AND v.date::date <= %(date_to)s
                   AND (v.date::date > %(date_from)s
                        OR (s.shipped_date > %(date_from)s AND s.shipped_date <= %(date_to)s))
                   AND %(partner_filter)s
              GROUP BY rp.commercial_partner_id
                """,
                company=company.id,
                date_from=date_from,
                date_to=date_to,
                partner_filter=partner_filter,
            )
        )

    def _crm_value_store(self, company, as_of):
        result = super()._crm_value_store(company, as_of)
        # the period revenue of the customers changed: so did the weight of what they ask for
        self.env["crm.suggestion"].sudo()._crm_refresh_weighted_values(company)
        return result
