"""clvlib.analysis.monitoring: monthly refits against an independent count, and the refit rule on planted drift."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clvlib.analysis import monitoring
from clvlib.models.noncontractual import BetaGeoNBD
from clvlib.transactions import summarize_transactions

FIRST, MONTHS, END = "2025-01-31", 3, "2025-12-31"


@pytest.fixture(scope="module")
def table(dataset):
    return monitoring.rolling_refits(dataset.orders, FIRST, MONTHS, END)


def test_each_row_is_a_fit_at_the_month_end_and_a_count_of_the_next_month(dataset, table):
    orders = dataset.orders
    assert list(table["period_end"].dt.date.astype(str)) == ["2025-02-28", "2025-03-31", "2025-04-30"]
    row = table.iloc[1]  # fitted on 2025-02-28, forecasting March
    known = orders[orders["order_date"] <= "2025-02-28"]
    summary = summarize_transactions(known, "2025-02-28", "week", value_col=None)
    model = BetaGeoNBD("week").fit(summary)
    march = orders[(orders["order_date"] > "2025-02-28") & (orders["order_date"] <= "2025-03-31")]
    march = march[march["customer_id"].isin(summary.index)]
    assert row["actual"] == len(march[["customer_id", "order_date"]].drop_duplicates())
    weeks = 31 / 7
    expected = model.conditional_expected_purchases(weeks, summary["frequency"], summary["recency"], summary["T"]).sum()
    assert row["predicted_refitted"] == pytest.approx(expected)
    assert row["n_customers"] == len(summary)


def test_frozen_model_keeps_the_first_parameters(dataset, table):
    first = table.iloc[0]
    assert first["predicted_frozen"] == pytest.approx(first["predicted_refitted"])
    later = table.iloc[2]
    summary = summarize_transactions(dataset.orders[dataset.orders["order_date"] <= "2025-03-31"], "2025-03-31",
                                     "week", value_col=None)
    frozen = BetaGeoNBD.from_params(table.attrs["frozen_params"], time_unit="week")
    expected = frozen.conditional_expected_purchases(30 / 7, summary["frequency"], summary["recency"], summary["T"]).sum()
    assert later["predicted_frozen"] == pytest.approx(expected)
    half = 1.959963984540054 * np.sqrt(later["predicted_frozen"])
    assert later["upper_95"] - later["predicted_frozen"] == pytest.approx(half)


def test_a_stable_shop_raises_no_alert_and_planted_drift_does(dataset, table):
    assert not table["outside_band"].any() and monitoring.refit_alert(table) is None
    orders = dataset.orders
    # From March on, customers buy half as often: drop half the later orders at random.
    rng = np.random.default_rng(0)
    later = (orders["order_date"] > "2025-02-28").to_numpy()
    drifted = orders[~later | (rng.random(len(orders)) < 0.5)]
    drift = monitoring.rolling_refits(drifted, FIRST, MONTHS, END)
    assert drift["outside_band"].tolist() == [False, True, True]
    assert monitoring.refit_alert(drift) == pd.Timestamp("2025-04-30")


def test_forecasts_past_the_data_are_refused(dataset):
    with pytest.raises(ValueError, match="need data to 2026-01-31"):
        monitoring.rolling_refits(dataset.orders, "2025-11-30", 2, END)
