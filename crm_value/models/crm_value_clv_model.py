import logging
from datetime import timedelta

import numpy as np
from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..utils import clv

_logger = logging.getLogger(__name__)

#: Length of the time unit of r, alpha, a and b (weeks, as in Fader, Hardie and Lee 2005).
TIME_UNIT_DAYS = 7
#: Horizon of expected_purchases and clv: 12 months.
HORIZON_DAYS = 365.25
#: The holdout check refits on the history before as_of minus this many days (26 weeks) and
#: compares the purchases it predicts in these days with the purchases made.
HOLDOUT_DAYS = 182


class CrmValueClvModel(models.Model):
    """A BG/NBD + Gamma-Gamma fit of one company's purchase history."""

    _name = "crm.value.clv.model"
    _description = "Customer Lifetime Value Model"
    _order = "fitted_at desc, id desc"
    _rec_name = "company_id"

    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    fitted_at = fields.Datetime(readonly=True)
    as_of_date = fields.Date(string="History Up To", readonly=True)
    state = fields.Selection(
        [("fitted", "Fitted"), ("refused", "Refused")], required=True, default="fitted", readonly=True
    )
    message = fields.Text(readonly=True, help="Why the data could not support a fit.")
    active = fields.Boolean(default=True, readonly=True, help="The company's current model.")
    customer_count = fields.Integer(readonly=True)
    repeat_customer_count = fields.Integer(string="Repeat Buyers", readonly=True)
    time_unit_days = fields.Integer(
        readonly=True, default=7, help="Length of one time unit of r, alpha, a, b."
    )
    horizon_days = fields.Float(
        string="Horizon (Days)", readonly=True, help="Horizon of the expected purchases."
    )
    # BG/NBD
    bgnbd_r = fields.Float(string="r", readonly=True, digits=(16, 6))
    bgnbd_alpha = fields.Float(string="alpha", readonly=True, digits=(16, 6))
    bgnbd_a = fields.Float(string="a", readonly=True, digits=(16, 6))
    bgnbd_b = fields.Float(string="b", readonly=True, digits=(16, 6))
    bgnbd_log_likelihood = fields.Float(string="BG/NBD Log-Likelihood", readonly=True)
    bgnbd_converged = fields.Boolean(string="BG/NBD Converged", readonly=True)
    bgnbd_iterations = fields.Integer(string="BG/NBD Iterations", readonly=True)
    # Gamma-Gamma
    gg_p = fields.Float(string="p", readonly=True, digits=(16, 6))
    gg_q = fields.Float(string="q", readonly=True, digits=(16, 6))
    gg_v = fields.Float(string="v", readonly=True, digits=(16, 6))
    gg_log_likelihood = fields.Float(string="Gamma-Gamma Log-Likelihood", readonly=True)
    gg_converged = fields.Boolean(string="Gamma-Gamma Converged", readonly=True)
    gg_iterations = fields.Integer(string="Gamma-Gamma Iterations", readonly=True)
    gg_customer_count = fields.Integer(
        string="Spend Model Customers",
        readonly=True,
        help="Repeat buyers with a positive average margin per repeat purchase, "
        "on which Gamma-Gamma was fitted.",
    )
    expected_margin_new = fields.Monetary(
        string="Expected Margin per Purchase (New Customer)",
        readonly=True,
        help="Gamma-Gamma's population mean p v / (q - 1), used for one-time buyers.",
    )
    holdout_days = fields.Integer(readonly=True)
    holdout_error = fields.Float(
        string="Holdout Error (%)",
        readonly=True,
        digits=(16, 2),
        help="Mean absolute error of the predicted against the actual purchases in the holdout period, "
        "in percent of the actual purchases.",
    )
    holdout_customer_count = fields.Integer(string="Holdout Customers", readonly=True)
    holdout_actual = fields.Integer(string="Holdout Purchases (Actual)", readonly=True)
    holdout_predicted = fields.Float(string="Holdout Purchases (Predicted)", readonly=True, digits=(16, 1))
    holdout_message = fields.Text(readonly=True, help="Why the holdout check could not be made.")

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_fit_now(self):
        """Fit the model again on the stored scores of the record's company (of the current
        company without a record). Customer Value managers only."""
        if not self.env.user.has_group("crm_value.group_crm_value_manager"):
            raise AccessError(self.env._("Only Customer Value managers may fit the lifetime value model."))
        companies = self.company_id or self.env.company
        allowed = self.env.user.company_ids
        if companies - allowed:
            raise AccessError(
                self.env._(
                    "You may not fit the lifetime value model of %(companies)s.",
                    companies=", ".join((companies - allowed).mapped("name")),
                )
            )
        # sudo: access checked above; the fit reads and writes every score of the company,
        # whatever records the manager may see, and creates the (read-only) model record.
        models_ = self.sudo().browse()
        for company in companies:
            models_ |= self.sudo()._crm_value_apply_clv(company, self._crm_value_scores_as_of(company))
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": models_[:1].id,
            "view_mode": "form",
            "target": "current",
        }

    # ------------------------------------------------------------------
    # Fit
    # ------------------------------------------------------------------
    def _crm_value_scores_as_of(self, company):
        self.env["crm.value.score"].flush_model(["as_of_date", "company_id"])
        self.env.cr.execute(
            SQL("SELECT MAX(as_of_date) FROM crm_value_score WHERE company_id = %s", company.id)
        )
        return self.env.cr.fetchone()[0] or fields.Date.context_today(self)

    def _crm_value_apply_clv(self, company, as_of):
        """Fit the company's model on the scores just stored (purchase_count_total,
        first/last_purchase_date, repeat_margin_avg, as_of_date) and write their p_alive,
        expected_purchases and clv in one statement. Returns the model (fitted or refused)."""
        scores = self._crm_value_read_scores(company, as_of)
        vals = {
            "company_id": company.id,
            "fitted_at": fields.Datetime.now(),
            "as_of_date": as_of,
            "customer_count": int(scores["valid"].sum()),
            "repeat_customer_count": int(np.count_nonzero(scores["x"][scores["valid"]] > 0)),
            "time_unit_days": TIME_UNIT_DAYS,
            "horizon_days": HORIZON_DAYS,
            "holdout_days": HOLDOUT_DAYS,
        }
        valid = scores["valid"]
        try:
            bgnbd, gg = self._crm_value_fit(scores)
            p_alive, purchases, value = clv.customer_lifetime_value(
                bgnbd.params,
                gg.params,
                HORIZON_DAYS / TIME_UNIT_DAYS,
                scores["x"][valid],
                scores["t_x"][valid],
                scores["T"][valid],
                scores["m"][valid],
            )
        except clv.Hyp2f1NotConverged as error:
            refusal = clv.ClvFitRefused("no_convergence", model="2F1", detail=str(error))
            return self._crm_value_refuse(company, vals, refusal)
        except clv.ClvFitRefused as refusal:
            return self._crm_value_refuse(company, vals, refusal)
        results = np.full((scores["ids"].size, 3), np.nan)
        results[valid] = np.column_stack([p_alive, purchases, value])
        self._crm_value_write_scores(company, scores["ids"], results)
        params = {**bgnbd.params, **gg.params}
        vals.update(
            state="fitted",
            message=False,
            bgnbd_r=params["r"],
            bgnbd_alpha=params["alpha"],
            bgnbd_a=params["a"],
            bgnbd_b=params["b"],
            bgnbd_log_likelihood=bgnbd.log_likelihood,
            bgnbd_converged=bgnbd.converged,
            bgnbd_iterations=bgnbd.iterations,
            gg_p=params["p"],
            gg_q=params["q"],
            gg_v=params["v"],
            gg_log_likelihood=gg.log_likelihood,
            gg_converged=gg.converged,
            gg_iterations=gg.iterations,
            gg_customer_count=gg.n_repeat,
            expected_margin_new=params["p"] * params["v"] / (params["q"] - 1.0),
        )
        vals.update(self._crm_value_holdout(company, as_of))
        return self._crm_value_store_model(company, vals)

    def _crm_value_refuse(self, company, vals, refusal):
        vals.update(state="refused", message=self._crm_value_refusal_message(company, refusal))
        self._crm_value_write_scores(company, None, None)
        return self._crm_value_store_model(company, vals)

    def _crm_value_fit(self, scores):
        """(BG/NBD fit, Gamma-Gamma fit) of the valid scores; ClvFitRefused when refused."""
        valid = scores["valid"]
        x, t_x, T, m = (scores[key][valid] for key in ("x", "t_x", "T", "m"))
        bgnbd = clv.fit_bgnbd(x, t_x, T)
        gg = clv.fit_gamma_gamma(x, m)
        return bgnbd, gg

    def _crm_value_read_scores(self, company, as_of):
        """The company's scores as arrays, in one query: ids, x (repeat purchases), t_x and T
        (weeks from the first purchase to the last one and to as_of), m (mean margin of the
        repeat purchases), valid (at least one purchase)."""
        self.env["crm.value.score"].flush_model(
            [
                "company_id",
                "purchase_count_total",
                "first_purchase_date",
                "last_purchase_date",
                "repeat_margin_avg",
                "as_of_date",
            ]
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT id,
                       COALESCE(purchase_count_total, 0) - 1,
                       COALESCE(last_purchase_date - first_purchase_date, 0),
                       COALESCE(COALESCE(as_of_date, %(as_of)s) - first_purchase_date, 0),
                       COALESCE(repeat_margin_avg, 0),
                       first_purchase_date IS NOT NULL AND last_purchase_date IS NOT NULL
                       AND COALESCE(purchase_count_total, 0) > 0
                  FROM crm_value_score
                 WHERE company_id = %(company)s
                 ORDER BY id
                """,
                company=company.id,
                as_of=as_of,
            )
        )
        rows = self.env.cr.fetchall()
        columns = list(zip(*rows, strict=True)) if rows else [()] * 6
        return self._crm_value_arrays(*columns)

    @staticmethod
    def _crm_value_arrays(ids, repeat, last_days, age_days, margin, valid):
        x = np.asarray(repeat, dtype=float)
        valid = np.asarray(valid, dtype=bool)
        return {
            "ids": np.asarray(ids, dtype=int),
            "x": np.maximum(x, 0.0),
            "t_x": np.asarray(last_days, dtype=float) / TIME_UNIT_DAYS,
            "T": np.maximum(np.asarray(age_days, dtype=float), 0.0) / TIME_UNIT_DAYS,
            "m": np.asarray(margin, dtype=float),
            "valid": valid & (x >= 0) if valid.size else valid,
        }

    def _crm_value_write_scores(self, company, ids, results):
        """p_alive, expected_purchases, clv of the company's scores in ONE statement: from the
        arrays (NaN -> NULL), or all NULL when ``ids`` is None (refused fit)."""
        if ids is None:
            query = SQL(
                """
                UPDATE crm_value_score
                   SET p_alive = NULL, expected_purchases = NULL, clv = NULL
                 WHERE company_id = %s
                   AND (p_alive, expected_purchases, clv) IS DISTINCT FROM (NULL, NULL, NULL)
                """,
                company.id,
            )
        else:
            as_lists = [[None if np.isnan(v) else float(v) for v in results[:, i]] for i in range(3)]
            query = SQL(
                """
                UPDATE crm_value_score score
                   SET p_alive = v.p_alive, expected_purchases = v.expected_purchases, clv = v.clv
                  FROM unnest(%(ids)s::integer[], %(p_alive)s::float8[], %(purchases)s::float8[],
                              %(clv)s::numeric[]) AS v(id, p_alive, expected_purchases, clv)
                 WHERE score.id = v.id
                   AND score.company_id = %(company)s
                """,
                ids=[int(i) for i in ids],
                p_alive=as_lists[0],
                purchases=as_lists[1],
                clv=as_lists[2],
                company=company.id,
            )
        self.env.cr.execute(query)
        self.env["crm.value.score"].invalidate_model(["p_alive", "expected_purchases", "clv"])

    def _crm_value_store_model(self, company, vals):
        # sudo: the model is a technical, read-only record written only by the fit (managers
        # have read access only); the caller already checked who may fit.
        model_sudo = self.sudo()
        model_sudo.search([("company_id", "=", company.id), ("active", "=", True)]).write({"active": False})
        record = model_sudo.create(vals)
        _logger.info(
            "crm_value: lifetime value model of %s %s (%s customers, %s repeat buyers)",
            company.name,
            record.state,
            record.customer_count,
            record.repeat_customer_count,
        )
        return record.with_env(self.env)

    def _crm_value_refusal_message(self, company, refusal, holdout=False):
        message = self._crm_value_refusal_reason(company, refusal)
        if holdout:
            return self.env._(
                "Holdout check not made (fit on the history before the last %(days)s days): %(reason)s",
                days=HOLDOUT_DAYS,
                reason=message,
            )
        return message

    def _crm_value_refusal_reason(self, company, refusal):
        values = refusal.values
        if refusal.reason == "too_few_repeat_buyers":
            return self.env._(
                "No lifetime value model for %(company)s: %(repeat)s customers bought more than once in the "
                "history window (with a positive margin per purchase, for the spend model), at least "
                "%(minimum)s are needed. Probability alive, expected purchases and lifetime value stay "
                "empty until the history holds enough repeat buyers.",
                company=company.name,
                repeat=values.get("repeat_buyers", 0),
                minimum=values.get("minimum", clv.MIN_REPEAT_BUYERS),
            )
        if refusal.reason == "q_not_above_one":
            # formatted before the call: the .pot extractor evaluates string literals of its arguments
            q_value = "{:.3f}".format(values.get("q", 0.0))
            return self.env._(
                "No lifetime value model for %(company)s: the spend model's q is %(q)s, and it must be "
                "above 1 for an average margin per purchase to exist (a few very large purchases dominate "
                "the margins). Probability alive, expected purchases and lifetime value stay empty.",
                company=company.name,
                q=q_value,
            )
        return self.env._(
            "No lifetime value model for %(company)s: the %(model)s fit did not converge (%(detail)s). "
            "Probability alive, expected purchases and lifetime value stay empty.",
            company=company.name,
            model=values.get("model", "BG/NBD"),
            detail=values.get("detail", ""),
        )

    # ------------------------------------------------------------------
    # Holdout check
    # ------------------------------------------------------------------
    def _crm_value_holdout(self, company, as_of):
        """Refit on the purchases up to as_of - HOLDOUT_DAYS and compare, per customer, the
        purchases predicted in the holdout days with those made: error = 100 * sum |predicted -
        actual| / sum actual, over the customers who bought before the cut-off."""
        cutoff = as_of - timedelta(days=HOLDOUT_DAYS)
        history_from = as_of - relativedelta(months=company.crm_value_history_months or 36)
        score = self.env["crm.value.score"]
        score._crm_value_flush_sources()
        days = score._crm_value_purchase_days_sql(company, history_from + timedelta(days=1), as_of)
        self.env.cr.execute(
            SQL(
                """
                WITH days AS (%(days)s),
                purchases AS (
                    SELECT partner_id, day, margin, day <= %(cutoff)s AS calibration,
                           ROW_NUMBER() OVER (PARTITION BY partner_id ORDER BY day) AS n
                      FROM days
                     WHERE is_purchase
                )
                SELECT partner_id,
                       COUNT(*) FILTER (WHERE calibration) - 1,
                       MAX(day) FILTER (WHERE calibration) - MIN(day) FILTER (WHERE calibration),
                       %(cutoff)s::date - MIN(day) FILTER (WHERE calibration),
                       COALESCE(AVG(margin) FILTER (WHERE calibration AND n > 1), 0),
                       TRUE,
                       COUNT(*) FILTER (WHERE NOT calibration)
                  FROM purchases
              GROUP BY partner_id
                HAVING COUNT(*) FILTER (WHERE calibration) > 0
              ORDER BY partner_id
                """,
                days=days,
                cutoff=cutoff,
            )
        )
        rows = self.env.cr.fetchall()
        vals = {"holdout_days": HOLDOUT_DAYS, "holdout_customer_count": len(rows)}
        columns = list(zip(*rows, strict=True)) if rows else [()] * 7
        calibration = self._crm_value_arrays(*columns[:6])
        actual = np.asarray(columns[6], dtype=float)
        try:
            bgnbd = clv.fit_bgnbd(calibration["x"], calibration["t_x"], calibration["T"])
            predicted = clv.bgnbd_conditional_expected_purchases(
                bgnbd.params,
                HOLDOUT_DAYS / TIME_UNIT_DAYS,
                calibration["x"],
                calibration["t_x"],
                calibration["T"],
            )
        except clv.Hyp2f1NotConverged as error:
            refusal = clv.ClvFitRefused("no_convergence", model="2F1", detail=str(error))
            vals["holdout_message"] = self._crm_value_refusal_message(company, refusal, holdout=True)
            return vals
        except clv.ClvFitRefused as refusal:
            vals["holdout_message"] = self._crm_value_refusal_message(company, refusal, holdout=True)
            return vals
        vals.update(holdout_actual=int(actual.sum()), holdout_predicted=float(predicted.sum()))
        if actual.sum() > 0:
            vals["holdout_error"] = float(100.0 * np.abs(predicted - actual).sum() / actual.sum())
        else:
            vals["holdout_message"] = self.env._("No purchase in the holdout period: the error is undefined.")
        return vals
