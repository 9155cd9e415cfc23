from odoo import fields, models

from .crm_value_score import ABC_CLASSES, CHURN_STATES


class CrmValueSnapshot(models.Model):
    """A customer's value at one month end, kept for trends."""

    _name = "crm.value.snapshot"
    _description = "Customer Value Snapshot"
    _order = "date desc, company_id, partner_id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    date = fields.Date(string="Month End", required=True, index=True, readonly=True)
    revenue_period = fields.Monetary(string="Revenue (Period)", readonly=True)
    margin_period = fields.Monetary(string="Margin (Period)", readonly=True)
    purchase_count = fields.Integer(string="Purchases (Period)", readonly=True)
    rfm_recency = fields.Integer(string="Recency Score", readonly=True, aggregator="avg")
    rfm_frequency = fields.Integer(string="Frequency Score", readonly=True, aggregator="avg")
    rfm_monetary = fields.Integer(string="Monetary Score", readonly=True, aggregator="avg")
    abc_class = fields.Selection(ABC_CLASSES, string="Value Class", readonly=True)
    cumulative_share = fields.Float(string="Cumulative Share (%)", readonly=True, aggregator="max")
    development_index = fields.Float(readonly=True, aggregator="avg", digits=(16, 1))
    benefit_index = fields.Float(readonly=True, aggregator="avg", digits=(16, 1))
    churn_state = fields.Selection(CHURN_STATES, readonly=True)
    clv = fields.Monetary(string="Lifetime Value (12 Months)", readonly=True)

    _sql_constraints = [
        (
            "partner_company_date_unique",
            "unique(partner_id, company_id, date)",
            "One snapshot per customer, company and month end.",
        ),
    ]
