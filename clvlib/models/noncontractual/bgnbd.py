"""The BG/NBD model of repeat buying (Fader, Hardie & Lee 2005, "Counting Your Customers
the Easy Way", Marketing Science 24(2)).

The story, for a customer who made a first purchase at time 0:

* while alive, they buy as a Poisson process with rate lambda per period;
  lambda ~ Gamma(shape r, rate alpha) across customers;
* after each *repeat* purchase they drop out for good with probability p;
  p ~ Beta(a, b) across customers.

For a customer with ``x`` repeat purchases, the last at ``t_x``, observed for ``T``
periods since the first purchase, the likelihood is (paper, eq. 6)::

    L = B(a, b+x)/B(a, b) * G(r+x)/G(r) * alpha^r / (alpha+T)^(r+x)
        + [x > 0] * B(a+1, b+x-1)/B(a, b) * G(r+x)/G(r) * alpha^r / (alpha+t_x)^(r+x)

We add the two terms on the log scale (``logaddexp``), so customers with hundreds of
purchases or long histories do not overflow, and the gradient is exact (written out in
:func:`log_likelihood_and_gradient`). The fit runs on one row per distinct
(frequency, recency, T) with a count: customers with the same history contribute the same
term, so 100,000 customers usually collapse to far fewer rows.

Why a one-time buyer has P(alive) = 1: in this model a customer can only drop out right
after a *repeat* purchase. Someone who never bought again never had the chance, so the
model says they are certainly alive (just possibly with a very low purchase rate). That
is a property of the story, not a bug; their expected future purchases are still small
because a low lambda explains the silence.

Example
-------
>>> from clvlib.data import load_dataset
>>> from clvlib.models.noncontractual import BetaGeoNBD
>>> from clvlib.transactions import summarize_transactions
>>> summary = summarize_transactions(load_dataset().orders, "2025-12-31", time_unit="week")
>>> model = BetaGeoNBD(time_unit="week").fit(summary)
>>> model.time_unit_
<TimeUnit.WEEK: 'week'>
>>> float(model.probability_alive(0, 0.0, 52.0))
1.0
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import digamma, expit, gammaln, hyp2f1

from clvlib.core.units import TimeUnit, check_same_unit
from clvlib.models.base import FittedModel, check_fitted
from clvlib.models.fitting import (
    as_float_array,
    dot,
    maximize_log_likelihood,
    penalized,
    summary_columns,
)

PARAMS = ["r", "alpha", "a", "b"]


def compress_histories(frequency, recency, T, weights=None) -> pd.DataFrame:
    """One row per distinct (frequency, recency, T) with the number of customers.

    Validates the inputs: frequency a whole number >= 0, 0 <= recency <= T, recency = 0
    when frequency = 0. Returns columns frequency, recency, T, n_customers.
    """
    x = as_float_array(frequency, "frequency")
    t_x = as_float_array(recency, "recency")
    big_t = as_float_array(T, "T")
    if not (len(x) == len(t_x) == len(big_t)):
        raise ValueError("frequency, recency and T must have the same length (one value per customer).")
    w = np.ones(len(x)) if weights is None else as_float_array(weights, "weights")
    if len(w) != len(x):
        raise ValueError("weights must have one value per row of frequency/recency/T.")
    problems = []
    if np.any(x < 0) or np.any(x != np.round(x)):
        problems.append("frequency must be a whole number of repeat purchases, 0 or more")
    if np.any(t_x < 0):
        problems.append("recency must be 0 or more")
    if np.any(t_x > big_t * (1 + 1e-12)):
        problems.append("recency cannot exceed T (the last purchase is before the observation end)")
    if np.any((x == 0) & (t_x != 0)):
        problems.append("recency must be 0 for customers with no repeat purchase")
    if np.any(w < 0):
        problems.append("weights must be 0 or more")
    if problems:
        raise ValueError("Invalid customer histories: " + "; ".join(problems) + ".")
    # One sort of the three columns groups identical histories (much faster than groupby).
    order = np.lexsort((big_t, t_x, x))
    xs, ts, bs, ws = x[order], t_x[order], big_t[order], w[order]
    new_group = np.r_[True, (xs[1:] != xs[:-1]) | (ts[1:] != ts[:-1]) | (bs[1:] != bs[:-1])]
    starts = np.flatnonzero(new_group)
    table = pd.DataFrame(
        {"frequency": xs[starts], "recency": ts[starts], "T": bs[starts], "n_customers": np.add.reduceat(ws, starts)}
    )
    return table[table["n_customers"] > 0].reset_index(drop=True)


def histories_table(model, frequency, recency, T, weights, name: str) -> pd.DataFrame:
    """Validated, compressed histories from a customer summary DataFrame or three arrays.

    Shared by the BG/NBD family and Pareto/NBD: the summary's recorded time unit must match
    ``model.time_unit``; ``name`` is the model named in messages.
    """
    if isinstance(frequency, pd.DataFrame):
        frame = frequency
        unit = frame.attrs.get("time_unit")
        if unit is not None:
            check_same_unit(model.time_unit, unit, what="customer summary")
        (frequency, recency, T), weights = summary_columns(
            frame, ("frequency", "recency", "T"), weights, type(model).__name__,
            " For a calibration/holdout split use clvlib.transactions.calibration_summary(split) first.",
        )
    elif recency is None or T is None:
        raise ValueError("Pass recency and T along with frequency (or a summary DataFrame).")
    table = compress_histories(frequency, recency, T, weights)
    n_customers = table["n_customers"].sum()
    if n_customers < 2:
        raise ValueError(
            f"{name} describes how customers differ, so it needs many customers; got "
            f"{n_customers:g}. Fit it on the whole customer base."
        )
    if not (table["frequency"] > 0).any():
        raise ValueError(
            "No customer made a repeat purchase, so nothing tells the model how often "
            "people buy or when they drop out. Use a longer calibration period or more customers."
        )
    return table


def _log_terms(params, x, t_x, big_t):
    """A1 + A2 (shared), A3 (alive at T branch), A4 (dropped after t_x branch) per row."""
    r, alpha, a, b = params
    shared = (
        gammaln(r + x) - gammaln(r) + r * np.log(alpha)
        + gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    )
    a3 = -(r + x) * np.log(alpha + big_t)
    repeat = x > 0
    b_x1 = np.where(repeat, b + x - 1, 1.0)
    a4 = np.where(repeat, np.log(a) - np.log(b_x1) - (r + x) * np.log(alpha + t_x), -np.inf)
    return shared, a3, a4, b_x1, repeat


def log_likelihood_per_customer(params, frequency, recency, T) -> np.ndarray:
    """ln L for each history (paper eq. 6), computed stably on the log scale."""
    x, t_x, big_t = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
    shared, a3, a4, _, _ = _log_terms(np.asarray(params, dtype=float), x, t_x, big_t)
    return shared + np.logaddexp(a3, a4)


class _Histories:
    """Compressed histories arranged for fast likelihood evaluations.

    Terms that depend on the data only through x (the gamma and beta functions) are
    evaluated once per distinct x and weighted by the number of customers with that x;
    customers without a repeat purchase contribute through T alone, so they are grouped
    by distinct T. Only repeat buyers need per-row work (two logs and a logaddexp).
    """

    def __init__(self, frequency, recency, T, weights=None):
        x, t_x, big_t = (np.asarray(v, dtype=float).ravel() for v in (frequency, recency, T))
        n = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float).ravel()
        self.xu, xi = np.unique(x, return_inverse=True)
        self.n_by_x = np.bincount(xi, weights=n, minlength=len(self.xu))
        self.n_total = float(n.sum())
        zero = x == 0
        self.t0u, t0i = np.unique(big_t[zero], return_inverse=True)
        self.n0_by_t = np.bincount(t0i, weights=n[zero], minlength=len(self.t0u))
        rep = ~zero
        self.x, self.n = x[rep], n[rep]
        self.xru, self.xri = np.unique(self.x, return_inverse=True)
        self.tu, self.ti = np.unique(big_t[rep], return_inverse=True)
        self.txu, self.txi = np.unique(t_x[rep], return_inverse=True)

    def value_and_grad(self, params):
        r, alpha, a, b = (float(v) for v in params)
        xu, nx = self.xu, self.n_by_x
        shared = (
            gammaln(r + xu) - gammaln(r) + r * np.log(alpha)
            + gammaln(a + b) + gammaln(b + xu) - gammaln(b) - gammaln(a + b + xu)
        )
        psi_ab, psi_abx = digamma(a + b), digamma(a + b + xu)
        d_r = nx @ (digamma(r + xu) - digamma(r) + np.log(alpha))
        d_alpha = self.n_total * r / alpha
        d_a = nx @ (psi_ab - psi_abx)
        d_b = nx @ (psi_ab + digamma(b + xu) - digamma(b) - psi_abx)
        ll = nx @ shared
        # No repeat purchase: ln L = shared - r ln(alpha + T).
        log_t0 = np.log(alpha + self.t0u)
        ll -= r * dot(self.n0_by_t, log_t0)
        d_r -= dot(self.n0_by_t, log_t0)
        d_alpha -= r * dot(self.n0_by_t, 1.0 / (alpha + self.t0u))
        if len(self.x):
            x, n = self.x, self.n
            log_t = np.log(alpha + self.tu)[self.ti]
            log_tx = np.log(alpha + self.txu)[self.txi]
            rx = r + x
            a3 = -rx * log_t
            inv_bx1 = 1.0 / (b + self.xru - 1)
            a4 = (np.log(a) + np.log(inv_bx1))[self.xri] - rx * log_tx
            log_l = np.logaddexp(a3, a4)
            # Weight of "dropped out right after t_x"; clipped so exp never returns slow denormals.
            w = np.exp(np.maximum(a4 - log_l, -700.0))
            nw = n * w
            n1w = n - nw
            ll += dot(n, log_l)
            d_r -= dot(n1w, log_t) + dot(nw, log_tx)
            d_alpha -= dot(n1w * rx, (1.0 / (alpha + self.tu))[self.ti]) + dot(nw * rx, (1.0 / (alpha + self.txu))[self.txi])
            d_a += nw.sum() / a
            d_b -= dot(nw, inv_bx1[self.xri])
        return float(ll), np.array([d_r, d_alpha, d_a, d_b])


def log_likelihood_and_gradient(params, frequency, recency, T, weights=None):
    """Weighted total log-likelihood and its exact gradient in (r, alpha, a, b).

    With ln L = A1 + A2 + ln(e^A3 + [x>0] e^A4) and w = e^A4 / (e^A3 + e^A4):

    * d/dr     = psi(r+x) - psi(r) + ln alpha - (1-w) ln(alpha+T) - w ln(alpha+t_x)
    * d/dalpha = r/alpha - (r+x) [(1-w)/(alpha+T) + w/(alpha+t_x)]
    * d/da     = psi(a+b) - psi(a+b+x) + w/a
    * d/db     = psi(a+b) + psi(b+x) - psi(b) - psi(a+b+x) - w/(b+x-1)
    """
    return _Histories(frequency, recency, T, weights).value_and_grad(params)


def _hyp2f1_checked(a, b, c, z):
    out = hyp2f1(a, b, c, z)
    if not np.all(np.isfinite(out)):
        raise ValueError(
            "The hypergeometric function in the BG/NBD forecast could not be evaluated for "
            "some customers (extreme parameters or horizon); try a shorter horizon."
        )
    return out


class BetaGeoNBD(FittedModel):
    """BG/NBD fitted by maximum likelihood; time is measured in ``time_unit``.

    Fitted attributes (the contract of :class:`clvlib.models.base.FittedModel`): ``r_``,
    ``alpha_`` (in ``time_unit``: 1/alpha is a rate per period), ``a_``, ``b_``
    (``params_``), ``log_likelihood_``, ``aic_``, ``n_obs_`` (customers), ``n_histories_``
    (distinct rows actually fitted) and ``time_unit_``. ``summary`` gives estimates with
    standard errors. ``fit`` accepts a per-customer summary DataFrame (frequency, recency,
    T; optional ``n_customers`` counts) or arrays, and compresses them.
    """

    param_names = tuple(PARAMS)
    fit_call = "fit(summary)"

    def __init__(self, time_unit: TimeUnit | str = "week", penalizer_coef: float = 0.0):
        super().__init__(time_unit)
        self.penalizer_coef = penalizer_coef  # L2 on ln(params): clvlib.models.fitting.penalized

    # ------------------------------------------------------------------ fitting
    def fit(self, frequency, recency=None, T=None, weights=None) -> BetaGeoNBD:
        """Fit to customer histories; returns self.

        ``frequency`` may be a per-customer summary DataFrame from
        :func:`clvlib.transactions.summarize_transactions` (its recorded time unit must
        match the model's; an ``n_customers`` column is used as weights) or an array of
        repeat-purchase counts with ``recency`` and ``T``. ``weights`` counts the
        customers each row stands for.
        """
        table = histories_table(self, frequency, recency, T, weights, "BG/NBD")
        n_customers = table["n_customers"].sum()
        x, t_x, big_t, n = (table[c].to_numpy(float) for c in ("frequency", "recency", "T", "n_customers"))
        histories = _Histories(x, t_x, big_t, n)
        value_and_grad = histories.value_and_grad
        objective = penalized(value_and_grad, self.penalizer_coef, n_customers)

        # Start from r = 1 with alpha matching the average purchase rate; a = b = 1.
        rate = max(np.dot(n, x) / max(np.dot(n, big_t), 1e-9), 1e-6)
        start = np.log([1.0, 1.0 / rate, 1.0, 1.0])
        params = maximize_log_likelihood(objective, start, PARAMS, "BG/NBD")
        self._set_fit(
            params, time_unit=self.time_unit, log_likelihood=value_and_grad(params)[0],
            n_obs=n_customers, value_and_grad=objective,
        )
        self.n_histories_ = len(table)
        return self

    def _extra_state(self) -> dict:
        return {"n_histories": self.n_histories_}

    def _restore_extra_state(self, extra: dict) -> None:
        n_histories = extra.get("n_histories")
        self.n_histories_ = None if n_histories is None else int(n_histories)

    def _check_unit(self, time_unit, what):
        if time_unit is not None:
            check_same_unit(self.time_unit_, time_unit, what=what)

    # ------------------------------------------------------------- predictions
    def expected_purchases(self, t, time_unit: TimeUnit | str | None = None) -> np.ndarray:
        """Unconditional E[X(t)]: repeat purchases by a new customer within ``t`` periods.

        Paper eq. 9, written with Pfaff's transformation so the hypergeometric argument is
        -t/alpha (numerically tamer than t/(alpha+t) near 1)::

            E[X(t)] = (a+b-1)/(a-1) * [1 - 2F1(r, a-1; a+b-1; -t/alpha)]
        """
        check_fitted(self)
        self._check_unit(time_unit, "time t")
        t = np.asarray(t, dtype=float)
        r, alpha, a, b = self.r_, self.alpha_, self.a_, self.b_
        return (a + b - 1) / (a - 1) * (1 - _hyp2f1_checked(r, a - 1, a + b - 1, -t / alpha))

    def conditional_expected_purchases(
        self, t, frequency, recency, T, time_unit: TimeUnit | str | None = None
    ) -> np.ndarray:
        """E[Y(t) | x, t_x, T]: repeat purchases in the next ``t`` periods (paper eq. 10).

        Uses (a+b+x-1)/(a-1) * [1 - 2F1(r+x, a-1; a+b+x-1; -t/(alpha+T))] * P(alive),
        the same formula after Pfaff's transformation of the paper's
        ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t)).
        """
        check_fitted(self)
        self._check_unit(time_unit, "time t")
        x, t_x, big_t = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
        t = np.asarray(t, dtype=float)
        r, alpha, a, b = self.r_, self.alpha_, self.a_, self.b_
        hyp = _hyp2f1_checked(r + x, a - 1, a + b + x - 1, -t / (alpha + big_t))
        return (a + b + x - 1) / (a - 1) * (1 - hyp) * self.probability_alive(x, t_x, big_t)

    def probability_alive(self, frequency, recency, T) -> np.ndarray:
        """P(alive | x, t_x, T) = 1 / (1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)).

        Computed as a logistic of the log-odds so it stays within [0, 1]. Equals 1 for
        customers without a repeat purchase (see the module docstring for why).
        """
        check_fitted(self)
        x, t_x, big_t = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
        r, alpha, a, b = self.r_, self.alpha_, self.a_, self.b_
        repeat = x > 0
        b_x1 = np.where(repeat, b + x - 1, 1.0)
        log_odds_dead = (
            np.log(a) - np.log(b_x1) + (r + x) * (np.log(alpha + big_t) - np.log(alpha + t_x))
        )
        return np.where(repeat, expit(-log_odds_dead), 1.0)

    def __repr__(self) -> str:
        if getattr(self, "params_", None) is None:
            return f"BetaGeoNBD(time_unit={self.time_unit.value!r})"
        return (
            f"BetaGeoNBD(time_unit={self.time_unit_.value!r}): r={self.r_:.3f}, alpha={self.alpha_:.3f}, "
            f"a={self.a_:.3f}, b={self.b_:.3f}, log-likelihood={self.log_likelihood_:.1f}"
        )


def probability_alive_grid(
    model: BetaGeoNBD, T: float, max_frequency: int = 20, recency_step: float | None = None
) -> pd.DataFrame:
    """P(alive) for customers observed for ``T`` periods, by frequency x recency.

    Rows are frequency 0..max_frequency, columns recency values from 0 to T (about 40
    steps unless ``recency_step`` is given). Cells with frequency 0 and recency > 0 are
    impossible histories and are left empty (NaN) on purpose so a heatmap shows them blank.
    """
    if T <= 0:
        raise ValueError("T must be positive: customers observed for some time.")
    step = recency_step or T / 40
    recency = np.arange(0.0, T + step / 2, step)
    freq = np.arange(0, max_frequency + 1)
    xx, rr = np.meshgrid(freq, recency, indexing="ij")
    p = model.probability_alive(xx, rr, T)
    p = np.where((xx == 0) & (rr > 0), np.nan, p)
    out = pd.DataFrame(p, index=pd.Index(freq, name="frequency"), columns=pd.Index(np.round(recency, 3), name="recency"))
    out.attrs.update(time_unit=model.time_unit_.value, T=T)
    return out


__all__ = [
    "BetaGeoNBD",
    "compress_histories",
    "histories_table",
    "log_likelihood_and_gradient",
    "log_likelihood_per_customer",
    "probability_alive_grid",
]
