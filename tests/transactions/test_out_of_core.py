"""DuckDB over files: the split, Parquet output and distinct histories equal the pandas path."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clvlib.core.units import UnitMismatchError
from clvlib.models.noncontractual import BetaGeoNBD
from clvlib.models.noncontractual.bgnbd import compress_histories
from clvlib.transactions import (
    calibration_holdout_split,
    calibration_summary,
    history_counts,
    split_with_duckdb,
    summarize_transactions,
    summarize_with_duckdb,
    write_parquet,
)

duckdb = pytest.importorskip("duckdb")

CAL_END, OBS_END = "2024-03-10", "2025-12-31"  # 422 of 2,500 customers arrive after CAL_END


def to_parquet(orders: pd.DataFrame, path) -> str:
    con = duckdb.connect()
    con.register("orders", orders)
    con.execute(f"COPY orders TO '{path}' (FORMAT parquet)")
    con.close()
    return str(path)


def assert_same(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Same customers, columns and attrs; counts exactly, everything else to 1e-9."""
    assert got.index.equals(expected.index)
    assert got.index.name == expected.index.name
    assert list(got.columns) == list(expected.columns)
    assert got.attrs == expected.attrs
    for col in expected.columns:
        if col.startswith(("frequency", "n_customers")):
            assert got[col].dtype == np.int64
            np.testing.assert_array_equal(got[col].to_numpy(), expected[col].to_numpy(), err_msg=col)
        else:
            np.testing.assert_allclose(got[col].to_numpy(), expected[col].to_numpy(), rtol=0, atol=1e-9, err_msg=col)


def read_sorted(path, index_name="customer_id") -> pd.DataFrame:
    with duckdb.connect() as con:
        frame = con.sql(f"SELECT * FROM read_parquet('{path}')").df()
    return frame.set_index("customer_id").rename_axis(index_name).sort_index()


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    from clvlib.data import load_dataset

    orders = load_dataset({}).orders[["customer_id", "order_date", "order_value"]]
    # Same-day repeats at another time of day, so merging and flooring are exercised.
    extra = orders.head(80).assign(order_date=lambda d: d["order_date"] + pd.Timedelta(hours=15))
    orders = pd.concat([orders, extra], ignore_index=True)
    return orders, to_parquet(orders, tmp_path_factory.mktemp("embedded") / "orders.parquet")


@pytest.mark.parametrize("unit", ["day", "week", "month"])
def test_split_equals_pandas_on_the_embedded_orders(embedded, unit):
    orders, path = embedded
    expected = calibration_holdout_split(orders, CAL_END, OBS_END, time_unit=unit)
    got = split_with_duckdb(path, CAL_END, OBS_END, time_unit=unit, memory_limit="256MB", threads=1)
    assert_same(got, expected)
    # Not a vacuous comparison: repeat buyers, holdout buyers, and customers acquired too late.
    assert (expected["frequency_cal"] > 0).sum() > 300 and (expected["frequency_holdout"] > 0).sum() > 300
    assert len(expected) < orders["customer_id"].nunique()


def test_parquet_output_equals_pandas_and_records_its_unit(embedded, tmp_path):
    orders, path = embedded
    n = write_parquet(path, tmp_path / "summary.parquet", OBS_END, "week", memory_limit="256MB")
    expected = summarize_transactions(orders, OBS_END, "week")
    got = read_sorted(tmp_path / "summary.parquet")
    got.attrs = {"time_unit": "week", "observation_end": OBS_END}
    assert_same(got, expected)
    assert n == len(expected) == orders["customer_id"].nunique()

    n_split = write_parquet(path, tmp_path / "split.parquet", OBS_END, "month", calibration_end=CAL_END)
    expected = calibration_holdout_split(orders, CAL_END, OBS_END, "month")
    got = read_sorted(tmp_path / "split.parquet")
    got.attrs = dict(expected.attrs)
    assert_same(got, expected)
    assert n_split == len(expected)
    with duckdb.connect() as con:
        rows = con.sql(f"SELECT * FROM parquet_kv_metadata('{tmp_path / 'split.parquet'}')").fetchall()
    meta = {k: v for _, k, v in rows}
    assert meta == {b"time_unit": b"month", b"calibration_end": CAL_END.encode(), b"observation_end": OBS_END.encode()}


