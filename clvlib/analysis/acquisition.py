"""What a customer costs to acquire, by channel, and whether they are worth it.

Customer acquisition cost (CAC) is marketing spend divided by the new customers it
brought in. Compared with a channel's customer lifetime value (CLV) it answers the
question a marketing budget asks: where does the next dollar do the most good? The
cheapest channel is not necessarily the best one: cheap customers who leave quickly
can be worth less than what they cost.

Conventions used throughout (each one is an assumption; change it if your business
differs):

* **Attribution**: spend in a channel and month buys the subscribers who signed up
  through that channel in that same month (no lag, no cross-channel effects).
* **CAC undefined**: a channel-month with spend but no new customer has no CAC (a
  ratio with zero below). Tables show it as ``<NA>`` with ``cac_defined = False`` and a
  ``note`` saying why, never as infinity or a silent NaN.
* **CLV** is margin, not revenue: monthly revenue x margin rate, times the discounted
  expected number of paid months from :mod:`clvlib.models.survival` (the first month is paid
  at signup and not discounted).
* **Payback** is the number of monthly payments after which the expected cumulative
  discounted margin of one acquired customer (churners included) covers the CAC.
* **Budget scenarios** assume diminishing returns: new customers = N0 x (spend /
  spend0) ** elasticity, with 0 < elasticity <= 1, and that extra customers are worth as
  much as today's.

Money is in the currency of the input tables, time in months.

Example
-------
>>> from clvlib.data import load_dataset
>>> from clvlib.analysis import acquisition
>>> ds = load_dataset()
>>> cac = acquisition.cac_by_channel(ds.marketing_spend, ds.subscriptions)
>>> cac["cac"].idxmin()  # the cheapest channel...
'affiliate'
>>> table = acquisition.ltv_to_cac(ds.subscriptions, ds.marketing_spend, ds.analysis_date,
...                                margin_rate=0.40, discount_rate_annual=0.10, horizon_months=36)
>>> table["ltv_to_cac"].idxmax()  # ...is not the one that pays back most per dollar
'referral'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from clvlib.analysis.formulas import discount_factors
from clvlib.core.units import TimeUnit, convert_rate
from clvlib.models import survival

TIME_UNIT = TimeUnit.MONTH
RULE_OF_THUMB_LTV_TO_CAC = 3.0  # the "3:1" rule examined in notebook 06

NOTE_OK = ""
NOTE_NO_CUSTOMERS = "spend but no new customers: CAC undefined"
NOTE_NOTHING = "no spend and no new customers: CAC undefined"
NOTE_NO_SPEND_ROW = "no spend recorded: CAC undefined"
NOTE_FREE = "new customers without spend: CAC is 0"


# --------------------------------------------------------------------------- input checks


def _require_frame(frame, name: str, columns: tuple[str, ...]) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{name} must be a pandas DataFrame (see clvlib.data.load_dataset).")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"The {name} table has no {', '.join(missing)} column(s); it has: {', '.join(map(str, frame.columns))}."
        )
    if frame.empty:
        raise ValueError(f"The {name} table is empty.")


def _examples(frame: pd.DataFrame, mask: pd.Series, columns: list[str]) -> str:
    rows = frame.loc[mask, columns].head(5)
    return "; ".join(", ".join(f"{c}={row[c]}" for c in columns) for _, row in rows.iterrows())


def _clean_spend(marketing_spend: pd.DataFrame) -> pd.DataFrame:
    """month as Period[M], spend as float; every problem raised together in plain English."""
    _require_frame(marketing_spend, "marketing_spend", ("month", "channel", "spend"))
    spend = marketing_spend[["month", "channel", "spend"]].copy()
    problems = []
    number = pd.to_numeric(spend["spend"], errors="coerce")
    bad = number.isna()
    if bad.any():
        problems.append(f"{int(bad.sum())} rows have a missing or non-numeric spend ({_examples(spend, bad, ['month', 'channel', 'spend'])})")
    negative = number < 0
    if negative.any():
        problems.append(
            f"{int(negative.sum())} rows have a negative spend ({_examples(spend, negative, ['month', 'channel', 'spend'])}); "
            "spend must be 0 or more (record refunds as lower spend in the month they apply to)"
        )
    if isinstance(spend["month"].dtype, pd.PeriodDtype):
        month = spend["month"].dt.asfreq("M")
    else:
        month = pd.to_datetime(spend["month"].astype(str), errors="coerce").dt.to_period("M")
    if month.isna().any():
        problems.append(f"{int(month.isna().sum())} rows have a month that is not YYYY-MM")
    channel = spend["channel"].astype("string").str.strip()
    if (channel.isna() | channel.eq("")).any():
        problems.append("some rows have no channel")
    spend = spend.assign(month=month, channel=channel.astype(object), spend=number.astype(float))
    dup = spend.duplicated(["month", "channel"], keep=False) & month.notna()
    if dup.any():
        problems.append(f"{int(dup.sum())} rows repeat the same month and channel ({_examples(spend, dup, ['month', 'channel'])})")
    if problems:
        raise ValueError("Cannot use the marketing spend: " + "; ".join(problems) + ".")
    return spend


def _clean_signups(subscriptions: pd.DataFrame) -> pd.DataFrame:
    _require_frame(subscriptions, "subscriptions", ("customer_id", "signup_date", "channel"))
    signup = pd.to_datetime(subscriptions["signup_date"], errors="coerce")
    if signup.isna().any():
        raise ValueError(f"{int(signup.isna().sum())} subscribers have no readable signup_date: fix or drop them first.")
    channel = subscriptions["channel"]
    if channel.isna().any():
        raise ValueError(f"{int(channel.isna().sum())} subscribers have no channel: fill or drop them first.")
    return pd.DataFrame({"month": signup.dt.to_period("M"), "channel": channel.astype(str).to_numpy()})


def _check_spend_channels(spend: pd.DataFrame, signups: pd.DataFrame) -> None:
    """Spend in a channel nobody came from cannot be turned into a CAC: say so."""
    unknown = sorted(set(spend["channel"]) - set(signups["channel"]))
    if unknown:
        raise ValueError(
            f"The marketing spend names channel(s) no subscriber came from: {', '.join(unknown)}. "
            f"Subscribers' channels are: {', '.join(sorted(set(signups['channel'])))}. "
            "Fix the channel names so they match, or remove that spend."
        )


# --------------------------------------------------------------------------- CAC


def _cac_columns(table: pd.DataFrame, has_spend_row: pd.Series) -> pd.DataFrame:
    """Add cac (nullable Float64), cac_defined and note to a table with spend and new_customers."""
    customers = table["new_customers"].astype(int)
    spend = table["spend"].astype("Float64")
    defined = has_spend_row & (customers > 0)
    cac = (spend / customers.where(customers > 0).astype("Float64")).where(defined, pd.NA)
    note = pd.Series(NOTE_OK, index=table.index, dtype=object)
    note[~has_spend_row] = NOTE_NO_SPEND_ROW
    note[has_spend_row & (customers == 0) & (table["spend"] > 0)] = NOTE_NO_CUSTOMERS
    note[has_spend_row & (customers == 0) & (table["spend"] == 0)] = NOTE_NOTHING
    note[defined & (table["spend"] == 0)] = NOTE_FREE
    return table.assign(spend=spend, new_customers=customers, cac=cac.astype("Float64"),
                        cac_defined=defined.astype(bool), note=note)


def cac_by_channel_month(marketing_spend: pd.DataFrame, subscriptions: pd.DataFrame) -> pd.DataFrame:
    """CAC for every channel and month: spend / new subscribers who signed up that month.

    Columns: month (Period[M]), channel, spend, new_customers, cac, cac_defined, note.
    ``cac`` is a nullable float: ``<NA>`` (with ``cac_defined = False`` and a note) when
    the month had no new customer or no spend was recorded, never inf or NaN. Spend for a
    channel no subscriber came from, negative or missing spend raise ValueError.

    >>> spend = pd.DataFrame({"month": ["2025-01", "2025-02"], "channel": ["web", "web"],
    ...                       "spend": [100.0, 50.0]})
    >>> subs = pd.DataFrame({"customer_id": ["a", "b"], "channel": ["web", "web"],
    ...                      "signup_date": pd.to_datetime(["2025-01-05", "2025-01-20"])})
    >>> cac_by_channel_month(spend, subs)[["month", "cac", "cac_defined"]]
         month   cac  cac_defined
    0  2025-01  50.0         True
    1  2025-02  <NA>        False
    """
    spend = _clean_spend(marketing_spend)
    signups = _clean_signups(subscriptions)
    _check_spend_channels(spend, signups)
    counts = signups.groupby(["month", "channel"]).size().rename("new_customers").reset_index()
    table = spend.merge(counts, on=["month", "channel"], how="outer", indicator=True)
    has_spend_row = table["_merge"].ne("right_only")
    table = table.drop(columns="_merge")
    table["new_customers"] = table["new_customers"].fillna(0)
    table = _cac_columns(table, has_spend_row)
    return table.sort_values(["month", "channel"]).reset_index(drop=True)


def cac_by_channel(
    marketing_spend: pd.DataFrame, subscriptions: pd.DataFrame, months: pd.PeriodIndex | list | None = None
) -> pd.DataFrame:
    """Pooled CAC per channel: total spend / total new customers over the months with spend.

    Pooling (a ratio of sums) rather than averaging the monthly CACs keeps a quiet month
    with 2 signups from weighing as much as a busy one with 60, and stays defined when a
    single month had none. Only customers who signed up in a month for which the channel
    has a spend row are counted, so signups from before the spend data started do not
    make the channel look cheap. ``months`` restricts the window (e.g. the last 12).
    Index: channel; columns: spend, new_customers, cac, cac_defined, note.
    """
    return _pooled_cac(cac_by_channel_month(marketing_spend, subscriptions), months)


def _pooled_cac(monthly: pd.DataFrame, months: pd.PeriodIndex | list | None = None) -> pd.DataFrame:
    """:func:`cac_by_channel` from a table already made by :func:`cac_by_channel_month`."""
    if months is not None:
        wanted = pd.PeriodIndex([pd.Period(m, "M") for m in months])
        monthly = monthly[monthly["month"].isin(wanted)]
        if monthly.empty:
            raise ValueError("No spend or signups fall in the months asked for.")
    with_spend = monthly[monthly["note"].ne(NOTE_NO_SPEND_ROW)]
    table = with_spend.groupby("channel").agg(spend=("spend", "sum"), new_customers=("new_customers", "sum"))
    missing = sorted(set(monthly["channel"]) - set(table.index))
    for channel in missing:  # customers but never any spend row
        table.loc[channel] = [0.0, 0]
    has_spend_row = pd.Series(~table.index.isin(missing), index=table.index)
    table["spend"] = table["spend"].astype(float)
    table = _cac_columns(table, has_spend_row)
    if missing:
        counts = monthly.groupby("channel")["new_customers"].sum()
        table.loc[missing, "new_customers"] = counts[missing].astype(int).to_numpy()
    return table.sort_index()


# --------------------------------------------------------------------------- CLV and LTV:CAC


def clv_by_channel(
    subscriptions: pd.DataFrame,
    analysis_date,
    margin_rate: float,
    discount_rate_annual: float,
    horizon_months: int,
    model: str = "kaplan_meier",
) -> pd.DataFrame:
    """Lifetime value of a new customer per acquisition channel (margin-based, discounted).

    A thin wrapper on :func:`clvlib.models.survival.lifetime_value_by_segment` with
    ``by="channel"``: customers, monthly_margin, expected_lifetime_months,
    discounted_lifetime_months, clv. With the default Kaplan-Meier model the value is
    counted up to ``horizon_months`` only (the data say nothing later), so it is a floor.
    """
    durations = survival.durations_from_subscriptions(subscriptions, analysis_date)
    return survival.lifetime_value_by_segment(
        durations, by="channel", margin_rate=margin_rate, discount_rate_annual=discount_rate_annual,
        horizon_months=horizon_months, model=model,
    )


def longest_common_horizon_months(subscriptions: pd.DataFrame, analysis_date) -> int:
    """The longest horizon at which every channel's Kaplan-Meier curve is still data, in whole months.

    Renewals are monthly, so a channel whose longest tenure is 35.9 months is known up to
    36. Use ``min(your_horizon, this)`` to keep a Kaplan-Meier CLV inside the data.
    """
    durations = survival.durations_from_subscriptions(subscriptions, analysis_date)
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
    """LTV:CAC per channel: discounted margin CLV (clvlib.models.survival) over pooled CAC.

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
    (lifelines takes ~25 ms per fit). ``tests/test_acquisition.py`` checks it against
    clvlib.models.survival on the same resample. Rows of ``weights`` are replicates.
    """
    order = np.argsort(tenure, kind="stable")
    tenure, churned, weights = tenure[order], churned[order], weights[:, order]
    times, starts = np.unique(tenure, return_index=True)
    removed = np.add.reduceat(weights, starts, axis=1)
    deaths = np.add.reduceat(weights * churned, starts, axis=1)
    total = weights.sum(axis=1, keepdims=True)
    at_risk = total - np.cumsum(removed, axis=1) + removed
    with np.errstate(divide="ignore", invalid="ignore"):
        hazard = np.where(at_risk > 0, deaths / at_risk, 0.0)
    curve = np.cumprod(1.0 - hazard, axis=1)
    months = np.arange(discount.size, dtype=float)
    position = np.searchsorted(times, months, side="right") - 1  # S(t) = P(T > t): events at t count
    at_months = np.where(position >= 0, curve[:, np.maximum(position, 0)], 1.0)
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
    durations = survival.durations_from_subscriptions(subscriptions, analysis_date)
    clv = survival.lifetime_value_by_segment(durations, "channel", margin_rate, discount_rate_annual, horizon_months)
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
        lifetimes = _bootstrap_discounted_lifetimes(
            group["tenure_months"].to_numpy(dtype=float), group["churned"].to_numpy(dtype=float), weights, discount
        )
        margin = weights @ group["monthly_revenue"].to_numpy(dtype=float) / n * margin_rate
        replicates[channel] = margin * lifetimes
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


# --------------------------------------------------------------------------- payback


def cumulative_discounted_margin(
    survival_at_months: np.ndarray | pd.Series, monthly_margin: float, discount_rate_annual: float
) -> pd.Series:
    """Expected cumulative discounted margin of one acquired customer after n payments.

    ``survival_at_months[t]`` is the probability the customer pays month t (t = 0 is
    the signup payment, so it is 1). Element n-1 of the result is
    sum_{t<n} margin x S(t) / (1 + d)^t, indexed by n = 1, 2, ... payments.

    >>> cumulative_discounted_margin([1.0, 0.5, 0.25], 10.0, 0.0).tolist()
    [10.0, 15.0, 17.5]
    """
    s = np.asarray(survival_at_months, dtype=float)
    if s.ndim != 1 or s.size == 0 or np.isnan(s).any() or (s < 0).any() or (s > 1).any():
        raise ValueError("survival_at_months must be a list of probabilities between 0 and 1, month 0 first.")
    if not np.isfinite(monthly_margin) or monthly_margin < 0:
        raise ValueError(f"monthly_margin must be 0 or more, not {monthly_margin!r}.")
    if not np.isfinite(discount_rate_annual) or discount_rate_annual <= -1:
        raise ValueError(f"discount_rate_annual must be a number above -1 (e.g. 0.10), not {discount_rate_annual!r}.")
    discount = discount_factors(s.size, convert_rate(discount_rate_annual, TimeUnit.YEAR, TIME_UNIT))
    values = np.cumsum(monthly_margin * s * discount)
    return pd.Series(values, index=pd.RangeIndex(1, s.size + 1, name="months"), name="cumulative_discounted_margin")


def payback_months_from_curve(curve: pd.Series, cac: float) -> float:
    """Payments needed until the cumulative discounted margin reaches CAC; NaN when never within the curve."""
    if cac is None or pd.isna(cac):
        return float("nan")
    reached = np.flatnonzero(curve.to_numpy(dtype=float) >= float(cac))
    return float(curve.index[reached[0]]) if reached.size else float("nan")


def payback_curves(
    subscriptions: pd.DataFrame,
    analysis_date,
    margin_rate: float,
    discount_rate_annual: float,
    horizon_months: int,
) -> pd.DataFrame:
    """Cumulative discounted margin per acquired customer, month by month, per channel.

    Long table: channel, months (1..horizon = payments made), survival (probability of
    paying that month, Kaplan-Meier), cumulative_discounted_margin. The last value of
    each channel equals its CLV in :func:`clv_by_channel` at the same horizon.
    """
    if not 0 <= margin_rate <= 1:
        raise ValueError(f"margin_rate is a share of revenue between 0 and 1 (e.g. 0.40), not {margin_rate!r}.")
    durations = survival.durations_from_subscriptions(subscriptions, analysis_date)
    if "channel" not in durations.columns or "monthly_revenue" not in durations.columns:
        raise ValueError("The subscriptions table needs channel and monthly_revenue columns.")
    fitters = survival.fit_kaplan_meier(durations, by="channel")
    frames = []
    for channel, km in fitters.items():
        # Validates the horizon against the follow-up (raises a plain ValueError beyond the data).
        survival.discounted_expected_lifetime_months(km, discount_rate_annual, int(horizon_months))
        s = survival.survival_curve(km, np.arange(int(horizon_months))).to_numpy()
        margin = float(durations.loc[durations["channel"].astype(str) == channel, "monthly_revenue"].mean()) * margin_rate
        curve = cumulative_discounted_margin(s, margin, discount_rate_annual)
        frames.append(pd.DataFrame({"channel": channel, "months": curve.index, "survival": s,
                                    "cumulative_discounted_margin": curve.to_numpy()}))
    table = pd.concat(frames, ignore_index=True)
    table.attrs["time_unit"] = TIME_UNIT.value
    return table


def payback_table(curves: pd.DataFrame, cac_table: pd.DataFrame) -> pd.DataFrame:
    """Payback period per channel from :func:`payback_curves` and a CAC table.

    Index channel; columns cac, payback_months (nullable; <NA> when CAC is undefined or
    not recovered within the horizon), paid_back_within_horizon, note.
    """
    if not {"channel", "months", "cumulative_discounted_margin"} <= set(curves.columns):
        raise ValueError("curves must come from payback_curves (channel, months, cumulative_discounted_margin).")
    rows = []
    horizon = int(curves["months"].max())
    for channel, group in curves.groupby("channel", sort=True):
        if channel not in cac_table.index:
            raise ValueError(f"No CAC for channel {channel!r}.")
        cac = cac_table.at[channel, "cac"]
        curve = group.set_index("months")["cumulative_discounted_margin"]
        months = payback_months_from_curve(curve, cac)
        if pd.isna(cac):
            note = "CAC undefined"
        elif np.isnan(months):
            note = f"not paid back within {horizon} months"
        else:
            note = NOTE_OK
        rows.append({"channel": channel, "cac": cac, "payback_months": months,
                     "paid_back_within_horizon": not np.isnan(months), "note": note})
    table = pd.DataFrame(rows).set_index("channel")
    table["cac"] = table["cac"].astype("Float64")
    table["payback_months"] = table["payback_months"].astype("Float64")  # NaN -> <NA>
    return table


def ltv_to_cac_by_horizon(curves: pd.DataFrame, cac_table: pd.DataFrame) -> pd.DataFrame:
    """LTV:CAC as a function of how many months of value are counted.

    Dividing each channel's payback curve by its CAC gives the ratio at every horizon:
    it crosses 1 at the payback month, and whether it ever reaches 3 depends on how
    far ahead you are willing to count. Long table: channel, months, ltv_to_cac
    (channels with undefined CAC are left out).
    """
    if not {"channel", "months", "cumulative_discounted_margin"} <= set(curves.columns):
        raise ValueError("curves must come from payback_curves (channel, months, cumulative_discounted_margin).")
    defined = cac_table["cac"].notna() & cac_table["cac"].fillna(0).gt(0)
    cac = cac_table.loc[defined, "cac"].astype(float)
    out = curves[curves["channel"].isin(cac.index)].copy()
    out["ltv_to_cac"] = out["cumulative_discounted_margin"] / out["channel"].map(cac)
    return out[["channel", "months", "ltv_to_cac"]].reset_index(drop=True)


# --------------------------------------------------------------------------- budget scenario


def _check_elasticity(elasticity: float, strict: bool = False) -> None:
    upper_ok = elasticity < 1 if strict else elasticity <= 1
    if not np.isfinite(elasticity) or elasticity <= 0 or not upper_ok:
        limit = "below 1" if strict else "at most 1"
        raise ValueError(
            f"elasticity must be above 0 and {limit} (got {elasticity!r}): 0.7 means doubling spend brings "
            "2**0.7 = 1.6x the customers (diminishing returns); 1 means every dollar is as good as the last."
        )


def budget_baseline(
    marketing_spend: pd.DataFrame, subscriptions: pd.DataFrame, clv_table: pd.DataFrame, last_months: int = 12
) -> pd.DataFrame:
    """Average monthly spend and new customers per channel over the last months, with CLV.

    Index channel; columns spend, new_customers (both per month), cac, clv. This is the
    starting point the budget scenario scales from.
    """
    if not isinstance(last_months, int | np.integer) or last_months < 1:
        raise ValueError(f"last_months must be a whole number of months, at least 1 (got {last_months!r}).")
    monthly = cac_by_channel_month(marketing_spend, subscriptions)
    months = sorted(monthly["month"].unique())[-int(last_months):]
    pooled = _pooled_cac(monthly, months)
    n = len(months)
    table = pd.DataFrame(
        {
            "spend": pooled["spend"].astype(float) / n,
            "new_customers": pooled["new_customers"].astype(float) / n,
            "cac": pooled["cac"],
        }
    )
    missing = sorted(set(table.index) - set(clv_table.index))
    if missing:
        raise ValueError(f"No CLV for channel(s) {', '.join(missing)}.")
    table["clv"] = clv_table.loc[table.index, "clv"].astype(float)
    table.attrs["months"] = [str(m) for m in months]
    return table


def budget_scenario(baseline: pd.DataFrame, new_spend: Mapping[str, float] | pd.Series, elasticity: float = 0.7) -> pd.DataFrame:
    """What a new split of the budget would bring, under stated diminishing returns.

    Assumption (state it whenever you show the result): in each channel, new customers
    = N0 x (spend / spend0) ** ``elasticity``, where spend0 and N0 are the baseline's;
    and a new customer is worth the channel's current CLV whatever the spend. With
    elasticity < 1, each extra dollar buys fewer customers than the last, so the
    marginal CAC (cost of the next customer, spend / (elasticity x customers)) is above
    the average CAC. Channels not named in ``new_spend`` keep their baseline spend.

    One row per channel plus a "total" row: spend, new_customers, value (customers x
    CLV), value_minus_spend, average_cac, marginal_cac, for the baseline and the scenario.
    """
    _check_elasticity(elasticity)
    need = {"spend", "new_customers", "clv"}
    if not isinstance(baseline, pd.DataFrame) or not need <= set(baseline.columns):
        raise ValueError("baseline must come from budget_baseline (columns spend, new_customers, clv).")
    new_spend = pd.Series(dict(new_spend) if not isinstance(new_spend, pd.Series) else new_spend, dtype=float)
    unknown = sorted(set(new_spend.index) - set(baseline.index))
    if unknown:
        raise ValueError(f"Unknown channel(s) {', '.join(unknown)}: the baseline has {', '.join(baseline.index)}.")
    if new_spend.isna().any() or (new_spend < 0).any():
        raise ValueError("Every new spend must be a number, 0 or more.")
    spend0 = baseline["spend"].astype(float)
    customers0 = baseline["new_customers"].astype(float)
    changed = new_spend.index[new_spend.ne(spend0.reindex(new_spend.index))]
    no_base = [c for c in changed if spend0[c] <= 0 or customers0[c] <= 0]
    if no_base:
        raise ValueError(
            f"Channel(s) {', '.join(no_base)} had no spend or no new customers in the baseline, so the response "
            "model (customers proportional to spend ** elasticity) has nothing to scale from."
        )
    spend1 = spend0.copy()
    spend1[new_spend.index] = new_spend
    ratio = (spend1 / spend0.where(spend0 > 0)).fillna(1.0)
    customers1 = customers0 * ratio**elasticity
    clv = baseline["clv"].astype(float)
    out = pd.DataFrame(
        {
            "spend_baseline": spend0,
            "spend_scenario": spend1,
            "new_customers_baseline": customers0,
            "new_customers_scenario": customers1,
            "value_baseline": customers0 * clv,
            "value_scenario": customers1 * clv,
        }
    )
    out["value_minus_spend_baseline"] = out["value_baseline"] - out["spend_baseline"]
    out["value_minus_spend_scenario"] = out["value_scenario"] - out["spend_scenario"]
    out.loc["total"] = out.sum()
    for when in ("baseline", "scenario"):
        customers = out[f"new_customers_{when}"]
        out[f"average_cac_{when}"] = (out[f"spend_{when}"] / customers.where(customers > 0)).astype("Float64")
    marginal = spend1 / (elasticity * customers1.where(customers1 > 0))
    out["marginal_cac_scenario"] = marginal.reindex(out.index).astype("Float64")  # total row: <NA>
    out.attrs["assumption"] = (
        f"new customers proportional to spend ** {elasticity:g} in each channel; "
        "each new customer worth the channel's current CLV"
    )
    return out


def optimal_budget_split(baseline: pd.DataFrame, total_spend: float, elasticity: float = 0.7) -> pd.Series:
    """The split of ``total_spend`` that maximises total CLV under the budget_scenario model.

    Maximising sum_c CLV_c N0_c (s_c / s0_c) ** e subject to sum_c s_c = total gives
    (Lagrange) s_c proportional to (CLV_c N0_c / s0_c ** e) ** (1 / (1 - e)): the more
    value per dollar a channel has today, the more it gets, tempered by diminishing
    returns. Needs elasticity < 1 (with 1, everything goes to one channel).
    """
    _check_elasticity(elasticity, strict=True)
    if not np.isfinite(total_spend) or total_spend < 0:
        raise ValueError(f"total_spend must be 0 or more, not {total_spend!r}.")
    spend0 = baseline["spend"].astype(float)
    customers0 = baseline["new_customers"].astype(float)
    if (spend0 <= 0).any() or (customers0 <= 0).any():
        raise ValueError("Every channel needs baseline spend and new customers to scale from.")
    log_weight = (np.log(baseline["clv"].astype(float) * customers0) - elasticity * np.log(spend0)) / (1 - elasticity)
    weight = np.exp(log_weight - log_weight.max())
    return (total_spend * weight / weight.sum()).rename("spend")
