"""The customer summary as SQL (DuckDB over CSV/Parquet) equals the pandas summary."""

from __future__ import annotations

import builtins

import numpy as np
import pandas as pd
import pytest

from clvlib.data import load_dataset
from clvlib.transactions import (
    split_sql,
    summarize_transactions,
    summarize_with_duckdb,
    summary_sql,
)

duckdb = pytest.importorskip("duckdb")


@pytest.fixture(scope="module")
def order_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("orders")
    orders = load_dataset({}).orders
    # Same-day repeats and a time of day, so merging and flooring are exercised.
    extra = orders.head(50).assign(order_date=lambda d: d["order_date"] + pd.Timedelta(hours=15))
    orders = pd.concat([orders, extra], ignore_index=True)
    csv = folder / "orders.csv"
    orders.to_csv(csv, index=False)
    parquet = folder / "orders.parquet"
    duckdb.sql(f"COPY (SELECT * FROM read_csv('{csv}')) TO '{parquet}' (FORMAT parquet)")
    # Two CSV parts, as a warehouse export would write them.
    half = len(orders) // 2
    parts = [folder / "part-0.csv", folder / "part-1.csv"]
    orders.iloc[:half].to_csv(parts[0], index=False)
    orders.iloc[half:].to_csv(parts[1], index=False)
    return orders, csv, parquet, folder


@pytest.mark.parametrize("unit", ["day", "week", "month"])
@pytest.mark.parametrize("kind", ["csv", "parquet", "glob"])
def test_duckdb_summary_equals_pandas(order_files, unit, kind):
    orders, csv, parquet, folder = order_files
    paths = {"csv": csv, "parquet": parquet, "glob": str(folder / "part-*.csv")}[kind]
    expected = summarize_transactions(orders, "2025-12-31", time_unit=unit)
    got = summarize_with_duckdb(paths, "2025-12-31", time_unit=unit, memory_limit="256MB", threads=1)
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-12, atol=1e-9)
    assert got.attrs["time_unit"] == unit
    assert (expected["frequency"] > 0).sum() > 1000  # a real test, not an empty one


def test_sql_leaves_out_orders_after_the_observation_end(order_files):
    orders, csv, _, _ = order_files
    got = summarize_with_duckdb(csv, "2025-06-30")
    expected = summarize_transactions(orders[orders["order_date"] <= "2025-06-30"], "2025-06-30")
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-12, atol=1e-9)


def test_leading_zeros_in_csv_ids_survive(tmp_path):
    path = tmp_path / "o.csv"
    path.write_text("customer_id,order_date,order_value\n00042,2024-01-01,5\n00042,2024-01-08,7\n")
    got = summarize_with_duckdb(path, "2024-01-15")
    assert got.index.tolist() == ["00042"]
    np.testing.assert_allclose(got[["frequency", "recency", "T", "monetary_value"]].iloc[0], [1, 1, 2, 7])


@pytest.mark.parametrize(
    "dialect, diff_fragment, first_value_fragment",
    [
        ("duckdb", "date_diff('day', first_day, last_day)", "MIN_BY(day_value, order_day)"),
        ("bigquery", "DATE_DIFF(last_day, first_day, DAY)", "MIN_BY(day_value, order_day)"),
        ("snowflake", "DATEDIFF(day, first_day, last_day)", "MIN_BY(day_value, order_day)"),
        ("spark", "datediff(last_day, first_day)", "min_by(day_value, order_day)"),
        ("postgres", "(last_day - first_day)", "(ARRAY_AGG(day_value ORDER BY order_day))[1]"),
    ],
)
def test_sql_dialects_only_change_the_date_difference_and_first_value(dialect, diff_fragment, first_value_fragment):
    sql = summary_sql("shop.orders", "2025-12-31", "week", dialect=dialect)
    assert diff_fragment in sql and first_value_fragment in sql
    assert "FROM shop.orders" in sql and "/ 7.0" in sql and "DATE '2025-12-31'" in sql
    split = split_sql("shop.orders", "2025-06-30", "2025-12-31", "week", dialect=dialect)
    assert first_value_fragment in split and "DATE '2025-06-30'" in split


@pytest.mark.parametrize("make_sql", [
    lambda sort: summary_sql("orders", "2025-12-31", "week", sort=sort),
    lambda sort: split_sql("orders", "2025-06-30", "2025-12-31", "week", sort=sort),
])
def test_query_shape_has_no_join_and_sorts_only_when_asked(make_sql):
    """What lets DuckDB stay under its memory cap: aggregations only, no join, no global sort."""
    con = duckdb.connect()
    con.execute("CREATE TABLE orders AS SELECT 'a' AS customer_id, DATE '2025-01-01' AS order_date, 1.0 AS order_value")

    def plan(sql):
        return " ".join(str(row[1]) for row in con.execute("EXPLAIN " + sql).fetchall()).lower().replace("_", " ")

    unsorted = plan(make_sql(False))
    assert unsorted.count("group by") == 2  # orders -> customer days -> customers
    assert "join" not in unsorted and "order by" not in unsorted
    assert "order by" in plan(make_sql(True))


def test_sql_bad_arguments():
    with pytest.raises(ValueError, match="Unknown SQL dialect"):
        summary_sql("orders", "2025-12-31", "week", dialect="excel")
    with pytest.raises(ValueError, match="plain column name"):
        summary_sql("orders", "2025-12-31", "week", customer_col="id; DROP TABLE x")
    with pytest.raises(ValueError, match="does not exist"):
        summarize_with_duckdb("/nonexistent/orders.csv", "2025-12-31")
    with pytest.raises(ValueError, match="not a mix"):
        summarize_with_duckdb(["a.csv", "b.parquet"], "2025-12-31")
    with pytest.raises(ValueError, match="must be before the observation end"):
        split_sql("orders", "2025-12-31", "2025-12-31", "week")


def test_missing_duckdb_gets_an_install_hint(monkeypatch, order_files):
    real_import = builtins.__import__

    def no_duckdb(name, *args, **kwargs):
        if name == "duckdb":
            raise ImportError("No module named 'duckdb'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_duckdb)
    with pytest.raises(ImportError, match=r"clvlib\[large\]"):
        summarize_with_duckdb(order_files[1], "2025-12-31")