@pytest.mark.parametrize("calibration_end", [None, CAL_END])
def test_parquet_summarised_in_customer_buckets_equals_one_pass(embedded, tmp_path, calibration_end):
    orders, path = embedded
    spill = tmp_path / "spill"
    n = write_parquet(path, tmp_path / "buckets.parquet", OBS_END, "week", calibration_end=calibration_end,
                      buckets=3, temp_directory=spill)
    write_parquet(path, tmp_path / "one_pass.parquet", OBS_END, "week", calibration_end=calibration_end, buckets=1)
    got, one_pass = read_sorted(tmp_path / "buckets.parquet"), read_sorted(tmp_path / "one_pass.parquet")
    assert_same(got, one_pass)
    pandas = (summarize_transactions(orders, OBS_END, "week") if calibration_end is None
              else calibration_holdout_split(orders, CAL_END, OBS_END, "week"))
    got.attrs = dict(pandas.attrs)
    assert_same(got, pandas)
    assert n == len(pandas)
    assert list(spill.iterdir()) == []  # the bucket files are removed
    with duckdb.connect() as con:
        meta = con.sql(f"SELECT * FROM parquet_kv_metadata('{tmp_path / 'buckets.parquet'}')").fetchall()
    assert (b"time_unit", b"week") in [(k, v) for _, k, v in meta]


def test_history_counts_equal_compressed_pandas_histories_and_fit_the_same(embedded, tmp_path):
    orders, path = embedded
    write_parquet(path, tmp_path / "split.parquet", OBS_END, "week", calibration_end=CAL_END)
    table = history_counts(tmp_path / "split.parquet")
    cal = calibration_summary(calibration_holdout_split(orders, CAL_END, OBS_END, "week"))
    expected = compress_histories(cal["frequency"], cal["recency"], cal["T"])
    expected = expected.astype({"frequency": "int64", "n_customers": "int64"})
    expected.attrs = {"time_unit": "week", "calibration_end": CAL_END, "observation_end": OBS_END}
    assert_same(table, expected)
    assert table["n_customers"].sum() == len(cal) and len(table) < len(cal)

    weighted = BetaGeoNBD("week").fit(table)
    per_customer = BetaGeoNBD("week").fit(cal)
    np.testing.assert_allclose(weighted.params_, per_customer.params_, rtol=1e-8)
    assert weighted.log_likelihood_ == pytest.approx(per_customer.log_likelihood_, rel=1e-12)
    assert weighted.n_obs_ == per_customer.n_obs_ == len(cal)
    with pytest.raises(UnitMismatchError):
        BetaGeoNBD("day").fit(table)
    with pytest.raises(ValueError, match="in weeks, not days"):
        history_counts(tmp_path / "split.parquet", time_unit="day")


