"""What a randomised price test says about churn: an sBG per arm, the churn multiplier and its interval.

Subscribers were assigned at random to a control price or a test price and watched until
the analysis date (most are still active: right-censored). Each arm gets its own
shifted-beta-geometric fit on its censored lifetimes
(:meth:`~clvlib.models.contractual.sbg.ShiftedBetaGeometric.fit_lifetime_counts`). The
effect is the **churn multiplier**: the test arm's mean churn of a new subscriber,
alpha / (alpha + beta), divided by the control's. Its interval is Wald on the log scale, by
the delta method from each fit's Hessian (the arms are independent samples, so their
variances add). Spread over the price change it becomes a **churn-price elasticity**,
multiplier = (test price / control price) ** elasticity, which a lever can apply to another
price change (:func:`churn_multiplier_for_price`); outside the tested range that is an
extrapolation.

>>> from clvlib.data.price_test import load_price_test
>>> effect = estimate_churn_effect(load_price_test(), "2025-12-31")
>>> effect.control_arm, effect.test_arm, round(effect.price_change_share, 2)
('control', 'higher_price', 0.16)
>>> effect.lower < effect.multiplier < effect.upper
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from clvlib.analysis.cohorts import churn_by_tenure, lifetime_counts
from clvlib.models.contractual.sbg import ShiftedBetaGeometric
from clvlib.models.fitting import log_parameter_covariance


@dataclass(frozen=True)
class ChurnEffect:
    """The churn response to a price change, with its interval (or an assumed one, clearly flagged)."""

    control_arm: str
    test_arm: str
    control_price: float
    test_price: float
    multiplier: float  # test arm's mean new-subscriber churn / control's
    lower: float
    upper: float
    confidence: float
    arms: pd.DataFrame  # per arm: subscribers, churned, price, alpha, beta, mean_churn, its log standard error
    assumed: bool = False  # True: no test; the elasticity was assumed, not measured
    models: dict = field(default_factory=dict)  # the fitted sBG of each arm

    @property
    def price_change_share(self) -> float:
        """The tested price change as a share of the control price (0.16 = +16 %)."""
        return self.test_price / self.control_price - 1.0

    @property
    def elasticity(self) -> float:
        """ln(multiplier) / ln(price ratio): churn rises by this many % per 1 % of price (locally)."""
        return float(np.log(self.multiplier) / np.log(self.test_price / self.control_price))

    @property
    def elasticity_interval(self) -> tuple[float, float]:
        """The multiplier's interval carried to the elasticity (the map is monotone)."""
        log_ratio = np.log(self.test_price / self.control_price)
        return tuple(sorted((float(np.log(self.lower) / log_ratio), float(np.log(self.upper) / log_ratio))))


def mean_churn_log_se(model: ShiftedBetaGeometric) -> float:
    """Standard error of ln(alpha / (alpha + beta)) by the delta method on the fit's log-parameters."""
    share_beta = model.beta_ / (model.alpha_ + model.beta_)
    gradient = np.array([share_beta, -share_beta])  # d ln(mean churn) / d(ln alpha, ln beta)
    return float(np.sqrt(gradient @ log_parameter_covariance(model) @ gradient))


def fit_arms(table: pd.DataFrame, analysis_date, arm_column: str = "arm") -> dict[str, ShiftedBetaGeometric]:
    """A monthly sBG per arm, fitted on the arm's censored lifetimes."""
    if arm_column not in table.columns:
        raise ValueError(f"The price test table has no column {arm_column!r}; it says which arm each subscriber was in.")
    models = {}
    for arm, group in table.groupby(arm_column, sort=True):
        counts = lifetime_counts(group, analysis_date)
        models[str(arm)] = ShiftedBetaGeometric("month").fit_lifetime_counts(counts["churned"], counts["censored"])
    return models


def arm_survival_curves(
    table: pd.DataFrame, analysis_date, min_at_risk: int = 50, models: dict | None = None
) -> pd.DataFrame:
    """Per arm and month since signup: observed survival (life table) next to the arm's fitted sBG.

    Months with fewer than ``min_at_risk`` subscribers at risk are left out (too noisy to show).
    ``models`` (arm -> fitted sBG, e.g. ``ChurnEffect.models``) saves fitting them again.
    """
    observed = churn_by_tenure(table, analysis_date, by="arm", min_at_risk=min_at_risk)
    models = models or fit_arms(table, analysis_date)
    observed["sbg"] = [float(models[str(arm)].survival(k)) for arm, k in
                       zip(observed["arm"], observed["months_since_signup"], strict=True)]
    return observed[["arm", "months_since_signup", "at_risk", "survival", "sbg"]]


