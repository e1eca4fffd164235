"""clvlib.analysis.tracking: last period's predictions against what happened."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from lifelines import KaplanMeierFitter

from clvlib.analysis import kpis, lifetimes, tracking

START, END = kpis.period_bounds("2025-12-31", 1)


@pytest.fixture(scope="module")
def views():
    from clvlib.data import load_dataset

    ds = load_dataset()
    return kpis.as_of_view(ds, START), kpis.as_of_view(ds, END)


def test_subscriber_prediction_is_the_sum_of_lifelines_conditional_survival(views):
    before, now = views
    row = tracking.subscribers_still_active(before, now, START, END, 1)
    durations = lifetimes.durations_from_subscriptions(before.subscriptions, START)
    km = KaplanMeierFitter().fit(durations["tenure_months"], durations["churned"])
    tenure = durations.loc[~durations["churned"], "tenure_months"].to_numpy()
    s_now = km.survival_function_at_times(tenure).to_numpy()
    p = km.survival_function_at_times(tenure + 1).to_numpy() / s_now
    assert row["predicted"] == pytest.approx(p.sum(), rel=1e-9)
    half = 1.959963984540054 * np.sqrt((p * (1 - p)).sum())
    assert row["upper_95"] - row["predicted"] == pytest.approx(half, rel=1e-9)
    active = before.subscriptions.loc[kpis.active_at(before.subscriptions, START), "customer_id"]
    still = now.subscriptions.loc[kpis.active_at(now.subscriptions, END), "customer_id"]
    assert row["actual"] == len(set(active) & set(still))


def test_on_the_simulated_world_last_months_predictions_hold(views):
    before, now = views
    table = tracking.prediction_check(before, now, START, END, 1)
    assert table["holds"].all(), table
    orders = now.orders[(now.orders["order_date"] > START) & (now.orders["order_date"] <= END)]
    days = orders[orders["customer_id"].isin(before.orders["customer_id"])][["customer_id", "order_date"]]
    assert table.iloc[1]["actual"] == len(days.drop_duplicates()), "purchase days, as BG/NBD counts them"


def test_a_month_in_which_half_the_subscribers_left_is_flagged(views):
    before, now = views
    subs = now.subscriptions.copy()
    leaving = kpis.active_at(subs, START) & (np.arange(len(subs)) % 2 == 0)
    subs.loc[leaving, "cancel_date"] = START + pd.Timedelta(days=10)
    broken = dataclasses.replace(now, subscriptions=subs)
    assert not tracking.subscribers_still_active(before, broken, START, END, 1)["holds"]
