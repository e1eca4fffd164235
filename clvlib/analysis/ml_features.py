"""Features for a learned model, built from what was known at a cut-off date and nothing later.

Leakage (a feature that quietly contains the future) is the classic mistake of machine-learning
CLV: a "total spend" column computed over the whole log, a cancel date read as a "tenure", a
customer table exported after the period being predicted. Every function here first drops
what happened after the cut-off and only then computes, so a test can move, delete or add any
later order or cancellation and see the features unchanged.

* :func:`order_features`: one row per shop customer from their orders on or before the
  calibration end (the four BG/NBD numbers plus first-order value, total and largest spend, and
  purchases in the last few periods, and the first order's channel when the log has one);
* :func:`subscriber_snapshot`: subscribers active on a cut-off date, their attributes and tenure
  then, and whether they cancelled within the next ``horizon_months`` (the label).

Example
-------
>>> import pandas as pd
>>> orders = pd.DataFrame({
...     "customer_id": ["a", "a", "b", "a"],
...     "order_date": pd.to_datetime(["2024-01-01", "2024-01-15", "2024-01-08", "2024-03-01"]),
...     "order_value": [10.0, 20.0, 7.0, 99.0],
... })
>>> order_features(orders, "2024-01-29", recent_periods=3)[["frequency", "total_value", "recent_purchases"]]  # doctest: +NORMALIZE_WHITESPACE
             frequency  total_value  recent_purchases
customer_id
a                    1         30.0                 1
b                    0          7.0                 0
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from clvlib.analysis.lifetimes import durations_from_subscriptions
from clvlib.core.calendar import add_months
from clvlib.core.checks import parse_date, require_frame
from clvlib.core.units import TimeUnit
from clvlib.transactions.summary import customer_days, summarize_transactions, to_day_number

# Attributes a subscriber has from signup on: safe to use as of any later cut-off.
SUBSCRIBER_ATTRIBUTES = ("plan", "channel", "promo_signup", "age_years", "monthly_revenue")
# Attributes measured some days after signup (early usage): unknown, so blank, before then.
KNOWN_AFTER_DAYS = {"app_logins_first_30d": 30}


def months_after(when, months: int) -> pd.Timestamp:
    """``when`` plus ``months`` calendar months (negative: before); a month end stays a month end.

    >>> months_after("2025-06-30", 6).date(), months_after("2025-06-30", -6).date(), months_after("2025-01-15", 1).date()
    (datetime.date(2025, 12, 31), datetime.date(2024, 12, 31), datetime.date(2025, 2, 15))
    """
    start = parse_date(when, "date")
    moved = add_months(pd.Series([start]), months).iloc[0]
    return moved + pd.offsets.MonthEnd(0) if start.is_month_end else moved


def orders_until(orders: pd.DataFrame, cutoff, date_col: str = "order_date") -> pd.DataFrame:
    """The orders on or before ``cutoff``; rows with unreadable dates are kept so the summary names them."""
    require_frame(orders, "orders", [date_col])
    end = parse_date(cutoff, "calibration end")
    dates = pd.to_datetime(orders[date_col], errors="coerce", format="mixed")
    if isinstance(dates.dtype, pd.DatetimeTZDtype):
        dates = dates.dt.tz_localize(None)
    return orders[~(dates.dt.normalize() > end)]


def order_features(
    orders: pd.DataFrame,
    calibration_end,
    time_unit: TimeUnit | str = "week",
    recent_periods: float = 13,
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    value_col: str = "order_value",
    category_col: str | None = "channel",
) -> pd.DataFrame:
    """One row per customer who bought on or before ``calibration_end``, from those orders only.

    Columns: ``frequency``, ``recency``, ``T``, ``monetary_value`` (as in
    :func:`clvlib.transactions.summarize_transactions`), ``periods_since_last`` (T - recency),
    ``first_order_value``, ``total_value``, ``largest_day_value``, ``recent_purchases``
    (purchase days within the last ``recent_periods`` periods), and one 0/1 column per level of
    the first order's ``category_col`` (``channel=search``; skipped when the log has no such
    column). Periods are ``time_unit``; same-day orders are one purchase, as in the summary.
    """
    unit = TimeUnit.parse(time_unit)
    known = orders_until(orders, calibration_end, date_col)
    summary = summarize_transactions(known, calibration_end, unit, customer_col, date_col, value_col)
    days = customer_days(known, calibration_end, customer_col, date_col, value_col)
    starts = np.flatnonzero(np.r_[True, days.code[1:] != days.code[:-1]])
    recent_from = to_day_number(calibration_end) - recent_periods * unit.days
    per_day = pd.DataFrame({"code": days.code, "value": days.value, "recent": days.day > recent_from})
    grouped = per_day.groupby("code")
    out = summary.assign(
        periods_since_last=summary["T"] - summary["recency"],
        first_order_value=days.value[starts],
        total_value=grouped["value"].sum().to_numpy(),
        largest_day_value=grouped["value"].max().to_numpy(),
        recent_purchases=grouped["recent"].sum().to_numpy().astype(np.int64),
    )
    if category_col and category_col in known.columns:
        out = out.join(_first_category(known, customer_col, date_col, category_col))
    out.attrs.update(summary.attrs, calibration_end=str(parse_date(calibration_end, "calibration end").date()))
    return out


def _first_category(orders: pd.DataFrame, customer_col: str, date_col: str, category_col: str) -> pd.DataFrame:
    """0/1 columns for the category of each customer's first order (ties on the day: first row)."""
    when = pd.to_datetime(orders[date_col], errors="coerce", format="mixed")
    first = orders.iloc[np.argsort(when.to_numpy(), kind="stable")].drop_duplicates(customer_col)
    levels = first.set_index(customer_col)[category_col].fillna("unknown").astype(str)
    return pd.get_dummies(levels, prefix=category_col, prefix_sep="=", dtype=float)


