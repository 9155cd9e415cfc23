# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The lifetime-value formulas of utils/clv.py, alone (no database): closed forms of 2F1
and the published CDNOW results of Fader, Hardie and Lee (2005)."""

import csv
import math
from pathlib import Path

import numpy as np

from odoo.tests import TransactionCase, tagged

from odoo.addons.crm_value.utils import clv

CDNOW = Path(__file__).parent / "data" / "cdnow_customers_summary.csv"


def load_cdnow():
    with CDNOW.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {key: np.array([float(row[key]) for row in rows]) for key in ("x", "t_x", "T", "zbar")}


@tagged("post_install", "-at_install")
class TestClvHypergeometric(TransactionCase):
    def test_log_closed_form_close_to_one(self):
        """2F1(1, 1; 2; z) = -ln(1 - z) / z: c - a - b = 0, the power series path, up to z = 0.9999."""
        z = np.array([0.0, 0.3, 0.5, 0.9, 0.95, 0.99, 0.999, 0.9999])
        expected = np.where(z > 0, -np.log1p(-z) / np.where(z > 0, z, 1.0), 1.0)
        np.testing.assert_allclose(clv.hyp2f1(1.0, 1.0, 2.0, z), expected, rtol=1e-13)

    def test_arcsin_closed_form_close_to_one(self):
        """2F1(1/2, 1/2; 3/2; z) = arcsin(sqrt z) / sqrt z: c - a - b = 1/2, the 1 - z connection formula."""
        z = np.array([0.1, 0.89, 0.91, 0.999, 0.999999])
        expected = np.arcsin(np.sqrt(z)) / np.sqrt(z)
        np.testing.assert_allclose(clv.hyp2f1(0.5, 0.5, 1.5, z), expected, rtol=1e-13)

    def test_binomial_closed_form_close_to_one(self):
        """2F1(a, b; b; z) = (1 - z)^-a, growing without bound as z -> 1, both paths."""
        z = np.array([0.2, 0.8, 0.95, 0.99999])
        for a in (0.3, 2.7, -1.4):
            np.testing.assert_allclose(clv.hyp2f1(a, 2.2, 2.2, z), (1 - z) ** -a, rtol=1e-12)

    def test_terminating_series_is_a_polynomial(self):
        """2F1(-2, b; c; z) = 1 - 2bz/c + b(b+1)z^2/(c(c+1))."""
        b, c, z = 1.7, 3.1, np.array([0.25, 0.97])
        expected = 1 - 2 * b * z / c + b * (b + 1) * z**2 / (c * (c + 1))
        np.testing.assert_allclose(clv.hyp2f1(-2.0, b, c, z), expected, rtol=1e-14)

    def test_refuses_z_outside_zero_one(self):
        with self.assertRaises(ValueError):
            clv.hyp2f1(1.0, 1.0, 2.0, 1.0)


@tagged("post_install", "-at_install")
class TestClvCdnow(TransactionCase):
    """Fader, Hardie and Lee (2005) on the CDNOW sample, 2,357 customers, weeks."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.data = load_cdnow()
        cls.bgnbd = clv.fit_bgnbd(cls.data["x"], cls.data["t_x"], cls.data["T"])
        cls.gg = clv.fit_gamma_gamma(cls.data["x"], cls.data["zbar"])

    def test_bgnbd_parameters_are_the_published_ones(self):
        """r = 0.243, alpha = 4.414, a = 0.793, b = 2.426 and LL = -9582.4 (paper, section 5)."""
        fit = self.bgnbd
        self.assertTrue(fit.converged)
        self.assertGreater(fit.iterations, 0)
        self.assertEqual((fit.n_customers, fit.n_repeat), (2357, 946))
        published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
        for name, value in published.items():
            self.assertAlmostEqual(fit.params[name], value, delta=0.0006, msg=name)
        self.assertAlmostEqual(fit.log_likelihood, -9582.4, delta=0.05)

    def test_bgnbd_conditional_expectation_of_the_papers_customer(self):
        """The paper's customer (x = 2, t_x = 30.43, T = 38.86) is expected to make 1.226
        purchases in the next 39 weeks; P(alive) checked against the formula by hand."""
        params = self.bgnbd.params
        expected = clv.bgnbd_conditional_expected_purchases(params, 39.0, 2, 30.43, 38.86)
        self.assertAlmostEqual(float(expected), 1.226, delta=0.0005)
        r, alpha, a, b = (params[k] for k in ("r", "alpha", "a", "b"))
        by_hand = 1 / (1 + a / (b + 2 - 1) * ((alpha + 38.86) / (alpha + 30.43)) ** (r + 2))
        p_alive = clv.bgnbd_p_alive(
            params, np.array([2.0, 0.0]), np.array([30.43, 0.0]), np.array([38.86, 38.86])
        )
        self.assertAlmostEqual(float(p_alive[0]), by_hand, places=12)
        self.assertAlmostEqual(float(p_alive[0]), 0.7266, delta=0.0005)
        self.assertEqual(float(p_alive[1]), 1.0, "no repeat purchase: BG/NBD's customer is alive")

    def test_bgnbd_unconditional_expectation_matches_hardies_sheet(self):
        """E[X(t)] of Hardie's BG/NBD spreadsheet (note 004) at t = 1/7, 1, 3, 31.86, 32, 78 weeks."""
        times = np.array([0.1429, 1.0, 3.0, 31.8571, 32.0, 78.0])
        published = np.array([0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576])
        expected = clv.bgnbd_expected_purchases(self.bgnbd.params, times)
        np.testing.assert_allclose(expected, published, atol=0.0005)

    def test_conditional_expectation_against_the_series_everywhere(self):
        """Every CDNOW customer, 52 weeks ahead: the formula through the transformed 2F1 equals
        a direct quadrature of the posterior (lambda ~ Gamma(r + x, alpha + T), p ~ Beta(a, b + x),
        E = P(alive) E[(1 - exp(-lambda p t)) / p]) on a sample of customers."""
        params = self.bgnbd.params
        data = self.data
        values = clv.bgnbd_conditional_expected_purchases(params, 52.0, data["x"], data["t_x"], data["T"])
        self.assertTrue(np.all(np.isfinite(values)) and np.all(values >= 0))
        r, alpha, a, b = (params[k] for k in ("r", "alpha", "a", "b"))
        # Gauss-Jacobi nodes for the weight p^(a-1) on (0, 1)
        from scipy import special

        nodes, weights = special.roots_jacobi(200, 0.0, a - 1.0)
        p = (nodes + 1) / 2
        weights = weights / 2**a
        for index in (0, 1, 5, 16, 156, 2356):
            x, T = data["x"][index], data["T"][index]
            inner = (1 - ((alpha + T) / (alpha + T + p * 52.0)) ** (r + x)) / p
            integral = np.sum(weights * (1 - p) ** (b + x - 1) * inner) / special.beta(a, b + x)
            alive = clv.bgnbd_p_alive(params, x, data["t_x"][index], T)
            self.assertAlmostEqual(float(values[index]), float(alive * integral), places=6, msg=index)

    def test_gamma_gamma_parameters_are_the_published_ones(self):
        """p = 6.25, q = 3.74, v = 15.44 on the 946 repeat buyers' mean spend."""
        fit = self.gg
        self.assertTrue(fit.converged)
        self.assertEqual(fit.n_repeat, 946)
        for name, value in {"p": 6.25, "q": 3.74, "v": 15.44}.items():
            # published to 2 decimals, truncated (the optimum's v is 15.4477)
            self.assertAlmostEqual(fit.params[name], value, delta=0.01, msg=name)

    def test_gamma_gamma_expected_spend_matches_hardies_sheet(self):
        """E[M | x, zbar] of the first ten customers in Hardie's note 025 spreadsheet."""
        data = self.data
        published = np.array([24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17])
        spend = clv.gamma_gamma_expected_spend(self.gg.params, data["x"][:10], data["zbar"][:10])
        np.testing.assert_allclose(spend, published, atol=0.01)  # the sheet truncates: 24.6586 -> 24.65

    def test_clv_is_purchases_times_spend(self):
        data = self.data
        p_alive, purchases, value = clv.customer_lifetime_value(
            self.bgnbd.params, self.gg.params, 52.0, data["x"], data["t_x"], data["T"], data["zbar"]
        )
        self.assertTrue(np.all((p_alive >= 0) & (p_alive <= 1)))
        spend = clv.gamma_gamma_expected_spend(self.gg.params, data["x"], data["zbar"])
        np.testing.assert_allclose(value, purchases * spend)
        self.assertTrue(math.isclose(float(np.sum(value)), float(np.sum(purchases * spend))))


