"""Service feeds value: benefit-index components and churn signals from the cases."""

from datetime import timedelta

from odoo import api, models
from odoo.tools import SQL

#: a rating at or under this (of 5) is poor: a churn signal
POOR_RATING = 2
#: the case states that end a case (an SLA failure on such a case is no churn signal)
ENDED_STATES = ("resolved", "closed", "cancelled")
#: what the queries of this file read
SERVICE_SOURCES = ("crm.complaint", "crm.complaint.sla.line", "rating.rating", "res.partner")


class CrmValueScore(models.Model):
    _inherit = "crm.value.score"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Benefit index components
    # ------------------------------------------------------------------
    @api.model
    def _crm_value_benefit_components(self):
        components = super()._crm_value_benefit_components()
        company = self.env.company
        components += [
            {
                "key": "satisfaction",
                "label": self.env._("Service satisfaction"),
                "weight": company.crm_service_benefit_weight_satisfaction,
                "method": "_crm_value_benefit_satisfaction",
            },
            {
                "key": "sla",
                "label": self.env._("SLA targets met"),
                "weight": company.crm_service_benefit_weight_sla,
                "method": "_crm_value_benefit_sla",
            },
        ]
        return components

    def _crm_value_benefit_prepare(self, company, as_of, partner_ids):
        for model in SERVICE_SOURCES:
            self.env[model].flush_model()
        return super()._crm_value_benefit_prepare(company, as_of, partner_ids)

    @api.model
    def _crm_service_case_partner_filter(self, partner_ids):
        if partner_ids is None:
            return SQL("TRUE")
        return SQL("c.commercial_partner_id = ANY(%s)", list(partner_ids))

    def _crm_value_benefit_satisfaction(self, company, as_of, partner_ids=None):
        """Service satisfaction: the mean of the ratings the customer gave on its cases of
        ``company`` (Odoo's ratings, 1 to 5, filled in) submitted in the value period (the
        rating's last write, the submission), divided by 5. Partners without a rating in the
        period are left out."""
        date_from, date_to, _partner_filter = self._crm_value_benefit_prepare(company, as_of, partner_ids)
        return self._crm_value_benefit_fetch(
            SQL(
                """
                SELECT c.commercial_partner_id, LEAST(1.0, AVG(r.rating) / 5.0)
                  FROM rating_rating r
                  JOIN crm_complaint c ON c.id = r.res_id
                 WHERE r.res_model = 'crm.complaint' AND r.consumed AND r.rating > 0
                   AND c.company_id = %(company)s AND c.commercial_partner_id IS NOT NULL
                   AND r.write_date >= %(date_from)s::date + 1
                   AND r.write_date < %(date_to)s::date + 1
                   AND %(partner_filter)s
              GROUP BY c.commercial_partner_id
                """,
                company=company.id,
                date_from=date_from,
                date_to=date_to,
                partner_filter=self._crm_service_case_partner_filter(partner_ids),
            )
        )

    def _crm_value_benefit_sla(self, company, as_of, partner_ids=None):
        """SLA targets met: among the SLA lines (response and resolution targets) of the
        customer's cases of ``company`` that ended in the value period, the share reached in
        time. A line counts as reached on its reached date, as failed on its deadline (the moment
        it failed, also when met late afterwards); lines still running, paused or on track count
        only once they failed. Partners without such a line are left out."""
        date_from, date_to, _partner_filter = self._crm_value_benefit_prepare(company, as_of, partner_ids)
        return self._crm_value_benefit_fetch(
            SQL(
                """
                SELECT c.commercial_partner_id,
                       COUNT(*) FILTER (WHERE l.state = 'reached')::float / COUNT(*)
                  FROM crm_complaint_sla_line l
                  JOIN crm_complaint c ON c.id = l.complaint_id
                 WHERE l.company_id = %(company)s AND c.commercial_partner_id IS NOT NULL
                   AND (
                        (l.state = 'reached' AND l.reached_date >= %(date_from)s::date + 1
                                             AND l.reached_date < %(date_to)s::date + 1)
                     OR (l.state = 'failed'
                         AND COALESCE(l.deadline, l.reached_date) >= %(date_from)s::date + 1
                         AND COALESCE(l.deadline, l.reached_date) < %(date_to)s::date + 1)
                   )
                   AND %(partner_filter)s
              GROUP BY c.commercial_partner_id
                """,
                company=company.id,
                date_from=date_from,
                date_to=date_to,
                partner_filter=self._crm_service_case_partner_filter(partner_ids),
            )
        )

    def _crm_value_benefit_changed_partner_ids(self, company, since):
        """The customers whose cases, SLA lines or case ratings were written since ``since``: the
        second run of a day computes their satisfaction and SLA components again."""
        partners = super()._crm_value_benefit_changed_partner_ids(company, since)
        for model in SERVICE_SOURCES:
            self.env[model].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT c.commercial_partner_id
                  FROM crm_complaint c
                 WHERE c.company_id = %(company)s AND c.write_date >= %(since)s
                   AND c.commercial_partner_id IS NOT NULL
                 UNION
                SELECT c.commercial_partner_id
                  FROM crm_complaint_sla_line l
                  JOIN crm_complaint c ON c.id = l.complaint_id
                 WHERE l.company_id = %(company)s AND l.write_date >= %(since)s
                   AND c.commercial_partner_id IS NOT NULL
                 UNION
                SELECT c.commercial_partner_id
                  FROM rating_rating r
                  JOIN crm_complaint c ON c.id = r.res_id
                 WHERE r.res_model = 'crm.complaint' AND r.write_date >= %(since)s
                   AND c.company_id = %(company)s AND c.commercial_partner_id IS NOT NULL
                """,
                company=company.id,
                since=since,
            )
        )
        partners.update(row[0] for row in self.env.cr.fetchall())
        return partners

    # ------------------------------------------------------------------
    # Churn signals
    # ------------------------------------------------------------------
    @api.model
    def _crm_value_churn_signals(self, company, as_of):
        signals = super()._crm_value_churn_signals(company, as_of)
        for model in SERVICE_SOURCES:
            self.env[model].flush_model()
        # no DISTINCT in the queries: the engine reads them with IN, which PostgreSQL turns into a
        # semi-join (a poor rating raising one customer at once reads that customer's cases only)
        signals.append(("service_sla_breach", self._crm_service_sla_breach_sql(company, as_of)))
        signals.append(("service_poor_rating", self._crm_service_poor_rating_sql(company, as_of)))
        return signals

    @api.model
    def _crm_service_sla_breach_sql(self, company, as_of):
        """Customers with a case of ``company`` open on ``as_of`` (created by then, not resolved,
        closed or cancelled by then) having an SLA target failed by then."""
        return SQL(
            """
            SELECT c.commercial_partner_id AS partner_id
              FROM crm_complaint_sla_line l
              JOIN crm_complaint c ON c.id = l.complaint_id
             WHERE l.company_id = %(company)s AND l.state = 'failed'
               AND COALESCE(l.deadline, l.reached_date, l.write_date) < %(as_of)s::date + 1
               AND c.commercial_partner_id IS NOT NULL
               AND c.create_date < %(as_of)s::date + 1
               AND ((c.resolved_date IS NULL AND c.state NOT IN %(ended)s)
                    OR c.resolved_date >= %(as_of)s::date + 1)
            """,
            company=company.id,
            as_of=as_of,
            ended=ENDED_STATES,
        )

    @api.model
    def _crm_service_poor_rating_sql(self, company, as_of):
        """Customers who rated one of their cases of ``company`` 2 of 5 or less in the
        ``crm_service_poor_rating_days`` days up to ``as_of`` (included)."""
        return SQL(
            """
            SELECT c.commercial_partner_id AS partner_id
              FROM rating_rating r
              JOIN crm_complaint c ON c.id = r.res_id
             WHERE r.res_model = 'crm.complaint' AND r.consumed
               AND r.rating > 0 AND r.rating <= %(poor)s
               AND c.company_id = %(company)s AND c.commercial_partner_id IS NOT NULL
               AND r.write_date >= %(since)s::date AND r.write_date < %(as_of)s::date + 1
            """,
            poor=POOR_RATING,
            company=company.id,
            since=as_of - timedelta(days=max(company.crm_service_poor_rating_days, 1) - 1),
            as_of=as_of,
        )

    @api.model
    def _crm_value_churn_signal_labels(self):
        labels = super()._crm_value_churn_signal_labels()
        labels.update(
            {
                "service_sla_breach": self.env._("an open case has failed its SLA"),
                "service_poor_rating": self.env._("a poor rating (2 of 5 or less) of a recent case"),
                "service_repeated_faults": self.env._("repeated faults of its equipment"),
            }
        )
        return labels
