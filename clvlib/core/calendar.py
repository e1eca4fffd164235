"""Calendar-month arithmetic: monthly anniversaries, months between dates, month periods.

Subscriptions bill on the monthly anniversary of the signup date, so time is counted
in calendar months, not in 30.44-day blocks: a customer who cancels on their third
anniversary has been a subscriber for exactly 3.0 months. An anniversary that falls on
a day the month lacks moves to the month's last day (Jan 31 + 1 month = Feb 28 or 29).

>>> import pandas as pd
>>> start = pd.Series(pd.to_datetime(["2024-01-31", "2024-01-10"]))
>>> add_months(start, 1).dt.date.astype(str).tolist()
['2024-02-29', '2024-02-10']
>>> whole_months_between(start, "2024-03-09").tolist()
[1, 1]
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _whole_months(months) -> np.ndarray:
    """``months`` as integers; a fraction is refused, not cut off (1.5 months is no calendar date)."""
    values = np.asarray(months, dtype=float)
    fractional = values[~np.isfinite(values) | (values != np.round(values))]
    if fractional.size:
        raise ValueError(f"Months to add must be whole numbers; got {fractional.ravel()[0]:g}. "
                         "A calendar month has no fractions: round first, or add days instead.")
    return values.astype(int)


def add_months(dates: pd.Series, months) -> pd.Series:
    """Each date plus a whole number of months, clipped to the month's last day (Jan 31 + 1 = Feb 28)."""
    dates = pd.to_datetime(pd.Series(dates)).dt.normalize()
    months = np.broadcast_to(_whole_months(months), dates.shape)
    total = dates.dt.year.to_numpy() * 12 + (dates.dt.month.to_numpy() - 1) + months
    year, month = total // 12, total % 12 + 1
    first = pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": 1}))
    day = np.minimum(dates.dt.day.to_numpy(), first.dt.days_in_month.to_numpy())
    return pd.Series(first.to_numpy() + pd.to_timedelta(day - 1, unit="D").to_numpy(), index=dates.index)


def whole_months_between(start: pd.Series, end) -> pd.Series:
    """The number of monthly anniversaries of ``start`` on or before ``end`` (0 if none)."""
    start = pd.to_datetime(pd.Series(start)).dt.normalize()
    if np.ndim(end) == 0:
        end = pd.Series(pd.Timestamp(end), index=start.index)
    else:  # align by position, whatever the index
        end = pd.Series(pd.to_datetime(np.asarray(end)), index=start.index)
    end = end.dt.normalize()
    guess = (end.dt.year - start.dt.year) * 12 + (end.dt.month - start.dt.month)
    guess = guess.clip(lower=0)
    too_far = add_months(start, guess.to_numpy()) > end
    return (guess - too_far.astype(int)).clip(lower=0).astype(int)


def calendar_months_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """Months from ``start`` to ``end`` counted on monthly anniversaries.

    The whole part is the number of anniversaries passed, the fraction is the share of
    the current month elapsed. Billing is monthly on the signup anniversary, so a
    cancellation on the n-th anniversary gives exactly n (an average-length month of
    30.44 days would turn it into 2.97 or 3.03 and blur every step of the survival curve).

    >>> s = pd.Series(pd.to_datetime(["2024-01-31", "2024-01-10"]))
    >>> e = pd.Series(pd.to_datetime(["2024-02-29", "2024-02-25"]))
    >>> calendar_months_between(s, e).round(3).tolist()
    [1.0, 1.517]
    """
    start, end = start.dt.normalize(), end.dt.normalize()
    whole = whole_months_between(start, end)
    anchor = add_months(start, whole.to_numpy())
    following = add_months(start, whole.to_numpy() + 1)
    fraction = (end - anchor) / (following - anchor)
    return (whole + fraction).astype(float)


# YYYY-MM, or YYYY-MM-DD optionally followed by a time: the month is the first 7 characters.
_MONTH_OR_ISO_DATE = r"\d{4}-\d{2}(-\d{2}([ T].*)?)?"


def to_months(values: pd.Series) -> pd.Series:
    """Calendar months (``Period[M]``) from periods, dates or text such as ``"2025-01"``; NaT where unreadable.

    Text is read strictly: ``YYYY-MM``, or an ISO date (``YYYY-MM-DD``, with a time if any) whose
    month is kept. Anything else ("January", "01/2025") is NaT for the caller to report,
    never guessed (pandas 3 would read "January" as January of the current year).

    >>> to_months(pd.Series(["2025-01", "2025-02-17", "soon"])).isna().tolist()
    [False, False, True]
    >>> str(to_months(pd.Series(["2025-02-17"]))[0])
    '2025-02'
    """
    values = pd.Series(values)
    if isinstance(values.dtype, pd.PeriodDtype):
        return values.dt.asfreq("M")
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_localize(None).dt.to_period("M")
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values.dt.to_period("M")
    text = values.astype("string").str.strip()
    month_text = text.where(text.str.fullmatch(_MONTH_OR_ISO_DATE, na=False)).str.slice(0, 7)
    return pd.to_datetime(month_text, format="%Y-%m", errors="coerce").dt.to_period("M")


def month_start(months: pd.Series) -> pd.Series:
    """The first day of each month (``Period[M]``) or date, as midnight timestamps.

    >>> month_start(pd.Series(pd.PeriodIndex(["2025-03"], freq="M"))).dt.date.astype(str).tolist()
    ['2025-03-01']
    """
    months = pd.Series(months)
    if isinstance(months.dtype, pd.PeriodDtype):
        return months.dt.start_time
    return pd.to_datetime(months).dt.to_period("M").dt.start_time


def months_ending(last_month, n_months: int) -> list[pd.Period]:
    """The ``n_months`` calendar months ending with ``last_month`` (oldest first).

    >>> [str(m) for m in months_ending("2025-12-31", 3)]
    ['2025-10', '2025-11', '2025-12']
    """
    last = pd.Period(last_month, "M")
    return [last - k for k in range(n_months - 1, -1, -1)]
