"""What distinguishes high-value customers early on: first-weeks behaviour and a logistic regression.

The question a marketing team asks after ranking customers by value: can we tell a future
high-value customer from their first weeks? :func:`early_behaviour` summarises each
customer's first ``window_days`` (without peeking at later behaviour) and
:func:`high_value_logit` reads which traits raise the odds of being high value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from clvlib.core.checks import require_frame
from clvlib.models.logistic import design_matrix, fit_logistic_odds_ratios


def early_behaviour(orders: pd.DataFrame, window_days: int = 56) -> pd.DataFrame:
    """What we know about each customer ``window_days`` after their first order.

    Columns: first_order_value, orders_in_window (including the first), spend_in_window
    and channel (when the orders have one). These are the inputs of the question "can we
    tell a future high-value customer early?", without peeking at later behaviour.
    """
    require_frame(orders, "orders", ("customer_id", "order_date", "order_value"))
    if not isinstance(window_days, int | np.integer) or window_days < 1:
        raise ValueError(f"window_days must be a whole number of days, at least 1 (got {window_days!r}).")
    frame = orders.assign(order_date=pd.to_datetime(orders["order_date"])).sort_values(
        ["customer_id", "order_date"], kind="stable"
    )
    first = frame.groupby("customer_id")["order_date"].transform("min")
    inside = frame[(frame["order_date"] - first).dt.days < window_days]
    grouped = inside.groupby("customer_id", sort=True)
    out = pd.DataFrame(
        {
            "first_order_value": grouped["order_value"].first(),
            "orders_in_window": grouped.size(),
            "spend_in_window": grouped["order_value"].sum(),
        }
    )
    if "channel" in orders.columns:
        out["channel"] = grouped["channel"].first()
    out.attrs["window_days"] = int(window_days)
    return out


@dataclass
class HighValueModel:
    """A logistic regression of "is a high-value customer" on covariates, and its odds ratios."""

    result: object  # statsmodels BinaryResultsWrapper: .summary(), .params, .predict()
    odds_ratios: pd.DataFrame
    baselines: dict[str, str]
    customers_used: int
    share_high_value: float


def high_value_logit(
    features: pd.DataFrame,
    high_value: pd.Series,
    covariates: list[str],
    baselines: dict[str, str] | None = None,
) -> HighValueModel:
    """What distinguishes high-value customers: a statsmodels logistic regression.

    ``high_value`` is True/False per customer (e.g. ``value_tiers(clv) == "top 20%"``),
    aligned with ``features`` on the index. Categorical covariates are compared with a
    baseline level (the most common unless named). The odds-ratio table has one row per
    model column: odds_ratio, ci_lower, ci_upper (95 %), p_value. An odds ratio of 2 on
    orders_in_window means each extra early order doubles the odds of being high value.
    """
    target = pd.Series(high_value)
    if not target.index.equals(features.index):
        target = target.reindex(features.index)
    if target.isna().any():
        raise ValueError(f"{int(target.isna().sum())} customers in features have no high_value flag: align the two on customer id.")
    if not target.isin([True, False, 0, 1]).all():
        raise ValueError("high_value must be True/False for every customer.")
    y = target.astype(float)
    if y.nunique() < 2:
        raise ValueError("Every customer is in the same group: there is nothing to distinguish. Check the high_value flag.")
    X, used = design_matrix(features, covariates, baselines, table_name="features")  # refuses a constant covariate
    result, table = fit_logistic_odds_ratios(y, X)
    return HighValueModel(result, table, used, int(len(y)), float(y.mean()))
