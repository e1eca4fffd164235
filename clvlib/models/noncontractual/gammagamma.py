"""The Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "RFM and
CLV: Using Iso-Value Curves for Customer Base Analysis", J. Marketing Research 42(4);
Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary Value").

The story: each transaction of a customer is worth z ~ Gamma(shape p, rate nu), so the
customer's own mean spend is p/nu; nu ~ Gamma(shape q, rate gamma) across customers.
Observing the mean ``m`` of ``x`` repeat transactions, the likelihood is::

    f(m | p, q, gamma; x) = G(px+q) / (G(px) G(q)) * gamma^q * m^(px-1) * x^(px)
                            / (gamma + m x)^(px+q)

and the best guess of the customer's mean spend shrinks their own average towards the
population mean p*gamma/(q-1), more so the fewer transactions we have seen::

    E[M | m, x] = (q-1)/(px+q-1) * p*gamma/(q-1) + px/(px+q-1) * m

The model assumes spend is independent of how often someone buys: check it with
:func:`frequency_spend_correlation` before using the two models together.

Example
-------
>>> from clvlib.data import load_dataset
>>> from clvlib.transactions import summarize_transactions
>>> weekly = summarize_transactions(load_dataset().orders, "2025-12-31", time_unit="week")
>>> from clvlib.models.noncontractual import GammaGamma
>>> gg = GammaGamma().fit(weekly)   # or fit(weekly["frequency"], weekly["monetary_value"])
>>> gg.time_unit_
<TimeUnit.WEEK: 'week'>
>>> bool(gg.conditional_expected_order_value(0, 0.0)[0] == gg.mean_order_value_)
True
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy.special import digamma, gammaln

from clvlib.core.stacklevel import user_stacklevel
from clvlib.core.units import TimeUnit, check_same_unit
from clvlib.models.base import FittedModel, check_fitted
from clvlib.models.fitting import (
    as_float_array,
    dot,
    maximize_log_likelihood,
    penalized,
    summary_columns,
)

PARAMS = ["p", "q", "gamma"]


def _validated(frequency, monetary_value, weights=None):
    x = as_float_array(frequency, "frequency")
    m = as_float_array(monetary_value, "monetary_value")
    if len(x) != len(m):
        raise ValueError("frequency and monetary_value must have the same length (one per customer).")
    w = np.ones(len(x)) if weights is None else as_float_array(weights, "weights")
    if np.any(x < 0):
        raise ValueError("frequency must be 0 or more (the number of repeat transactions).")
    if np.any(m < 0):
        raise ValueError(
            f"{int((m < 0).sum())} customers have a negative mean spend: net refunds against "
            "their orders (or drop them) before fitting."
        )
    if len(w) != len(x):
        raise ValueError("weights must have one value per row of frequency/monetary_value.")
    return x, m, w


class FreeOrdersWarning(UserWarning):
    """Repeat buyers whose repeat orders were all free were left out of the spend model."""


def _free_spend_note(n_customers: float) -> str:
    n = int(round(n_customers))
    who = "1 repeat buyer whose repeat orders were all free (mean spend 0) is" if n == 1 else (
        f"{n:,} repeat buyers whose repeat orders were all free (mean spend 0) are")
    return (f"{who} left out of the Gamma-Gamma fit, which needs positive spend; "
            "BG/NBD still counts their purchases, and their expected spend is pulled towards the average.")


class _Spend:
    """Repeat buyers' (x, mean spend) arranged for fast likelihood evaluations.

    Gamma-function terms depend on the data only through x, so they are evaluated once
    per distinct x; sums of ln m are constants computed once.
    """

    def __init__(self, frequency, monetary_value, weights=None):
        x, m = np.asarray(frequency, dtype=float).ravel(), np.asarray(monetary_value, dtype=float).ravel()
        n = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float).ravel()
        self.x, self.m, self.n = x, m, n
        self.nx, self.mx = n * x, m * x
        self.xu, xi = np.unique(x, return_inverse=True)
        self.n_by_x = np.bincount(xi, weights=n, minlength=len(self.xu))
        self.log_xu = np.log(self.xu)
        log_m = np.log(m)
        self.sum_nx_log_m = dot(self.nx, log_m)
        self.sum_n_log_m = dot(n, log_m)
        self.n_total = float(n.sum())

    def value_and_grad(self, params):
        p, q, gamma = (float(v) for v in params)
        xu, nx_u = self.xu, self.n_by_x
        pxu = p * xu
        log_gamma = np.log(gamma)
        denom = gamma + self.mx
        log_gm = np.log(denom)
        ll = (
            nx_u @ (gammaln(pxu + q) - gammaln(pxu) - gammaln(q) + q * log_gamma + pxu * self.log_xu)
            + p * self.sum_nx_log_m - self.sum_n_log_m
            - p * dot(self.nx, log_gm) - q * dot(self.n, log_gm)
        )
        psi = digamma(pxu + q)
        d_p = nx_u @ (xu * (psi - digamma(pxu) + self.log_xu)) + self.sum_nx_log_m - dot(self.nx, log_gm)
        d_q = nx_u @ (psi - digamma(q) + log_gamma) - dot(self.n, log_gm)
        d_gamma = self.n_total * q / gamma - dot(p * self.nx + q * self.n, 1.0 / denom)
        return float(ll), np.array([d_p, d_q, d_gamma])


def log_likelihood_and_gradient(params, frequency, monetary_value, weights=None):
    """Weighted total log-likelihood over repeat buyers and its exact gradient in (p, q, gamma).

    Per customer: ln f = lnG(px+q) - lnG(px) - lnG(q) + q ln gamma + (px-1) ln m + px ln x
    - (px+q) ln(gamma + m x), so d/dp = x [psi(px+q) - psi(px) + ln m + ln x - ln(gamma + m x)],
    d/dq = psi(px+q) - psi(q) + ln gamma - ln(gamma + m x), d/dgamma = q/gamma - (px+q)/(gamma + m x).
    """
    return _Spend(frequency, monetary_value, weights).value_and_grad(params)


class GammaGamma(FittedModel):
    """Gamma-Gamma spend model fitted by maximum likelihood on repeat buyers.

    Fitted attributes (the contract of :class:`clvlib.models.base.FittedModel`): ``p_``,
    ``q_``, ``gamma_`` (in money units; ``params_``), ``log_likelihood_``, ``aic_``,
    ``n_obs_`` (repeat buyers used), ``mean_order_value_`` (population mean spend
    p*gamma/(q-1), needs q > 1) and ``time_unit_``. Spend per transaction has no time
    unit, so ``time_unit_`` records the unit of the customer summary the data came from
    (its ``attrs['time_unit']``, or the ``time_unit`` argument) so it can be checked
    against the BG/NBD model it is combined with.

    ``penalizer_coef`` adds an L2 penalty on ln(p), ln(q), ln(gamma) to the mean negative
    log-likelihood per repeat buyer (:func:`clvlib.models.fitting.penalized`), pulling each
    towards 1. p and q have no unit; gamma is in money units, so its pull depends on the
    currency (towards 1 dollar, or 1 krona): a penalty meant for a few repeat buyers should stay
    small (0.001 to 0.01). ``log_likelihood_`` is the data's, without the penalty.
    """

    param_names = tuple(PARAMS)
    fit_call = "fit(summary)"

    def __init__(self, time_unit: TimeUnit | str | None = None, penalizer_coef: float = 0.0):
        self.time_unit = None if time_unit is None else TimeUnit.parse(time_unit)
        self.penalizer_coef = penalizer_coef  # L2 on ln(params): clvlib.models.fitting.penalized

    def fit(self, frequency, monetary_value=None, weights=None) -> GammaGamma:
        """Fit on customers with ``frequency > 0`` (others carry no spend information); returns self.

        ``frequency`` may be a per-customer summary DataFrame from
        :func:`clvlib.transactions.summarize_transactions` (columns frequency and
        monetary_value; an ``n_customers`` column is used as weights) or an array of
        repeat-purchase counts with ``monetary_value``, each customer's mean spend per
        repeat transaction. ``weights`` counts the customers each row stands for. Raises
        ValueError for negative spend, fewer than two repeat buyers with positive spend, or
        an unknown time unit. Repeat buyers whose repeat orders were all free (mean spend
        0; a Gamma distribution has no zero) are left out of the fit with a
        :class:`FreeOrdersWarning` and counted in ``n_free_spend_excluded_``.
        """
        data_unit = getattr(frequency, "attrs", {}).get("time_unit")
        if isinstance(frequency, pd.DataFrame):
            (frequency, monetary_value), weights = summary_columns(
                frequency, ("frequency", "monetary_value"), weights, "GammaGamma"
            )
        elif monetary_value is None:
            raise ValueError("Pass monetary_value along with frequency (or a summary DataFrame).")
        x, m, w = _validated(frequency, monetary_value, weights)
        keep = (x > 0) & (w > 0)
        # Free orders are real purchases (BG/NBD counts them), but a Gamma distribution has
        # no zero: repeat buyers whose repeat orders were all free are left out of this fit,
        # counted and said. Their expected spend is still predicted (pulled to the mean).
        all_free = keep & (m == 0)
        n_free = float(w[all_free].sum())
        if n_free:
            warnings.warn(_free_spend_note(n_free), FreeOrdersWarning, stacklevel=user_stacklevel())
        keep &= ~all_free
        if keep.sum() < 2:
            raise ValueError(
                f"Gamma-Gamma needs customers with repeat purchases and positive spend; found {int(keep.sum())}. "
                "Use a longer calibration period or more customers."
            )
        unit = self._data_unit(data_unit)
        x, m, w = x[keep], m[keep], w[keep]
        spend = _Spend(x, m, w)
        value_and_grad = spend.value_and_grad
        objective = penalized(value_and_grad, self.penalizer_coef, w.sum())

        # Method-of-moments flavoured start: p = 1 spend shape, q = 2, gamma from the mean.
        start = np.log([1.0, 2.0, max(float(np.average(m, weights=w)), 1e-6)])
        params = maximize_log_likelihood(objective, start, PARAMS, "Gamma-Gamma")
        self._set_fit(
            params, time_unit=unit, log_likelihood=value_and_grad(params)[0],
            n_obs=w.sum(), value_and_grad=objective,
        )
        self.n_free_spend_excluded_ = n_free
        return self

    def _extra_state(self) -> dict:
        return {"penalizer_coef": float(self.penalizer_coef)}

    def _restore_extra_state(self, extra: dict) -> None:
        self.penalizer_coef = float(extra.get("penalizer_coef", 0.0))

    def _data_unit(self, data_unit) -> TimeUnit:
        """The unit of the summary the data came from: recorded on it, or given to the model."""
        if data_unit is not None and self.time_unit is not None:
            check_same_unit(self.time_unit, data_unit, what="customer summary")
        unit = data_unit if data_unit is not None else self.time_unit
        if unit is None:
            raise ValueError(
                "GammaGamma cannot tell the time unit of these customers: spend has none, but the "
                "summary it came from does, and the BG/NBD model it is combined with must share it. "
                "Fit on a summary from clvlib.transactions.summarize_transactions, or pass "
                "GammaGamma(time_unit='week')."
            )
        return TimeUnit.parse(unit)

    @property
    def mean_order_value_(self) -> float:
        """Population mean spend per transaction, p*gamma/(q-1)."""
        check_fitted(self)
        if self.q_ <= 1:
            raise ValueError(
                f"q = {self.q_:.3f} <= 1: the fitted spend distribution has no finite mean, so "
                "expected spend is undefined. Check for extreme order values."
            )
        return self.p_ * self.gamma_ / (self.q_ - 1)

    def conditional_expected_order_value(self, frequency, monetary_value) -> np.ndarray:
        """E[M | m, x]: each customer's expected spend per future transaction.

        Customers with no repeat transaction get the population mean p*gamma/(q-1).
        """
        check_fitted(self)
        x, m, _ = _validated(np.atleast_1d(frequency), np.atleast_1d(monetary_value))
        population = self.mean_order_value_
        px = self.p_ * x
        weight = px / (px + self.q_ - 1)
        return (1 - weight) * population + weight * m

    def __repr__(self) -> str:
        if getattr(self, "params_", None) is None:
            return "GammaGamma()"
        return (
            f"GammaGamma: p={self.p_:.3f}, q={self.q_:.3f}, gamma={self.gamma_:.3f}, "
            f"log-likelihood={self.log_likelihood_:.1f}"
        )


def frequency_spend_correlation(summary: pd.DataFrame) -> float:
    """Pearson correlation of frequency and mean spend among repeat buyers.

    Gamma-Gamma assumes the two are independent; a correlation near 0 (FHL report 0.11
    on CDNOW) supports using it alongside BG/NBD, a strong one (say |r| > 0.3) means the
    combined CLV will be biased.
    """
    missing = [c for c in ("frequency", "monetary_value") if c not in summary.columns]
    if missing:
        raise ValueError(f"The summary has no column {', '.join(missing)}.")
    repeat = summary[summary["frequency"] > 0]
    if len(repeat) < 3:
        raise ValueError(
            f"Only {len(repeat)} customers made a repeat purchase: too few to measure a correlation."
        )
    if repeat["frequency"].nunique() < 2 or repeat["monetary_value"].nunique() < 2:
        raise ValueError("Frequency or spend is the same for every repeat buyer: the correlation is undefined.")
    return float(np.corrcoef(repeat["frequency"], repeat["monetary_value"])[0, 1])
