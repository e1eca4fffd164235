"""Business KPIs for one reporting period, their history and change, and the dataset as of a day.

The executive report (notebook 07) shows where the business stands on an as-of date
and what changed since the previous period. Only simple counts and sums are computed
here, and the dataset is cut at a day (:func:`as_of_view`); the model-based figures (CLV,
CAC, shop value, lifecycle stages) are gathered by
:func:`clvlib.analysis.kpi_models.model_kpis`, and the words and HTML that present them
live in :mod:`clvlib.analysis.kpi_text`.

Definitions (a period is ``period_months`` long and ends on the as-of date, both ends
at midnight, start excluded: ``(start, end]``):

* ``active_subscribers``: signed up on or before the end and not cancelled by then;
* ``new_subscribers``: signed up within the period;
* ``cancellations``: cancelled within the period (whenever they signed up);
* ``churn_rate``: the share of subscribers active at the start who cancelled within
  the period (a probability over the period, not annualised);
* ``mrr``: monthly recurring revenue, the monthly_revenue of the active subscribers;
* ``shop_revenue``, ``shop_orders``, ``shop_buyers``: web-shop orders dated within the
  period, their number and the number of distinct customers who placed them. When the
  orders have their own ``period_end`` before the as-of date (another period's export),
  the shop's periods end on :func:`orders_end` instead, with the same length;
* ``marketing_spend``: spend of the calendar months that start within the period;
* ``blended_cac``: marketing_spend / new_subscribers (None when nobody signed up).

Example
-------
>>> import pandas as pd
>>> subs = pd.DataFrame({"customer_id": ["a", "b", "c"],
...     "signup_date": pd.to_datetime(["2025-01-10", "2025-11-20", "2025-12-05"]),
...     "cancel_date": pd.to_datetime(["2025-12-10", None, None]),
...     "monthly_revenue": [15.0, 25.0, 40.0]})
>>> k = subscription_kpis(subs, *period_bounds("2025-12-31"))
>>> k["active_subscribers"], k["new_subscribers"], k["churn_rate"], k["mrr"]
(2, 1, 0.5, 65.0)
>>> churn_counts(subs, *period_bounds("2025-12-31"))
(1, 2)
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from clvlib.core.calendar import add_months, month_start
from clvlib.core.checks import parse_date, require_frame

_LOAD_HINT = "Load it with clvlib.data.load_dataset."

# name -> (label for people, kind, True when a rise is good news / False when bad / None neutral)
KPI_INFO: dict[str, tuple[str, str, bool | None]] = {
    "active_subscribers": ("Active subscribers", "count", True),
    "new_subscribers": ("New subscribers", "count", True),
    "cancellations": ("Cancellations", "count", False),
    "churn_rate": ("Churn in the period", "share", False),
    "mrr": ("Monthly recurring revenue", "money", True),
    "shop_revenue": ("Web-shop revenue", "money", True),
    "shop_orders": ("Web-shop orders", "count", True),
    "shop_buyers": ("Web-shop buyers", "count", True),
    "marketing_spend": ("Marketing spend", "money", None),
    "blended_cac": ("Cost per new subscriber (blended CAC)", "money", False),
    # Model-based KPIs: computed by clvlib.analysis.kpi_models.model_kpis.
    "clv_new_subscriber": ("Lifetime value of a new subscriber (discounted margin)", "money", True),
    "shop_value_12m": ("Expected web-shop margin, next 12 months", "money", True),
    "shop_active_share": ("Shop customers in the 'active' stage", "share", True),
}


def _day(value) -> pd.Timestamp:
    return parse_date(value, what="The as-of date")


def period_bounds(as_of, period_months: int = 1, periods_back: int = 0) -> tuple[pd.Timestamp, pd.Timestamp]:
    """``(start, end)`` of the period ending ``periods_back`` periods before ``as_of``.

    As of a month's last day, periods are whole calendar months: as of 1998-06-30 the month
    is (1998-05-31, 1998-06-30], June exactly, not (05-30, 06-30] as a plain one-month step
    back would give. As of any other day, offsets are counted from the as-of date each time
    (not chained), clipped to month ends as ``pd.DateOffset`` does.

    >>> [str(d.date()) for d in period_bounds("2025-12-31", 1, periods_back=1)]
    ['2025-10-31', '2025-11-30']
    >>> [str(d.date()) for d in period_bounds("1998-06-30", 1)]
    ['1998-05-31', '1998-06-30']
    """
    if not isinstance(period_months, int) or period_months < 1:
        raise ValueError(f"period_months must be a whole number of months, at least 1 (got {period_months!r}).")
    if not isinstance(periods_back, int) or periods_back < 0:
        raise ValueError(f"periods_back must be 0 or more (got {periods_back!r}).")
    as_of = _day(as_of)
    back_months = (-(periods_back + 1) * period_months, -periods_back * period_months)
    if as_of.is_month_end:  # whole calendar months: each bound is the end of a month
        month = as_of.to_period("M")
        start, end = ((month + k).to_timestamp(how="end").normalize() for k in back_months)
        return start, end
    start, end = add_months(pd.Series([as_of, as_of]), list(back_months))
    return start, end


def active_at(subscriptions: pd.DataFrame, day) -> pd.Series:
    """True for subscribers active at the end of ``day`` (signed up, not yet cancelled)."""
    require_frame(subscriptions, "subscriptions", ("signup_date", "cancel_date"), hint=_LOAD_HINT, allow_empty=True)
    day = _day(day)
    cancel = subscriptions["cancel_date"]
    return (subscriptions["signup_date"] <= day) & (cancel.isna() | (cancel > day))


def subscription_kpis(subscriptions: pd.DataFrame, start, end) -> dict[str, float | int | None]:
    """Active, new, cancelled subscribers, churn and MRR for the period ``(start, end]``."""
    require_frame(subscriptions, "subscriptions", ("signup_date", "cancel_date", "monthly_revenue"), hint=_LOAD_HINT, allow_empty=True)
    start, end = _day(start), _day(end)
    if start >= end:
        raise ValueError(f"The period must end after it starts (got {start.date()} to {end.date()}).")
    active_start = active_at(subscriptions, start)
    active_end = active_at(subscriptions, end)
    cancel = subscriptions["cancel_date"]
    cancelled_in = (cancel > start) & (cancel <= end)
    signed_in = (subscriptions["signup_date"] > start) & (subscriptions["signup_date"] <= end)
    at_risk = int(active_start.sum())
    return {
        "active_subscribers": int(active_end.sum()),
        "new_subscribers": int(signed_in.sum()),
        "cancellations": int(cancelled_in.sum()),
        "churn_rate": float((active_start & cancelled_in).sum() / at_risk) if at_risk else None,
        "mrr": float(subscriptions.loc[active_end, "monthly_revenue"].sum()),
    }


def churn_counts(subscriptions: pd.DataFrame, start, end) -> tuple[int, int]:
    """``(cancelled, at_risk)`` behind the period's churn: subscribers active at the start, and how many of them cancelled.

    These are the counts whose binomial noise decides whether a change in churn is material
    (:mod:`clvlib.analysis.materiality`).
    """
    require_frame(subscriptions, "subscriptions", ("signup_date", "cancel_date"), hint=_LOAD_HINT, allow_empty=True)
    start, end = _day(start), _day(end)
    active_start = active_at(subscriptions, start)
    cancel = subscriptions["cancel_date"]
    return int((active_start & (cancel > start) & (cancel <= end)).sum()), int(active_start.sum())


def shop_kpis(orders: pd.DataFrame, start, end) -> dict[str, float | int]:
    """Web-shop revenue, orders and distinct buyers for the period ``(start, end]``."""
    require_frame(orders, "orders", ("customer_id", "order_date", "order_value"), hint=_LOAD_HINT, allow_empty=True)
    start, end = _day(start), _day(end)
    within = (orders["order_date"] > start) & (orders["order_date"] <= end)
    return {
        "shop_revenue": float(orders.loc[within, "order_value"].sum()),
        "shop_orders": int(within.sum()),
        "shop_buyers": int(orders.loc[within, "customer_id"].nunique()),
    }


def spend_in_period(marketing_spend: pd.DataFrame, start, end) -> float:
    """Spend of the calendar months whose first day falls in ``(start, end]``."""
    require_frame(marketing_spend, "marketing_spend", ("month", "spend"), hint=_LOAD_HINT, allow_empty=True)
    start, end = _day(start), _day(end)
    first_day = month_start(marketing_spend["month"])
    within = (first_day > start) & (first_day <= end)
    return float(marketing_spend.loc[within, "spend"].sum())


def orders_end(dataset, as_of) -> pd.Timestamp:
    """The last day of the shop figures of a report as of ``as_of``: ``as_of``, or the orders' own
    ``period_end`` when that is earlier (another period's export), so the shop is not read where it has no data.

    >>> from types import SimpleNamespace
    >>> str(orders_end(SimpleNamespace(period_ends={"orders": pd.Timestamp("1998-06-30")}), "2025-12-31").date())
    '1998-06-30'
    >>> str(orders_end(SimpleNamespace(period_ends={}), "2025-12-31").date())
    '2025-12-31'
    """
    day = _day(as_of)
    own = getattr(dataset, "period_ends", {}).get("orders")
    return day if own is None else min(day, _day(own))


def period_kpis(dataset, start, end, shop_bounds=None) -> dict[str, float | int | None]:
    """Every KPI of :data:`KPI_INFO` for ``(start, end]`` from a clvlib Dataset.

    ``shop_bounds`` = ``(shop_start, shop_end)`` is the shop's own period when its orders end
    earlier (see :func:`orders_end`); default ``(start, end)``.
    """
    out: dict[str, float | int | None] = {}
    out.update(subscription_kpis(dataset.subscriptions, start, end))
    out.update(shop_kpis(dataset.orders, *(shop_bounds or (start, end))))
    out["marketing_spend"] = spend_in_period(dataset.marketing_spend, start, end)
    new = out["new_subscribers"]
    out["blended_cac"] = out["marketing_spend"] / new if new else None
    return out


def kpi_history(dataset, as_of, n_periods: int = 12, period_months: int = 1) -> pd.DataFrame:
    """KPIs for the ``n_periods`` periods ending on ``as_of``, oldest first (index = period end).

    The shop's columns are for the same periods ending on :func:`orders_end` (the same as ``as_of``
    unless the orders end earlier).
    """
    if not isinstance(n_periods, int) or n_periods < 1:
        raise ValueError(f"n_periods must be 1 or more (got {n_periods!r}).")
    shop_as_of = orders_end(dataset, as_of)
    rows = {}
    for back in range(n_periods - 1, -1, -1):
        start, end = period_bounds(as_of, period_months, back)
        rows[end] = period_kpis(dataset, start, end, period_bounds(shop_as_of, period_months, back))
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "period_end"
    return table


def change_table(current: dict, previous: dict, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per KPI: current, previous, change and relative change (None when undefined).

    For shares (churn) ``change`` is in points of share (0.01 = one percentage point).
    ``labels`` replaces a KPI's label, e.g. the shop value's horizon when it is not 12 months.
    """
    rows = []
    for name, (label, kind, good_when_up) in KPI_INFO.items():
        label = (labels or {}).get(name, label)
        if name not in current:
            continue
        now, before = current.get(name), previous.get(name)
        change = now - before if now is not None and before is not None else None
        relative = change / before if change is not None and before else None
        rows.append(
            {"kpi": name, "label": label, "kind": kind, "current": now, "previous": before,
             "change": change, "relative_change": relative, "good_when_up": good_when_up}
        )
    return pd.DataFrame(rows, dtype=object).set_index("kpi")  # object: ints stay ints, None stays None