def estimate_churn_effect(
    table: pd.DataFrame, analysis_date, control_arm: str | None = None, confidence: float = 0.95
) -> ChurnEffect:
    """The test arm's churn multiplier against the control arm, with a ``confidence`` interval.

    ``table`` is a loaded price test (:func:`clvlib.data.price_test.load_price_test`): two arms,
    one ``monthly_revenue`` each. ``control_arm`` defaults to the cheaper arm.
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence is a share between 0 and 1 (e.g. 0.95), not {confidence!r}.")
    missing = [c for c in ("arm", "monthly_revenue", "cancel_date") if c not in table.columns]
    if missing:
        raise ValueError(f"The price test table has no column {', '.join(missing)}; load it with load_price_test.")
    prices = table.groupby("arm")["monthly_revenue"].agg(["first", "nunique"])
    if len(prices) != 2 or (prices["nunique"] != 1).any():
        raise ValueError("A price test has exactly two arms with one monthly_revenue each; load it with load_price_test.")
    control = str(prices["first"].idxmin()) if control_arm is None else control_arm
    if control not in prices.index:
        raise ValueError(f"control_arm {control!r} is not an arm of the test ({', '.join(prices.index)}).")
    test = str(next(a for a in prices.index if a != control))
    models = fit_arms(table, analysis_date)
    arms = pd.DataFrame(
        {
            "subscribers": table.groupby("arm").size(),
            "churned": (pd.to_datetime(table["cancel_date"]) <= pd.Timestamp(analysis_date)).groupby(table["arm"]).sum(),
            "price": prices["first"].astype(float),
            "alpha": pd.Series({a: m.alpha_ for a, m in models.items()}),
            "beta": pd.Series({a: m.beta_ for a, m in models.items()}),
            "mean_churn": pd.Series({a: m.mean_churn_ for a, m in models.items()}),
            "mean_churn_log_se": pd.Series({a: mean_churn_log_se(m) for a, m in models.items()}),
        }
    ).loc[[control, test]]
    log_ratio = np.log(arms.at[test, "mean_churn"] / arms.at[control, "mean_churn"])
    half_width = stats.norm.ppf(0.5 + confidence / 2) * np.hypot(*arms["mean_churn_log_se"])
    return ChurnEffect(
        control_arm=control, test_arm=test, control_price=float(arms.at[control, "price"]),
        test_price=float(arms.at[test, "price"]), multiplier=float(np.exp(log_ratio)),
        lower=float(np.exp(log_ratio - half_width)), upper=float(np.exp(log_ratio + half_width)),
        confidence=confidence, arms=arms, models=models,
    )


def assumed_churn_effect(elasticity: float, price_change_share: float = 0.10) -> ChurnEffect:
    """A churn response with no test behind it: ``elasticity`` stated, no interval, ``assumed=True``.

    >>> effect = assumed_churn_effect(1.5, 0.10)
    >>> round(effect.multiplier, 4), effect.assumed, effect.lower == effect.upper
    (1.1537, True, True)
    """
    if not np.isfinite(elasticity) or elasticity < 0:
        raise ValueError(f"The assumed churn-price elasticity must be 0 or more (1.5: +1 % price, +1.5 % churn); got {elasticity!r}.")
    if price_change_share <= -1:
        raise ValueError(f"A price change share must be above -1 (0.10 = +10 %); got {price_change_share!r}.")
    multiplier = float((1.0 + price_change_share) ** elasticity)
    return ChurnEffect("current price", "new price", 1.0, 1.0 + price_change_share, multiplier, multiplier,
                       multiplier, float("nan"), pd.DataFrame(), assumed=True)


def churn_multiplier_for_price(effect: ChurnEffect, price_change_share: float) -> tuple[float, float, float]:
    """(estimate, lower, upper) churn multiplier for another price change, through the elasticity.

    >>> [round(m, 4) for m in churn_multiplier_for_price(assumed_churn_effect(2.0, 0.10), 0.10)]   # 1.1 ** 2
    [1.21, 1.21, 1.21]
    """
    if price_change_share <= -1:
        raise ValueError(f"A price change share must be above -1 (0.10 = +10 %); got {price_change_share!r}.")
    log_price = np.log1p(price_change_share)
    if effect.assumed:
        value = float(np.exp(effect.elasticity * log_price))
        return value, value, value
    low, high = effect.elasticity_interval
    bounds = sorted((float(np.exp(low * log_price)), float(np.exp(high * log_price))))
    return float(np.exp(effect.elasticity * log_price)), bounds[0], bounds[1]
