from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.crm_value_score import ABC_CLASSES


class CrmValueChurnReport(models.Model):
    """Lost revenue per month, read from the month-end snapshots.

    One row per customer and month in which it became lost: lost at that month end's snapshot,
    not lost at its previous snapshot. The row carries the revenue of the value period of that
    previous snapshot: what the company stopped selling to the customer. A customer whose first
    snapshot is already lost has no row (it was lost before the snapshots began)."""

    _name = "crm.value.churn.report"
    _description = "Customer Value: Lost Revenue per Month"
    _auto = False
    _order = "date desc, lost_revenue desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    date = fields.Date(string="Lost at Month End", readonly=True)
    previous_date = fields.Date(string="Previous Month End", readonly=True)
    lost_revenue = fields.Monetary(readonly=True)
    lost_margin = fields.Monetary(readonly=True)
    previous_abc_class = fields.Selection(ABC_CLASSES, string="Value Class Before", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(table)s AS (
                    SELECT step.id,
                           step.partner_id,
                           step.company_id,
                           company.currency_id,
                           step.date,
                           step.previous_date,
                           COALESCE(step.previous_revenue, 0) AS lost_revenue,
                           COALESCE(step.previous_margin, 0) AS lost_margin,
                           step.previous_abc_class,
                           partner.user_id
                      FROM (
                            SELECT snapshot.id, snapshot.partner_id, snapshot.company_id, snapshot.date,
                                   snapshot.churn_state,
                                   LAG(snapshot.date) OVER w AS previous_date,
                                   LAG(snapshot.churn_state) OVER w AS previous_state,
                                   LAG(snapshot.revenue_period) OVER w AS previous_revenue,
                                   LAG(snapshot.margin_period) OVER w AS previous_margin,
                                   LAG(snapshot.abc_class) OVER w AS previous_abc_class
                              FROM crm_value_snapshot snapshot
                            WINDOW w AS (PARTITION BY snapshot.company_id, snapshot.partner_id
                                         ORDER BY snapshot.date)
                           ) step
                      JOIN res_company company ON company.id = step.company_id
                      JOIN res_partner partner ON partner.id = step.partner_id
                     WHERE step.churn_state = 'lost'
                       AND step.previous_date IS NOT NULL
                       AND step.previous_state IS DISTINCT FROM 'lost'
                )
                """,
                table=SQL.identifier(self._table),
            )
        )
