"""The shifted-beta-geometric (sBG) model of contractual retention.

Fader & Hardie (2007), "How to Project Customer Retention", Journal of Interactive
Marketing 21(1); value of a customer from Fader & Hardie (2010), "Customer-Base
Valuation in a Contractual Setting: The Perils of Ignoring Heterogeneity", Marketing
Science 29(1).

The story: every customer pays at signup (period 0) and then, at the end of each
period, renews with their own probability ``1 - theta``. Customers differ:
``theta ~ Beta(alpha, beta)``. The lifetime ``T`` (number of paid periods, T >= 1) then
follows

* ``P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta)``, t = 1, 2, ...
* ``S(t) = P(T > t) = B(alpha, beta + t) / B(alpha, beta)``, t = 0, 1, ...
* retention rate ``r(t) = S(t) / S(t - 1) = (beta + t - 1) / (alpha + beta + t - 1)``,
  which *rises* with t: the customers who churn easily leave first.

A constant-churn (geometric) model is fitted on the same data as a baseline
(:class:`~clvlib.models.contractual.constant_churn.ConstantChurn`): it has one churn
probability for everyone, so it cannot bend and under-projects retention in the long run.
Input checks, projection and the discount-rate checks both share live in
:mod:`clvlib.models.contractual.retention`.

Example
-------
>>> from clvlib.models.contractual.sbg import ShiftedBetaGeometric
>>> regular = [1000, 631, 468, 382, 326, 289, 262, 241]   # Fader & Hardie (2007), Table 1
>>> model = ShiftedBetaGeometric(time_unit="year").fit(regular)
>>> round(model.alpha_, 3), round(model.beta_, 3)
(0.704, 1.182)
>>> round(model.log_likelihood_, 2)
-1680.27
>>> round(model.discounted_expected_lifetime(0.10), 2)   # expected discounted years paid
3.69
"""

from __future__ import annotations

import math
import warnings
from functools import partial
from typing import Any, Self

import numpy as np
import pandas as pd
from scipy import special

from clvlib.core.stacklevel import user_stacklevel
from clvlib.core.units import TimeUnit
from clvlib.models.base import check_fitted
from clvlib.models.contractual.constant_churn import ConstantChurn
from clvlib.models.contractual.retention import (
    RetentionModel,
    as_lifetime_counts,
    as_survivors,
    check_informative,
    check_renewals,
    periods,
)
from clvlib.models.fitting import maximize_log_likelihood

#: Fader & Hardie (2007), Table 1: customers still active out of 1000, years 0..12, for
#: two customer segments. The paper fits years 0-7 and projects years 8-12.
FADER_HARDIE_2007_SURVIVORS: dict[str, tuple[int, ...]] = {
    "regular": (1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173),
    "high_end": (1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394),
}
#: Their published maximum-likelihood estimates (Appendix B) on years 0-7.
FADER_HARDIE_2007_ESTIMATES: dict[str, dict[str, float]] = {
    "regular": {"alpha": 0.704, "beta": 1.182, "log_likelihood": -1680.27},
    "high_end": {"alpha": 0.668, "beta": 3.806, "log_likelihood": -1611.2},
}

# Log-parameters are kept in this box: exp(-8) ~ 0.0003 and exp(12) ~ 160,000. A fit
# that runs towards the upper edge means the data show no heterogeneity at all (the
# sBG then is the constant-churn model), which we report with a warning.
_LOG_BOUNDS = (-8.0, 12.0)
# Two starting points (log alpha, log beta): the likelihood surface is a long, curved valley.
_STARTS = ((0.0, 0.0), (1.0, 3.0))


# ----------------------------------------------------------------------------- maths


def sbg_log_likelihood(alpha: float, beta: float, churned: np.ndarray, censored: np.ndarray) -> float:
    """LL = sum_t churned_t ln P(T = t) + sum_t censored_t ln S(t) (Fader & Hardie 2007, eq. 5)."""
    t = np.arange(churned.size, dtype=float)
    lb = special.betaln(alpha, beta)
    ll = 0.0
    mask = churned > 0
    if mask.any():
        ll += np.sum(churned[mask] * (special.betaln(alpha + 1.0, beta + t[mask] - 1.0) - lb))
    mask = censored > 0
    if mask.any():
        ll += np.sum(censored[mask] * (special.betaln(alpha, beta + t[mask]) - lb))
    return float(ll)


def _sbg_gradient(alpha: float, beta: float, churned: np.ndarray, censored: np.ndarray) -> np.ndarray:
    """d LL / d(alpha, beta), from d ln B(a, b) / da = digamma(a) - digamma(a + b)."""
    t = np.arange(churned.size, dtype=float)
    psi = special.digamma
    base_a = psi(alpha) - psi(alpha + beta)
    base_b = psi(beta) - psi(alpha + beta)
    ga = gb = 0.0
    m = churned > 0
    if m.any():
        tt, w = t[m], churned[m]
        total = psi(alpha + beta + tt)
        ga += np.sum(w * (psi(alpha + 1.0) - total - base_a))
        gb += np.sum(w * (psi(beta + tt - 1.0) - total - base_b))
    m = censored > 0
    if m.any():
        tt, w = t[m], censored[m]
        total = psi(alpha + beta + tt)
        ga += np.sum(w * (psi(alpha) - total - base_a))
        gb += np.sum(w * (psi(beta + tt) - total - base_b))
    return np.array([ga, gb])