def subscriber_snapshot(
    subscriptions: pd.DataFrame,
    cutoff,
    horizon_months: int,
    attributes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Subscribers active on ``cutoff``: attributes, tenure then, and whether they cancel within ``horizon_months``.

    Columns: ``customer_id``, ``tenure_months`` (signup to cutoff), the ``attributes`` (default:
    those of :data:`SUBSCRIBER_ATTRIBUTES` the table has; an attribute of :data:`KNOWN_AFTER_DAYS`,
    measured that many days after signup, is blank (NaN) for whoever signed up more recently than
    that before the cut-off, since it was not known yet) and ``cancelled_within`` (1 when the
    cancel date falls in (cutoff, cutoff + horizon_months]). Only ``cancelled_within`` looks past
    the cut-off; the label is complete only when the data run to ``cutoff + horizon_months``,
    which :func:`clvlib.analysis.churn_prediction.time_split` checks.
    """
    require_frame(subscriptions, "subscriptions", ["customer_id", "signup_date", "cancel_date"])
    cut = parse_date(cutoff, "cut-off date")
    if attributes is None:
        attributes = [a for a in SUBSCRIBER_ATTRIBUTES if a in subscriptions.columns]
    require_frame(subscriptions, "subscriptions", list(attributes))
    leaking = {"cancel_date", "tenure_months", "churned"} & set(attributes)
    if leaking:
        raise ValueError(f"{', '.join(sorted(leaking))} describe(s) how a subscription ended: as a feature it "
                         "would hand the model the answer. Use attributes known at signup.")
    signed_up = subscriptions[pd.to_datetime(subscriptions["signup_date"]) <= cut]
    if signed_up.empty:
        raise ValueError(f"Nobody had signed up by the cut-off {cut.date()}: choose a later date.")
    durations = durations_from_subscriptions(signed_up[["customer_id", "signup_date", "cancel_date"]], cut)
    active = ~durations["churned"].to_numpy(dtype=bool)
    kept = signed_up[active]
    horizon_end = months_after(cut, horizon_months)
    cancel = pd.to_datetime(kept["cancel_date"])
    out = pd.DataFrame({"customer_id": kept["customer_id"].to_numpy(),
                        "tenure_months": durations["tenure_months"].to_numpy()[active]})
    signed_days_ago = (cut - pd.to_datetime(kept["signup_date"])).dt.days.to_numpy()
    for name in attributes:
        out[name] = kept[name].to_numpy()
        if name in KNOWN_AFTER_DAYS:
            out[name] = out[name].astype(float).where(signed_days_ago >= KNOWN_AFTER_DAYS[name])
    out["cancelled_within"] = ((cancel > cut) & (cancel <= horizon_end)).to_numpy().astype(np.int64)
    out.attrs.update(cutoff=str(cut.date()), horizon_months=int(horizon_months), horizon_end=str(horizon_end.date()))
    return out.reset_index(drop=True)
