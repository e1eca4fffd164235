"""The BG/BB model of discrete-time repeat transactions (Fader, Hardie & Shang 2010, "Customer-Base
Analysis in a Discrete-Time Noncontractual Setting", Marketing Science 29(6)).

Some businesses offer fixed *opportunities* to transact: a yearly fund-raising drive, an
annual conference, a seasonal visit. After the first transaction (period 0) a customer
faces opportunities 1, 2, ..., n. The story:

* while alive, the customer transacts at each opportunity with probability p;
  p ~ Beta(alpha, beta) across customers;
* at the start of each opportunity an alive customer dies (for good) with probability theta;
  theta ~ Beta(gamma, delta) across customers.

A customer's history is summarised by x (opportunities with a transaction), t_x (the last of
them; 0 if none) and n (opportunities so far), so a whole cohort collapses to a few
(x, t_x, n) *patterns* with counts (the 11,104 donors of :mod:`clvlib.data.donations` are 22
rows). The likelihood of a pattern (paper, eq. 5)::

    L = B(alpha+x, beta+n-x)/B(alpha, beta) * B(gamma, delta+n)/B(gamma, delta)
        + sum_{i=0}^{n-t_x-1} B(alpha+x, beta+t_x-x+i)/B(alpha, beta)
                              * B(gamma+1, delta+t_x+i)/B(gamma, delta)

alive throughout, or dead from opportunity t_x+i+1. Each term is a product of beta
functions, so ln L is a log-sum-exp with an exact gradient in digammas.

Example
-------
The published donations estimates (Fader, Hardie & Shang 2010), opportunities in years:

>>> model = BetaGeoBetaBinom.from_params({"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783}, time_unit="year")
>>> round(float(model.probability_alive(6, 6, 6)), 3)         # gave in each of the 6 years
0.93
>>> round(float(model.conditional_expected_transactions(5, 0, 0, 6)), 3)   # never gave again
0.073
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import betaln, digamma, gammaln, hyp2f1

from clvlib.core.units import TimeUnit, check_same_unit
from clvlib.models.base import FittedModel, check_fitted
from clvlib.models.fitting import as_float_array, dot, maximize_log_likelihood, summary_columns

PARAMS = ["alpha", "beta", "gamma", "delta"]
PATTERN_COLUMNS = ("frequency", "recency", "n_opportunities")


def compress_patterns(frequency, recency, n_opportunities, weights=None) -> pd.DataFrame:
    """One row per distinct (x, t_x, n) with the number of customers, after checking them.

    x, t_x and n are whole numbers with x <= t_x <= n, t_x = 0 exactly when x = 0, and
    x >= 1 when t_x >= 1. Returns columns frequency, recency, n_opportunities, n_customers.
    """
    x = as_float_array(frequency, "frequency")
    t_x = as_float_array(recency, "recency")
    n = as_float_array(n_opportunities, "n_opportunities")
    if not (len(x) == len(t_x) == len(n)):
        raise ValueError("frequency, recency and n_opportunities must have the same length (one value per row).")
    w = np.ones(len(x)) if weights is None else as_float_array(weights, "weights")
    if len(w) != len(x):
        raise ValueError("weights must have one value per row of frequency/recency/n_opportunities.")
    checks = [
        (np.any(np.r_[x, t_x, n] != np.round(np.r_[x, t_x, n])), "x, t_x and n must be whole numbers of opportunities"),
        (np.any(x < 0), "frequency (x) must be 0 or more"),
        (np.any(t_x > n), "recency (t_x, the last opportunity with a transaction) cannot exceed n"),
        (np.any(x > t_x), "frequency (x) cannot exceed recency (t_x): x transactions need x opportunities"),
        (np.any((x == 0) != (t_x == 0)), "recency (t_x) is 0 exactly for customers with no transaction (x = 0)"),
        (np.any(w < 0), "weights must be 0 or more"),
    ]
    problems = [message for failed, message in checks if failed]
    if problems:
        raise ValueError("Invalid (x, t_x, n) patterns: " + "; ".join(problems) + ".")
    table = pd.DataFrame({"frequency": x, "recency": t_x, "n_opportunities": n, "n_customers": w})
    table = table.groupby(list(PATTERN_COLUMNS), as_index=False, sort=True)["n_customers"].sum()
    return table[table["n_customers"] > 0].reset_index(drop=True)


class _Patterns:
    """The likelihood's terms laid out flat: row 0 of each pattern is 'alive throughout',
    the others 'dead from opportunity t_x+i+1'. Each term is ln B(alpha+ax, beta+bx) +
    ln B(gamma+gx, delta+dx) - ln B(alpha, beta) - ln B(gamma, delta)."""

    def __init__(self, x, t_x, n, weights):
        n_dead = (n - t_x).astype(int)  # i = 0 .. n - t_x - 1
        size = 1 + n_dead
        self.starts = np.r_[0, np.cumsum(size)[:-1]]
        owner = np.repeat(np.arange(len(x)), size)
        i = np.arange(size.sum()) - self.starts[owner] - 1  # -1 marks the 'alive' term
        alive = i < 0
        xs, txs, ns = x[owner], t_x[owner], n[owner]
        self.ax = xs
        self.bx = np.where(alive, ns - xs, txs - xs + i)
        self.gx = np.where(alive, 0.0, 1.0)
        self.dx = np.where(alive, ns, txs + i)
        self.owner, self.weights, self.total = owner, weights, float(weights.sum())

    def log_likelihoods(self, params):
        """ln L per pattern and the softmax weight of each term within its pattern."""
        alpha, beta, gamma, delta = params
        terms = betaln(alpha + self.ax, beta + self.bx) + betaln(gamma + self.gx, delta + self.dx)
        top = np.maximum.reduceat(terms, self.starts)
        scaled = np.exp(terms - top[self.owner])
        sums = np.add.reduceat(scaled, self.starts)
        log_l = top + np.log(sums) - betaln(alpha, beta) - betaln(gamma, delta)
        return log_l, scaled / sums[self.owner]

    def value_and_grad(self, params):
        alpha, beta, gamma, delta = (float(v) for v in params)
        log_l, share = self.log_likelihoods((alpha, beta, gamma, delta))
        w = self.weights[self.owner] * share  # customers x the term's share of their likelihood
        psi_ab = digamma(alpha + self.ax + beta + self.bx)
        psi_gd = digamma(gamma + self.gx + delta + self.dx)
        # dot, not @: BLAS threads spun up on every call made fits several times slower.
        grad = np.array([
            dot(w, digamma(alpha + self.ax) - psi_ab),
            dot(w, digamma(beta + self.bx) - psi_ab),
            dot(w, digamma(gamma + self.gx) - psi_gd),
            dot(w, digamma(delta + self.dx) - psi_gd),
        ])
        grad -= self.total * np.array([
            digamma(alpha) - digamma(alpha + beta), digamma(beta) - digamma(alpha + beta),
            digamma(gamma) - digamma(gamma + delta), digamma(delta) - digamma(gamma + delta),
        ])
        return dot(self.weights, log_l), grad


def _arrays(*values):
    return [np.asarray(v, dtype=float) for v in values]


def log_likelihood_per_pattern(params, frequency, recency, n_opportunities) -> np.ndarray:
    """ln L of each (x, t_x, n) pattern (paper eq. 5)."""
    x, t_x, n = (np.atleast_1d(v).ravel() for v in _arrays(frequency, recency, n_opportunities))
    return _Patterns(x, t_x, n, np.ones_like(x)).log_likelihoods(np.asarray(params, dtype=float))[0]


def log_likelihood_and_gradient(params, frequency, recency, n_opportunities, weights=None):
    """Weighted total log-likelihood and its exact gradient in (alpha, beta, gamma, delta)."""
    x, t_x, n = (np.atleast_1d(v).ravel() for v in _arrays(frequency, recency, n_opportunities))
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float).ravel()
    return _Patterns(x, t_x, n, w).value_and_grad(params)


class BetaGeoBetaBinom(FittedModel):
    """BG/BB fitted by maximum likelihood; ``time_unit`` is the length of one opportunity.

    ``fit`` takes a patterns table (columns frequency = x, recency = t_x, n_opportunities =
    n, optional n_customers), e.g. from :func:`clvlib.transactions.opportunities.opportunity_patterns`
    or :func:`clvlib.data.donations.load_donations`, or three arrays with ``weights``.
    Fitted ``alpha_``, ``beta_`` (transaction probability p ~ Beta), ``gamma_``, ``delta_``
    (dropout probability theta ~ Beta), ``summary``, ``log_likelihood_``, ``n_obs_``
    (customers) and ``n_patterns_``.
    """

    param_names = tuple(PARAMS)
    fit_call = "fit(patterns)"

    def __init__(self, time_unit: TimeUnit | str = "year"):
        super().__init__(time_unit)

    def fit(self, frequency, recency=None, n_opportunities=None, weights=None) -> BetaGeoBetaBinom:
        """Fit to (x, t_x, n) patterns with counts; returns self."""
        if isinstance(frequency, pd.DataFrame):
            unit = frequency.attrs.get("time_unit")
            if unit is not None:
                check_same_unit(self.time_unit, unit, what="opportunity patterns")
            (frequency, recency, n_opportunities), weights = summary_columns(
                frequency, PATTERN_COLUMNS, weights, "BetaGeoBetaBinom",
                " Build them with clvlib.transactions.opportunities.opportunity_patterns(orders, ...).",
            )
        elif recency is None or n_opportunities is None:
            raise ValueError("Pass recency and n_opportunities along with frequency (or a patterns DataFrame).")
        table = compress_patterns(frequency, recency, n_opportunities, weights)
        if not (table["frequency"] > 0).any() or not (table["n_opportunities"] > 0).any():
            raise ValueError(
                "No customer transacted at a later opportunity, so nothing tells the model how often "
                "people come back or when they stop. Use more opportunities or more customers."
            )
        x, t_x, n, w = (table[c].to_numpy(float) for c in (*PATTERN_COLUMNS, "n_customers"))
        value_and_grad = _Patterns(x, t_x, n, w).value_and_grad
        # Two starts: everyone alike at 1, and a slow-dropout world (delta large) for long-lived cohorts.
        start = np.log([[1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 0.5, 5.0]])
        params = maximize_log_likelihood(value_and_grad, start, PARAMS, "BG/BB")
        self._set_fit(
            params, time_unit=self.time_unit, log_likelihood=value_and_grad(params)[0],
            n_obs=table["n_customers"].sum(), value_and_grad=value_and_grad,
        )
        self.n_patterns_ = len(table)
        return self

    def _extra_state(self) -> dict:
        return {"n_patterns": self.n_patterns_}

    def _restore_extra_state(self, extra: dict) -> None:
        n_patterns = extra.get("n_patterns")
        self.n_patterns_ = None if n_patterns is None else int(n_patterns)

    def _ready(self, time_unit) -> np.ndarray:
        check_fitted(self)
        if time_unit is not None:
            check_same_unit(self.time_unit_, time_unit, what="number of opportunities")
        return self.params_.to_numpy()

    def _log_likelihood(self, x, t_x, n):
        shape = np.broadcast_shapes(x.shape, t_x.shape, n.shape)
        x, t_x, n = (np.broadcast_to(v, shape).ravel() for v in (x, t_x, n))
        return log_likelihood_per_pattern(self.params_.to_numpy(), x, t_x, n).reshape(shape)

    # ------------------------------------------------------------- predictions
    def probability_alive(self, frequency, recency, n_opportunities) -> np.ndarray:
        """P(alive at opportunity n+1 | x, t_x, n) (paper eq. 11)."""
        alpha, beta, gamma, delta = self._ready(None)
        x, t_x, n = _arrays(frequency, recency, n_opportunities)
        log_alive = (betaln(alpha + x, beta + n - x) - betaln(alpha, beta)
                     + betaln(gamma, delta + n + 1) - betaln(gamma, delta))
        return np.exp(log_alive - self._log_likelihood(x, t_x, n))

    def expected_transactions(self, n_opportunities, time_unit: TimeUnit | str | None = None) -> np.ndarray:
        """E[X(n)]: transactions of a new customer in the next ``n`` opportunities (paper eq. 7)."""
        alpha, beta, gamma, delta = self._ready(time_unit)
        n = np.asarray(n_opportunities, dtype=float)
        ratio = np.exp(gammaln(gamma + delta) + gammaln(1 + delta + n) - gammaln(gamma + delta + n) - gammaln(1 + delta))
        return alpha / (alpha + beta) * delta / (gamma - 1) * (1 - ratio)

    def conditional_expected_transactions(
        self, n_future, frequency, recency, n_opportunities, time_unit: TimeUnit | str | None = None
    ) -> np.ndarray:
        """E[X(n, n+n*) | x, t_x, n]: transactions in the next ``n_future`` opportunities (eq. 13)."""
        alpha, beta, gamma, delta = self._ready(time_unit)
        x, t_x, n = _arrays(frequency, recency, n_opportunities)
        n_star = np.asarray(n_future, dtype=float)

        def tail(m):
            return np.exp(gammaln(1 + delta + m) - gammaln(gamma + delta + m))

        log_front = betaln(alpha + x + 1, beta + n - x) - betaln(alpha, beta) - self._log_likelihood(x, t_x, n)
        scale = delta / (gamma - 1) * np.exp(gammaln(gamma + delta) - gammaln(1 + delta))
        return np.exp(log_front) * scale * (tail(n) - tail(n + n_star))

    def discounted_expected_residual_transactions(
        self, discount_rate: float, frequency, recency, n_opportunities
    ) -> np.ndarray:
        """DERT(d | x, t_x, n): future transactions, the one at opportunity n+k discounted by
        (1+d)^k, with ``discount_rate`` d per opportunity (paper eq. 14). Multiply by the value
        of one transaction for the customer's residual value."""
        alpha, beta, gamma, delta = self._ready(None)
        if not discount_rate > 0:
            raise ValueError(f"discount_rate must be positive (per {self.time_unit_.value}); got {discount_rate!r}.")
        x, t_x, n = _arrays(frequency, recency, n_opportunities)
        log_front = (betaln(alpha + x + 1, beta + n - x) - betaln(alpha, beta)
                     + betaln(gamma, delta + n + 1) - betaln(gamma, delta) - self._log_likelihood(x, t_x, n))
        d = float(discount_rate)
        return np.exp(log_front) / (1 + d) * hyp2f1(1.0, delta + n + 1, gamma + delta + n + 1, 1 / (1 + d))

    def probability_of_n_transactions(self, n_transactions, n_opportunities,
                                      time_unit: TimeUnit | str | None = None) -> np.ndarray:
        """P(X(n) = x): a new customer makes ``x`` transactions in ``n`` opportunities (eq. 8)."""
        alpha, beta, gamma, delta = self._ready(time_unit)
        x, n = np.broadcast_arrays(*_arrays(n_transactions, n_opportunities))
        if np.any(x < 0) or np.any(x > n) or np.any(x != np.round(x)) or np.any(n != np.round(n)):
            raise ValueError("x and n must be whole numbers with 0 <= x <= n.")

        def log_choose(m, k):
            return gammaln(m + 1) - gammaln(k + 1) - gammaln(m - k + 1)

        base = -betaln(alpha, beta) - betaln(gamma, delta)
        out = np.exp(log_choose(n, x) + betaln(alpha + x, beta + n - x) + betaln(gamma, delta + n) + base)
        for i in range(int(n.max()) if n.size else 0):
            dead = (i >= x) & (i < n)  # died at the start of opportunity i+1, x transactions in i
            term = log_choose(i, np.minimum(x, i)) + betaln(alpha + x, beta + np.maximum(i - x, 0))
            out = out + np.where(dead, np.exp(term + betaln(gamma + 1, delta + i) + base), 0.0)
        return out

    def __repr__(self) -> str:
        if getattr(self, "params_", None) is None:
            return f"BetaGeoBetaBinom(time_unit={self.time_unit.value!r})"
        return (
            f"BetaGeoBetaBinom(time_unit={self.time_unit_.value!r}): alpha={self.alpha_:.3f}, beta={self.beta_:.3f}, "
            f"gamma={self.gamma_:.3f}, delta={self.delta_:.3f}, log-likelihood={self.log_likelihood_:.2f}"
        )


__all__ = ["BetaGeoBetaBinom", "compress_patterns", "log_likelihood_and_gradient", "log_likelihood_per_pattern"]
