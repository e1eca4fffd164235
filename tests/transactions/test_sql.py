"""The customer summary as SQL equals the pandas summary: run by DuckDB over CSV/Parquet, and rendered for every dialect."""

from __future__ import annotations

import builtins

import numpy as np
import pandas as pd
import pytest

from clvlib.data import load_dataset
from clvlib.transactions import (
    calibration_holdout_split,
    histories_sql,
    split_sql,
    summarize_transactions,
    summarize_with_duckdb,
    summary_sql,
)
from clvlib.transactions.sql import DIALECTS

duckdb = pytest.importorskip("duckdb")


@pytest.fixture
def sqlglot():
    """The transpiler, for the renderings other than DuckDB's (the DuckDB tests run without it)."""
    return pytest.importorskip("sqlglot", reason="sqlglot renders the SQL for other engines: pip install 'clvlib[large]'")


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
    with duckdb.connect() as con:
        con.execute(f"COPY (SELECT * FROM read_csv('{csv}')) TO '{parquet}' (FORMAT parquet)")
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


# Read by eye once against each engine's documentation, then pinned: the argument order of the
# day difference is where hand-kept dialect variants go wrong (BigQuery puts the end first).
RENDERED_WEEKS_BETWEEN = {
    "duckdb": "CAST(date_diff('day', first_period, last_period) AS DOUBLE) / 7.0",
    "spark": "CAST(DATEDIFF(DAY, first_period, last_period) AS DOUBLE) / 7.0",
    "databricks": "CAST(DATEDIFF(DAY, first_period, last_period) AS DOUBLE) / 7.0",
    "bigquery": "CAST(DATE_DIFF(last_period, first_period, DAY) AS FLOAT64) / 7.0",
    "snowflake": "CAST(DATEDIFF(DAY, first_period, last_period) AS DOUBLE) / 7.0",
    "postgres": "CAST((\n    CAST(last_period AS DATE) - CAST(first_period AS DATE)\n  ) AS DOUBLE PRECISION) / 7.0",
}
RENDERED_FIRST_DAY_VALUE = dict.fromkeys(DIALECTS, "MIN_BY(period_value, order_period)") | {
    "postgres": "ARRAY_AGG(period_value ORDER BY order_period)\n    )[1]",
}


def _renderings(dialect):
    return {
        "summary": summary_sql("shop.orders", "2025-12-31", "week", dialect=dialect),
        "split": split_sql("shop.orders", "2025-06-30", "2025-12-31", "week", dialect=dialect),
        "calendar months": summary_sql("shop.orders", "2025-12-31", "month", dialect=dialect, periods="calendar"),
        "calendar weeks split": split_sql("shop.orders", "2025-07-02", "2025-12-31", "week", dialect=dialect,
                                          periods="calendar"),
        "histories": histories_sql("shop.summary", calibration=True, dialect=dialect),
    }


def test_every_dialect_is_pinned():
    assert set(RENDERED_WEEKS_BETWEEN) == set(DIALECTS)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_each_dialect_renders_the_day_difference_and_first_value_its_own_way(sqlglot, dialect):
    sql = _renderings(dialect)
    assert RENDERED_WEEKS_BETWEEN[dialect] in sql["summary"]
    assert RENDERED_FIRST_DAY_VALUE[dialect] in sql["summary"]
    assert "FROM shop.orders" in sql["split"] and "2025-06-30" in sql["split"]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_each_rendering_parses_back_in_its_dialect(sqlglot, dialect):
    for what, sql in _renderings(dialect).items():
        tree = sqlglot.parse_one(sql, read=dialect)  # raises ParseError on text the dialect cannot read
        assert tree.find(sqlglot.exp.Group) is not None, what


def _run_on_duckdb(orders: pd.DataFrame, sql: str) -> pd.DataFrame:
    with duckdb.connect() as con:
        con.register("orders", orders)
        got = con.sql(sql).df().set_index("customer_id").sort_index()
    return got.astype({c: "int64" for c in got.columns if c.startswith("frequency")})


