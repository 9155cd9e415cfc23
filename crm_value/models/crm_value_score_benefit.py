"""The customer benefit index of crm.value.score: pluggable components, one SQL query each."""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

# what the component queries read: flushed before they run
BENEFIT_SOURCES = (
    "account.move",
    "account.move.line",
    "account.partial.reconcile",
    "res.partner",
    "crm.value.benefit",
)


class CrmValueScore(models.Model):
    _inherit = "crm.value.score"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Extension point
    # ------------------------------------------------------------------
    @api.model
    def _crm_value_benefit_components(self):
        """The components of the benefit index, for the company of the environment.

        Override me to add a component (``crm_service`` adds satisfaction, complaints resolved in
        time and suggestions shipped)::

            def _crm_value_benefit_components(self):
                components = super()._crm_value_benefit_components()
                components.append({
                    "key": "satisfaction",
                    "label": self.env._("Satisfaction"),
                    "weight": self.env.company.my_weight_field,
                    "method": "_crm_value_benefit_satisfaction",
                })
                return components

        Each item is a dict: ``key`` (stable, stored in the score's ``inputs``), ``label``
        (translated), ``weight`` (>= 0, a company setting; 0 leaves the component out) and
        ``method``: the name of a method of ``crm.value.score`` called as
        ``method(company, as_of, partner_ids)`` (``partner_ids``: commercial partner ids, or None
        for every customer of the company) that returns ``{commercial partner id: value in
        [0, 1]}`` from one set-based query over the value period ending on ``as_of``. A partner
        without data for the component is left out of the dict (not given 0): the index is the
        weighted mean of the components a partner has.
        """
        company = self.env.company
        return [
            {
                "key": "discount",
                "label": self.env._("Discounts and credits granted back"),
                "weight": company.crm_value_benefit_weight_discount,
                "method": "_crm_value_benefit_discount",
            },
            {
                "key": "not_credited",
                "label": self.env._("Invoices not credited"),
                "weight": company.crm_value_benefit_weight_not_credited,
                "method": "_crm_value_benefit_not_credited",
            },
            {
                "key": "confirmed",
                "label": self.env._("Benefits confirmed by the customer"),
                "weight": company.crm_value_benefit_weight_confirmed,
                "method": "_crm_value_benefit_confirmed",
            },
            {
                "key": "on_time",
                "label": self.env._("Invoices paid on time"),
                "weight": company.crm_value_benefit_weight_on_time,
                "method": "_crm_value_benefit_on_time",
            },
        ]

    def _crm_value_benefit_index(self, company, as_of, partner_ids=None):
        """{partner_id: (benefit index 0-100, {component key: value in [0, 1]})}.

        The index is the weighted mean of the components the partner has data for, times 100:
        ``100 * sum(weight_k * value_k) / sum(weight_k)`` over those components. Components of
        weight 0 are not computed. Partners without any component are absent.
        """
        scores = self.with_company(company)
        as_of = fields.Date.to_date(as_of)
        components = [c for c in scores._crm_value_benefit_components() if c["weight"] > 0]
        totals = {}  # partner -> [weighted sum, weight sum, {key: value}]
        for component in components:
            values = getattr(scores, component["method"])(company, as_of, partner_ids)
            for partner_id, value in values.items():
                entry = totals.setdefault(partner_id, [0.0, 0.0, {}])
                entry[0] += component["weight"] * value
                entry[1] += component["weight"]
                entry[2][component["key"]] = round(value, 4)
        return {
            partner_id: (round(100.0 * weighted / weights, 2), values)
            for partner_id, (weighted, weights, values) in totals.items()
        }

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _crm_value_benefit_period(self, company, as_of):
        """(date_from, date_to) of the value period ending on ``as_of``: ``date_from`` excluded,
        ``date_to`` included (12 months to 31 March: 1 April of the year before to 31 March)."""
        as_of = fields.Date.to_date(as_of)
        return as_of - relativedelta(months=company.crm_value_period_months), as_of

    def _crm_value_benefit_prepare(self, company, as_of, partner_ids):
        """Flush what the component queries read; the parameters they share."""
        for model in BENEFIT_SOURCES:
            self.env[model].flush_model()
        date_from, date_to = self._crm_value_benefit_period(company, as_of)
        partner_filter = (
            SQL("TRUE")
            if partner_ids is None
            else SQL("rp.commercial_partner_id = ANY(%s)", list(partner_ids))
        )
        return date_from, date_to, partner_filter

    def _crm_value_benefit_fetch(self, query):
        self.env.cr.execute(query)
        return {partner_id: float(value) for partner_id, value in self.env.cr.fetchall()}

    # ------------------------------------------------------------------
    # Components of this addon (see README.md, "Benefit index")
    # ------------------------------------------------------------------
    def _crm_value_benefit_discount(self, company, as_of, partner_ids=None):
        """Discounts and credits granted back: ``min(1, (D + R) / G / full)`` where, over the
        period, ``G`` is the gross amount of the invoice product lines before their discount,
        ``D`` the discounts of those lines (G minus their net amount), ``R`` the net amount of the
        credit notes' product lines, all in company currency, and ``full`` the setting
        "Discounts for a Full Score" (10%: 10% granted back gives 1). Partners without invoiced
        product lines (G = 0) are left out."""
        date_from, date_to, partner_filter = self._crm_value_benefit_prepare(company, as_of, partner_ids)
        # gross before discount: net / (1 - discount); a 100% discount has no net, its list price
        # (in the document currency) is brought back at the invoice's rate
        gross = SQL(
            """CASE WHEN COALESCE(aml.discount, 0) < 100
                    THEN -aml.balance * 100.0 / (100.0 - COALESCE(aml.discount, 0))
                    ELSE COALESCE(aml.price_unit * aml.quantity / NULLIF(am.invoice_currency_rate, 0), 0)
               END"""
        )
        return self._crm_value_benefit_fetch(
            SQL(
                """
                SELECT sums.partner_id,
                       LEAST(1.0, GREATEST(0.0, (sums.discount + sums.credited) / sums.gross / %(full)s))
                  FROM (
                        SELECT rp.commercial_partner_id AS partner_id,
                               SUM(%(gross)s) FILTER (WHERE am.move_type = 'out_invoice') AS gross,
                               SUM(%(gross)s + aml.balance) FILTER (WHERE am.move_type = 'out_invoice')
                                   AS discount,
                               COALESCE(SUM(aml.balance) FILTER (WHERE am.move_type = 'out_refund'), 0)
                                   AS credited
                          FROM account_move_line aml
                          JOIN account_move am ON am.id = aml.move_id
                          JOIN res_partner rp ON rp.id = am.partner_id
                         WHERE am.company_id = %(company)s AND am.state = 'posted'
                           AND am.move_type IN ('out_invoice', 'out_refund')
                           AND aml.display_type = 'product'
                           AND am.invoice_date > %(date_from)s AND am.invoice_date <= %(date_to)s
                           AND %(partner_filter)s
                      GROUP BY rp.commercial_partner_id
                  ) sums
                 WHERE sums.gross > 0
                """,
                gross=gross,
                full=company.crm_value_benefit_discount_full / 100.0,
                company=company.id,
                date_from=date_from,
                date_to=date_to,
                partner_filter=partner_filter,
            )
        )

    def _crm_value_benefit_not_credited(self, company, as_of, partner_ids=None):
        """Share of invoices not credited: among the posted customer invoices of the period, the
        share that no posted credit note dated up to ``as_of`` reverses (``reversed_entry_id``).
        Partners without invoices in the period are left out."""
        date_from, date_to, partner_filter = self._crm_value_benefit_prepare(company, as_of, partner_ids)
        return self._crm_value_benefit_fetch(
            SQL(
                """
                SELECT rp.commercial_partner_id,
                       COUNT(*) FILTER (
                           WHERE NOT EXISTS (
                                 SELECT 1 FROM account_move refund
                                  WHERE refund.reversed_entry_id = am.id AND refund.state = 'posted'
                                    AND refund.move_type = 'out_refund'
                                    AND refund.invoice_date <= %(date_to)s)
                       )::float / COUNT(*)
                  FROM account_move am
                  JOIN res_partner rp ON rp.id = am.partner_id
                 WHERE am.company_id = %(company)s AND am.state = 'posted' AND am.move_type = 'out_invoice'
                   AND am.invoice_date > %(date_from)s AND am.invoice_date <= %(date_to)s
                   AND %(partner_filter)s
              GROUP BY rp.commercial_partner_id
                """,
                company=company.id,
                date_from=date_from,
                date_to=date_to,
                partner_filter=partner_filter,
            )
        )

    def _crm_value_benefit_confirmed(self, company, as_of, partner_ids=None):
        """Benefits the customer confirmed: ``min(1, B / revenue)`` where ``B`` is the amount of
        the partner's ``crm.value.benefit`` records of the company dated in the period and
        ``revenue`` its net invoiced revenue of the period (product lines of invoices minus
        credit notes, company currency). With benefits but no positive revenue: 1 when B > 0.
        Partners without benefit records in the period are left out."""
        date_from, date_to, partner_filter = self._crm_value_benefit_prepare(company, as_of, partner_ids)
        return self._crm_value_benefit_fetch(
            SQL(
                """
                WITH benefit AS (
                    SELECT rp.commercial_partner_id AS partner_id, SUM(COALESCE(b.amount, 0)) AS amount
                      FROM crm_value_benefit b
                      JOIN res_partner rp ON rp.id = b.partner_id
                     WHERE b.company_id = %(company)s
                       AND b.date > %(date_from)s AND b.date <= %(date_to)s
                       AND %(partner_filter)s
                  GROUP BY rp.commercial_partner_id
                ), revenue AS (
                    SELECT rp.commercial_partner_id AS partner_id, SUM(-aml.balance) AS revenue
                      FROM account_move_line aml
                      JOIN account_move am ON am.id = aml.move_id
                      JOIN res_partner rp ON rp.id = am.partner_id
                     WHERE am.company_id = %(company)s AND am.state = 'posted'
                       AND am.move_type IN ('out_invoice', 'out_refund')
                       AND aml.display_type = 'product'
                       AND am.invoice_date > %(date_from)s AND am.invoice_date <= %(date_to)s
                       AND rp.commercial_partner_id IN (SELECT partner_id FROM benefit)
                  GROUP BY rp.commercial_partner_id
                )
                SELECT benefit.partner_id,
                       CASE WHEN COALESCE(revenue.revenue, 0) <= 0
                            THEN CASE WHEN benefit.amount > 0 THEN 1.0 ELSE 0.0 END
                            ELSE LEAST(1.0, GREATEST(0.0, benefit.amount / revenue.revenue))
                       END
                  FROM benefit
             LEFT JOIN revenue ON revenue.partner_id = benefit.partner_id
                """,
                company=company.id,
                date_from=date_from,
                date_to=date_to,
                partner_filter=partner_filter,
            )
        )

    def _crm_value_benefit_on_time(self, company, as_of, partner_ids=None):
        """On-time payment: among the posted customer invoices of the period not reversed by a
        credit note, those counted are the invoices fully paid by ``as_of`` and those still open
        after their due date; the value is the share of counted invoices fully paid by their due
        date. "Paid" reads Odoo's reconciliation: the ``account.partial.reconcile`` rows on the
        invoice's receivable lines (``display_type = 'payment_term'``), each dated by its
        ``max_date`` (the later of the two matched lines), their ``amount`` (company currency)
        summed against the receivable total. Payments after ``as_of`` are ignored, so a past
        month end reads as it was. Partners with no counted invoice are left out."""
        date_from, date_to, partner_filter = self._crm_value_benefit_prepare(company, as_of, partner_ids)
        return self._crm_value_benefit_fetch(
            SQL(
                """
                WITH invoice AS (
                    SELECT am.id, rp.commercial_partner_id AS partner_id,
                           COALESCE(am.invoice_date_due, am.invoice_date) AS due
                      FROM account_move am
                      JOIN res_partner rp ON rp.id = am.partner_id
                     WHERE am.company_id = %(company)s AND am.state = 'posted'
                       AND am.move_type = 'out_invoice'
                       AND am.invoice_date > %(date_from)s AND am.invoice_date <= %(date_to)s
                       AND %(partner_filter)s
                       AND NOT EXISTS (
                               SELECT 1 FROM account_move refund
                                WHERE refund.reversed_entry_id = am.id AND refund.state = 'posted'
                                  AND refund.move_type = 'out_refund')
                ), receivable AS (
                    SELECT invoice.id, invoice.partner_id, invoice.due, line.id AS line_id, line.balance
                      FROM invoice
                      JOIN account_move_line line
                        ON line.move_id = invoice.id AND line.display_type = 'payment_term'
                ), status AS (
                    SELECT receivable.id, receivable.partner_id, receivable.due,
                           SUM(receivable.balance) AS total,
                           COALESCE(SUM(paid.by_due), 0) AS by_due,
                           COALESCE(SUM(paid.by_as_of), 0) AS by_as_of
                      FROM receivable
                 LEFT JOIN LATERAL (
                           SELECT SUM(apr.amount) FILTER (
                                      WHERE apr.max_date <= LEAST(receivable.due, %(date_to)s)) AS by_due,
                                  SUM(apr.amount) FILTER (WHERE apr.max_date <= %(date_to)s) AS by_as_of
                             FROM account_partial_reconcile apr
                            WHERE apr.debit_move_id = receivable.line_id
                      ) paid ON TRUE
                  GROUP BY receivable.id, receivable.partner_id, receivable.due
                )
                SELECT status.partner_id,
                       COUNT(*) FILTER (WHERE status.by_due >= status.total - %(tolerance)s)::float
                       / COUNT(*)
                  FROM status
                 WHERE status.total > 0
                   AND (status.by_as_of >= status.total - %(tolerance)s OR status.due < %(date_to)s)
              GROUP BY status.partner_id
                """,
                company=company.id,
                date_from=date_from,
                date_to=date_to,
                partner_filter=partner_filter,
                tolerance=company.currency_id.rounding / 2.0,
            )
        )
