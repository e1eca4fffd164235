"""Customer acquisition cost (CAC): marketing spend over the new subscribers it brought, by channel.

Attribution: spend in a channel and month buys the subscribers who signed up through
that channel in that same month. A channel-month with spend but no new customer has no
CAC: it is ``<NA>`` with ``cac_defined = False`` and a ``note`` saying why, never
infinity or a silent NaN.
"""

from __future__ import annotations

import pandas as pd

from clvlib.core.calendar import to_months
from clvlib.core.checks import example_rows, require_frame, unknown_channels

NOTE_OK = ""
NOTE_NO_CUSTOMERS = "spend but no new customers: CAC undefined"
NOTE_NOTHING = "no spend and no new customers: CAC undefined"
NOTE_NO_SPEND_ROW = "no spend recorded: CAC undefined"
NOTE_FREE = "new customers without spend: CAC is 0"


def _clean_spend(marketing_spend: pd.DataFrame) -> pd.DataFrame:
    """month as Period[M], spend as float; every problem raised together in plain English."""
    require_frame(marketing_spend, "marketing_spend", ("month", "channel", "spend"))
    spend = marketing_spend[["month", "channel", "spend"]].copy()
    problems = []
    number = pd.to_numeric(spend["spend"], errors="coerce")
    bad = number.isna()
    if bad.any():
        problems.append(f"{int(bad.sum())} rows have a missing or non-numeric spend ({example_rows(spend, bad, ['month', 'channel', 'spend'])})")
    negative = number < 0
    if negative.any():
        problems.append(
            f"{int(negative.sum())} rows have a negative spend ({example_rows(spend, negative, ['month', 'channel', 'spend'])}); "
            "spend must be 0 or more (record refunds as lower spend in the month they apply to)"
        )
    month = to_months(spend["month"])
    if month.isna().any():
        problems.append(f"{int(month.isna().sum())} rows have a month that is not YYYY-MM")
    channel = spend["channel"].astype("string").str.strip()
    if (channel.isna() | channel.eq("")).any():
        problems.append("some rows have no channel")
    spend = spend.assign(month=month, channel=channel.astype(object), spend=number.astype(float))
    dup = spend.duplicated(["month", "channel"], keep=False) & month.notna()
    if dup.any():
        problems.append(f"{int(dup.sum())} rows repeat the same month and channel ({example_rows(spend, dup, ['month', 'channel'])})")
    if problems:
        raise ValueError("Cannot use the marketing spend: " + "; ".join(problems) + ".")
    return spend


def _clean_signups(subscriptions: pd.DataFrame) -> pd.DataFrame:
    require_frame(subscriptions, "subscriptions", ("customer_id", "signup_date", "channel"))
    signup = pd.to_datetime(subscriptions["signup_date"], errors="coerce")
    if signup.isna().any():
        raise ValueError(f"{int(signup.isna().sum())} subscribers have no readable signup_date: fix or drop them first.")
    channel = subscriptions["channel"]
    if channel.isna().any():
        raise ValueError(f"{int(channel.isna().sum())} subscribers have no channel: fill or drop them first.")
    return pd.DataFrame({"month": signup.dt.to_period("M"), "channel": channel.astype(str).to_numpy()})


def _check_spend_channels(spend: pd.DataFrame, signups: pd.DataFrame) -> None:
    """Spend in a channel nobody came from cannot be turned into a CAC: say so."""
    unknown = unknown_channels(spend["channel"], signups["channel"])
    if unknown:
        hints = [f"'{ch}' -> '{guess}'?" for ch, guess in unknown.items() if guess]
        raise ValueError(
            f"The marketing spend names channel(s) no subscriber came from: {', '.join(unknown)}"
            + (f" (did you mean {', '.join(hints)})" if hints else "")
            + f". Subscribers' channels are: {', '.join(sorted(set(signups['channel'])))}. "
            "Fix the channel names so they match, or remove that spend."
        )


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
