"""From an order log to discrete-time histories: (x, t_x, n) per customer, and the patterns BG/BB fits.

When customers can only transact at fixed *opportunities* (a yearly fund-raising drive, an
annual event, a monthly box), what matters is not the day of a purchase but which
opportunities a customer used. With calendar periods as opportunities (years, months,
weeks or days):

* the period of a customer's first order is their period 0 (acquisition);
* every *complete* period after it, up to ``observation_end``, is an opportunity: n of them;
* x counts the opportunities with at least one order, t_x is the last of them (0 if none).

A period that has not ended by ``observation_end`` is not an opportunity yet: orders in it
are left out of x, and customers first seen in it are left out, each with a warning that
says how many (nothing is dropped silently). The order log is validated as
:func:`clvlib.transactions.summarize_transactions` validates it (missing columns, blank ids,
unreadable dates, orders after ``observation_end``: a plain-English error with example rows).

Example
-------
>>> import pandas as pd
>>> orders = pd.DataFrame({"customer_id": ["a", "a", "a", "b", "c"],
...                        "order_date": ["2019-03-01", "2020-05-01", "2022-01-09", "2019-07-04", "2021-02-02"]})
>>> opportunity_summary(orders, "2022-12-31", opportunity="year")  # doctest: +NORMALIZE_WHITESPACE
             frequency  recency  n_opportunities
customer_id
a                    2        3                3
b                    0        0                3
c                    0        0                1
>>> opportunity_patterns(orders, "2022-12-31")["n_customers"].tolist()
[1, 1, 1]
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from clvlib.core.checks import parse_date
from clvlib.core.units import TimeUnit
from clvlib.transactions.summary import customer_days

PERIOD_FREQ = {TimeUnit.DAY: "D", TimeUnit.WEEK: "W", TimeUnit.MONTH: "M", TimeUnit.YEAR: "Y"}


class IncompletePeriodWarning(UserWarning):
    """Orders in a period that had not ended by the observation end were left out (counted)."""


def _period_ordinals(days: np.ndarray, freq: str) -> np.ndarray:
    """Day numbers (days since 1970-01-01) as ordinals of calendar periods of ``freq``."""
    return pd.PeriodIndex(pd.to_datetime(days, unit="D"), freq=freq).asi8


def _last_complete_period(observation_end, freq: str) -> int:
    end = parse_date(observation_end, "observation_end")
    period = pd.Period(end, freq=freq)
    ends_here = pd.Period(end + pd.Timedelta(days=1), freq=freq) != period
    return period.ordinal if ends_here else period.ordinal - 1


def opportunity_summary(
    orders: pd.DataFrame,
    observation_end,
    opportunity: TimeUnit | str = "year",
    customer_col: str = "customer_id",
    date_col: str = "order_date",
) -> pd.DataFrame:
    """One row per customer: frequency (x), recency (t_x) and n_opportunities (n).

    ``opportunity`` is the calendar period that makes one opportunity ("year", "month",
    "week" or "day"). ``.attrs`` hold ``time_unit`` (the opportunity), ``observation_end``
    and ``last_opportunity`` (the last complete period, e.g. "2022").
    """
    unit = TimeUnit.parse(opportunity)
    freq = PERIOD_FREQ[unit]
    days = customer_days(orders, observation_end, customer_col, date_col, value_col=None)
    last = _last_complete_period(observation_end, freq)
    period = _period_ordinals(days.day, freq)
    code = days.code
    is_first = np.r_[True, code[1:] != code[:-1]]  # rows are sorted by customer, then day
    first_period = period[is_first][np.cumsum(is_first) - 1]
    acquired = first_period[is_first] <= last
    late_orders = (~is_first) & (period > last) & acquired[np.cumsum(is_first) - 1]
    _warn_left_out(int((~acquired).sum()), int(late_orders.sum()), last, freq, unit)

    # Opportunities used: distinct (customer, period) after the first period, up to the last complete one.
    used = (~is_first) & (period > first_period) & (period <= last)
    new_period = used & np.r_[True, (code[1:] != code[:-1]) | (period[1:] != period[:-1])]
    n_customers = len(days.customers)
    x = np.bincount(code[new_period], minlength=n_customers)
    t_x = np.zeros(n_customers, dtype=np.int64)
    np.maximum.at(t_x, code[new_period], period[new_period] - first_period[new_period])
    n = last - first_period[is_first]
    keep = acquired
    out = pd.DataFrame(
        {"frequency": x[keep], "recency": t_x[keep], "n_opportunities": n[keep]},
        index=days.customers[keep],
    )
    out.attrs.update(
        time_unit=unit.value,
        observation_end=str(parse_date(observation_end, "observation_end").date()),
        last_opportunity=str(pd.Period(ordinal=last, freq=freq)),
    )
    return out


def _warn_left_out(n_customers: int, n_orders: int, last: int, freq: str, unit: TimeUnit) -> None:
    if not (n_customers or n_orders):
        return
    last_label = pd.Period(ordinal=last, freq=freq)
    parts = []
    if n_customers:
        parts.append(f"{n_customers} customers whose first order is after it were left out")
    if n_orders:
        parts.append(f"{n_orders} later orders of other customers were not counted")
    warnings.warn(
        f"The last complete {unit.value} before the observation end is {last_label}: "
        + " and ".join(parts)
        + f". End the observation on the last day of a {unit.value} to use them.",
        IncompletePeriodWarning,
        stacklevel=3,
    )


def opportunity_patterns(
    orders: pd.DataFrame,
    observation_end,
    opportunity: TimeUnit | str = "year",
    customer_col: str = "customer_id",
    date_col: str = "order_date",
) -> pd.DataFrame:
    """The distinct (x, t_x, n) patterns of :func:`opportunity_summary` with their number of
    customers (columns frequency, recency, n_opportunities, n_customers): the input of
    :class:`clvlib.models.noncontractual.bgbb.BetaGeoBetaBinom`."""
    summary = opportunity_summary(orders, observation_end, opportunity, customer_col, date_col)
    columns = ["frequency", "recency", "n_opportunities"]
    out = summary.groupby(columns, as_index=False, sort=True).size().rename(columns={"size": "n_customers"})
    out.attrs = dict(summary.attrs)
    return out


__all__ = ["IncompletePeriodWarning", "opportunity_patterns", "opportunity_summary"]
