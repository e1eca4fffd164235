"""The summary and split on Spark (local mode) equal the pandas path: counts exactly, floats to 1e-9.

Spark runs the Spark rendering of the very SQL DuckDB runs (clvlib.transactions.sql). Skipped,
with the reason, where PySpark or Java is missing; `make test-spark` installs both and sets
CLVLIB_REQUIRE_SPARK=1, which turns that skip into a failure so the target cannot pass empty
(the session-wide ``spark`` fixture in tests/conftest.py).
"""

from __future__ import annotations

import builtins

import pandas as pd
import pytest

from clvlib.data import load_dataset
from clvlib.models.noncontractual.bgnbd import compress_histories
from clvlib.transactions import calibration_holdout_split, summarize_transactions
from clvlib.transactions.spark import (
    local_spark_session,
    spark_history_counts,
    spark_to_pandas,
    spark_unavailable_reason,
    split_with_spark,
    summarize_with_spark,
)

pytestmark = pytest.mark.spark

CAL_END, END = "2025-06-30", "2025-12-31"
# Same-day orders (a), an order late on the calibration end (a, c), one-order customers (b),
# a first order on the calibration end (c), a customer first seen in the holdout (d), and an
# order after the observation end (a), which the SQL leaves out. Late times catch shifted dates.
EDGE = pd.DataFrame(
    [("a", "2025-01-01 08:00:00", 10.0), ("a", "2025-01-01 19:00", 5.0), ("a", "2025-03-01 00:00", 20.0),
     ("a", "2025-06-30 23:30", 7.0), ("a", "2025-08-01 12:00", 4.0), ("a", "2026-01-02 10:00", 100.0),
     ("b", "2025-02-10 00:00", 12.0), ("c", "2025-06-30 23:59:59", 9.0), ("c", "2025-07-01 00:00", 3.0),
     ("d", "2025-09-15 06:00", 11.0), ("d", "2025-09-20 22:00", 1.0)],
    columns=["customer_id", "order_date", "order_value"],
).assign(order_date=lambda d: pd.to_datetime(d["order_date"], format="ISO8601"))
IN_WINDOW = EDGE[EDGE["order_date"] <= "2025-12-31 23:59:59"]


def assert_same(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-12, atol=1e-9)
    assert got.attrs == expected.attrs  # time unit, dates and periods, as the pandas path records them
    freq = [c for c in got.columns if c.startswith("frequency")]
    assert (got[freq].to_numpy() == expected[freq].to_numpy()).all()  # counts exactly


def test_edge_cases_by_hand_and_equal_pandas(spark):
    orders = spark.createDataFrame(EDGE)
    summary = spark_to_pandas(summarize_with_spark(orders, END, "day"), time_unit="day", observation_end=END)
    # By hand, in days: a buys on Jan 1 (two orders, one transaction), Mar 1, Jun 30 and Aug 1.
    assert summary.loc["a"].tolist() == pytest.approx([3, 212, 364, 31 / 3], abs=1e-12)
    assert summary.loc["b"].tolist() == [0, 0, 324, 0]
    assert summary.loc["c"].tolist() == [1, 1, 184, 3]
    assert summary.loc["d"].tolist() == [1, 5, 107, 1]
    assert_same(summary, summarize_transactions(IN_WINDOW, END, time_unit="day"))

    split = spark_to_pandas(split_with_spark(orders, CAL_END, END, "day"), time_unit="day",
                            calibration_end=CAL_END, observation_end=END)
    assert split.index.tolist() == ["a", "b", "c"]  # d is first seen after the calibration end
    assert split.loc["a"].tolist() == [2, 180, 180, 13.5, 1, 4, 184]  # Jun 30 23:30 is a calibration order
    assert split.loc["c"].tolist() == [0, 0, 0, 0, 1, 3, 184]
    assert_same(split, calibration_holdout_split(IN_WINDOW, CAL_END, END, time_unit="day"))

    # Calendar weeks: c's first week (from Monday Jun 30) holds its calibration and its holdout order.
    weeks = spark_to_pandas(split_with_spark(orders, CAL_END, END, "week", periods="calendar"), time_unit="week",
                            periods="calendar", calibration_end=CAL_END, observation_end=END)
    assert weeks.loc["c"].tolist() == [0, 0, 0, 0, 1, 3, 26]  # Jun 30 to Dec 29, the Monday of the end's week
    assert_same(weeks, calibration_holdout_split(IN_WINDOW, CAL_END, END, time_unit="week", periods="calendar"))


def test_a_table_name_and_other_column_names(spark):
    renamed = EDGE.rename(columns={"customer_id": "client", "order_date": "placed", "order_value": "amount"})
    spark.createDataFrame(renamed).createOrReplaceTempView("edge_orders")
    cols = {"customer_col": "client", "date_col": "placed", "value_col": "amount"}
    got = summarize_with_spark("edge_orders", END, "week", spark=spark, **cols)
    assert got.columns == ["client", "frequency", "recency", "T", "monetary_value"]
    expected = summarize_transactions(IN_WINDOW.rename(columns={"customer_id": "client", "order_date": "placed",
                                                                "order_value": "amount"}), END, "week", **cols)
    assert_same(spark_to_pandas(got, "client", "week", observation_end=END), expected)
    assert not [t for t in spark.catalog.listTables() if t.name.startswith("clvlib_")]  # no view left behind


@pytest.fixture(scope="module")
def embedded(spark):
    orders = load_dataset({}).orders[["customer_id", "order_date", "order_value"]]
    # Same-day repeats with a time of day, so merging and flooring are exercised.
    extra = orders.head(50).assign(order_date=lambda d: d["order_date"] + pd.Timedelta(hours=15))
    orders = pd.concat([orders, extra], ignore_index=True)
    return orders, spark.createDataFrame(orders).cache()


