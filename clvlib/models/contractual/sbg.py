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
(:class:`ConstantChurn`): it has one churn probability for everyone, so it cannot bend
and under-projects retention in the long run.

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

import warnings
from collections.abc import Sequence
from typing import Self

import numpy as np
import pandas as pd
from scipy import optimize, special

from clvlib.core.units import TimeUnit, UnitMismatchError

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


# ----------------------------------------------------------------------------- input


def _as_survivors(survivors: Sequence[float] | np.ndarray | pd.Series) -> np.ndarray:
    """Validate active counts at periods 0, 1, 2, ... and return them as floats."""
    try:
        values = np.asarray(survivors, dtype=float).ravel()
    except (TypeError, ValueError):
        raise ValueError(
            "survivors must be a list of numbers: the customers still active at periods 0, 1, 2, ..."
        ) from None
    if values.size == 0 or (values.size and values[0] == 0):
        raise ValueError("The cohort is empty: survivors[0] (customers at period 0) must be more than 0.")
    if values.size < 2:
        raise ValueError(
            "Need at least 2 periods (survivors at period 0 and period 1) to fit a retention model; "
            f"got {values.size}."
        )
    if not np.all(np.isfinite(values)):
        raise ValueError("survivors contains missing or infinite values; pass plain counts.")
    if np.any(values < 0):
        raise ValueError("survivors contains negative counts; pass the number of active customers per period.")
    rises = np.flatnonzero(np.diff(values) > 0)
    if rises.size:
        t = int(rises[0]) + 1
        raise ValueError(
            f"Survivor counts must never increase, but period {t} has {values[t]:g} active customers "
            f"and period {t - 1} had {values[t - 1]:g}. Pass one cohort's active counts (a customer "
            "who leaves does not come back), not a running total or a mix of cohorts of different ages."
        )
    return values


