"""Customer lifetimes from the subscriptions table, and what they are worth per segment.

A subscriber still active on the analysis date has shown only that their lifetime is
longer than their tenure so far (right-censoring). This module turns the subscriptions
table into durations (:func:`durations_from_subscriptions`), reads the survival fits of
:mod:`clvlib.models.survival` into lifetimes and lifetime values per segment, and keeps
the two naive estimators the course shows to be wrong (dropping the active customers,
or counting them as churned today).

Tenure is counted in calendar months from the signup date: a customer who cancels on
their third monthly anniversary has a tenure of exactly 3.0 (they paid for 3 months).

Example
-------
>>> from clvlib.data import load_dataset
>>> from clvlib.analysis import lifetimes
>>> ds = load_dataset()
>>> durations = lifetimes.durations_from_subscriptions(ds.subscriptions, ds.analysis_date)
>>> table = lifetimes.lifetime_estimates_compared(durations, horizon_months=24)
>>> bool((table["dropping_censored"] < table["kaplan_meier_rmst"]).all())
True
"""

from __future__ import annotations

import pandas as pd

from clvlib.analysis.cohorts import lifetime_spans
from clvlib.core.calendar import calendar_months_between
from clvlib.models.survival import (
    DURATION_COLUMNS,
    PARAMETRIC_MODELS,
    TIME_UNIT,
    check_durations,
    discounted_expected_lifetime_months,
    fit_kaplan_meier,
    fit_parametric,
    median_lifetime_months,
    restricted_mean_lifetime_months,
)


def durations_from_subscriptions(subscriptions: pd.DataFrame, analysis_date) -> pd.DataFrame:
    """One row per customer: how long they have been (or were) a subscriber, and whether they left.

    Columns: ``customer_id``, ``tenure_months`` (signup to cancel date, or to the
    analysis date when still active), ``churned`` (False = still active, i.e.
    right-censored), ``observed_months`` (signup to the analysis date: how long we could
    have watched them), followed by every other column of ``subscriptions``.

    A cancel date after the analysis date counts as still active on the analysis date,
    so you can re-run an analysis "as of" an earlier date. Signups after the analysis
    date, missing signup dates, cancellations before signup and repeated customer_ids raise
    ValueError (the checks of :func:`clvlib.analysis.cohorts.lifetime_spans`).

    >>> subs = pd.DataFrame({"customer_id": ["a", "b"],
    ...                      "signup_date": pd.to_datetime(["2025-01-15", "2025-06-01"]),
    ...                      "cancel_date": pd.to_datetime(["2025-04-15", None])})
    >>> durations_from_subscriptions(subs, "2025-12-31")[["tenure_months", "churned"]].round(2)
       tenure_months  churned
    0           3.00     True
    1           6.97    False
    """
    signup, end, churned, analysis = lifetime_spans(subscriptions, analysis_date)
    analysis_series = pd.Series(analysis, index=signup.index)
    out = pd.DataFrame(
        {
            "customer_id": subscriptions["customer_id"].to_numpy(),
            "tenure_months": calendar_months_between(signup, end).to_numpy(),
            "churned": churned.to_numpy(dtype=bool),
            "observed_months": calendar_months_between(signup, analysis_series).to_numpy(),
        },
        index=subscriptions.index,
    )
    others = subscriptions.drop(columns=[c for c in DURATION_COLUMNS if c in subscriptions.columns])
    out = pd.concat([out, others], axis=1).reset_index(drop=True)
    out.attrs["time_unit"] = TIME_UNIT.value
    out.attrs["analysis_date"] = str(analysis.date())
    return out


def lifetime_summary(fitters: dict, horizon_months: float) -> pd.DataFrame:
    """One row per Kaplan-Meier fitter: customers, churned, median and expected lifetime to the horizon."""
    rows = []
    for name, km in fitters.items():
        rows.append(
            {
                "segment": name,
                "customers": int(km.event_observed.size),
                "churned": int(km.event_observed.sum()),
                "median_lifetime_months": median_lifetime_months(km),
                "expected_lifetime_months": restricted_mean_lifetime_months(km, horizon_months),
            }
        )
    table = pd.DataFrame(rows).set_index("segment")
    table.attrs["horizon_months"] = horizon_months
    return table


def _fit_for_segment(group: pd.DataFrame, model: str):
    if model == "kaplan_meier":
        return fit_kaplan_meier(group)
    if model == "best_parametric":
        return fit_parametric(group).best
    return fit_parametric(group, candidates=(model,)).best


