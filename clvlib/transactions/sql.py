"""The customer summary as SQL: run it in DuckDB here, or in your warehouse.

:func:`summary_sql` writes one plain aggregation query (two GROUP BYs and a join)
producing exactly the columns of :func:`clvlib.btyd.summarize_transactions`: customer_id,
frequency, recency, T, monetary_value, with the same conventions (same-day orders merged,
time in fractional periods, mean repeat spend, 0 when no repeat). Because it is only
GROUP BY, MIN, MAX, COUNT and SUM, it is what an analyst runs where the order log lives:
Spark SQL, BigQuery, Snowflake, Postgres. Pick ``dialect=`` to get the right date
difference function; that is the only part that differs between them (the DuckDB version
is the one tested here, the others are written from each warehouse's documentation).

:func:`summarize_with_duckdb` runs the query with DuckDB directly over CSV or Parquet
files: DuckDB streams the files and spills to disk beyond ``memory_limit``, so the order
log may be larger than memory. Only the result (one row per customer) is loaded into
pandas. DuckDB is an optional dependency (``pip install 'clvlib[large]'``).

Example
-------
>>> from clvlib.transactions import summary_sql
>>> print(summary_sql("orders", "2025-12-31", "week").splitlines()[0])
-- Customer summary for BG/NBD and Gamma-Gamma (time unit: week, observation end 2025-12-31).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from clvlib.core.units import TimeUnit

# Whole days from the first to the second date, by warehouse.
DAY_DIFF = {
    "duckdb": "date_diff('day', {start}, {end})",
    "spark": "datediff({end}, {start})",
    "bigquery": "DATE_DIFF({end}, {start}, DAY)",
    "snowflake": "DATEDIFF(day, {start}, {end})",
    "postgres": "({end} - {start})",
}
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _identifier(name: str, what: str) -> str:
    if not _IDENTIFIER.match(name):
        raise ValueError(f"{what} {name!r} must be a plain column name (letters, digits, underscores).")
    return name


def summary_sql(
    source: str,
    observation_end,
    time_unit: TimeUnit | str = "week",
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    value_col: str = "order_value",
    dialect: str = "duckdb",
) -> str:
    """SQL returning one row per customer: customer_id, frequency, recency, T, monetary_value.

    ``source`` is a table name (``shop.orders``) or, in DuckDB, a table function such as
    ``read_parquet('orders/*.parquet')``. Orders after ``observation_end`` are left out
    by the query's WHERE clause (the pandas version raises instead, because a data frame
    in hand should not contain them; a warehouse table usually keeps growing).
    """
    unit = TimeUnit.parse(time_unit)
    if dialect not in DAY_DIFF:
        raise ValueError(f"Unknown SQL dialect {dialect!r}: use one of {', '.join(DAY_DIFF)}.")
    cid = _identifier(customer_col, "customer_col")
    dcol = _identifier(date_col, "date_col")
    vcol = _identifier(value_col, "value_col")
    end = pd.Timestamp(observation_end).date().isoformat()
    diff = DAY_DIFF[dialect]
    recency_days = diff.format(start="c.first_day", end="c.last_day")
    t_days = diff.format(start="c.first_day", end=f"DATE '{end}'")
    unit_days = repr(unit.days)
    return f"""-- Customer summary for BG/NBD and Gamma-Gamma (time unit: {unit.value}, observation end {end}).
-- Same-day orders are one transaction; times are in {unit.value}s of {unit_days} days.
WITH customer_days AS (
    SELECT {cid} AS customer_id,
           CAST({dcol} AS DATE) AS order_day,
           SUM({vcol}) AS day_value
    FROM {source}
    WHERE CAST({dcol} AS DATE) <= DATE '{end}'
    GROUP BY {cid}, CAST({dcol} AS DATE)
),
customers AS (
    SELECT customer_id,
           MIN(order_day) AS first_day,
           MAX(order_day) AS last_day,
           COUNT(*) AS n_days,
           SUM(day_value) AS total_value
    FROM customer_days
    GROUP BY customer_id
)
SELECT c.customer_id,
       c.n_days - 1 AS frequency,
       {recency_days} / {unit_days} AS recency,
       {t_days} / {unit_days} AS T,
       CASE WHEN c.n_days > 1
            THEN (c.total_value - d.day_value) / (c.n_days - 1)
            ELSE 0.0 END AS monetary_value
FROM customers AS c
JOIN customer_days AS d
  ON d.customer_id = c.customer_id AND d.order_day = c.first_day
ORDER BY c.customer_id
"""


def _reader(paths: Sequence[str | Path], customer_col: str) -> str:
    """A DuckDB table function reading every file (all CSV or all Parquet).

    CSV customer ids are read as text, so ids such as 00042 keep their leading zeros.
    """
    names = [str(p) for p in paths]
    kinds = {"parquet" if n.lower().endswith((".parquet", ".pq")) else "csv" for n in names}
    if len(kinds) > 1:
        raise ValueError("Give either CSV files or Parquet files, not a mix.")
    quoted = ", ".join("'" + n.replace("'", "''") + "'" for n in names)
    if kinds == {"parquet"}:
        return f"read_parquet([{quoted}])"
    cid = _identifier(customer_col, "customer_col")
    return f"read_csv([{quoted}], header = true, types = {{'{cid}': 'VARCHAR'}})"


def summarize_with_duckdb(
    paths: str | Path | Sequence[str | Path],
    observation_end,
    time_unit: TimeUnit | str = "week",
    memory_limit: str = "1GB",
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    value_col: str = "order_value",
    threads: int | None = None,
    temp_directory: str | Path | None = None,
) -> pd.DataFrame:
    """Run :func:`summary_sql` with DuckDB over CSV or Parquet files (globs allowed).

    Returns the same frame as :func:`clvlib.btyd.summarize_transactions` (indexed by
    customer id, ``.attrs['time_unit']`` set). ``memory_limit`` caps DuckDB's memory;
    beyond it DuckDB spills to ``temp_directory`` (default: its own temp folder).
    """
    try:
        import duckdb
    except ImportError:
        raise ImportError(
            "summarize_with_duckdb needs DuckDB, an optional dependency: "
            "pip install 'clvlib[large]' (or pip install duckdb)."
        ) from None
    unit = TimeUnit.parse(time_unit)
    if isinstance(paths, str | Path):
        paths = [paths]
    paths = list(paths)
    if not paths:
        raise ValueError("Give at least one CSV or Parquet file.")
    reader = _reader(paths, customer_col)
    for p in paths:
        if not any(ch in str(p) for ch in "*?[") and not Path(p).exists():
            raise ValueError(f"The file {p} does not exist.")
    query = summary_sql(reader, observation_end, unit, customer_col, date_col, value_col)
    config = {"memory_limit": memory_limit}
    if threads:
        config["threads"] = threads
    if temp_directory:
        config["temp_directory"] = str(temp_directory)
    with duckdb.connect(config=config) as con:
        con.execute("SET enable_progress_bar = false")
        out = con.sql(query).df()
    out = out.set_index("customer_id").rename_axis(customer_col)
    out["frequency"] = out["frequency"].astype("int64")
    out["monetary_value"] = out["monetary_value"].astype(float)
    if out.empty:
        raise ValueError(f"No order in {', '.join(map(str, paths))} is on or before {observation_end}.")
    out.attrs.update(time_unit=unit.value, observation_end=str(pd.Timestamp(observation_end).date()))
    return out
