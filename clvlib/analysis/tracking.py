"""Did last period's predictions hold? The models fitted at the previous period's end against what happened since.

Two checks a manager can read without the models:

* **subscribers**: of those active at the start of the period, how many a Kaplan-Meier
  curve fitted then expected to be still active at its end (each subscriber's chance of
  surviving ``period_months`` more months given their tenure, summed), against how many were;
* **shop purchases**: the purchase days a BG/NBD model fitted then expected from the shop's
  existing customers within the period (paper eq. 10, summed), against how many there were.

The range is the 95% noise of the count around the prediction (normal approximation: a
sum of independent Bernoullis for subscribers, Poisson for purchases); it leaves out the
models' parameter uncertainty, so a miss is a prompt to look, not proof the model broke.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clvlib.analysis import lifetimes
from clvlib.analysis.kpis import active_at
from clvlib.models import survival
from clvlib.models.noncontractual import BetaGeoNBD
from clvlib.transactions import summarize_transactions

Z_95 = 1.959963984540054


def _row(what: str, predicted: float, variance: float, actual: int) -> dict:
    half = Z_95 * float(np.sqrt(max(variance, 0.0)))
    low, high = predicted - half, predicted + half
    return {"prediction": what, "predicted": float(predicted), "lower_95": low, "upper_95": high,
            "actual": int(actual), "holds": bool(low <= actual <= high)}


def subscribers_still_active(before, now, start, end, period_months: int) -> dict:
    """Predicted (Kaplan-Meier fitted on ``before``) and actual subscribers active at ``start`` and still at ``end``."""
    durations = lifetimes.durations_from_subscriptions(before.subscriptions, start)
    km = survival.fit_kaplan_meier(durations)
    active = durations[~durations["churned"].to_numpy(dtype=bool)]
    tenure = active["tenure_months"].to_numpy(dtype=float)
    now_at = survival.survival_curve(km, tenure).to_numpy()
    later = survival.survival_curve(km, tenure + period_months).to_numpy()
    p = np.divide(later, now_at, out=np.zeros_like(later), where=now_at > 0)
    subs = now.subscriptions
    actual = int((active_at(subs, start) & active_at(subs, end)).sum())
    return _row("active subscribers still active at the end", p.sum(), (p * (1 - p)).sum(), actual)


def shop_purchases(before, now, start, end) -> dict:
    """Predicted (BG/NBD fitted on ``before``) and actual purchase days of existing shop customers in ``(start, end]``."""
    summary = summarize_transactions(before.orders, start, time_unit="week")
    model = BetaGeoNBD(time_unit="week").fit(summary)
    weeks = (pd.Timestamp(end) - pd.Timestamp(start)).days / 7
    predicted = float(model.conditional_expected_purchases(
        weeks, summary["frequency"], summary["recency"], summary["T"]).sum())
    orders = now.orders
    within = (orders["order_date"] > start) & (orders["order_date"] <= end) & orders["customer_id"].isin(summary.index)
    actual = int(orders.loc[within, ["customer_id", "order_date"]].drop_duplicates().shape[0])
    return _row("shop purchase days by existing customers", predicted, predicted, actual)


def prediction_check(before, now, start, end, period_months: int) -> pd.DataFrame:
    """Both checks as one table: predicted, lower_95, upper_95, actual, holds (index: what was predicted)."""
    rows = [subscribers_still_active(before, now, start, end, period_months), shop_purchases(before, now, start, end)]
    return pd.DataFrame(rows).set_index("prediction")