def _assert_same(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-12, atol=1e-9, check_names=False)


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("periods", ["fractional", "calendar"])
def test_each_rendering_read_back_into_duckdb_gives_the_pandas_numbers(sqlglot, order_files, dialect, periods):
    """sqlglot's reading of each dialect's text, run on DuckDB: the meaning survived the rendering."""
    orders = order_files[0]
    expected = calibration_holdout_split(orders, "2025-06-30", "2025-12-31", time_unit="month", periods=periods)
    rendered = split_sql("orders", "2025-06-30", "2025-12-31", "month", dialect=dialect, periods=periods)
    _assert_same(_run_on_duckdb(orders, sqlglot.transpile(rendered, read=dialect, write="duckdb")[0]), expected)


@pytest.mark.parametrize("unit", ["day", "week", "month", "year"])
def test_calendar_periods_equal_pandas(order_files, unit):
    """periods="calendar" as summary.py defines it, with calibration ends inside a week and a month."""
    orders = order_files[0]
    _assert_same(_run_on_duckdb(orders, summary_sql("orders", "2025-12-31", unit, periods="calendar")),
                 summarize_transactions(orders, "2025-12-31", unit, periods="calendar"))
    for cal in ("2025-06-29", "2025-07-02"):  # a Sunday (a week's end); a Wednesday in July
        expected = calibration_holdout_split(orders, cal, "2025-12-31", unit, periods="calendar")
        _assert_same(_run_on_duckdb(orders, split_sql("orders", cal, "2025-12-31", unit, periods="calendar")), expected)


def test_calendar_periods_by_hand():
    """G's worked example (summary.py): a's Jan 31 and Feb 1 are one week, two months; c is first seen in the
    week of Feb 26; the split at Wed 2024-02-28 cuts that week in two (Feb 29 and Mar 1 are holdout)."""
    orders = pd.DataFrame({"customer_id": list("aaaabbc"), "order_value": [10.0, 5.0, 20.0, 1.0, 7.0, 3.0, 4.0],
                           "order_date": pd.to_datetime(["2024-01-31", "2024-02-01", "2024-02-29", "2024-03-31",
                                                         "2024-01-15", "2024-01-20", "2024-03-01"])})
    weeks = _run_on_duckdb(orders, summary_sql("orders", "2024-04-30", "week", periods="calendar"))
    assert weeks[["frequency", "recency", "T", "monetary_value"]].to_numpy().tolist() == [
        [2, 8, 13, 10.5], [0, 0, 15, 0], [0, 0, 9, 0]]
    months = _run_on_duckdb(orders, summary_sql("orders", "2024-04-30", "month", periods="calendar"))
    assert months.loc["a"].tolist() == [2, 2, 3, 13.0]
    # e's first week holds a calibration order (Mon Feb 26) and a holdout one (Thu Feb 29).
    e = pd.DataFrame({"customer_id": ["e", "e"], "order_value": [6.0, 2.0],
                      "order_date": pd.to_datetime(["2024-02-26", "2024-02-29"])})
    split = _run_on_duckdb(pd.concat([orders, e]),
                           split_sql("orders", "2024-02-28", "2024-04-30", "week", periods="calendar"))
    assert split.index.tolist() == ["a", "b", "e"]
    assert split.loc["a"].tolist() == [0, 0, 4, 0, 2, 10.5, 9]  # 2 holdout weeks (Feb 29; Mar 31) of 20 and 1
    assert split.loc["e"].tolist() == [0, 0, 0, 0, 1, 2, 9]


def test_duckdb_needs_no_transpiler_and_others_say_how_to_get_it(monkeypatch):
    real_import = builtins.__import__

    def no_sqlglot(name, *args, **kwargs):
        if name == "sqlglot" or name.startswith("sqlglot."):
            raise ImportError("No module named 'sqlglot'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_sqlglot)
    assert "MIN_BY(period_value, order_period)" in summary_sql("orders", "2025-12-31", dialect="duckdb")
    with pytest.raises(ImportError, match=r"pip install 'clvlib\[large\]'"):
        summary_sql("orders", "2025-12-31", dialect="snowflake")


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
