"""The installed base in the customer value: benefit components and a churn signal."""

from odoo import fields, models
from odoo.tools import SQL

from ..utils.equipment_faults import FAULT_WINDOW, faults_sql

EQUIPMENT_SOURCES = ("crm.equipment", "crm.service.visit", "crm.complaint")


class CrmValueScore(models.Model):
    _inherit = "crm.value.score"  # pylint: disable=consider-merging-classes-inherited

    def _crm_value_benefit_components(self):
        components = super()._crm_value_benefit_components()
        company = self.env.company
        components += [
            {
                "key": "visits_on_time",
                "label": self.env._("Preventive visits on time"),
                "weight": company.crm_service_benefit_weight_visits,
                "method": "_crm_value_benefit_visits_on_time",
            },
            {
                "key": "availability",
                "label": self.env._("Equipment availability"),
                "weight": company.crm_service_benefit_weight_availability,
                "method": "_crm_value_benefit_availability",
            },
        ]
        return components

    def _crm_value_benefit_prepare(self, company, as_of, partner_ids):
        for model in EQUIPMENT_SOURCES:
            self.env[model].flush_model()
        return super()._crm_value_benefit_prepare(company, as_of, partner_ids)

    def _crm_value_benefit_visits_on_time(self, company, as_of, partner_ids=None):
        """Preventive visits on time: among the customer's preventive visits due in the period
        (due date in the period, not cancelled), the share done on or before their due date.
        Customers without a preventive visit due in the period are left out."""
        date_from, date_to, partner_filter = self._crm_value_benefit_prepare(company, as_of, partner_ids)
        return self._crm_value_benefit_fetch(
            SQL(
                """
                SELECT rp.commercial_partner_id,
                       COUNT(*) FILTER (WHERE v.state = 'done' AND v.date <= v.scheduled_date)::float
                           / COUNT(*)
                  FROM crm_service_visit v
                  JOIN res_partner rp ON rp.id = v.partner_id
                 WHERE v.company_id = %(company)s AND v.visit_type = 'preventive' AND v.state != 'cancelled'
                   AND v.scheduled_date > %(date_from)s AND v.scheduled_date <= %(date_to)s
                   AND %(partner_filter)s
              GROUP BY rp.commercial_partner_id
                """,
                company=company.id,
                date_from=date_from,
                date_to=date_to,
                partner_filter=partner_filter,
            )
        )

    def _crm_value_benefit_availability(self, company, as_of, partner_ids=None):
        """Equipment availability: ``1 - down days / days``, where *days* are the days of the
        period each equipment of the customer was installed (to its retirement), summed, and
        *down days* the days of the period between a corrective visit's due date and its done
        date (today for one not done yet) within those days, summed; not below 0. Customers
        without equipment installed in the period are left out."""
        date_from, date_to, partner_filter = self._crm_value_benefit_prepare(company, as_of, partner_ids)
        return self._crm_value_benefit_fetch(
            SQL(
                """
                WITH eq AS (
                    SELECT e.id, rp.commercial_partner_id AS partner_id,
                           GREATEST(e.install_date, %(date_from)s) AS d0,
                           LEAST(COALESCE(e.retire_date, %(date_to)s), %(date_to)s) AS d1
                      FROM crm_equipment e
                      JOIN res_partner rp ON rp.id = e.partner_id
                     WHERE e.company_id = %(company)s AND e.install_date IS NOT NULL
                       AND e.install_date < %(date_to)s AND %(partner_filter)s
                ), down AS (
                    SELECT eq.id,
                           SUM(GREATEST(0, LEAST(COALESCE(v.date, %(date_to)s), eq.d1)
                                           - GREATEST(v.scheduled_date, eq.d0))) AS days
                      FROM eq
                      JOIN crm_service_visit v ON v.equipment_id = eq.id
                     WHERE v.visit_type = 'corrective' AND v.state != 'cancelled'
                  GROUP BY eq.id
                )
                SELECT eq.partner_id,
                       GREATEST(0.0, 1.0 - COALESCE(SUM(down.days), 0)::float / SUM(eq.d1 - eq.d0))
                  FROM eq
             LEFT JOIN down ON down.id = eq.id
                 WHERE eq.d1 > eq.d0
              GROUP BY eq.partner_id
                """,
                company=company.id,
                date_from=date_from,
                date_to=date_to,
                partner_filter=partner_filter,
            )
        )

    def _crm_value_benefit_changed_partner_ids(self, company, since):
        """The customers whose equipment or visits were written since ``since``: the second run
        of a day computes their visits-on-time and availability components again."""
        partners = super()._crm_value_benefit_changed_partner_ids(company, since)
        for model in EQUIPMENT_SOURCES:
            self.env[model].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT partner_id FROM crm_equipment
                 WHERE company_id = %(company)s AND write_date >= %(since)s AND partner_id IS NOT NULL
                 UNION
                SELECT partner_id FROM crm_service_visit
                 WHERE company_id = %(company)s AND write_date >= %(since)s AND partner_id IS NOT NULL
                """,
                company=company.id,
                since=since,
            )
        )
        partners.update(row[0] for row in self.env.cr.fetchall())
        return partners

    def _crm_value_churn_signals(self, company, as_of):
        """``service_repeated_faults``: customers with an equipment of at least the company's
        "Replacement after Faults" number of faults in the 12 months to ``as_of``."""
        signals = super()._crm_value_churn_signals(company, as_of)
        threshold = company.crm_equipment_fault_threshold
        if threshold > 0:
            for model in EQUIPMENT_SOURCES:
                self.env[model].flush_model()
            as_of = fields.Date.to_date(as_of)
            signals.append(
                (
                    "service_repeated_faults",
                    SQL(
                        """SELECT DISTINCT f.partner_id
                             FROM (SELECT f.equipment_id, MIN(f.partner_id) AS partner_id
                                     FROM (%(faults)s) f
                                    WHERE f.company_id = %(company)s
                                      AND f.date > %(since)s AND f.date <= %(as_of)s
                                 GROUP BY f.equipment_id
                                   HAVING COUNT(*) >= %(threshold)s) f""",
                        faults=faults_sql(),
                        company=company.id,
                        since=as_of - FAULT_WINDOW,
                        as_of=as_of,
                        threshold=threshold,
                    ),
                )
            )
        return signals
