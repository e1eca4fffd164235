"""docs/beyond_one_machine.md: every code block runs, and gives what the in-memory path gives.

Each fenced block on the page is preceded by a ``<!-- test: NAME -->`` comment; a block
without one fails the first test, so no block can go untested. The Python blocks run in a
temporary folder holding the embedded orders as ``orders.parquet`` (dates as DATE, which
DuckDB and Spark both read); their results are compared with the pandas path
(``summarize_transactions`` + ``customer_lifetime_value``), and the BigQuery SQL printed on
the page must be what ``summary_sql(..., dialect="bigquery")`` renders today.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clvlib.analysis.predictive_clv import customer_lifetime_value
from clvlib.transactions import summarize_transactions, summary_sql

PAGE = Path(__file__).resolve().parents[1] / "docs" / "beyond_one_machine.md"
BLOCK = re.compile(r"(?:<!-- test: (?P<name>[\w-]+) -->\n)?```(?P<lang>\w*)\n(?P<code>.*?)```", re.S)
SCORES = ["probability_alive", "expected_purchases", "expected_order_value", "clv"]


def blocks() -> dict[str, str]:
    found = {}
    for match in BLOCK.finditer(PAGE.read_text(encoding="utf-8")):
        assert match["name"], f"a ```{match['lang']} block has no <!-- test: NAME --> line:\n{match['code'][:200]}"
        found[match["name"]] = match["code"]
    return found


def test_every_block_is_named_and_the_expected_ones_are_there():
    assert set(blocks()) == {"duckdb", "spark", "warehouse", "bigquery-summary-sql"}


@pytest.fixture
def in_orders_folder(tmp_path, dataset):
    """A temporary working folder with orders.parquet; returns the pandas path's scores' inputs."""
    duckdb = pytest.importorskip("duckdb", reason="the DuckDB block needs duckdb: pip install 'clvlib[large]'")
    orders = dataset.orders[["customer_id", "order_date", "order_value"]]
    with duckdb.connect() as con:
        con.register("orders", orders)
        con.execute("COPY (SELECT customer_id, CAST(order_date AS DATE) AS order_date, order_value FROM orders) "
                    f"TO '{tmp_path / 'orders.parquet'}' (FORMAT parquet)")
    before = Path.cwd()
    os.chdir(tmp_path)
    yield summarize_transactions(orders, "2025-12-31", "week")
    os.chdir(before)


def run_block(name: str, absolute_paths: tuple[str, ...] = ()) -> dict:
    """Run a block in the current folder; ``absolute_paths`` are its quoted relative paths made
    absolute (Spark resolves them against the folder its JVM started in, not the current one)."""
    code = blocks()[name]
    for path in absolute_paths:
        assert f'"{path}"' in code, f"the {name} block no longer names {path}"
        code = code.replace(f'"{path}"', repr(str(Path.cwd() / path)))
    namespace: dict = {}
    exec(compile(code, f"{PAGE.name}:{name}", "exec"), namespace)
    return namespace


def assert_scores_equal_pandas(scores: pd.DataFrame, summary: pd.DataFrame, bgnbd, gamma_gamma) -> None:
    """The block's scores equal customer_lifetime_value on the pandas summary, its models refitted there."""
    expected = customer_lifetime_value(type(bgnbd)("week").fit(summary), type(gamma_gamma)("week").fit(summary),
                                       summary, horizon=52, horizon_unit="week", margin_rate=0.3,
                                       discount_rate_annual=0.1)
    scores = scores.sort_index()
    assert scores.index.tolist() == expected.index.tolist()
    for column in SCORES:
        np.testing.assert_allclose(scores[column], expected[column], rtol=1e-6, err_msg=column)


def test_the_duckdb_block_scores_every_customer_as_the_pandas_path(in_orders_folder):
    summary = in_orders_folder
    ns = run_block("duckdb")
    assert ns["n_customers"] == len(summary)
    assert ns["bgnbd"].n_obs_ == len(summary)  # the histories' weights stand for every customer
    assert_scores_equal_pandas(ns["scores"], summary, ns["bgnbd"], ns["gamma_gamma"])


@pytest.mark.spark
def test_the_spark_block_scores_every_customer_as_the_pandas_path(spark, in_orders_folder):
    summary = in_orders_folder  # `spark` (conftest) skips this test where PySpark or Java is missing
    ns = run_block("spark", absolute_paths=("orders.parquet", "scores"))
    written = ns["spark"].read.parquet(str(Path.cwd() / "scores")).toPandas().set_index("customer_id")
    assert_scores_equal_pandas(written, summary, ns["bgnbd"], ns["gamma_gamma"])


def test_the_warehouse_block_renders_the_sql_the_page_shows():
    sqlglot = pytest.importorskip("sqlglot", reason="rendering for a warehouse needs sqlglot")
    ns = run_block("warehouse")
    assert ns["summary"].strip() == blocks()["bigquery-summary-sql"].strip(), (
        "docs/beyond_one_machine.md shows an out-of-date BigQuery summary: paste "
        'summary_sql("shop.orders", "2025-12-31", "week", dialect="bigquery") into its sql block.'
    )
    assert ns["summary"] == summary_sql("shop.orders", "2025-12-31", "week", dialect="bigquery")
    for sql in (ns["summary"], ns["histories"]):
        sqlglot.parse_one(sql, read="bigquery")  # raises if BigQuery's grammar rejects it