@pytest.mark.parametrize("unit", ["day", "week", "month"])
def test_embedded_summary_equals_pandas(embedded, unit):
    orders, frame = embedded
    expected = summarize_transactions(orders, END, time_unit=unit)
    assert_same(spark_to_pandas(summarize_with_spark(frame, END, unit), time_unit=unit, observation_end=END),
                expected)
    assert (expected["frequency"] > 0).sum() > 1000


def test_embedded_split_and_histories_equal_pandas(embedded):
    orders, frame = embedded
    expected = calibration_holdout_split(orders, CAL_END, END, time_unit="week")
    split = split_with_spark(frame, CAL_END, END, "week")
    assert_same(spark_to_pandas(split, time_unit="week", calibration_end=CAL_END, observation_end=END), expected)
    histories = spark_history_counts(split, "week")
    by_pandas = compress_histories(expected["frequency_cal"], expected["recency_cal"], expected["T_cal"])
    key = ["frequency", "recency", "T"]
    pd.testing.assert_frame_equal(histories.sort_values(key).reset_index(drop=True),
                                  by_pandas.sort_values(key).reset_index(drop=True)[histories.columns],
                                  check_exact=False, rtol=1e-12, atol=1e-9, check_dtype=False)
    assert histories["n_customers"].sum() == len(expected) and histories.attrs["time_unit"] == "week"


@pytest.mark.parametrize("unit", ["week", "month"])
def test_embedded_calendar_periods_equal_pandas(embedded, unit):
    orders, frame = embedded
    cal = "2025-07-02"  # a Wednesday in July: the split cuts a calendar week and month in two
    expected = calibration_holdout_split(orders, cal, END, time_unit=unit, periods="calendar")
    got = split_with_spark(frame, cal, END, unit, periods="calendar")
    assert_same(spark_to_pandas(got, time_unit=unit, periods="calendar", calibration_end=cal, observation_end=END),
                expected)
    summary = summarize_with_spark(frame, END, unit, periods="calendar")
    assert_same(spark_to_pandas(summary, time_unit=unit, periods="calendar", observation_end=END),
                summarize_transactions(orders, END, time_unit=unit, periods="calendar"))


@pytest.mark.network
def test_cdnow_summary_and_split_equal_pandas(spark, cdnow_loader):
    orders = cdnow_loader("master")[["customer_id", "order_date", "order_value"]]
    frame = spark.createDataFrame(orders)
    # The published set-up: 39 weeks of calibration from 1997-01-01, 78 weeks in all.
    expected = calibration_holdout_split(orders, "1997-09-30", "1998-06-30", "week")
    got = split_with_spark(frame, "1997-09-30", "1998-06-30", "week")
    assert_same(spark_to_pandas(got, time_unit="week", calibration_end="1997-09-30", observation_end="1998-06-30"),
                expected)
    summary = spark_to_pandas(summarize_with_spark(frame, "1998-06-30", "week"), time_unit="week",
                              observation_end="1998-06-30")
    assert_same(summary, summarize_transactions(orders, "1998-06-30", "week"))
    assert len(expected) == 23_570 and (expected["frequency_cal"] > 0).sum() > 5000


def test_bad_orders_are_named_with_examples_not_dropped(spark):
    bad = pd.DataFrame({"customer_id": ["a", None, "b", "c", "d"],
                        "order_date": ["2024-01-01", "2024-01-02", None, "2024-01-03", "soon"],
                        "order_value": [5.0, 5.0, 5.0, -2.0, float("inf")]})
    with pytest.raises(ValueError) as info:
        summarize_with_spark(spark.createDataFrame(bad), "2024-02-01")
    message = str(info.value)
    for part in ("1 orders have no customer_id", "1 orders have no order_date", "1 orders have a negative order_value",
                 "1 orders have a order_date that is not a date", "customer_id='c'", "order_date='soon'",
                 "1 orders have a order_value that is infinite or NaN"):
        assert part in message, part
    with pytest.raises(ValueError, match="have no order_value column; their columns are: customer_id, order_date"):
        summarize_with_spark(spark.createDataFrame(bad.drop(columns="order_value")), "2024-02-01")
    with pytest.raises(ValueError, match="order_date column holds bigint values"):
        summarize_with_spark(spark.createDataFrame(bad.assign(order_date=20240101)), "2024-02-01")
    with pytest.raises(ValueError, match="No order is on or before 2023-06-30"):
        split_with_spark(spark.createDataFrame(bad.head(1)), "2023-06-30", "2024-02-01")


def test_bad_arguments_fail_before_spark_runs():
    with pytest.raises(ValueError, match="Give spark="):
        summarize_with_spark("shop.orders", END)
    with pytest.raises(TypeError, match="Spark DataFrame or a table name"):
        summarize_with_spark(EDGE, END)
    with pytest.raises(ValueError, match="must be before the observation end"):
        split_with_spark("shop.orders", END, END, spark=object())
    with pytest.raises(ValueError, match=r"must be \[catalog.\]\[database.\]table"):
        summarize_with_spark("shop.orders; DROP TABLE x", END, spark=object())


def test_missing_pyspark_gets_an_install_hint(monkeypatch):
    real_import = builtins.__import__

    def no_pyspark(name, *args, **kwargs):
        if name == "pyspark" or name.startswith("pyspark."):
            raise ImportError("No module named 'pyspark'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyspark)
    assert "pip install 'clvlib[spark]'" in spark_unavailable_reason()
    with pytest.raises(ImportError, match=r"clvlib\[spark\]"):
        local_spark_session()

