# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customer lifetime value: BG/NBD and Gamma-Gamma, fitted by maximum likelihood.

Pure numpy/scipy, no ORM, so the formulas can be read and tested alone.

* BG/NBD (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way"):
  while alive a customer buys at rate ``lambda ~ Gamma(r, alpha)``, after each
  purchase drops out with probability ``p ~ Beta(a, b)``. Data per customer:
  ``x`` repeat purchases, ``t_x`` time of the last purchase and ``T`` age, both
  counted from the first purchase, in one time unit (weeks here: ``r`` is
  dimensionless, ``alpha`` is in weeks).
* Gamma-Gamma (Fader, Hardie & Lee 2005, "RFM and CLV: Using Iso-Value Curves
  for Customer Base Analysis"): the mean value ``m`` of a customer's ``x``
  repeat purchases, with spend per purchase ``~ Gamma(p, nu)``,
  ``nu ~ Gamma(q, v)`` (``v`` in money of the data).

The Gauss hypergeometric function is evaluated here (:func:`hyp2f1`) with a
convergence check instead of ``scipy.special.hyp2f1``, which is unreliable
near ``z -> 1``.
"""

from dataclasses import dataclass, field

import numpy as np
from scipy import optimize, special

#: Fewest repeat buyers (customers with x > 0) a fit accepts: 4 parameters of
#: BG/NBD and 3 of Gamma-Gamma cannot be told apart on less.
MIN_REPEAT_BUYERS = 30
#: Gamma-Gamma's population mean spend p * v / (q - 1) needs q > 1.
MIN_GG_Q = 1.0
#: Above this |z| the power series of 2F1 is replaced by the 1 - z connection
#: formula (when c - a - b is far enough from an integer).
#: Convergence of a fit: largest gradient of the mean log-likelihood per customer in the
#: log-parameters, and the bound of the log-parameters (exp(15) = 3.3e6).
GRADIENT_TOL = 1e-5
LOG_PARAM_BOUND = 15.0
HYP2F1_SERIES_ZMAX = 0.9
HYP2F1_TOLERANCE = 1e-15
HYP2F1_MAX_TERMS = 2_000_000
HYP2F1_BLOCK = 256
#: Largest number of terms computed at once (elements x block), bounding the memory used.
HYP2F1_BLOCK_CELLS = 2_000_000
#: Distance of c - a - b from an integer below which the connection formula
#: loses too many digits to cancellation (the series is used instead).
HYP2F1_INTEGER_GAP = 1e-3


class ClvFitRefused(Exception):
    """The data cannot support a fit. ``reason`` is one of ``too_few_repeat_buyers``,
    ``q_not_above_one``, ``no_convergence``; ``values`` holds the numbers behind it.
    The caller builds the (translated) message from both."""

    def __init__(self, reason, **values):
        super().__init__(reason, values)
        self.reason = reason
        self.values = values


class Hyp2f1NotConverged(ArithmeticError):
    """The series of 2F1 did not converge within HYP2F1_MAX_TERMS terms."""


# ---------------------------------------------------------------------------
# Gauss hypergeometric function 2F1(a, b; c; z) for real 0 <= z < 1
# ---------------------------------------------------------------------------
def _hyp2f1_series(a, b, c, z, max_terms=HYP2F1_MAX_TERMS):
    """Power series sum_n (a)_n (b)_n / ((c)_n n!) z^n, vectorised, summed in blocks of
    up to HYP2F1_BLOCK terms (fewer for many elements: HYP2F1_BLOCK_CELLS cells at most).
    An element stops when the bound of its tail, |term| rho / (1 - rho), with
    rho = max(ratio of consecutive terms, z) (the ratio tends to z < 1), is below
    HYP2F1_TOLERANCE times its partial sum; Hyp2f1NotConverged after ``max_terms`` terms."""
    a, b, c, z = (np.asarray(v, dtype=float).ravel() for v in np.broadcast_arrays(a, b, c, z))
    total = np.ones(z.size)
    term = np.ones(z.size)
    todo = np.arange(z.size)
    n = 0
    while todo.size:
        if n >= max_terms:
            raise Hyp2f1NotConverged(
                f"2F1 series: {todo.size} value(s) not converged after {max_terms} terms "
                f"(largest z {z[todo].max():.12g})"
            )
        ta, tb, tc, tz = (v[todo, None] for v in (a, b, c, z))
        block = int(min(HYP2F1_BLOCK, max(8, HYP2F1_BLOCK_CELLS // todo.size)))
        k = n + np.arange(block, dtype=float)[None, :]
        terms = term[todo, None] * np.cumprod((ta + k) * (tb + k) / ((tc + k) * (k + 1.0)) * tz, axis=1)
        total[todo] += terms.sum(axis=1)
        term[todo] = terms[:, -1]
        n += block
        ratio = np.abs((ta[:, 0] + n) * (tb[:, 0] + n) / ((tc[:, 0] + n) * (n + 1.0)) * tz[:, 0])
        rho = np.maximum(ratio, tz[:, 0])
        tail = np.abs(term[todo]) * rho / np.maximum(1.0 - rho, 1e-300)
        done = (rho < 1.0) & (tail <= HYP2F1_TOLERANCE * np.abs(total[todo]))
        done |= term[todo] == 0.0  # terminating series (a or b a non-positive integer)
        todo = todo[~done]
    return total


def _gamma_ratio(num, den):
    """prod Gamma(num_i) / prod Gamma(den_j), signed, through log|Gamma| (no overflow);
    0 where a denominator is at a pole."""
    log_value = np.zeros(np.broadcast(*num, *den).shape)
    sign = np.ones(log_value.shape)
    for value in num:
        log_value = log_value + special.gammaln(value)
        sign = sign * special.gammasgn(value)
    for value in den:
        pole = (value <= 0) & (value == np.round(value))
        log_value = np.where(pole, -np.inf, log_value - special.gammaln(np.where(pole, 1.0, value)))
        sign = sign * np.where(pole, 1.0, special.gammasgn(np.where(pole, 1.0, value)))
    return sign * np.exp(log_value)


def hyp2f1(a, b, c, z):
    """Gauss hypergeometric 2F1(a, b; c; z) for real parameters and 0 <= z < 1, vectorised.

    * z <= HYP2F1_SERIES_ZMAX: the power series, summed to full precision.
    * z above it: Abramowitz & Stegun 15.3.6, two series in 1 - z (fast), unless
      c - a - b is within HYP2F1_INTEGER_GAP of an integer (the Gamma factors have
      poles there): then the power series again, summed until it converges (up to
      HYP2F1_MAX_TERMS terms; Hyp2f1NotConverged beyond).
    """
    a, b, c, z = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (a, b, c, z)))
    if np.any((z < 0) | (z >= 1)):
        raise ValueError("hyp2f1 is evaluated here for 0 <= z < 1 only")
    result = np.empty(z.shape)
    s = c - a - b
    near_integer = np.abs(s - np.round(s)) < HYP2F1_INTEGER_GAP
    series = (z <= HYP2F1_SERIES_ZMAX) | near_integer
    if series.any():
        result[series] = _hyp2f1_series(a[series], b[series], c[series], z[series])
    conn = ~series
    if conn.any():
        ca, cb, cc, cz, cs = a[conn], b[conn], c[conn], z[conn], s[conn]
        w = 1.0 - cz
        first = _gamma_ratio((cc, cs), (cc - ca, cc - cb)) * _hyp2f1_series(ca, cb, 1.0 - cs, w)
        second = (
            _gamma_ratio((cc, -cs), (ca, cb))
            * np.power(w, cs)
            * _hyp2f1_series(cc - ca, cc - cb, 1.0 + cs, w)
        )
        result[conn] = first + second
    return result


# ---------------------------------------------------------------------------
# BG/NBD
# ---------------------------------------------------------------------------
def _as_arrays(*values):
    return [np.asarray(v, dtype=float) for v in values]


def bgnbd_log_likelihood(params, x, t_x, T, weights=None):
    """Sum of the log-likelihoods (FHL 2005, eq. 6) of the customers (x, t_x, T) under
    params = (r, alpha, a, b); ``weights`` counts identical customers."""
    return _bgnbd_ll_and_gradient(params, x, t_x, T, weights)[0]


def _bgnbd_ll_and_gradient(params, x, t_x, T, weights=None):
    """(log-likelihood, its gradient in (r, alpha, a, b)). With A3 = -(r + x) ln(alpha + T),
    A4 = ln a - ln(b + x - 1) - (r + x) ln(alpha + t_x) (x > 0) and w4 = e^A4 / (e^A3 + e^A4):
    d/dr = psi(r + x) - psi(r) + ln alpha - (1 - w4) ln(alpha + T) - w4 ln(alpha + t_x);
    d/dalpha = r / alpha - (r + x) [(1 - w4) / (alpha + T) + w4 / (alpha + t_x)];
    d/da = psi(a + b) - psi(a + b + x) + w4 / a;
    d/db = psi(a + b) + psi(b + x) - psi(b) - psi(a + b + x) - w4 / (b + x - 1)."""
    r, alpha, a, b = params
    x, t_x, T = _as_arrays(x, t_x, T)
    weights = np.ones(x.shape) if weights is None else np.asarray(weights, dtype=float)
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    a2 = special.gammaln(a + b) + special.gammaln(b + x) - special.gammaln(b) - special.gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + T)
    repeat = x > 0
    a4 = np.full(x.shape, -np.inf)
    a4[repeat] = np.log(a) - np.log(b + x[repeat] - 1.0) - (r + x[repeat]) * np.log(alpha + t_x[repeat])
    mix = np.logaddexp(a3, a4)
    value = float(np.sum(weights * (a1 + a2 + mix)))
    w4 = np.exp(a4 - mix)
    w3 = 1.0 - w4
    b_x_1 = np.where(repeat, b + x - 1.0, 1.0)
    gradient = np.array(
        [
            np.sum(
                weights
                * (
                    special.digamma(r + x)
                    - special.digamma(r)
                    + np.log(alpha)
                    - w3 * np.log(alpha + T)
                    - w4 * np.log(alpha + t_x)
                )
            ),
            np.sum(weights * (r / alpha - (r + x) * (w3 / (alpha + T) + w4 / (alpha + t_x)))),
            np.sum(weights * (special.digamma(a + b) - special.digamma(a + b + x) + w4 / a)),
            np.sum(
                weights
                * (
                    special.digamma(a + b)
                    + special.digamma(b + x)
                    - special.digamma(b)
                    - special.digamma(a + b + x)
                    - w4 / b_x_1
                )
            ),
        ]
    )
    return value, gradient


@dataclass
class FitResult:
    params: dict
    log_likelihood: float
    converged: bool
    iterations: int
    message: str = ""
    n_customers: int = 0
    n_repeat: int = 0
    extra: dict = field(default_factory=dict)


def _maximise(ll_and_gradient, start, names, total_weight):
    """Maximise a log-likelihood over log-parameters: BFGS on the mean log-likelihood per
    customer with its analytic gradient, restarted once from a Nelder-Mead search when BFGS
    fails. Converged: the gradient (per customer, in log-parameters) is below GRADIENT_TOL and
    every parameter stays within exp(+/-LOG_PARAM_BOUND) (beyond, the likelihood has no
    interior maximum: e.g. no heterogeneity left to estimate).
    Returns (params dict, log-likelihood, converged, iterations, message)."""

    def objective(log_params):
        params = np.exp(log_params)
        value, gradient = ll_and_gradient(params)
        if not np.isfinite(value) or not np.all(np.isfinite(gradient)):
            return 1e300, np.zeros(log_params.shape)
        return -value / total_weight, -gradient * params / total_weight

    iterations = 0
    with np.errstate(all="ignore"):
        result = optimize.minimize(
            objective,
            np.log(start),
            jac=True,
            method="BFGS",
            options={"gtol": GRADIENT_TOL / 10, "maxiter": 2000},
        )
        iterations += int(result.nit)
        if not result.success:
            search = optimize.minimize(
                lambda lp: objective(lp)[0], result.x, method="Nelder-Mead", options={"maxfev": 4000}
            )
            iterations += int(search.nit)
            result = optimize.minimize(
                objective,
                search.x,
                jac=True,
                method="BFGS",
                options={"gtol": GRADIENT_TOL / 10, "maxiter": 2000},
            )
            iterations += int(result.nit)
        value, gradient = objective(result.x)
    converged = bool(
        value < 1e299
        and np.all(np.isfinite(result.x))
        and np.all(np.abs(result.x) < LOG_PARAM_BOUND)
        and np.max(np.abs(gradient)) < GRADIENT_TOL
    )
    params = {name: float(v) for name, v in zip(names, np.exp(result.x), strict=True)}
    message = f"{result.message} (largest gradient {np.max(np.abs(gradient)):.2e}, parameters {params})"
    return params, -float(value) * total_weight, converged, iterations, message


def _compress(*columns):
    """Identical rows merged: (unique columns..., counts)."""
    stacked = np.column_stack(columns)
    unique, counts = np.unique(stacked, axis=0, return_counts=True)
    return [unique[:, i] for i in range(unique.shape[1])] + [counts.astype(float)]


def fit_bgnbd(x, t_x, T, min_repeat_buyers=MIN_REPEAT_BUYERS):
    """Maximum-likelihood BG/NBD fit; raises ClvFitRefused when the data cannot support it."""
    x, t_x, T = _as_arrays(x, t_x, T)
    n_repeat = int(np.count_nonzero(x > 0))
    if n_repeat < min_repeat_buyers:
        raise ClvFitRefused(
            "too_few_repeat_buyers", repeat_buyers=n_repeat, minimum=min_repeat_buyers, customers=x.size
        )
    ux, ut_x, uT, counts = _compress(x, t_x, T)
    scale = max(float(np.max(T)), 1e-9)

    params, ll, converged, iterations, message = _maximise(
        lambda params: _bgnbd_ll_and_gradient(params, ux, ut_x, uT, counts),
        np.array([1.0, scale / 10.0, 1.0, 1.0]),
        ("r", "alpha", "a", "b"),
        float(x.size),
    )
    if not converged:
        raise ClvFitRefused("no_convergence", model="BG/NBD", detail=message, iterations=iterations)
    return FitResult(params, ll, converged, iterations, message, int(x.size), n_repeat)


def bgnbd_p_alive(params, x, t_x, T):
    """P(alive | x, t_x, T) = 1 / (1 + [x > 0] a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x))."""
    r, alpha, a, b = (params[k] for k in ("r", "alpha", "a", "b"))
    x, t_x, T = _as_arrays(x, t_x, T)
    repeat = x > 0
    log_odds = np.full(x.shape, -np.inf)
    log_odds[repeat] = (
        np.log(a)
        - np.log(b + x[repeat] - 1.0)
        + (r + x[repeat]) * (np.log(alpha + T[repeat]) - np.log(alpha + t_x[repeat]))
    )
    return 1.0 / (1.0 + np.exp(log_odds))


def _future_term(r, a, b, x, age, alpha, t):
    """((alpha + age) / (alpha + age + t))^(r + x) 2F1(r + x, b + x; a + b + x - 1; z),
    z = t / (alpha + age + t), evaluated through Euler's transformation as
    (1 - z)^(a - 1) 2F1(a + b - 1 - r, a - 1; a + b + x - 1; z), whose series stays
    bounded where the untransformed one overflows (large x, z near 1)."""
    z = t / (alpha + age + t)
    return np.power(1.0 - z, a - 1.0) * hyp2f1(a + b - 1.0 - r, a - 1.0, a + b + x - 1.0, z)


def _near_one(function, a):
    """f(a) for a formula with a removable singularity at a = 1: mean of a = 1 +/- 1e-4 there."""
    if abs(a - 1.0) >= 1e-6:
        return function(a)
    return 0.5 * (function(1.0 - 1e-4) + function(1.0 + 1e-4))


def bgnbd_expected_purchases(params, t):
    """E[X(t)] of a new customer (FHL 2005, eq. 9):
    (a + b - 1) / (a - 1) [1 - (alpha / (alpha + t))^r 2F1(r, b; a + b - 1; t / (alpha + t))]."""
    r, alpha, a, b = (params[k] for k in ("r", "alpha", "a", "b"))
    t = np.asarray(t, dtype=float)

    def formula(a_):
        return (a_ + b - 1.0) / (a_ - 1.0) * (1.0 - _future_term(r, a_, b, 0.0, 0.0, alpha, t))

    return _near_one(formula, a)


def bgnbd_conditional_expected_purchases(params, t, x, t_x, T):
    """E[Y(t) | x, t_x, T] (FHL 2005, eq. 10): purchases expected in the next t time units,
    (a + b + x - 1) / (a - 1)
    * [1 - ((alpha + T) / (alpha + T + t))^(r + x) 2F1(r + x, b + x; a + b + x - 1; z)]
    / (1 + [x > 0] a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x)), z = t / (alpha + T + t)."""
    r, alpha, a, b = (params[k] for k in ("r", "alpha", "a", "b"))
    x, t_x, T = _as_arrays(x, t_x, T)
    t = float(t)

    def formula(a_):
        future = _future_term(r, a_, b, x, T, alpha, t)
        return (a_ + b + x - 1.0) / (a_ - 1.0) * (1.0 - future)

    alive = bgnbd_p_alive({"r": r, "alpha": alpha, "a": a, "b": b}, x, t_x, T)
    return _near_one(formula, a) * alive


# ---------------------------------------------------------------------------
# Gamma-Gamma
# ---------------------------------------------------------------------------
def gamma_gamma_log_likelihood(params, x, m, weights=None):
    """Sum of the log-densities of the mean spend m of x repeat purchases (x > 0, m > 0):
    Gamma(px + q) / (Gamma(px) Gamma(q)) v^q x^(px) m^(px - 1) / (v + x m)^(px + q)."""
    return _gamma_gamma_ll_and_gradient(params, x, m, weights)[0]


def _gamma_gamma_ll_and_gradient(params, x, m, weights=None):
    """(log-likelihood, gradient in (p, q, v)):
    d/dp = x [psi(px + q) - psi(px) + ln x + ln m - ln(v + x m)];
    d/dq = psi(px + q) - psi(q) + ln v - ln(v + x m); d/dv = q / v - (px + q) / (v + x m)."""
    p, q, v = params
    x, m = _as_arrays(x, m)
    weights = np.ones(x.shape) if weights is None else np.asarray(weights, dtype=float)
    px = p * x
    log_vxm = np.log(v + x * m)
    value = (
        special.gammaln(px + q)
        - special.gammaln(px)
        - special.gammaln(q)
        + q * np.log(v)
        + px * np.log(x)
        + (px - 1.0) * np.log(m)
        - (px + q) * log_vxm
    )
    psi_pxq = special.digamma(px + q)
    gradient = np.array(
        [
            np.sum(weights * x * (psi_pxq - special.digamma(px) + np.log(x) + np.log(m) - log_vxm)),
            np.sum(weights * (psi_pxq - special.digamma(q) + np.log(v) - log_vxm)),
            np.sum(weights * (q / v - (px + q) / (v + x * m))),
        ]
    )
    return float(np.sum(weights * value)), gradient


def fit_gamma_gamma(x, m, min_repeat_buyers=MIN_REPEAT_BUYERS):
    """Maximum-likelihood Gamma-Gamma fit on the repeat buyers with a positive mean spend
    (others are left out); raises ClvFitRefused when too few remain, q <= 1 or no convergence."""
    x, m = _as_arrays(x, m)
    keep = (x > 0) & (m > 0) & np.isfinite(m)
    x, m = x[keep], m[keep]
    if x.size < min_repeat_buyers:
        raise ClvFitRefused(
            "too_few_repeat_buyers",
            repeat_buyers=int(x.size),
            minimum=min_repeat_buyers,
            customers=int(keep.size),
        )
    ux, um, counts = _compress(x, m)

    params, ll, converged, iterations, message = _maximise(
        lambda params: _gamma_gamma_ll_and_gradient(params, ux, um, counts),
        np.array([1.0, 2.0, float(np.mean(m))]),
        ("p", "q", "v"),
        float(x.size),
    )
    if not converged:
        raise ClvFitRefused("no_convergence", model="Gamma-Gamma", detail=message, iterations=iterations)
    if params["q"] <= MIN_GG_Q:
        raise ClvFitRefused("q_not_above_one", q=params["q"], p=params["p"], v=params["v"])
    return FitResult(params, ll, converged, iterations, message, int(keep.size), int(x.size))


def gamma_gamma_expected_spend(params, x, m):
    """E[M | x, m] = p (v + x m) / (p x + q - 1): the customer's mean shrunk towards the
    population mean p v / (q - 1) (that of x = 0). Where m <= 0 (a loss-making repeat
    buyer, outside the model), the observed mean m is kept."""
    p, q, v = (params[k] for k in ("p", "q", "v"))
    x, m = _as_arrays(x, m)
    x = np.maximum(x, 0.0)
    m_model = np.where((x > 0) & (m > 0), m, 0.0)
    expected = p * (v + x * m_model) / (p * x + q - 1.0)
    return np.where((x > 0) & ~(m > 0), m, expected)


def customer_lifetime_value(bgnbd_params, gg_params, horizon, x, t_x, T, m):
    """Margin expected over the next ``horizon`` time units: expected purchases times the
    expected margin per purchase. Returns (p_alive, expected purchases, clv) arrays."""
    p_alive = bgnbd_p_alive(bgnbd_params, x, t_x, T)
    purchases = bgnbd_conditional_expected_purchases(bgnbd_params, horizon, x, t_x, T)
    spend = gamma_gamma_expected_spend(gg_params, x, m)
    return p_alive, purchases, purchases * spend
