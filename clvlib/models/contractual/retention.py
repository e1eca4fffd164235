"""What every contractual retention model shares: checked survivor and lifetime counts, the
discount-rate checks, projection of a cohort, and the base class :class:`RetentionModel`.

The data of a contractual model are one cohort's active counts at periods 0, 1, 2, ...
(``survivors``, ``survivors[0]`` = the cohort size) or, pooled over cohorts observed for
different lengths of time, lifetime counts: ``churned[t]`` customers whose lifetime
(paid periods) was T = t and ``censored[t]`` still active at period t when observation
ended (T > t). Everyone pays for period 0, so ``churned[0] = 0``.

>>> churned, censored = counts_from_survivors(as_survivors([100, 60, 45]))
>>> churned.tolist(), censored.tolist()
([0.0, 40.0, 15.0], [0.0, 0.0, 45.0])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Self

import numpy as np
import pandas as pd

from clvlib.core.units import TimeUnit, UnitMismatchError
from clvlib.models.base import FittedModel, check_fitted

# ----------------------------------------------------------------------------- input


def as_survivors(survivors: Sequence[float] | np.ndarray | pd.Series) -> np.ndarray:
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


def counts_from_survivors(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Churned at t (T = t) for t = 1..K and censored (T > t) for t = 0..K."""
    churned = np.concatenate([[0.0], values[:-1] - values[1:]])  # index t; churned[0] = 0
    censored = np.zeros_like(values)
    censored[-1] = values[-1]
    return churned, censored


def as_lifetime_counts(churned, censored) -> tuple[np.ndarray, np.ndarray]:
    """Validate churned (T = t) and censored (T > t) counts for t = 0, 1, 2, ..."""
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


def check_informative(churned: np.ndarray, censored: np.ndarray) -> None:
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


def periods(t) -> np.ndarray:
    """Periods since signup as floats, each 0 or more."""
    arr = np.asarray(t, dtype=float)
    if np.any(arr < 0) or not np.all(np.isfinite(arr)):
        raise ValueError("Periods must be 0 or more (0 = signup).")
    return arr


def check_renewals(n_renewals) -> None:
    """A customer's number of renewals so far: a whole number, 0 or more."""
    if int(n_renewals) != n_renewals or n_renewals < 0:
        raise ValueError(f"n_renewals must be a whole number 0 or more; got {n_renewals!r}.")


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


# ----------------------------------------------------------------------------- base


class RetentionModel(FittedModel):
    """What :class:`~clvlib.models.contractual.ConstantChurn` and
    :class:`~clvlib.models.contractual.ShiftedBetaGeometric` share: the period, fitting on
    survivor counts, projection and the checks of the discount-rate arguments.

    A subclass implements ``fit_lifetime_counts(churned, censored)`` and ``survival(t)``.
    ``n_obs_`` is the number of customers fitted (the cohort size for one cohort) and
    ``n_periods_`` the last period observed.
    """

    fit_call = "fit(survivors)"

    def __init__(self, time_unit: TimeUnit | str = "month"):
        super().__init__(time_unit)

    def fit(self, survivors) -> Self:
        """Fit on one cohort's active counts at periods 0, 1, 2, ... (survivors[0] = cohort size).

        Raises ValueError for an empty cohort, fewer than 2 periods, counts that
        increase, nobody churning, or everybody churning at the first renewal.
        """
        values = as_survivors(survivors)
        return self.fit_lifetime_counts(*counts_from_survivors(values))

    def fit_lifetime_counts(self, churned, censored) -> Self:  # pragma: no cover - abstract
        raise NotImplementedError

    def survival(self, t):  # pragma: no cover - abstract
        raise NotImplementedError

    def _extra_state(self) -> dict[str, Any]:
        return {"n_periods": self.n_periods_}

    def _restore_extra_state(self, extra: dict[str, Any]) -> None:
        n_periods = extra.get("n_periods")
        self.n_periods_ = None if n_periods is None else int(n_periods)

    def _discount_rate(self, discount_rate: float, time_unit: TimeUnit | str | None) -> float:
        """The checked discount rate per model period (fitted model, matching unit, 0 or more)."""
        check_fitted(self)
        _check_rate_unit(self.time_unit_, time_unit, "discount rate")
        return _check_discount(discount_rate)

    def project(self, n_periods: int, cohort_size: float | None = None) -> pd.DataFrame:
        """Survival and expected active customers for periods 0..n_periods.

        ``cohort_size`` defaults to the size of the fitted cohort.
        """
        check_fitted(self)
        if int(n_periods) != n_periods or n_periods < 0:
            raise ValueError(f"n_periods must be a whole number 0 or more; got {n_periods!r}.")
        if cohort_size is None and np.isnan(self.n_obs_):
            raise ValueError(
                f"This {type(self).__name__} was built from known parameters, so it has no fitted cohort "
                "size: pass cohort_size (the customers at period 0)."
            )
        steps = np.arange(int(n_periods) + 1)
        size = self.n_obs_ if cohort_size is None else float(cohort_size)
        survival = np.asarray(self.survival(steps), dtype=float)
        return pd.DataFrame(
            {"survival": survival, "expected_active": size * survival},
            index=pd.Index(steps, name=f"{self.time_unit_.value}s_since_signup"),
        )
