"""clvlib.transactions.opportunities: an order log as (x, t_x, n) per customer and as BG/BB patterns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clvlib.models.noncontractual.bgbb import compress_patterns
from clvlib.transactions.opportunities import (
    IncompletePeriodWarning,
    opportunity_patterns,
    opportunity_summary,
)

ORDERS = pd.DataFrame({
    "customer_id": ["a", "a", "a", "a", "b", "c", "d"],
    "order_date": pd.to_datetime(["2019-03-01", "2019-11-30", "2020-05-01", "2022-01-09",
                                  "2019-07-04", "2021-02-02", "2022-12-31"]),
})


def test_years_as_opportunities_counted_by_hand():
    table = opportunity_summary(ORDERS, "2022-12-31", "year")
    # a: first 2019 (a second 2019 order is not a new opportunity), then 2020 and 2022 -> x=2, t_x=3, n=3.
    assert table.loc["a"].tolist() == [2, 3, 3]
    assert table.loc["b"].tolist() == [0, 0, 3]
    assert table.loc["c"].tolist() == [0, 0, 1]
    assert table.loc["d"].tolist() == [0, 0, 0]  # acquired in the last year: no opportunity yet
    assert table.attrs == {"time_unit": "year", "observation_end": "2022-12-31", "last_opportunity": "2022"}


def test_months_as_opportunities():
    table = opportunity_summary(ORDERS.iloc[:3], "2020-06-30", "month", date_col="order_date")
    # a: first 2019-03; used 2019-11 (8) and 2020-05 (14); complete months to 2020-06: n = 15.
    assert table.loc["a"].tolist() == [2, 14, 15]
    assert table.attrs["last_opportunity"] == "2020-06"


def test_an_incomplete_last_period_is_left_out_with_a_warning_that_counts():
    orders = pd.concat([ORDERS.iloc[:6], pd.DataFrame({"customer_id": ["e"], "order_date": [pd.Timestamp("2022-03-01")]})])
    with pytest.warns(IncompletePeriodWarning, match=r"is 2021: 1 customers .* left out and 1 later orders"):
        table = opportunity_summary(orders, "2022-06-30", "year")
    assert table.loc["a"].tolist() == [1, 1, 2]  # the 2022 order is in an unfinished year
    assert "e" not in table.index and table.loc["c"].tolist() == [0, 0, 0]


def test_patterns_count_customers():
    patterns = opportunity_patterns(ORDERS, "2022-12-31")
    assert patterns.to_dict("list") == {
        "frequency": [0, 0, 0, 2], "recency": [0, 0, 0, 3], "n_opportunities": [0, 1, 3, 3], "n_customers": [1, 1, 1, 1]
    }
    assert patterns.attrs["time_unit"] == "year"


def test_bad_order_logs_are_refused_in_plain_english():
    with pytest.raises(ValueError, match="no order_date column"):
        opportunity_summary(ORDERS.rename(columns={"order_date": "day"}), "2022-12-31")
    bad = ORDERS.assign(order_date=ORDERS["order_date"].astype(str).where(ORDERS.index != 2, "soon"))
    with pytest.raises(ValueError, match="1 values in 'order_date' are not dates; for example customer_id='a', order_date='soon'"):
        opportunity_summary(bad, "2022-12-31")
    with pytest.raises(ValueError, match="1 orders are after the observation end 2022-12-30"):
        opportunity_summary(ORDERS, "2022-12-30")
    with pytest.raises(ValueError, match="Unknown time unit 'quarterly'"):
        opportunity_summary(ORDERS, "2022-12-31", "quarterly")


def test_an_order_log_simulated_from_known_histories_gives_them_back():
    """Yearly opportunities from 2001: each customer's first order in 2000, then one to three
    orders on random days of every year they used; the summary must return (x, t_x, n)."""
    rng = np.random.default_rng(1)
    used = rng.random((300, 6)) < 0.4
    rows = []
    for cid, years in enumerate(used):
        rows.append((cid, pd.Timestamp("2000-01-01") + pd.Timedelta(days=int(rng.integers(0, 366)))))
        for k in np.flatnonzero(years):
            for _ in range(int(rng.integers(1, 4))):
                rows.append((cid, pd.Timestamp(f"{2001 + k}-01-01") + pd.Timedelta(days=int(rng.integers(0, 365)))))
    orders = pd.DataFrame(rows, columns=["customer_id", "order_date"]).sample(frac=1, random_state=2)
    table = opportunity_summary(orders, "2006-12-31", "year")
    x = used.sum(axis=1)
    t_x = np.where(x > 0, 6 - np.argmax(used[:, ::-1], axis=1), 0)
    np.testing.assert_array_equal(table["frequency"], x)
    np.testing.assert_array_equal(table["recency"], t_x)
    assert (table["n_opportunities"] == 6).all()
    expected = compress_patterns(x, t_x, np.full(300, 6))
    got = opportunity_patterns(orders, "2006-12-31", "year")
    np.testing.assert_array_equal(got.to_numpy(float), expected.to_numpy(float))
