# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.crm_care_event import CARE_EVENT_STATES, CARE_OUTCOMES, FOLLOWED_ORDER_DAYS
from ..models.crm_care_rule import CARE_TRIGGERS


class CrmCareReport(models.Model):
    """Care analysis: one row per care event, for care done versus due, the outcomes and the
    orders that followed.

    *Done (%)* averages 100 for an event done, 0 for one still due (cancelled events are left
    out). *Orders that followed*: the customer's confirmed sale orders dated in the
    ``FOLLOWED_ORDER_DAYS`` days from the day the care was done, their untaxed amount in the
    company's currency."""

    _name = "crm.care.report"
    _description = "Care Analysis"
    _auto = False
    _order = "due_date desc, id desc"
    _rec_name = "partner_id"

    event_id = fields.Many2one("crm.care.event", string="Care Event", readonly=True)
    rule_id = fields.Many2one("crm.care.rule", string="Care Rule", readonly=True)
    trigger = fields.Selection(CARE_TRIGGERS, readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Responsible", readonly=True)
    state = fields.Selection(CARE_EVENT_STATES, readonly=True)
    outcome = fields.Selection(CARE_OUTCOMES, readonly=True)
    due_date = fields.Date(readonly=True)
    done_date = fields.Date(readonly=True)
    event_count = fields.Integer(string="Care Due", readonly=True, aggregator="sum")
    done_count = fields.Integer(string="Care Done", readonly=True, aggregator="sum")
    done_rate = fields.Float(string="Done (%)", readonly=True, aggregator="avg")
    order_count = fields.Integer(string="Orders That Followed", readonly=True, aggregator="sum")
    order_amount = fields.Monetary(string="Amount That Followed", readonly=True, aggregator="sum")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(table)s AS (
                    SELECT e.id,
                           e.id AS event_id,
                           e.rule_id,
                           rule.trigger,
                           e.company_id,
                           e.partner_id,
                           e.user_id,
                           e.state,
                           e.outcome,
                           e.due_date,
                           e.done_date,
                           1 AS event_count,
                           CASE WHEN e.state = 'done' THEN 1 ELSE 0 END AS done_count,
                           CASE WHEN e.state = 'done' THEN 100.0 ELSE 0.0 END AS done_rate,
                           COALESCE(followed.order_count, 0) AS order_count,
                           COALESCE(followed.order_amount, 0) AS order_amount
                      FROM crm_care_event e
                      JOIN crm_care_rule rule ON rule.id = e.rule_id
                 LEFT JOIN LATERAL (
                           SELECT count(so.id) AS order_count,
                                  SUM(so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1))
                                      AS order_amount
                             FROM res_partner buyer
                             JOIN sale_order so ON so.partner_id = buyer.id
                            WHERE e.state = 'done'
                              AND buyer.commercial_partner_id = e.partner_id
                              AND so.company_id = e.company_id
                              AND so.state = 'sale'
                              AND so.date_order >= e.done_date
                              AND so.date_order < e.done_date + %(days)s + 1
                      ) followed ON TRUE
                     WHERE e.state != 'cancelled'
                )
                """,
                table=SQL.identifier(self._table),
                days=FOLLOWED_ORDER_DAYS,
            )
        )
