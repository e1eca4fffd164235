"""The customer journey from an order log: acquired → converted → retained → loyal → lapsed → won back.

Each customer is in one stage on any day, decided from their orders up to that day
(orders on one day count as one purchase occasion); the first rule that matches wins:

====================  ========================================================
stage                 rule on the day
====================  ========================================================
lapsed                no purchase for more than ``lapse_after_days``
won back              came back after a gap of more than ``lapse_after_days``, within the last
                      ``lapse_after_days``
acquired              one purchase so far
converted             two purchases (the first repeat)
loyal                 ``loyal_purchases`` purchases or more
retained              the rest (three purchases up to loyal)
====================  ========================================================

Stages on a grid of days give the counts per stage over time and the flows between
consecutive days, the view of a lifecycle marketing plan.

Example
-------
>>> import pandas as pd
>>> orders = pd.DataFrame({"customer_id": ["a", "a", "b", "c", "c", "c"],
...     "order_date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-05",
...                                   "2024-01-01", "2024-01-10", "2024-12-01"])})
>>> journey_stages(orders, "2024-12-31", lapse_after_days=180).to_dict()
{'a': 'lapsed', 'b': 'lapsed', 'c': 'won back'}
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clvlib.core.checks import parse_date, require_frame

JOURNEY_STAGES = ("acquired", "converted", "retained", "loyal", "lapsed", "won back")

STAGE_ACTIONS = pd.DataFrame(
    [
        ("acquired", "one purchase so far", "onboarding that earns the second purchase: welcome series, "
         "a reason to come back soon", "share making a second purchase"),
        ("converted", "first repeat purchase", "make it a habit: reminders timed to their buying rhythm, "
         "product discovery", "share reaching a third purchase"),
        ("retained", "buying regularly", "grow the basket: cross-sell and up-sell, subscription offer",
         "order value, orders per customer"),
        ("loyal", "many purchases", "protect and reward: service, early access, referral invitation; "
         "no blanket discounts", "retention of the loyal, referrals made"),
        ("lapsed", "silent for longer than the lapse threshold", "win-back offer sized by predicted value; "
         "stop spending on those worth little", "reactivation rate, margin per reactivated customer"),
        ("won back", "returned after lapsing", "re-onboard: find out why they left, make the return stick",
         "share buying again within the lapse threshold"),
    ],
    columns=["stage", "what it means", "marketing action", "what to watch"],
).set_index("stage")


def _occasions(orders: pd.DataFrame) -> pd.DataFrame:
    """One row per customer and purchase day: number of the occasion and the gap before it (days)."""
    require_frame(orders, "orders", ["customer_id", "order_date"])
    days = orders[["customer_id", "order_date"]].assign(order_date=orders["order_date"].dt.normalize())
    days = days.drop_duplicates().sort_values(["customer_id", "order_date"], kind="stable")
    grouped = days.groupby("customer_id", sort=False)["order_date"]
    days["purchases"] = grouped.cumcount() + 1
    days["gap_days"] = (days["order_date"] - grouped.shift()).dt.days
    return days.reset_index(drop=True)


def _stage(purchases, days_since_last, days_since_return, lapse_after_days: int, loyal_purchases: int) -> np.ndarray:
    conditions = [days_since_last > lapse_after_days, days_since_return <= lapse_after_days, purchases == 1,
                  purchases == 2, purchases >= loyal_purchases]
    return np.select(conditions, ["lapsed", "won back", "acquired", "converted", "loyal"], default="retained")


def _check_rules(lapse_after_days: int, loyal_purchases: int) -> None:
    if lapse_after_days <= 0:
        raise ValueError(f"lapse_after_days must be a positive number of days, not {lapse_after_days}.")
    if loyal_purchases < 4:
        raise ValueError(f"loyal_purchases must be 4 or more (3 purchases is 'retained'), not {loyal_purchases}.")


def stage_history(
    orders: pd.DataFrame, as_of_dates, lapse_after_days: int = 180, loyal_purchases: int = 5
) -> pd.DataFrame:
    """Every customer's stage on each of ``as_of_dates`` (customers who had bought by then).

    Returns columns ``as_of``, ``customer_id``, ``purchases``, ``days_since_last`` and ``stage``.
    """
    _check_rules(lapse_after_days, loyal_purchases)
    days = _occasions(orders)
    returned = days["order_date"].where(days["gap_days"] > lapse_after_days)
    days["return_date"] = returned.groupby(days["customer_id"]).ffill()  # the latest come-back so far
    dates = pd.DatetimeIndex(sorted({parse_date(d, "as_of date") for d in as_of_dates}))
    grid = pd.MultiIndex.from_product([dates, days["customer_id"].unique()], names=["as_of", "customer_id"])
    grid = grid.to_frame(index=False).sort_values("as_of", kind="stable")
    merged = pd.merge_asof(grid, days.sort_values("order_date"), left_on="as_of", right_on="order_date",
                           by="customer_id", direction="backward").dropna(subset=["order_date"])
    merged["days_since_last"] = (merged["as_of"] - merged["order_date"]).dt.days
    since_return = (merged["as_of"] - merged["return_date"]).dt.days.to_numpy()
    merged["stage"] = _stage(merged["purchases"].to_numpy(), merged["days_since_last"].to_numpy(),
                             since_return, lapse_after_days, loyal_purchases)
    merged["purchases"] = merged["purchases"].astype(int)
    return merged[["as_of", "customer_id", "purchases", "days_since_last", "stage"]].reset_index(drop=True)


def journey_stages(orders: pd.DataFrame, as_of, lapse_after_days: int = 180, loyal_purchases: int = 5) -> pd.Series:
    """Each customer's stage on ``as_of``, indexed by customer_id (see the module's rules)."""
    history = stage_history(orders, [as_of], lapse_after_days, loyal_purchases)
    return history.set_index("customer_id")["stage"].rename("stage").sort_index()


def stage_counts(history: pd.DataFrame) -> pd.DataFrame:
    """Customers per stage on each date: one row per ``as_of``, one column per stage (in journey order)."""
    counts = pd.crosstab(history["as_of"], history["stage"])
    return counts.reindex(columns=list(JOURNEY_STAGES), fill_value=0)


def stage_flows(history: pd.DataFrame, start=None, end=None) -> pd.DataFrame:
    """How many customers moved from each stage (rows) to each stage (columns) between two dates.

    Defaults: the first and last dates of ``history``. Customers who had not bought by
    ``start`` enter from a row named ``(not yet a customer)``.
    """
    dates = sorted(history["as_of"].unique())
    start = pd.Timestamp(start) if start is not None else dates[0]
    end = pd.Timestamp(end) if end is not None else dates[-1]
    for day in (start, end):
        if day not in set(dates):
            raise ValueError(f"{day.date()} is not a date of the history; its dates run {dates[0].date()} to "
                             f"{dates[-1].date()}.")
    before = history[history["as_of"] == start].set_index("customer_id")["stage"]
    after = history[history["as_of"] == end].set_index("customer_id")["stage"]
    before = before.reindex(after.index).fillna("(not yet a customer)")
    rows = ["(not yet a customer)", *JOURNEY_STAGES]
    return pd.crosstab(before, after).reindex(index=rows, columns=list(JOURNEY_STAGES), fill_value=0)


def transitions(history: pd.DataFrame) -> pd.DataFrame:
    """Moves between consecutive dates of ``history``, summed: from_stage, to_stage, moves (stays left out)."""
    ordered = history.sort_values(["customer_id", "as_of"], kind="stable")
    previous = ordered.groupby("customer_id")["stage"].shift()
    moved = ordered.assign(from_stage=previous)[previous.notna() & previous.ne(ordered["stage"])]
    out = moved.groupby(["from_stage", "stage"]).size().rename("moves").reset_index()
    return out.rename(columns={"stage": "to_stage"}).sort_values("moves", ascending=False, kind="stable")


def stage_action_table(current: pd.Series) -> pd.DataFrame:
    """The action each stage calls for, with how many customers are in it now and their share.

    ``current`` is a stage per customer (:func:`journey_stages`).

    >>> stage_action_table(pd.Series(["lapsed", "lapsed", "loyal"]))["customers"].tolist()
    [0, 0, 0, 1, 2, 0]
    """
    counts = current.value_counts().reindex(list(JOURNEY_STAGES), fill_value=0)
    table = STAGE_ACTIONS.copy()
    table.insert(0, "customers", counts.astype(int))
    table.insert(1, "share", counts / max(1, counts.sum()))
    return table