def lifetime_value_by_segment(
    durations: pd.DataFrame,
    by: str,
    margin_rate: float,
    discount_rate_annual: float,
    horizon_months: int,
    model: str = "kaplan_meier",
) -> pd.DataFrame:
    """Lifetime value of a customer in each segment: monthly margin x discounted expected lifetime.

    One row per segment (the index, named ``by``) with ``customers``, ``monthly_margin``
    (mean monthly_revenue x margin_rate), ``expected_lifetime_months`` (RMST to the
    horizon), ``discounted_lifetime_months`` and ``clv`` (= monthly_margin x
    discounted_lifetime_months, in the currency of monthly_revenue, at signup). ``model``
    is "kaplan_meier" (within the data only), a parametric name ("weibull",
    "loglogistic", "lognormal", "exponential") or "best_parametric" (lowest AIC per
    segment) to extrapolate beyond the longest tenure observed. Using the segment's mean
    revenue assumes revenue does not depend on how long a customer stays.
    """
    check_durations(durations, by=by)
    allowed = ("kaplan_meier", *PARAMETRIC_MODELS, "best_parametric")
    if model not in allowed:
        raise ValueError(f"Unknown model {model!r}: choose from {', '.join(allowed)}.")
    if not 0 <= margin_rate <= 1:
        raise ValueError(f"margin_rate is a share of revenue between 0 and 1 (e.g. 0.40), not {margin_rate!r}.")
    if "monthly_revenue" not in durations.columns:
        raise ValueError("durations has no monthly_revenue column: it comes from the subscriptions table.")
    rows = []
    for level, group in durations.groupby(by, sort=True):
        try:
            fitter = _fit_for_segment(group, model)
            expected = restricted_mean_lifetime_months(fitter, horizon_months)
            discounted = discounted_expected_lifetime_months(fitter, discount_rate_annual, horizon_months)
        except ValueError as exc:
            raise ValueError(f"Segment {by}={level!r}: {exc}") from None
        margin = float(group["monthly_revenue"].mean()) * margin_rate
        rows.append(
            {
                by: level,
                "customers": len(group),
                "monthly_margin": margin,
                "expected_lifetime_months": expected,
                "discounted_lifetime_months": discounted,
                "clv": margin * discounted,
                "model": getattr(fitter, "label", model) if model != "kaplan_meier" else model,
            }
        )
    table = pd.DataFrame(rows).set_index(by)
    table.attrs["time_unit"] = TIME_UNIT.value
    table.attrs["horizon_months"] = int(horizon_months)
    return table


def naive_mean_lifetime_dropping_censored(durations: pd.DataFrame, horizon_months: float | None = None) -> float:
    """WRONG on purpose (for teaching): mean tenure of the customers who already churned.

    Ignores everyone still active, who are exactly the long-lived ones, so it is too
    short. With ``horizon_months`` each tenure is capped there first (to compare with
    RMST). Raises ValueError when nobody has churned.
    """
    check_durations(durations, need_events=True)
    tenure = durations.loc[durations["churned"].astype(bool), "tenure_months"].astype(float)
    if horizon_months is not None:
        tenure = tenure.clip(upper=horizon_months)
    return float(tenure.mean())


def naive_mean_lifetime_censored_as_churned(durations: pd.DataFrame, horizon_months: float | None = None) -> float:
    """WRONG on purpose (for teaching): mean tenure, treating active customers as if they left today.

    Their lifetimes are longer than their tenure so far, so this is too short too.
    With ``horizon_months`` each tenure is capped there first (to compare with RMST).
    """
    check_durations(durations)
    tenure = durations["tenure_months"].astype(float)
    if horizon_months is not None:
        tenure = tenure.clip(upper=horizon_months)
    return float(tenure.mean())


def lifetime_estimates_compared(durations: pd.DataFrame, horizon_months: int, by: str | None = None) -> pd.DataFrame:
    """Expected lifetime to the horizon three ways: two naive ones and Kaplan-Meier RMST.

    One row per segment (or one row "all customers"), columns ``dropping_censored``,
    ``censored_as_churned`` and ``kaplan_meier_rmst``, all in months, capped at the horizon.
    """
    check_durations(durations)
    groups = [("all customers", durations)] if by is None else list(durations.groupby(by, sort=True))
    rows = []
    for level, group in groups:
        rows.append(
            {
                "segment": level,
                "dropping_censored": naive_mean_lifetime_dropping_censored(group, horizon_months),
                "censored_as_churned": naive_mean_lifetime_censored_as_churned(group, horizon_months),
                "kaplan_meier_rmst": restricted_mean_lifetime_months(fit_kaplan_meier(group), horizon_months),
            }
        )
    return pd.DataFrame(rows).set_index("segment").rename_axis(by or "segment")
