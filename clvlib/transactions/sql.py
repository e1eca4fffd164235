"""The customer summary and the calibration/holdout split as SQL, for DuckDB or a warehouse.

:func:`summary_sql` writes one plain aggregation query producing exactly the columns of
:func:`clvlib.transactions.summarize_transactions` (customer_id, frequency, recency, T,
monetary_value) with the same conventions: same-day orders merged, time in fractional
periods, mean repeat spend, 0 when no repeat. :func:`split_sql` does the same for
:func:`clvlib.transactions.calibration_holdout_split`, and :func:`histories_sql` counts
the distinct (frequency, recency, T) histories that the BG/NBD fit takes as weights.

The shape is chosen so that an engine can run it out of core: two GROUP BYs in one pass
(orders -> customer days -> customers), the first day's value taken by ``MIN_BY`` instead
of a join back to the customer days, and no ORDER BY unless ``sort=True``. Hash
aggregations spill to disk; a self-join and a global sort of millions of result rows are
what made the earlier query fail under a 2 GB cap. Besides MIN_BY it is only GROUP BY,
MIN, MAX, COUNT, SUM and CASE, so it runs where the order log lives: Spark SQL, BigQuery,
Snowflake, Postgres. ``dialect=`` picks the date difference and the first-value
aggregate, the only parts that differ (DuckDB is the dialect tested here).
:mod:`clvlib.transactions.out_of_core` runs these queries with DuckDB over CSV/Parquet.

Example
-------
>>> from clvlib.transactions import summary_sql
>>> print(summary_sql("orders", "2025-12-31", "week").splitlines()[0])
-- Customer summary for BG/NBD and Gamma-Gamma (time unit: week, observation end 2025-12-31).
"""

from __future__ import annotations

import re

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
# The value on the row where `key` is smallest (one aggregate, no join), by warehouse.
MIN_BY = {
    "duckdb": "MIN_BY({value}, {key})",
    "spark": "min_by({value}, {key})",
    "bigquery": "MIN_BY({value}, {key})",
    "snowflake": "MIN_BY({value}, {key})",
    "postgres": "(ARRAY_AGG({value} ORDER BY {key}))[1]",
}
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _identifier(name: str, what: str) -> str:
    if not _IDENTIFIER.match(name):
        raise ValueError(f"{what} {name!r} must be a plain column name (letters, digits, underscores).")
    return name


def _check_dialect(dialect: str) -> None:
    if dialect not in DAY_DIFF:
        raise ValueError(f"Unknown SQL dialect {dialect!r}: use one of {', '.join(DAY_DIFF)}.")


def _iso_day(when) -> str:
    return pd.Timestamp(when).date().isoformat()


def _customer_days_cte(source: str, end: str, customer_col: str, date_col: str, value_col: str) -> str:
    """The order log up to ``end`` reduced to one row per (customer, calendar day)."""
    cid = _identifier(customer_col, "customer_col")
    dcol = _identifier(date_col, "date_col")
    vcol = _identifier(value_col, "value_col")
    return f"""WITH customer_days AS (
    SELECT {cid} AS customer_id,
           CAST({dcol} AS DATE) AS order_day,
           SUM({vcol}) AS day_value
    FROM {source}
    WHERE CAST({dcol} AS DATE) <= DATE '{end}'
    GROUP BY {cid}, CAST({dcol} AS DATE)
)"""


def summary_sql(
    source: str,
    observation_end,
    time_unit: TimeUnit | str = "week",
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    value_col: str = "order_value",
    dialect: str = "duckdb",
    sort: bool = False,
) -> str:
    """SQL returning one row per customer: customer_id, frequency, recency, T, monetary_value.

    ``source`` is a table name (``shop.orders``) or, in DuckDB, a table function such as
    ``read_parquet('orders/*.parquet')``. Orders after ``observation_end`` are left out
    by the query's WHERE clause (the pandas version raises instead, because a data frame
    in hand should not contain them; a warehouse table usually keeps growing). Rows come
    in no particular order unless ``sort=True`` (a sort of every customer costs memory).
    """
    unit = TimeUnit.parse(time_unit)
    _check_dialect(dialect)
    end = _iso_day(observation_end)
    diff, unit_days = DAY_DIFF[dialect], repr(unit.days)
    first_value = MIN_BY[dialect].format(value="day_value", key="order_day")
    return f"""-- Customer summary for BG/NBD and Gamma-Gamma (time unit: {unit.value}, observation end {end}).
-- Same-day orders are one transaction; times are in {unit.value}s of {unit_days} days.
{_customer_days_cte(source, end, customer_col, date_col, value_col)},
customers AS (
    SELECT customer_id,
           MIN(order_day) AS first_day,
           MAX(order_day) AS last_day,
           COUNT(*) AS n_days,
           SUM(day_value) AS total_value,
           {first_value} AS first_day_value
    FROM customer_days
    GROUP BY customer_id
)
SELECT customer_id,
       n_days - 1 AS frequency,
       {diff.format(start="first_day", end="last_day")} / {unit_days} AS recency,
       {diff.format(start="first_day", end=f"DATE '{end}'")} / {unit_days} AS T,
       CASE WHEN n_days > 1
            THEN (total_value - first_day_value) / (n_days - 1)
            ELSE 0.0 END AS monetary_value
FROM customers
{"ORDER BY customer_id" if sort else ""}"""


