"""Lifetime value of a new customer per channel, LTV:CAC, and bootstrap intervals for both.

CLV is margin, not revenue: monthly revenue x margin rate, times the discounted expected
number of paid months (Kaplan-Meier by default, so a floor: nothing is counted past the
horizon). The bootstrap resamples each channel's customers to show how uncertain the
value side is; CAC is held fixed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from clvlib.analysis import lifetimes
from clvlib.analysis.acquisition.cac import cac_by_channel
from clvlib.core.discounting import discount_factors
from clvlib.core.product_limit import product_limit, step_values
from clvlib.core.units import TimeUnit, convert_rate
from clvlib.models import survival

TIME_UNIT = TimeUnit.MONTH
RULE_OF_THUMB_LTV_TO_CAC = 3.0  # the "3:1" rule examined in notebook 06


def clv_by_channel(
    subscriptions: pd.DataFrame,
    analysis_date,
    margin_rate: float,
    discount_rate_annual: float,
    horizon_months: int,
    model: str = "kaplan_meier",
) -> pd.DataFrame:
    """Lifetime value of a new customer per acquisition channel (margin-based, discounted).

    A thin wrapper on :func:`clvlib.analysis.lifetimes.lifetime_value_by_segment` with
    ``by="channel"``: customers, monthly_margin, expected_lifetime_months,
    discounted_lifetime_months, clv. With the default Kaplan-Meier model the value is
    counted up to ``horizon_months`` only (the data say nothing later), so it is a floor.
    """
    durations = lifetimes.durations_from_subscriptions(subscriptions, analysis_date)
    return lifetimes.lifetime_value_by_segment(
        durations, by="channel", margin_rate=margin_rate, discount_rate_annual=discount_rate_annual,
        horizon_months=horizon_months, model=model,
    )


def longest_common_horizon_months(subscriptions: pd.DataFrame, analysis_date) -> int:
    """The longest horizon at which every channel's Kaplan-Meier curve is still data, in whole months.

    Renewals are monthly, so a channel whose longest tenure is 35.9 months is known up to
    36. Use ``min(your_horizon, this)`` to keep a Kaplan-Meier CLV inside the data.
    """
    durations = lifetimes.durations_from_subscriptions(subscriptions, analysis_date)
    if "channel" not in durations.columns:
        raise ValueError("The subscriptions table has no channel column.")
    return max(1, survival.km_max_horizon_months(durations, by="channel"))


def combine_clv_and_cac(clv_table: pd.DataFrame, cac_table: pd.DataFrame) -> pd.DataFrame:
    """Join a CLV table (column clv) and a CAC table (column cac) into an LTV:CAC table.

    Index: channel; columns clv, cac, cac_defined, ltv_to_cac (nullable; <NA> where CAC
    is undefined or 0), meets_3_to_1 (nullable boolean), rank_by_cac (1 = cheapest) and
    rank_by_ltv_to_cac (1 = most value per dollar).
    """
    for name, frame, col in (("CLV", clv_table, "clv"), ("CAC", cac_table, "cac")):
        if not isinstance(frame, pd.DataFrame) or col not in frame.columns:
            raise ValueError(f"The {name} table must be a DataFrame with a '{col}' column, indexed by channel.")
    missing = sorted(set(cac_table.index) - set(clv_table.index))
    if missing:
        raise ValueError(f"No CLV for channel(s) {', '.join(map(str, missing))}: compute CLV for every channel with spend.")
    table = pd.DataFrame(index=cac_table.index.copy())
    table["clv"] = clv_table.loc[table.index, "clv"].astype(float)
    table["cac"] = cac_table["cac"].astype("Float64")
    defined = cac_table["cac_defined"] if "cac_defined" in cac_table else table["cac"].notna()
    table["cac_defined"] = defined.astype(bool)
    usable = table["cac_defined"] & table["cac"].fillna(0).gt(0)
    ratio = (table["clv"].astype("Float64") / table["cac"]).where(usable, pd.NA)
    table["ltv_to_cac"] = ratio.astype("Float64")
    table["meets_3_to_1"] = (table["ltv_to_cac"] >= RULE_OF_THUMB_LTV_TO_CAC).astype("boolean")
    table["rank_by_cac"] = table["cac"].rank(method="min").astype("Int64")
    table["rank_by_ltv_to_cac"] = table["ltv_to_cac"].rank(method="min", ascending=False).astype("Int64")
    return table


def ltv_to_cac(
    subscriptions: pd.DataFrame,
    marketing_spend: pd.DataFrame,
    analysis_date,
    margin_rate: float,
    discount_rate_annual: float,
    horizon_months: int,
    model: str = "kaplan_meier",
) -> pd.DataFrame:
    """LTV:CAC per channel: discounted margin CLV (clvlib.analysis.lifetimes) over pooled CAC.

    See :func:`combine_clv_and_cac` for the columns.
    """
    clv = clv_by_channel(subscriptions, analysis_date, margin_rate, discount_rate_annual, horizon_months, model)
    cac = cac_by_channel(marketing_spend, subscriptions)
    return combine_clv_and_cac(clv, cac)


def channel_rankings(table: pd.DataFrame) -> pd.DataFrame:
    """Channels in CAC order (cheapest first) beside channels in LTV:CAC order (best first)."""
    for col in ("cac", "ltv_to_cac"):
        if col not in table.columns:
            raise ValueError(f"The table needs a '{col}' column (use ltv_to_cac or combine_clv_and_cac).")
    by_cac = table["cac"].dropna().sort_values(kind="stable").index.tolist()
    by_ratio = table["ltv_to_cac"].dropna().sort_values(ascending=False, kind="stable").index.tolist()
    n = max(len(by_cac), len(by_ratio))
    return pd.DataFrame(
        {
            "cheapest_first": by_cac + [pd.NA] * (n - len(by_cac)),
            "best_ltv_to_cac_first": by_ratio + [pd.NA] * (n - len(by_ratio)),
        },
        index=pd.RangeIndex(1, n + 1, name="rank"),
    )


# --------------------------------------------------------------------------- bootstrap


def _bootstrap_discounted_lifetimes(
    tenure: np.ndarray, churned: np.ndarray, weights: np.ndarray, discount: np.ndarray
) -> np.ndarray:
    """Kaplan-Meier discounted lifetime for many weighted resamples at once.

    A bootstrap resample is the original customers with integer weights (how often each
    was drawn), and Kaplan-Meier with weights is the same estimator as on the resampled
    rows. Doing all resamples as one array keeps 500 replicates well under a second
    (lifelines takes ~25 ms per fit), with the product-limit kernel of
    :mod:`clvlib.core.product_limit`. ``tests/analysis/test_acquisition.py`` checks it against
    clvlib.models.survival on the same resample. Rows of ``weights`` are replicates.
    """
    fit = product_limit(tenure, churned, weights)
    # S(t) = P(T > t): a churn at exactly t months already counts at t.
    at_months = step_values(fit.times, fit.survival, np.arange(discount.size, dtype=float))
    return at_months @ discount


@dataclass
class LtvToCacBootstrap:
    """LTV:CAC per channel with bootstrap intervals, and the replicates behind them.

    ``summary``: the columns of :func:`ltv_to_cac` plus clv_lower, clv_upper,
    ltv_to_cac_lower, ltv_to_cac_upper and share_meeting_3_to_1 (share of replicates
    with LTV:CAC >= 3). ``clv_replicates`` and ``ltv_to_cac_replicates``: one row per
    replicate, one column per channel.
    """

    summary: pd.DataFrame
    clv_replicates: pd.DataFrame
    ltv_to_cac_replicates: pd.DataFrame
    confidence: float
    n_boot: int
    seed: int
    time_unit_: TimeUnit = TIME_UNIT


def bootstrap_ltv_to_cac(
    subscriptions: pd.DataFrame,
    marketing_spend: pd.DataFrame,
    analysis_date,
    margin_rate: float,
    discount_rate_annual: float,
    horizon_months: int,
    n_boot: int = 500,
    confidence: float = 0.90,
    seed: int = 0,
) -> LtvToCacBootstrap:
    """LTV:CAC per channel with bootstrap percentile intervals (Kaplan-Meier CLV).

    Each replicate resamples the channel's customers with replacement (same number) and
    recomputes their mean monthly margin and Kaplan-Meier discounted lifetime. CAC is
    held fixed: spend is known and a within-channel resample keeps the customer count,
    so the interval is the uncertainty of the value side only. Seeded: same seed, same
    intervals.
    """
    if not isinstance(n_boot, int | np.integer) or n_boot < 50:
        raise ValueError(f"n_boot must be a whole number of replicates, at least 50 (got {n_boot!r}).")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence is a share between 0 and 1 (e.g. 0.90), not {confidence!r}.")
    durations = lifetimes.durations_from_subscriptions(subscriptions, analysis_date)
    clv = lifetimes.lifetime_value_by_segment(durations, "channel", margin_rate, discount_rate_annual, horizon_months)
    table = combine_clv_and_cac(clv, cac_by_channel(marketing_spend, subscriptions))
    discount = discount_factors(int(horizon_months), convert_rate(discount_rate_annual, TimeUnit.YEAR, TIME_UNIT))
    rng = np.random.default_rng(seed)
    replicates = {}
    for channel in table.index:
        group = durations[durations["channel"].astype(str) == channel]
        n = len(group)
        # How often each customer is drawn in each replicate (a multinomial count, via bincount: fast).
        draws = rng.integers(0, n, size=(int(n_boot), n)) + n * np.arange(int(n_boot))[:, None]
        weights = np.bincount(draws.ravel(), minlength=int(n_boot) * n).reshape(int(n_boot), n).astype(float)
        discounted_months = _bootstrap_discounted_lifetimes(
            group["tenure_months"].to_numpy(dtype=float), group["churned"].to_numpy(dtype=float), weights, discount
        )
        margin = weights @ group["monthly_revenue"].to_numpy(dtype=float) / n * margin_rate
        replicates[channel] = margin * discounted_months
    clv_reps = pd.DataFrame(replicates).rename_axis(index="replicate", columns="channel")
    usable = table["ltv_to_cac"].notna()
    cac = table["cac"].astype(float).where(usable)  # undefined CAC: no ratio
    ratio_reps = clv_reps / cac.reindex(clv_reps.columns)
    tail = (1.0 - confidence) / 2.0
    table["clv_lower"] = clv_reps.quantile(tail).reindex(table.index)
    table["clv_upper"] = clv_reps.quantile(1.0 - tail).reindex(table.index)
    for col, q in (("ltv_to_cac_lower", tail), ("ltv_to_cac_upper", 1.0 - tail)):
        table[col] = ratio_reps.quantile(q).reindex(table.index).astype("Float64").where(usable, pd.NA)
    share = (ratio_reps >= RULE_OF_THUMB_LTV_TO_CAC).mean().reindex(table.index)
    table["share_meeting_3_to_1"] = share.astype("Float64").where(usable, pd.NA)
    return LtvToCacBootstrap(table, clv_reps, ratio_reps.loc[:, usable[usable].index], confidence, int(n_boot), int(seed))
