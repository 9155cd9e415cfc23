from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_value_period_months = fields.Integer(
        string="Value Period (Months)",
        default=12,
        help="Months of posted invoices counted in the recent revenue, margin and RFM indices.",
    )
    crm_value_history_months = fields.Integer(
        string="History Window (Months)",
        default=36,
        help="Months of posted invoices read for the totals, first purchases, intervals and lifetime value.",
    )
    crm_value_abc_basis = fields.Selection(
        [("margin", "Margin"), ("revenue", "Revenue")],
        string="80/20 Basis",
        default="margin",
        required=True,
        help="Customers are ranked by their period margin or their period revenue for the A/B/C classes.",
    )
    crm_value_abc_a_share = fields.Float(
        string="Class A Up To (%)",
        default=80.0,
        help="A customer is class A while the share of the value of the customers ranked before it is "
        "under this percentage.",
    )
    crm_value_abc_b_share = fields.Float(
        string="Class B Up To (%)",
        default=95.0,
        help="A customer is class B while the share of the value of the customers ranked before it is "
        "under this percentage; C above.",
    )
    crm_value_dev_weight_revenue = fields.Float(string="Development Weight: Revenue", default=40.0)
    crm_value_dev_weight_margin = fields.Float(string="Development Weight: Margin", default=30.0)
    crm_value_dev_weight_purchases = fields.Float(string="Development Weight: Purchases", default=20.0)
    crm_value_dev_weight_categories = fields.Float(
        string="Development Weight: Product Categories", default=10.0
    )
    crm_value_churn_at_risk_ratio = fields.Float(
        string="At Risk From (x Interval)",
        default=1.5,
        help="A customer is at risk when the days since its last purchase reach this many times its expected "
        "interval between purchases.",
    )
    crm_value_churn_dormant_ratio = fields.Float(string="Dormant From (x Interval)", default=2.0)
    crm_value_churn_lost_ratio = fields.Float(string="Lost From (x Interval)", default=3.0)
    crm_value_last_run = fields.Datetime(
        string="Customer Value Computed At",
        readonly=True,
        copy=False,
        help="Start of the last recompute of this company's scores: invoices changed after it are "
        "re-aggregated by the next incremental run.",
    )

    def write(self, vals):
        # the purchase days kept since the last run may not cover a longer window: read them all again
        if {"crm_value_period_months", "crm_value_history_months"} & set(
            vals
        ) and "crm_value_last_run" not in vals:
            vals = dict(vals, crm_value_last_run=False)
        return super().write(vals)

    @api.constrains("crm_value_period_months")
    def _check_crm_value_period_months(self):
        self._crm_check_setting_range("crm_value_period_months", 1, 120)

    @api.constrains("crm_value_history_months", "crm_value_period_months")
    def _check_crm_value_history_months(self):
        for company in self:
            if not company.crm_value_period_months <= company.crm_value_history_months <= 240:
                raise ValidationError(
                    self.env._(
                        "The history window of %(company)s must be between its value period "
                        "(%(period)s months) "
                        "and 240 months, not %(months)s.",
                        company=company.name,
                        period=company.crm_value_period_months,
                        months=company.crm_value_history_months,
                    )
                )

    @api.constrains("crm_value_abc_a_share", "crm_value_abc_b_share")
    def _check_crm_value_abc_shares(self):
        for company in self:
            if not 0 < company.crm_value_abc_a_share <= company.crm_value_abc_b_share <= 100:
                raise ValidationError(
                    self.env._(
                        "The 80/20 thresholds of %(company)s must satisfy 0 < class A (%(a)s%%) <= class B "
                        "(%(b)s%%) <= 100.",
                        company=company.name,
                        a=company.crm_value_abc_a_share,
                        b=company.crm_value_abc_b_share,
                    )
                )

    @api.constrains(
        "crm_value_dev_weight_revenue",
        "crm_value_dev_weight_margin",
        "crm_value_dev_weight_purchases",
        "crm_value_dev_weight_categories",
    )
    def _check_crm_value_dev_weights(self):
        for company in self:
            weights = [
                company.crm_value_dev_weight_revenue,
                company.crm_value_dev_weight_margin,
                company.crm_value_dev_weight_purchases,
                company.crm_value_dev_weight_categories,
            ]
            if min(weights) < 0 or not sum(weights):
                raise ValidationError(
                    self.env._(
                        "The development index weights of %(company)s must be zero or more, "
                        "and not all zero.",
                        company=company.name,
                    )
                )

    @api.constrains(
        "crm_value_churn_at_risk_ratio", "crm_value_churn_dormant_ratio", "crm_value_churn_lost_ratio"
    )
    def _check_crm_value_churn_ratios(self):
        for company in self:
            if not (
                0
                < company.crm_value_churn_at_risk_ratio
                <= company.crm_value_churn_dormant_ratio
                <= company.crm_value_churn_lost_ratio
            ):
                raise ValidationError(
                    self.env._(
                        "The churn ratios of %(company)s must satisfy 0 < at risk (%(at_risk)s) <= dormant "
                        "(%(dormant)s) <= lost (%(lost)s).",
                        company=company.name,
                        at_risk=company.crm_value_churn_at_risk_ratio,
                        dormant=company.crm_value_churn_dormant_ratio,
                        lost=company.crm_value_churn_lost_ratio,
                    )
                )
