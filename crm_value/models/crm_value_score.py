from odoo import fields, models

ABC_CLASSES = [
    ("A", "A"),
    ("B", "B"),
    ("C", "C"),
    ("N", "N (zero or loss)"),
]
CHURN_STATES = [
    ("new", "New"),
    ("active", "Active"),
    ("at_risk", "At Risk"),
    ("dormant", "Dormant"),
    ("lost", "Lost"),
    ("reactivated", "Reactivated"),
]
SERVICE_TIERS = [
    ("dedicated", "Dedicated"),
    ("tiered", "Tiered"),
]
RFM_SCORES = [(str(score), str(score)) for score in range(1, 6)]


class CrmValueScore(models.Model):
    """The value of one customer (commercial partner) for one company.

    Written only by ``_recompute`` (set-based SQL); users read it."""

    _name = "crm.value.score"
    _description = "Customer Value Score"
    _order = "company_id, cumulative_share, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    revenue_period = fields.Monetary(string="Revenue (Period)", readonly=True)
    margin_period = fields.Monetary(string="Margin (Period)", readonly=True)
    revenue_total = fields.Monetary(string="Revenue (History)", readonly=True)
    margin_total = fields.Monetary(string="Margin (History)", readonly=True)
    purchase_count = fields.Integer(string="Purchases (Period)", readonly=True)
    first_purchase_date = fields.Date(readonly=True)
    last_purchase_date = fields.Date(readonly=True)
    rfm_recency = fields.Integer(string="Recency Score", readonly=True, aggregator="avg")
    rfm_frequency = fields.Integer(string="Frequency Score", readonly=True, aggregator="avg")
    rfm_monetary = fields.Integer(string="Monetary Score", readonly=True, aggregator="avg")
    rfm_segment = fields.Many2one("crm.value.rfm.segment", string="RFM Segment", readonly=True, index=True)
    abc_class = fields.Selection(ABC_CLASSES, string="Value Class", readonly=True, index=True)
    cumulative_share = fields.Float(
        string="Cumulative Share (%)", readonly=True, aggregator="max", digits=(16, 2)
    )
    development_index = fields.Float(
        readonly=True, aggregator="avg", digits=(16, 1), help="100: growing in step with the company."
    )
    benefit_index = fields.Float(readonly=True, aggregator="avg", digits=(16, 1))
    churn_state = fields.Selection(CHURN_STATES, readonly=True, index=True)
    expected_interval_days = fields.Float(readonly=True, aggregator="avg", digits=(16, 1))
    p_alive = fields.Float(string="Probability Alive", readonly=True, aggregator="avg", digits=(16, 3))
    expected_purchases = fields.Float(
        string="Expected Purchases (12 Months)", readonly=True, aggregator="sum", digits=(16, 2)
    )
    clv = fields.Monetary(string="Lifetime Value (12 Months)", readonly=True)
    service_tier = fields.Selection(SERVICE_TIERS, string="Recommended Service", readonly=True)
    inputs = fields.Json(readonly=True, help="Every raw value, threshold and cut-point used.")
    method_version = fields.Char(readonly=True)
    computed_at = fields.Datetime(readonly=True)
    # inputs of the lifetime-value model (written by the recompute, read by crm.value.clv.model)
    as_of_date = fields.Date(string="Computed As Of", readonly=True)
    purchase_count_total = fields.Integer(string="Purchases (History)", readonly=True)
    repeat_margin_avg = fields.Monetary(
        string="Average Margin per Repeat Purchase", readonly=True,
        help="Mean margin of the purchases after the first one, over the history window.",
    )

    _sql_constraints = [
        ("partner_company_unique", "unique(partner_id, company_id)", "One score per customer and company."),
    ]

    # ------------------------------------------------------------------
    # Hooks between the parts of the recompute (each part in its own file)
    # ------------------------------------------------------------------
    def _crm_value_purchase_days_sql(self, company, date_from, date_to, partner_ids=None):
        """SQL of the rows (partner_id, day, revenue, margin) of one company: one row per commercial
        partner and day with net invoiced revenue, in company currency, between the two dates
        (included), credit notes on the date of the invoice they reverse."""
        raise NotImplementedError

    def _crm_value_benefit_index(self, company, as_of, partner_ids=None):
        """{partner_id: (benefit index 0-100, {component key: value in [0, 1]})} for the partners
        having at least one component with data. Implemented in crm_value_score_benefit.py."""
        return {}

    def _crm_value_after_store(self, company, as_of):
        """Called by the recompute after ``company``'s scores were upserted from the temporary
        table ``crm_value_calc`` (still there, one row per customer). Base: nothing. Override me
        in your own file and call super()."""
        return None
