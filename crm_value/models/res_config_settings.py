from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_value_period_months = fields.Integer(
        related="company_id.crm_value_period_months",
        readonly=False,
    )
    crm_value_history_months = fields.Integer(
        related="company_id.crm_value_history_months",
        readonly=False,
    )
    crm_value_abc_basis = fields.Selection(
        related="company_id.crm_value_abc_basis",
        readonly=False,
    )
    crm_value_abc_a_share = fields.Float(
        related="company_id.crm_value_abc_a_share",
        readonly=False,
    )
    crm_value_abc_b_share = fields.Float(
        related="company_id.crm_value_abc_b_share",
        readonly=False,
    )
    crm_value_dev_weight_revenue = fields.Float(
        related="company_id.crm_value_dev_weight_revenue",
        readonly=False,
    )
    crm_value_dev_weight_margin = fields.Float(
        related="company_id.crm_value_dev_weight_margin",
        readonly=False,
    )
    crm_value_dev_weight_purchases = fields.Float(
        related="company_id.crm_value_dev_weight_purchases",
        readonly=False,
    )
    crm_value_dev_weight_categories = fields.Float(
        related="company_id.crm_value_dev_weight_categories",
        readonly=False,
    )
    crm_value_churn_at_risk_ratio = fields.Float(
        related="company_id.crm_value_churn_at_risk_ratio",
        readonly=False,
    )
    crm_value_churn_dormant_ratio = fields.Float(
        related="company_id.crm_value_churn_dormant_ratio",
        readonly=False,
    )
    crm_value_churn_lost_ratio = fields.Float(
        related="company_id.crm_value_churn_lost_ratio",
        readonly=False,
    )