EDGE = pd.DataFrame(
    [
        ("a", "2024-01-01 09:00", 10.0),
        ("a", "2024-01-01 17:00", 5.0),  # same day: one transaction worth 15
        ("a", "2024-01-15", 20.0),
        ("a", "2024-01-29", 30.0),  # on the calibration end: a calibration order
        ("a", "2024-02-05", 40.0),
        ("a", "2024-02-05", 10.0),  # same-day holdout orders: one holdout transaction worth 50
        ("b", "2024-01-08", 7.0),  # one order only
        ("c", "2024-02-01", 9.0),  # first seen after the calibration end: not in the split
        ("d", "2024-01-10", 4.0),
        ("d", "2024-02-26", 6.0),  # on the observation end: a holdout order
    ],
    columns=["customer_id", "order_date", "order_value"],
).assign(order_date=lambda d: pd.to_datetime(d["order_date"], format="ISO8601"))


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_crafted_edge_cases_match_hand_values_and_pandas(tmp_path, kind):
    late = pd.DataFrame({"customer_id": ["e"], "order_date": [pd.Timestamp("2024-03-01")], "order_value": [1.0]})
    if kind == "csv":
        path = tmp_path / "edge.csv"
        pd.concat([EDGE, late]).to_csv(path, index=False)
    else:
        path = to_parquet(pd.concat([EDGE, late]), tmp_path / "edge.parquet")
    split = split_with_duckdb(path, "2024-01-29", "2024-02-26", "week")
    assert split.index.tolist() == ["a", "b", "d"]
    cols = ["frequency_cal", "recency_cal", "T_cal", "monetary_value_cal",
            "frequency_holdout", "monetary_value_holdout", "duration_holdout"]
    expected_rows = [[2, 4, 4, 25, 1, 50, 4], [0, 0, 3, 0, 0, 0, 4], [0, 0, 19 / 7, 0, 1, 6, 4]]
    np.testing.assert_allclose(split[cols].to_numpy(float), expected_rows, rtol=0, atol=1e-12)
    # The order after the observation end (customer e) is left out; pandas wants it dropped first.
    assert_same(split, calibration_holdout_split(EDGE, "2024-01-29", "2024-02-26", "week"))
    summary = summarize_with_duckdb(path, "2024-02-26", "day")
    assert summary.loc["c"].tolist() == [0, 0, 25, 0]
    assert_same(summary, summarize_transactions(EDGE, "2024-02-26", "day"))


@pytest.mark.network
@pytest.mark.parametrize("which", ["sample", "master"])
def test_cdnow_summary_and_split_equal_pandas(cdnow_loader, tmp_path, which):
    orders = cdnow_loader(which)[["customer_id", "order_date", "order_value"]]
    path = to_parquet(orders, tmp_path / "cdnow.parquet")
    # The published set-up: 39 weeks of calibration from 1997-01-01, 78 weeks in all.
    expected = calibration_holdout_split(orders, "1997-09-30", "1998-06-30", "week")
    assert_same(split_with_duckdb(path, "1997-09-30", "1998-06-30", "week"), expected)
    assert_same(summarize_with_duckdb(path, "1998-06-30", "week"), summarize_transactions(orders, "1998-06-30", "week"))
    assert expected.index.dtype == np.int64 and (expected["frequency_cal"] > 0).sum() > 300


def test_bad_orders_are_named_with_file_and_examples_not_dropped(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "customer_id,order_date,order_value\n"
        "a,2024-01-01,5\n"
        ",2024-01-02,5\n"
        "b,,5\n"
        "c,2024-01-03,-2\n"
        "d,2024-01-04,\n"
        "e,2024-01-05,inf\n"
        "f,2024-01-06,NaN\n"
    )
    with pytest.raises(ValueError) as info:
        summarize_with_duckdb(path, "2024-02-01")
    message = str(info.value)
    for part in ("1 orders have no customer_id", "1 orders have no order_date", "1 orders have a negative order_value",
                 "1 orders have no order_value", "2 orders have a order_value that is infinite or NaN",
                 "customer_id='e'", "bad.csv", "customer_id='c'"):
        assert part in message
    text = tmp_path / "text.csv"
    text.write_text("customer_id,order_date,order_value\na,2024-01-01,5\na,2024-13-45,five\n")
    with pytest.raises(ValueError, match="not a date.*not a number"):
        split_with_duckdb(text, "2024-01-15", "2024-02-01")
    with pytest.raises(ValueError, match="no amount column; their columns are: customer_id, order_date, order_value"):
        summarize_with_duckdb(path, "2024-02-01", value_col="amount")
    with pytest.raises(ValueError, match="No order in the files is on or before 2023-12-31"):
        write_parquet(to_parquet(EDGE, tmp_path / "e.parquet"), tmp_path / "out.parquet", "2023-12-31")
