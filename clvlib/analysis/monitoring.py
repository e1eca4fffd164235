"""Monitoring a BG/NBD model in use: refit month by month, compare forecasts with what happened, decide when to refit.

Each month end, :func:`rolling_refits` summarises the orders known by then and forecasts the
purchase days the existing customers will make in the next month twice:

* **refitted**: BG/NBD parameters re-estimated on everything known at that month end;
* **frozen**: the parameters estimated at the first month end, applied to the same up-to-date
  customer histories (what a team that never refits would predict).

The band is the 95% noise of a Poisson count around the frozen forecast (it leaves out the
parameters' own uncertainty, as :mod:`clvlib.analysis.tracking` does). :func:`refit_alert`
is the rule: refit when the actual count falls outside the frozen model's band
``consecutive`` months in a row (one month outside happens by chance one time in twenty; two in
a row about one in four hundred).

The history used grows month by month (all orders up to the month end). A trailing window of
orders (say, the last 12 months only) would read each customer's first order *in the window*
as their first purchase and misstate recency and T for every older customer.

Example
-------
>>> from clvlib.data import load_dataset
>>> table = rolling_refits(load_dataset().orders, "2025-06-30", n_months=2, data_end="2025-12-31")
>>> table.columns.tolist()
['fit_end', 'period_end', 'n_customers', 'predicted_refitted', 'predicted_frozen', 'lower_95', 'upper_95', 'actual', 'outside_band']
>>> len(table), table["period_end"].iloc[-1].date().isoformat()
(2, '2025-08-31')
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clvlib.analysis.tracking import Z_95
from clvlib.core.checks import parse_date, require_frame
from clvlib.core.units import TimeUnit
from clvlib.models.noncontractual import BetaGeoNBD
from clvlib.transactions.summary import customer_days, summarize_transactions, to_day_number


def month_ends(first_month_end, n: int) -> list[pd.Timestamp]:
    """``n`` consecutive calendar-month ends starting at the month of ``first_month_end``.

    >>> [d.date().isoformat() for d in month_ends("2025-01-31", 3)]
    ['2025-01-31', '2025-02-28', '2025-03-31']
    """
    first = parse_date(first_month_end, "first month end") + pd.offsets.MonthEnd(0)
    return list(pd.date_range(first, periods=n, freq="ME"))


def months_available(first_month_end, data_end) -> int:
    """How many whole months of data follow the month end of ``first_month_end`` (0 if none).

    >>> months_available("2024-12-31", "2025-12-31"), months_available("2024-12-15", "2025-03-30")
    (12, 2)
    """
    first = parse_date(first_month_end, "first month end") + pd.offsets.MonthEnd(0)
    end = parse_date(data_end, "data end")
    last_whole = end if end.is_month_end else end - pd.offsets.MonthEnd(1)
    return max(0, (last_whole.year - first.year) * 12 + last_whole.month - first.month)


def purchase_days_between(orders: pd.DataFrame, customers: pd.Index, start, end) -> int:
    """Purchase days (same-day orders merged) of ``customers`` in ``(start, end]``."""
    days = customer_days(orders, orders["order_date"].max(), value_col=None)
    known = days.customers.isin(customers)[days.code]
    within = (days.day > to_day_number(start)) & (days.day <= to_day_number(end))
    return int((known & within).sum())


def rolling_refits(orders: pd.DataFrame, first_fit_end, n_months: int, data_end,
                   time_unit: TimeUnit | str = "week") -> pd.DataFrame:
    """One row per month: refitted and frozen forecasts of next month's purchase days, the band, the actual count.

    ``orders`` need ``customer_id`` and ``order_date``; the last forecast month must end on or
    before ``data_end``. Rows: fit at ``fit_end``, forecast for (fit_end, period_end].
    """
    require_frame(orders, "orders", ["customer_id", "order_date"])
    if n_months < 1:
        raise ValueError(f"n_months must be at least 1, not {n_months}.")
    ends = month_ends(first_fit_end, n_months + 1)
    if ends[-1] > parse_date(data_end, "data end"):
        raise ValueError(f"{n_months} monthly forecasts from {ends[0].date()} need data to {ends[-1].date()}, "
                         f"but the data end on {parse_date(data_end, 'data end').date()}: start earlier or use fewer months.")
    unit = TimeUnit.parse(time_unit)
    dates = pd.to_datetime(orders["order_date"])
    rows, frozen = [], None
    for fit_end, period_end in zip(ends[:-1], ends[1:], strict=True):
        summary = summarize_transactions(orders[dates <= fit_end], fit_end, unit, value_col=None)
        model = BetaGeoNBD(time_unit=unit).fit(summary)
        frozen = model if frozen is None else frozen
        horizon = (period_end - fit_end).days / unit.days
        history = (summary["frequency"], summary["recency"], summary["T"])
        refitted = float(model.conditional_expected_purchases(horizon, *history).sum())
        kept = float(frozen.conditional_expected_purchases(horizon, *history).sum())
        half = Z_95 * np.sqrt(kept)
        actual = purchase_days_between(orders[dates <= period_end], summary.index, fit_end, period_end)
        rows.append({"fit_end": fit_end, "period_end": period_end, "n_customers": len(summary),
                     "predicted_refitted": refitted, "predicted_frozen": kept, "lower_95": kept - half,
                     "upper_95": kept + half, "actual": actual,
                     "outside_band": not (kept - half <= actual <= kept + half)})
    out = pd.DataFrame(rows)
    out.attrs.update(time_unit=unit.value, frozen_params=frozen.params_.to_dict())
    return out


def refit_alert(table: pd.DataFrame, consecutive: int = 2) -> pd.Timestamp | None:
    """The first ``period_end`` closing ``consecutive`` months in a row outside the band; None if there is none.

    >>> table = pd.DataFrame({"period_end": pd.to_datetime(["2025-01-31", "2025-02-28", "2025-03-31"]),
    ...                       "outside_band": [True, True, False]})
    >>> refit_alert(table).date()
    datetime.date(2025, 2, 28)
    >>> refit_alert(table, consecutive=3) is None
    True
    """
    if consecutive < 1:
        raise ValueError(f"consecutive must be at least 1, not {consecutive}.")
    run = 0
    for period_end, outside in zip(table["period_end"], table["outside_band"], strict=True):
        run = run + 1 if outside else 0
        if run >= consecutive:
            return pd.Timestamp(period_end)
    return None
