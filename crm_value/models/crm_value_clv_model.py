from odoo import fields, models


class CrmValueClvModel(models.Model):
    """A BG/NBD + Gamma-Gamma fit of one company's purchase history."""

    _name = "crm.value.clv.model"
    _description = "Customer Lifetime Value Model"
    _order = "fitted_at desc, id desc"
    _rec_name = "company_id"

    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    fitted_at = fields.Datetime(readonly=True)
    state = fields.Selection(
        [("fitted", "Fitted"), ("refused", "Refused")], required=True, default="fitted", readonly=True
    )
    message = fields.Text(readonly=True, help="Why the data could not support a fit.")
    active = fields.Boolean(default=True, readonly=True, help="The company's current model.")
    customer_count = fields.Integer(readonly=True)
    repeat_customer_count = fields.Integer(string="Repeat Buyers", readonly=True)
    time_unit_days = fields.Integer(readonly=True, default=7, help="Length of one time unit of r, alpha, a, b.")
    # BG/NBD
    bgnbd_r = fields.Float(string="r", readonly=True, digits=(16, 6))
    bgnbd_alpha = fields.Float(string="alpha", readonly=True, digits=(16, 6))
    bgnbd_a = fields.Float(string="a", readonly=True, digits=(16, 6))
    bgnbd_b = fields.Float(string="b", readonly=True, digits=(16, 6))
    bgnbd_log_likelihood = fields.Float(string="BG/NBD Log-Likelihood", readonly=True)
    bgnbd_converged = fields.Boolean(string="BG/NBD Converged", readonly=True)
    # Gamma-Gamma
    gg_p = fields.Float(string="p", readonly=True, digits=(16, 6))
    gg_q = fields.Float(string="q", readonly=True, digits=(16, 6))
    gg_v = fields.Float(string="v", readonly=True, digits=(16, 6))
    gg_log_likelihood = fields.Float(string="Gamma-Gamma Log-Likelihood", readonly=True)
    gg_converged = fields.Boolean(string="Gamma-Gamma Converged", readonly=True)
    holdout_days = fields.Integer(readonly=True)
    holdout_error = fields.Float(
        string="Holdout Error (%)", readonly=True, digits=(16, 2),
        help="Mean absolute error of the predicted against the actual purchases in the holdout period, "
        "in percent of the actual purchases.",
    )

    def _crm_value_apply_clv(self, company, as_of):
        """Fit the company's model on the scores just stored (purchase_count_total,
        first/last_purchase_date, repeat_margin_avg, as_of_date) and write their p_alive,
        expected_purchases and clv in one statement. Returns the model (fitted or refused)."""
        return self.browse()
