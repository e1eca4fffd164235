"""Which customer traits go with earlier churn: Cox proportional hazards and a logistic regression.

The Cox model reads whole lifetimes (hazard ratios at every tenure); the logistic
regression reads "churned within N months" among customers watched that long (odds
ratios). Both take a durations table and covariate names, and compare each category
with a named baseline level (:func:`clvlib.models.logistic.design_matrix`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from lifelines import CoxPHFitter
from lifelines.statistics import proportional_hazard_test

from clvlib.core.units import TimeUnit
from clvlib.models.logistic import design_matrix, fit_logistic_odds_ratios
from clvlib.models.survival.checks import TIME_UNIT, check_durations, fitter_unit, mark_fitter


def _cox_frame(
    durations: pd.DataFrame, covariates: Sequence[str], baselines: dict[str, str] | None
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The design matrix plus the tenure_months and churned columns lifelines' Cox model reads."""
    X, used = design_matrix(durations, covariates, baselines)
    frame = X.assign(tenure_months=durations["tenure_months"].astype(float).to_numpy(),
                     churned=durations["churned"].astype(bool).to_numpy())
    return frame, used


def fit_cox(
    durations: pd.DataFrame,
    covariates: list[str],
    baselines: dict[str, str] | None = None,
    penalizer: float = 0.0,
) -> CoxPHFitter:
    """Cox proportional-hazards model of churn: which covariates make customers leave sooner.

    exp(coef) is a hazard ratio: 1.5 on ``promo_signup`` means promo customers churn at
    1.5x the rate of others at every tenure, other things equal. Categorical covariates
    are compared with a named baseline level (``cox.baselines_``; default the most
    common level, or pass ``baselines={"channel": "affiliate"}``).
    """
    check_durations(durations, need_events=True)
    frame, used = _cox_frame(durations, covariates, baselines)
    cox = CoxPHFitter(penalizer=penalizer)
    cox.fit(frame, duration_col="tenure_months", event_col="churned")
    return mark_fitter(cox, baselines_=used, covariates_=list(covariates), follow_up_months_=float(frame["tenure_months"].max()))


def check_proportional_hazards(cox: CoxPHFitter, durations: pd.DataFrame, time_transform: str = "rank") -> pd.DataFrame:
    """Test whether each covariate's effect is constant over tenure (Cox's key assumption).

    One row per model column: test statistic, p-value and ``proportional`` (p >= 0.05).
    A small p-value says the hazard ratio changes with tenure. With customers who differ
    in how churn-prone they are, that is expected: the churn-prone leave first, so the
    survivors of a 'bad' channel look more and more like those of a 'good' one and the
    hazards converge.
    """
    fitter_unit(cox)
    covariates = getattr(cox, "covariates_", None)
    if covariates is None:
        raise ValueError("Fit the Cox model with clvlib.models.survival.fit_cox so its covariates are known.")
    check_durations(durations, need_events=True)
    frame, _ = _cox_frame(durations, covariates, cox.baselines_)
    result = proportional_hazard_test(cox, frame, time_transform=time_transform)
    table = result.summary.reset_index()
    if "level_0" in table.columns:  # several transforms give a two-level index
        table = table.rename(columns={"level_0": "covariate", "level_1": "time_transform"})
    else:
        table = table.rename(columns={"index": "covariate"})
        table.insert(1, "time_transform", time_transform)
    table = table.rename(columns={"p": "p_value"})[["covariate", "time_transform", "test_statistic", "p_value"]]
    table["proportional"] = table["p_value"] >= 0.05
    return table.reset_index(drop=True)


@dataclass
class ChurnLogisticResult:
    """A statsmodels logistic regression of "churned within N months", and its odds ratios."""

    result: object  # statsmodels BinaryResultsWrapper: .summary(), .params, .predict()
    odds_ratios: pd.DataFrame
    within_months: int
    customers_used: int
    customers_excluded: int
    baselines: dict[str, str]
    time_unit_: TimeUnit = TIME_UNIT


def churn_logistic_regression(
    durations: pd.DataFrame,
    covariates: list[str],
    within_months: int,
    baselines: dict[str, str] | None = None,
) -> ChurnLogisticResult:
    """Logistic regression of "churned within ``within_months``" on covariates (statsmodels).

    Only customers who signed up at least ``within_months`` before the analysis date are
    used (column ``observed_months``): a recent signup who is still active might yet
    churn inside the window, and counting them as "stayed" would bias churn downwards,
    most for the channels that grew recently. The odds-ratio table has one row per model
    column with its 95% confidence interval and p-value; an odds ratio of 2 means twice
    the odds of churning within the window, compared with the baseline level.
    """
    check_durations(durations)
    if not isinstance(within_months, int | np.integer) or within_months < 1:
        raise ValueError(f"within_months must be a whole number of months, at least 1 (got {within_months!r}).")
    if "observed_months" not in durations.columns:
        raise ValueError("durations has no observed_months column: build it with durations_from_subscriptions().")
    eligible = durations["observed_months"] >= within_months
    used = durations[eligible]
    if used.empty:
        raise ValueError(
            f"No customer signed up at least {within_months} months before the analysis date: shorten within_months."
        )
    outcome = (used["churned"].astype(bool) & (used["tenure_months"] <= within_months)).astype(float)
    if outcome.nunique() < 2:
        which = "churned" if outcome.iloc[0] == 1 else "stayed"
        raise ValueError(
            f"All {len(used)} customers observed for {within_months} months {which}: "
            "there is nothing to explain. Choose another window."
        )
    X, used_baselines = design_matrix(used, covariates, baselines)
    result, table = fit_logistic_odds_ratios(outcome, X)
    return ChurnLogisticResult(result, table, int(within_months), int(eligible.sum()), int((~eligible).sum()), used_baselines)