@tagged("post_install", "-at_install")
class TestClvRefusals(TransactionCase):
    def test_too_few_repeat_buyers(self):
        x = np.array([0, 0, 1, 2, 0, 3] * 4, dtype=float)
        with self.assertRaises(clv.ClvFitRefused) as caught:
            clv.fit_bgnbd(x, x, np.full(x.shape, 10.0))
        self.assertEqual(caught.exception.reason, "too_few_repeat_buyers")
        self.assertEqual(caught.exception.values["repeat_buyers"], 12)
        self.assertEqual(caught.exception.values["minimum"], clv.MIN_REPEAT_BUYERS)

    def test_q_not_above_one(self):
        """Mean spends drawn from the Gamma-Gamma model itself with q = 0.7 (no population mean):
        the fit converges to q < 1 and is refused."""
        rng = np.random.default_rng(7)
        x = rng.integers(1, 8, 600).astype(float)
        nu = rng.gamma(0.7, 1 / 10.0, 600)  # q = 0.7, v = 10
        m = rng.gamma(4.0 * x, 1 / (nu * x))  # mean of x spends ~ Gamma(p = 4, nu)
        with self.assertRaises(clv.ClvFitRefused) as caught:
            clv.fit_gamma_gamma(x, m)
        self.assertEqual(caught.exception.reason, "q_not_above_one")
        self.assertLess(caught.exception.values["q"], 1.0)
        self.assertGreater(caught.exception.values["q"], 0.5)

    def test_no_interior_maximum_is_refused(self):
        """50 customers whose dropout the data cannot tell apart from homogeneous: a and b run
        off towards infinity (no interior maximum), the fit is refused as not converged."""
        rng = np.random.default_rng(1)
        x, t_x, T = [], [], []
        for _customer in range(50):
            first = int(rng.integers(60, 900))
            rate, dropout = rng.gamma(1.5, 1 / 60.0), rng.beta(1.0, 4.0)
            rng.gamma(6.0, 1 / 40.0), rng.gamma(4.0)  # (spend draws of the same generator)
            days = [first]
            while True:
                day = days[-1] - max(1, int(np.ceil(rng.exponential(1 / rate))))
                if day < 0:
                    break
                days.append(day)
                rng.gamma(4.0)
                if rng.random() < dropout or len(days) >= 8:
                    break
            x.append(len(days) - 1)
            t_x.append((days[0] - days[-1]) / 7)
            T.append(days[0] / 7)
        with self.assertRaises(clv.ClvFitRefused) as caught:
            clv.fit_bgnbd(np.array(x, dtype=float), np.array(t_x), np.array(T))
        self.assertEqual(caught.exception.reason, "no_convergence")
        self.assertEqual(caught.exception.values["model"], "BG/NBD")