def _value_and_grad(params: np.ndarray, churned: np.ndarray, censored: np.ndarray) -> tuple[float, np.ndarray]:
    """(LL, d LL / d(alpha, beta)) in the form the shared fitting helpers take."""
    alpha, beta = (float(v) for v in params)
    return sbg_log_likelihood(alpha, beta, churned, censored), _sbg_gradient(alpha, beta, churned, censored)


# ----------------------------------------------------------------------------- model


class ShiftedBetaGeometric(RetentionModel):
    """Shifted-beta-geometric retention model (Fader & Hardie 2007), fitted by maximum likelihood.

    Parameters
    ----------
    time_unit : the length of one period ("month", "year", ...); every discount rate
        passed later is per this period.

    Fitted attributes (the contract of :class:`clvlib.models.base.FittedModel`):
    ``alpha_``, ``beta_`` (``params_``), ``log_likelihood_``, ``aic_``, ``time_unit_``,
    ``n_obs_`` (customers), ``n_periods_`` and ``constant_churn_`` (a
    :class:`~clvlib.models.contractual.constant_churn.ConstantChurn` fitted on the same
    data, for comparison).

    >>> high_end = [1000, 869, 743, 653, 593, 551, 517, 491]   # Fader & Hardie (2007), Table 1
    >>> m = ShiftedBetaGeometric(time_unit="year").fit(high_end)
    >>> round(m.alpha_, 3), round(m.beta_, 3), round(m.log_likelihood_, 1)
    (0.668, 3.806, -1611.2)
    >>> [round(s) for s in 1000 * m.survival([8, 12])]   # the paper's Table 1: 468, 394
    [460, 378]
    """

    param_names = ("alpha", "beta")

    # -- fitting --------------------------------------------------------------

    def fit_lifetime_counts(self, churned, censored) -> Self:
        """Fit on lifetimes pooled over cohorts observed for different lengths of time.

        ``churned[t]`` = customers whose last paid period was t - 1 (lifetime T = t, so
        churned[0] = 0); ``censored[t]`` = customers still active at period t when
        observation ended (T > t). :func:`clvlib.analysis.cohorts.lifetime_counts` builds both.
        """
        churned, censored = as_lifetime_counts(churned, censored)
        check_informative(churned, censored)
        value_and_grad = partial(_value_and_grad, churned=churned, censored=censored)
        params = maximize_log_likelihood(
            value_and_grad, np.array(_STARTS), list(self.param_names), "sBG",
            log_bounds=_LOG_BOUNDS, raise_at_edge=False,
        )
        log_likelihood = value_and_grad(params)[0]
        baseline = ConstantChurn(self.time_unit).fit_lifetime_counts(churned, censored)
        if log_likelihood < baseline.log_likelihood_ + 0.01:
            # The sBG contains constant churn as its limit (alpha, beta -> infinity); when it
            # cannot beat it, the data show no heterogeneity.
            warnings.warn(
                "The sBG fits no better than constant churn: these customers look alike (no sign "
                "of heterogeneity), so alpha and beta are very large and poorly determined.",
                RuntimeWarning,
                stacklevel=user_stacklevel(),
            )
        self._set_fit(
            params, time_unit=self.time_unit, log_likelihood=log_likelihood,
            n_obs=churned.sum() + censored.sum(), value_and_grad=value_and_grad,
        )
        self.n_periods_ = int(churned.size - 1)
        self.constant_churn_ = baseline
        return self

    def _extra_state(self) -> dict[str, Any]:
        baseline = self.constant_churn_
        return super()._extra_state() | {"constant_churn": None if baseline is None else baseline.to_dict()}

    def _restore_extra_state(self, extra: dict[str, Any]) -> None:
        super()._restore_extra_state(extra)
        saved = extra.get("constant_churn")
        # None for a model built from known parameters: there were no data to fit it on.
        self.constant_churn_ = None if saved is None else ConstantChurn.from_dict(saved)

    # -- derived quantities ---------------------------------------------------

    @property
    def mean_churn_(self) -> float:
        """Average churn probability across customers, alpha / (alpha + beta) (= churn at period 1)."""
        check_fitted(self)
        return self.alpha_ / (self.alpha_ + self.beta_)

    def survival(self, t):
        """S(t) = P(still active at period t) = B(alpha, beta + t) / B(alpha, beta); S(0) = 1."""
        check_fitted(self)
        t = periods(t)
        return np.exp(special.betaln(self.alpha_, self.beta_ + t) - special.betaln(self.alpha_, self.beta_))

    def retention_rate(self, t):
        """r(t) = S(t) / S(t - 1) = (beta + t - 1) / (alpha + beta + t - 1), for renewals t >= 1."""
        check_fitted(self)
        t = periods(t)
        if np.any(t < 1):
            raise ValueError("Retention rates are defined for renewals t = 1, 2, ... (period 0 is the signup).")
        return (self.beta_ + t - 1.0) / (self.alpha_ + self.beta_ + t - 1.0)

    def churn_probability(self, t):
        """P(T = t): the probability that a new customer's last paid period is t - 1, t >= 1.

        This is unconditional (eq. 1 in the paper); the churn rate among those still
        active at t - 1 is ``1 - retention_rate(t)``.
        """
        check_fitted(self)
        t = periods(t)
        if np.any(t < 1):
            raise ValueError("Churn happens at renewals t = 1, 2, ... (everyone pays for period 0).")
        return np.exp(special.betaln(self.alpha_ + 1.0, self.beta_ + t - 1.0) - special.betaln(self.alpha_, self.beta_))

    def expected_lifetime(self) -> float:
        """E[T] = (alpha + beta - 1) / (alpha - 1) periods, first period counted; infinite if alpha <= 1."""
        check_fitted(self)
        if self.alpha_ <= 1:
            return math.inf
        return (self.alpha_ + self.beta_ - 1.0) / (self.alpha_ - 1.0)

    def discounted_expected_lifetime(self, discount_rate: float, time_unit: TimeUnit | str | None = None) -> float:
        """DEL(d) = 2F1(1, beta; alpha + beta; 1 / (1 + d)) (Fader & Hardie 2010, eq. 6).

        The expected discounted number of payments of a customer not yet acquired, the
        first payment (t = 0) undiscounted: sum_{t>=0} S(t) / (1 + d)^t. Multiply by
        the margin per period to get the expected CLV. ``discount_rate`` is per model
        period; name its unit in ``time_unit`` to have it checked.
        """
        d = self._discount_rate(discount_rate, time_unit)
        if d == 0 and self.alpha_ <= 1:
            raise ValueError(
                f"With alpha = {self.alpha_:.3f} <= 1 the undiscounted expected lifetime is infinite; "
                "use a discount rate above 0."
            )
        return float(special.hyp2f1(1.0, self.beta_, self.alpha_ + self.beta_, 1.0 / (1.0 + d)))

    def discounted_expected_residual_lifetime(
        self, discount_rate: float, n_renewals: int, time_unit: TimeUnit | str | None = None
    ) -> float:
        """DERL(d | n - 1 renewals) = (beta+n-1)/(alpha+beta+n-1) 2F1(1, beta+n; alpha+beta+n; 1/(1+d)).

        Fader & Hardie (2010), eq. 8. For a customer who has made ``n_renewals`` (= n - 1)
        renewals and is about to decide on the next one: the expected number of future
        payments, valued at the moment of that decision, so the next payment (if they
        renew) is undiscounted: sum_{t>=n} S(t | T > n - 1) / (1 + d)^(t - n).
        With 0 renewals this is (DEL - 1)(1 + d): a new customer's future after signup.
        """
        d = self._discount_rate(discount_rate, time_unit)
        check_renewals(n_renewals)
        if d == 0 and self.alpha_ <= 1:
            raise ValueError("With alpha <= 1 the undiscounted residual lifetime is infinite; use a discount rate above 0.")
        n = float(n_renewals) + 1.0
        a, b = self.alpha_, self.beta_
        return float((b + n - 1) / (a + b + n - 1) * special.hyp2f1(1.0, b + n, a + b + n, 1.0 / (1.0 + d)))


def compare_projections(
    survivors, calibration_periods: int, time_unit: TimeUnit | str = "month"
) -> tuple[pd.DataFrame, ShiftedBetaGeometric]:
    """Fit the sBG and constant churn on periods 0..calibration_periods; compare with the rest.

    Returns a table (one row per period of ``survivors``) with the actual active counts,
    both projections, and whether the period was used to fit (``in_calibration``), plus
    the fitted sBG (whose ``constant_churn_`` is the baseline).
    """
    values = as_survivors(survivors)
    if not 1 <= calibration_periods < values.size:
        raise ValueError(
            f"calibration_periods must be between 1 and {values.size - 1} (the last period observed); "
            f"got {calibration_periods}."
        )
    model = ShiftedBetaGeometric(time_unit).fit(values[: calibration_periods + 1])
    steps = np.arange(values.size)
    table = pd.DataFrame(
        {
            "actual": values,
            "sbg": values[0] * model.survival(steps),
            "constant_churn": values[0] * model.constant_churn_.survival(steps),
            "in_calibration": steps <= calibration_periods,
        },
        index=pd.Index(steps, name=f"{model.time_unit_.value}s_since_signup"),
    )
    return table, model
