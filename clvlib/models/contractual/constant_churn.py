"""The constant-churn (geometric) retention model: every customer churns with the same probability.

It is the baseline the shifted-beta-geometric model is compared with: with one churn
probability for everyone it cannot bend, so on heterogeneous customers it projects
survival falling too fast and values a loyal customer no higher than a new one.

>>> from clvlib.models.contractual import ConstantChurn
>>> model = ConstantChurn(time_unit="year").fit([1000, 631, 468, 382, 326, 289, 262, 241])
>>> round(model.churn_, 3)
0.226
>>> round(float(model.survival(2)), 3)   # (1 - churn)^2
0.599
"""

from __future__ import annotations

from functools import partial
from typing import Self

import numpy as np

from clvlib.core.units import TimeUnit
from clvlib.models.base import check_fitted
from clvlib.models.contractual.retention import (
    RetentionModel,
    as_lifetime_counts,
    check_informative,
    check_renewals,
    periods,
)


def _renewal_decisions(churned: np.ndarray, censored: np.ndarray) -> tuple[float, float]:
    """(churns, renewal decisions observed): a customer with lifetime T decided T times."""
    t = np.arange(churned.size, dtype=float)
    return float(churned.sum()), float(np.sum(t * churned) + np.sum(t * censored))


def _value_and_grad(params: np.ndarray, churns: float, decisions: float) -> tuple[float, np.ndarray]:
    """LL = churns ln c + (decisions - churns) ln(1 - c) and its derivative in c."""
    c = float(params[0])
    ll = churns * np.log(c) + (decisions - churns) * np.log1p(-c)
    return float(ll), np.array([churns / c - (decisions - churns) / (1.0 - c)])


class ConstantChurn(RetentionModel):
    """Constant-churn (geometric) retention fitted by maximum likelihood.

    The maximum-likelihood churn probability is churns / renewal decisions observed;
    its standard error, from the Hessian, is sqrt(churn (1 - churn) / decisions).

    Fitted attributes: ``churn_`` (per ``time_unit`` period), ``log_likelihood_``,
    ``n_obs_`` (customers), ``n_periods_`` and ``time_unit_``.
    """

    param_names = ("churn",)

    @classmethod
    def _checked_params(cls, params) -> np.ndarray:
        values = super()._checked_params(params)
        if values[0] >= 1:
            raise ValueError(f"churn is a probability per period, below 1; got {values[0]!r}.")
        return values

    def fit_lifetime_counts(self, churned, censored) -> Self:
        """Fit on churned (T = t) and censored (T > t) counts for t = 0, 1, 2, ..."""
        churned, censored = as_lifetime_counts(churned, censored)
        check_informative(churned, censored)
        churns, decisions = _renewal_decisions(churned, censored)
        churn = churns / decisions
        value_and_grad = partial(_value_and_grad, churns=churns, decisions=decisions)
        self._set_fit(
            [churn],
            time_unit=self.time_unit,
            log_likelihood=value_and_grad(np.array([churn]))[0],
            n_obs=churned.sum() + censored.sum(),
            value_and_grad=value_and_grad,
        )
        self.n_periods_ = int(churned.size - 1)
        return self

    def survival(self, t):
        """P(still active at period t) = (1 - churn)^t."""
        check_fitted(self)
        return (1.0 - self.churn_) ** periods(t)

    def retention_rate(self, t):
        """The same retention rate 1 - churn at every renewal t >= 1."""
        check_fitted(self)
        arr = periods(t)
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
        check_renewals(n_renewals)
        return float((1.0 - self.churn_) * (1.0 + d) / (d + self.churn_))