def split_sql(
    source: str,
    calibration_end,
    observation_end,
    time_unit: TimeUnit | str = "week",
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    value_col: str = "order_value",
    dialect: str = "duckdb",
    sort: bool = False,
) -> str:
    """SQL for the calibration/holdout split, one row per customer of the calibration cohort.

    Columns and conventions are those of :func:`clvlib.transactions.calibration_holdout_split`:
    customers first seen after ``calibration_end`` are left out; an order on the
    calibration end is a calibration order; the holdout runs from the day after it to
    ``observation_end`` included. Still one pass: the calibration and holdout figures are
    counts and sums of CASE expressions over the same customer days.
    """
    unit = TimeUnit.parse(time_unit)
    _check_dialect(dialect)
    cal, end = _iso_day(calibration_end), _iso_day(observation_end)
    if cal >= end:
        raise ValueError(
            f"The calibration end {cal} must be before the observation end {end}: the holdout period would be empty."
        )
    diff, unit_days = DAY_DIFF[dialect], repr(unit.days)
    first_value = MIN_BY[dialect].format(value="day_value", key="order_day")
    in_cal = f"order_day <= DATE '{cal}'"
    duration = diff.format(start=f"DATE '{cal}'", end=f"DATE '{end}'")
    return f"""-- Calibration/holdout split (time unit: {unit.value}, calibration end {cal}, observation end {end}).
-- Same-day orders are one transaction; times are in {unit.value}s of {unit_days} days.
{_customer_days_cte(source, end, customer_col, date_col, value_col)},
customers AS (
    SELECT customer_id,
           MIN(order_day) AS first_day,
           MAX(CASE WHEN {in_cal} THEN order_day END) AS last_cal_day,
           COUNT(CASE WHEN {in_cal} THEN 1 END) AS n_cal_days,
           SUM(CASE WHEN {in_cal} THEN day_value ELSE 0.0 END) AS cal_value,
           {first_value} AS first_day_value,
           COUNT(CASE WHEN {in_cal} THEN NULL ELSE 1 END) AS n_holdout_days,
           SUM(CASE WHEN {in_cal} THEN 0.0 ELSE day_value END) AS holdout_value
    FROM customer_days
    GROUP BY customer_id
    HAVING MIN(order_day) <= DATE '{cal}'
)
SELECT customer_id,
       n_cal_days - 1 AS frequency_cal,
       {diff.format(start="first_day", end="last_cal_day")} / {unit_days} AS recency_cal,
       {diff.format(start="first_day", end=f"DATE '{cal}'")} / {unit_days} AS T_cal,
       CASE WHEN n_cal_days > 1
            THEN (cal_value - first_day_value) / (n_cal_days - 1)
            ELSE 0.0 END AS monetary_value_cal,
       n_holdout_days AS frequency_holdout,
       CASE WHEN n_holdout_days > 0
            THEN holdout_value / n_holdout_days
            ELSE 0.0 END AS monetary_value_holdout,
       {duration} / {unit_days} AS duration_holdout
FROM customers
{"ORDER BY customer_id" if sort else ""}"""


def histories_sql(source: str, calibration: bool = False) -> str:
    """SQL counting customers per distinct (frequency, recency, T) of a summary table.

    ``source`` holds the rows of :func:`summary_sql` (or, with ``calibration=True``, of
    :func:`split_sql`, whose ``_cal`` columns are used). The result has the columns of
    :func:`clvlib.models.noncontractual.bgnbd.compress_histories` and is small (one row per
    distinct history, however many customers), so BG/NBD fits it with ``n_customers`` as weights.

    >>> print(histories_sql("summary").splitlines()[1].strip())
    SELECT frequency AS frequency, recency AS recency, T AS T, COUNT(*) AS n_customers
    """
    suffix = "_cal" if calibration else ""
    cols = [f"{c}{suffix} AS {c}" for c in ("frequency", "recency", "T")]
    keys = ", ".join(f"{c}{suffix}" for c in ("frequency", "recency", "T"))
    return f"""-- Distinct customer histories with the number of customers having each.
SELECT {", ".join(cols)}, COUNT(*) AS n_customers
FROM {source}
GROUP BY {keys}
ORDER BY {keys}"""