def _counts_from_survivors(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Churned at t (T = t) for t = 1..K and censored (T > t) for t = 0..K."""
    churned = np.concatenate([[0.0], values[:-1] - values[1:]])  # index t; churned[0] = 0
    censored = np.zeros_like(values)
    censored[-1] = values[-1]
    return churned, censored


def _as_counts(churned, censored) -> tuple[np.ndarray, np.ndarray]:
    churned = np.asarray(churned, dtype=float).ravel()
    censored = np.asarray(censored, dtype=float).ravel()
    if churned.shape != censored.shape:
        raise ValueError("churned and censored must have one value per period (0, 1, 2, ...), the same length.")
    if churned.size < 2:
        raise ValueError("Need counts for at least periods 0 and 1 to fit a retention model.")
    if not (np.all(np.isfinite(churned)) and np.all(np.isfinite(censored))):
        raise ValueError("The lifetime counts contain missing or infinite values.")
    if np.any(churned < 0) or np.any(censored < 0):
        raise ValueError("The lifetime counts must be 0 or more.")
    if churned[0] != 0:
        raise ValueError("churned[0] must be 0: every customer pays for period 0 (the lifetime T is at least 1).")
    if churned.sum() + censored.sum() == 0:
        raise ValueError("The cohort is empty: there are no customers in the lifetime counts.")
    return churned, censored


def _check_informative(churned: np.ndarray, censored: np.ndarray) -> None:
    """Reject data whose maximum-likelihood fit runs off to a boundary."""
    n_churned = churned.sum()
    n_renewals = sum(t * c for t, c in enumerate(censored)) + sum((t - 1) * c for t, c in enumerate(churned) if t)
    if n_churned == 0:
        raise ValueError(
            "Nobody churned in these data, so the churn rate cannot be estimated (it would be 0 and "
            "every customer would stay forever). Use a longer observation window or a larger group."
        )
    if n_renewals == 0:
        raise ValueError(
            "Every customer churned at the first renewal (nobody renewed even once), so the churn "
            "rate is 1 and there is nothing to model. Check the data (are the counts per period?)."
        )


def _check_rate_unit(model_unit: TimeUnit, rate_unit: TimeUnit | str | None, what: str) -> None:
    if rate_unit is None:
        return
    unit = TimeUnit.parse(rate_unit)
    if unit is not model_unit:
        raise UnitMismatchError(
            f"The model was fitted in {model_unit.value}s but the {what} is per {unit.value}. "
            f"Convert it first: clvlib.core.units.convert_rate(rate, '{unit.value}', '{model_unit.value}')."
        )


def _check_discount(discount_rate: float) -> float:
    d = float(discount_rate)
    if not np.isfinite(d) or d < 0:
        raise ValueError(
            f"discount_rate must be 0 or more (a rate per model period, e.g. 0.10 for 10%); got {discount_rate!r}."
        )
    return d


def _periods(t) -> np.ndarray:
    arr = np.asarray(t, dtype=float)
    if np.any(arr < 0) or not np.all(np.isfinite(arr)):
        raise ValueError("Periods must be 0 or more (0 = signup).")
    return arr


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


def _numeric_hessian(f, x: np.ndarray, rel_step: float = 1e-4) -> np.ndarray:
    """Central-difference Hessian of a smooth scalar function (two parameters: cheap)."""
    n = x.size
    h = rel_step * np.maximum(np.abs(x), 1e-2)
    hess = np.empty((n, n))
    for i in range(n):
        for j in range(i, n):
            ei, ej = np.zeros(n), np.zeros(n)
            ei[i], ej[j] = h[i], h[j]
            val = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (4 * h[i] * h[j])
            hess[i, j] = hess[j, i] = val
    return hess


# ----------------------------------------------------------------------------- models


class _RetentionModel:
    """What :class:`ConstantChurn` and :class:`ShiftedBetaGeometric` share: the period, fitting
    on survivor counts, projection and the checks of the discount-rate arguments."""

    _fitted_attribute = ""  # the attribute a subclass's fit_lifetime_counts sets

    def __init__(self, time_unit: TimeUnit | str = "month"):
        self.time_unit = time_unit

    def fit(self, survivors) -> Self:
        """Fit on one cohort's active counts at periods 0, 1, 2, ... (survivors[0] = cohort size).

        Raises ValueError for an empty cohort, fewer than 2 periods, counts that
        increase, nobody churning, or everybody churning at the first renewal.
        """
        values = _as_survivors(survivors)
        return self.fit_lifetime_counts(*_counts_from_survivors(values))

    def _check_fitted(self) -> None:
        if not hasattr(self, self._fitted_attribute):
            raise ValueError("This model is not fitted yet: call fit(survivors) first.")

    def _discount_rate(self, discount_rate: float, time_unit: TimeUnit | str | None) -> float:
        """The checked discount rate per model period (fitted model, matching unit, 0 or more)."""
        self._check_fitted()
        _check_rate_unit(self.time_unit_, time_unit, "discount rate")
        return _check_discount(discount_rate)

    def project(self, n_periods: int, cohort_size: float | None = None) -> pd.DataFrame:
        """Survival and expected active customers for periods 0..n_periods.

        ``cohort_size`` defaults to the size of the fitted cohort.
        """
        self._check_fitted()
        if int(n_periods) != n_periods or n_periods < 0:
            raise ValueError(f"n_periods must be a whole number 0 or more; got {n_periods!r}.")
        periods = np.arange(int(n_periods) + 1)
        size = self.n_customers_ if cohort_size is None else float(cohort_size)
        survival = np.asarray(self.survival(periods), dtype=float)
        return pd.DataFrame(
            {"survival": survival, "expected_active": size * survival},
            index=pd.Index(periods, name=f"{self.time_unit_.value}s_since_signup"),
        )


def _check_renewals(n_renewals) -> None:
    if int(n_renewals) != n_renewals or n_renewals < 0:
        raise ValueError(f"n_renewals must be a whole number 0 or more; got {n_renewals!r}.")


class ConstantChurn(_RetentionModel):
    """Constant-churn (geometric) retention: every customer churns with the same probability.

    The maximum-likelihood churn probability is churns / renewal decisions observed. It is
    the baseline the sBG is compared with; on heterogeneous customers it projects
    survival falling too fast.

    >>> model = ConstantChurn(time_unit="year").fit([1000, 631, 468, 382, 326, 289, 262, 241])
    >>> round(model.churn_, 3)
    0.226
    """

    _fitted_attribute = "churn_"

    def fit_lifetime_counts(self, churned, censored) -> ConstantChurn:
        """Fit on churned (T = t) and censored (T > t) counts for t = 0, 1, 2, ..."""
        churned, censored = _as_counts(churned, censored)
        _check_informative(churned, censored)
        t = np.arange(churned.size, dtype=float)
        decisions = float(np.sum(t * churned) + np.sum(t * censored))  # renewal decisions observed
        self.time_unit_ = TimeUnit.parse(self.time_unit)
        self.churn_ = float(churned.sum() / decisions)
        self.n_customers_ = float(churned.sum() + censored.sum())
        self.n_periods_ = int(churned.size - 1)
        self.log_likelihood_ = float(
            churned.sum() * np.log(self.churn_) + (decisions - churned.sum()) * np.log1p(-self.churn_)
        )
        return self

    def survival(self, t):
        """P(still active at period t) = (1 - churn)^t."""
        self._check_fitted()
        return (1.0 - self.churn_) ** _periods(t)

    def retention_rate(self, t):
        """The same retention rate 1 - churn at every renewal t >= 1."""
        self._check_fitted()
        arr = _periods(t)
        return np.full_like(arr, 1.0 - self.churn_, dtype=float) if arr.ndim else 1.0 - self.churn_

    def discounted_expected_lifetime(self, discount_rate: float, time_unit: TimeUnit | str | None = None) -> float:
        """sum_{t>=0} (1 - c)^t / (1 + d)^t = (1 + d) / (d + c); first payment undiscounted."""
        d = self._discount_rate(discount_rate, time_unit)
        return float((1.0 + d) / (d + self.churn_))

    def discounted_expected_residual_lifetime(
        self, discount_rate: float, n_renewals: int, time_unit: TimeUnit | str | None = None
    ) -> float:
        """sum_{t>=n} (1 - c)^(t-n+1) / (1 + d)^(t-n) = (1 - c)(1 + d) / (d + c), the same at every tenure.

        Same timing as :meth:`ShiftedBetaGeometric.discounted_expected_residual_lifetime`;
        with constant churn a loyal customer is worth no more than a new one.
        """
        d = self._discount_rate(discount_rate, time_unit)
        _check_renewals(n_renewals)
        return float((1.0 - self.churn_) * (1.0 + d) / (d + self.churn_))

    @property
    def summary(self) -> pd.DataFrame:
        self._check_fitted()
        se = np.sqrt(self.churn_ * (1 - self.churn_) / max(self.n_customers_, 1.0))
        return pd.DataFrame(
            {"estimate": [self.churn_], "std_error_approx": [se]}, index=pd.Index(["churn"], name="parameter")
        )


class ShiftedBetaGeometric(_RetentionModel):
    """Shifted-beta-geometric retention model (Fader & Hardie 2007), fitted by maximum likelihood.

    Parameters
    ----------
    time_unit : the length of one period ("month", "year", ...); every discount rate
        passed later is per this period.

    Fitted attributes: ``alpha_``, ``beta_``, ``log_likelihood_``, ``time_unit_``,
    ``n_customers_``, ``n_periods_`` and ``constant_churn_`` (a :class:`ConstantChurn`
    fitted on the same data, for comparison).

    >>> high_end = [1000, 869, 743, 653, 593, 551, 517, 491]   # Fader & Hardie (2007), Table 1
    >>> m = ShiftedBetaGeometric(time_unit="year").fit(high_end)
    >>> round(m.alpha_, 3), round(m.beta_, 3), round(m.log_likelihood_, 1)
    (0.668, 3.806, -1611.2)
    >>> [round(s) for s in 1000 * m.survival([8, 12])]   # the paper's Table 1: 468, 394
    [460, 378]
    """

    _fitted_attribute = "alpha_"

    # -- fitting --------------------------------------------------------------

    def fit_lifetime_counts(self, churned, censored) -> ShiftedBetaGeometric:
        """Fit on lifetimes pooled over cohorts observed for different lengths of time.

        ``churned[t]`` = customers whose last paid period was t - 1 (lifetime T = t, so
        churned[0] = 0); ``censored[t]`` = customers still active at period t when
        observation ended (T > t). :func:`clvlib.analysis.cohorts.lifetime_counts` builds both.
        """
        churned, censored = _as_counts(churned, censored)
        _check_informative(churned, censored)

        scale = max(churned.sum() + censored.sum(), 1.0)  # per-customer LL: well-scaled steps

        def negative_ll(log_params: np.ndarray) -> tuple[float, np.ndarray]:
            a, b = np.exp(log_params)
            value = -sbg_log_likelihood(a, b, churned, censored) / scale
            grad = -_sbg_gradient(a, b, churned, censored) * np.array([a, b]) / scale
            return value, grad

        best = None
        # Two starting points: the likelihood surface is a long, curved valley.
        for start in ((0.0, 0.0), (1.0, 3.0)):
            res = optimize.minimize(
                negative_ll, np.array(start), jac=True, method="L-BFGS-B",
                bounds=[_LOG_BOUNDS, _LOG_BOUNDS], options={"ftol": 1e-13, "gtol": 1e-9},
            )
            if best is None or res.fun < best.fun:
                best = res
        if best is None or not np.isfinite(best.fun):
            raise ValueError("The sBG fit did not converge on these data; check the counts.")
        self.time_unit_ = TimeUnit.parse(self.time_unit)
        self.constant_churn_ = ConstantChurn(self.time_unit_).fit_lifetime_counts(churned, censored)
        if -best.fun * scale < self.constant_churn_.log_likelihood_ + 0.01:
            # The sBG contains constant churn as its limit (alpha, beta -> infinity); when it
            # cannot beat it, the data show no heterogeneity.
            warnings.warn(
                "The sBG fits no better than constant churn: these customers look alike (no sign "
                "of heterogeneity), so alpha and beta are very large and poorly determined.",
                RuntimeWarning,
                stacklevel=2,
            )
        self.alpha_, self.beta_ = (float(v) for v in np.exp(best.x))
        self.log_likelihood_ = float(-best.fun * scale)
        self.n_customers_ = float(churned.sum() + censored.sum())
        self.n_periods_ = int(churned.size - 1)
        self._churned, self._censored = churned, censored
        return self

    @property
    def summary(self) -> pd.DataFrame:
        """Estimates with standard errors from the inverse Hessian of the log-likelihood."""
        self._check_fitted()
        x = np.array([self.alpha_, self.beta_])

        def ll(p: np.ndarray) -> float:
            return sbg_log_likelihood(p[0], p[1], self._churned, self._censored)

        try:
            cov = np.linalg.inv(-_numeric_hessian(ll, x))
            se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
        except np.linalg.LinAlgError:  # flat likelihood: report that honestly
            se = np.array([np.inf, np.inf])
        table = pd.DataFrame(
            {"estimate": x, "std_error": se},
            index=pd.Index(["alpha", "beta"], name="parameter"),
        )
        table.attrs["log_likelihood"] = self.log_likelihood_
        table.attrs["time_unit"] = self.time_unit_.value
        return table

    # -- derived quantities ---------------------------------------------------

    @property
    def mean_churn_(self) -> float:
        """Average churn probability across customers, alpha / (alpha + beta) (= churn at period 1)."""
        self._check_fitted()
        return self.alpha_ / (self.alpha_ + self.beta_)

    def survival(self, t):
        """S(t) = P(still active at period t) = B(alpha, beta + t) / B(alpha, beta); S(0) = 1."""
        self._check_fitted()
        t = _periods(t)
        return np.exp(special.betaln(self.alpha_, self.beta_ + t) - special.betaln(self.alpha_, self.beta_))

    def retention_rate(self, t):
        """r(t) = S(t) / S(t - 1) = (beta + t - 1) / (alpha + beta + t - 1), for renewals t >= 1."""
        self._check_fitted()
        t = _periods(t)
        if np.any(t < 1):
            raise ValueError("Retention rates are defined for renewals t = 1, 2, ... (period 0 is the signup).")
        return (self.beta_ + t - 1.0) / (self.alpha_ + self.beta_ + t - 1.0)

    def churn_probability(self, t):
        """P(T = t): the probability that a new customer's last paid period is t - 1, t >= 1.

        This is unconditional (eq. 1 in the paper); the churn rate among those still
        active at t - 1 is ``1 - retention_rate(t)``.
        """
        self._check_fitted()
        t = _periods(t)
        if np.any(t < 1):
            raise ValueError("Churn happens at renewals t = 1, 2, ... (everyone pays for period 0).")
        return np.exp(special.betaln(self.alpha_ + 1.0, self.beta_ + t - 1.0) - special.betaln(self.alpha_, self.beta_))

    def expected_lifetime(self) -> float:
        """E[T] = (alpha + beta - 1) / (alpha - 1) periods, first period counted; infinite if alpha <= 1."""
        self._check_fitted()
        if self.alpha_ <= 1:
            return float("inf")
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
        _check_renewals(n_renewals)
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
    values = _as_survivors(survivors)
    if not 1 <= calibration_periods < values.size:
        raise ValueError(
            f"calibration_periods must be between 1 and {values.size - 1} (the last period observed); "
            f"got {calibration_periods}."
        )
    model = ShiftedBetaGeometric(time_unit).fit(values[: calibration_periods + 1])
    periods = np.arange(values.size)
    table = pd.DataFrame(
        {
            "actual": values,
            "sbg": values[0] * model.survival(periods),
            "constant_churn": values[0] * model.constant_churn_.survival(periods),
            "in_calibration": periods <= calibration_periods,
        },
        index=pd.Index(periods, name=f"{model.time_unit_.value}s_since_signup"),
    )
    return table, model
