"""Payback: after how many monthly payments an acquired customer's expected margin covers their CAC.

The expected cumulative discounted margin of one acquired customer (churners included)
after n payments is sum over t < n of margin x S(t) / (1 + d)^t; the payback period is
the first n at which it reaches the CAC.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clvlib.analysis import lifetimes
from clvlib.analysis.acquisition.cac import NOTE_OK
from clvlib.analysis.acquisition.channel_value import TIME_UNIT
from clvlib.core.discounting import discount_factors
from clvlib.core.units import TimeUnit, convert_rate
from clvlib.models import survival


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
    durations = lifetimes.durations_from_subscriptions(subscriptions, analysis_date)
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