def as_of_view(dataset, as_of=None, orders_as_of=None):
    """The dataset as it looked at the end of ``as_of`` (default: its analysis date).

    Signups, orders and spend months after that day are left out, and a cancellation
    after it is blanked (the customer was still active then), so every model fitted on
    the view sees only what was known on that day. Returns a copy; the input is untouched.
    The orders are cut at ``orders_as_of`` (default :func:`orders_end`: ``as_of``, or the
    orders' own earlier period end), which the view keeps as ``view.period_end("orders")``.
    """
    analysis = _day(dataset.analysis_date)
    day = analysis if as_of in (None, "") else _day(as_of)
    if day > analysis:
        raise ValueError(
            f"The as-of date {day.date()} is after the data's analysis date {analysis.date()}: "
            "the data say nothing about it. Pick an earlier date or leave it empty."
        )
    subs = dataset.subscriptions
    first = subs["signup_date"].min()
    if pd.isna(first):
        raise ValueError("The subscriptions table has no signups: nothing to report.")
    if day < first:
        raise ValueError(f"The as-of date {day.date()} is before the first signup ({first.date()}): nothing to report.")
    subs = subs[subs["signup_date"] <= day].copy()
    subs["cancel_date"] = subs["cancel_date"].where(subs["cancel_date"] <= day)
    orders_day = _orders_day(dataset, day, orders_as_of)
    orders = dataset.orders[dataset.orders["order_date"] <= orders_day].copy()
    spend = dataset.marketing_spend
    spend = spend[month_start(spend["month"]) <= day].copy()
    period_ends = {table: min(end, day) for table, end in dataset.period_ends.items()}
    if orders_day != day:  # when equal, min(end, day) above is already orders_day
        period_ends["orders"] = orders_day
    return dataclasses.replace(dataset, subscriptions=subs.reset_index(drop=True),
                               orders=orders.reset_index(drop=True),
                               marketing_spend=spend.reset_index(drop=True), analysis_date=day,
                               period_ends=period_ends)


def _orders_day(dataset, day: pd.Timestamp, orders_as_of) -> pd.Timestamp:
    """The day a view's orders are cut at: :func:`orders_end`, or ``orders_as_of`` when it is inside the orders' period."""
    if orders_as_of in (None, ""):
        return orders_end(dataset, day)
    wanted, last = _day(orders_as_of), orders_end(dataset, dataset.analysis_date)
    if wanted > last:
        raise ValueError(f"The orders' as-of date {wanted.date()} is after the end of the orders' period "
                         f"{last.date()}: the orders say nothing about it.")
    return wanted
