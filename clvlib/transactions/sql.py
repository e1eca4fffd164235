"""The customer summary and the calibration/holdout split as SQL: written once, rendered for each engine.

:func:`summary_sql` writes one plain aggregation query producing exactly the columns of
:func:`clvlib.transactions.summarize_transactions` (customer_id, frequency, recency, T,
monetary_value) with the same conventions: same-day orders merged, time in fractional
periods, mean repeat spend, 0 when no repeat. :func:`split_sql` does the same for
:func:`clvlib.transactions.calibration_holdout_split`, and :func:`histories_sql` counts
the distinct (frequency, recency, T) histories that the BG/NBD fit takes as weights.

Each query is written once, in DuckDB's SQL (the engine run here, so that text is what the
tests execute), and :func:`render` turns it into another engine's SQL with sqlglot's
transpiler: Spark SQL (and Databricks), BigQuery, Snowflake, Postgres. What differs between
engines (the date difference and its argument order, integer division, the first-day value)
is sqlglot's job, not a hand-kept table; Postgres alone lacks ``MIN_BY``, so for it the
aggregate becomes ``(ARRAY_AGG(value ORDER BY key))[1]``. Day counts are cast to DOUBLE
before dividing, so no engine divides in fixed-point decimals (Spark and Snowflake would).

The shape is chosen so that an engine can run it out of core: two GROUP BYs in one pass
(orders -> customer days -> customers), the first day's value taken by ``MIN_BY`` instead
of a join back to the customer days, and no ORDER BY unless ``sort=True``. Hash
aggregations spill to disk; a self-join and a global sort of millions of result rows are
what made an earlier query fail under a 2 GB cap.
:mod:`clvlib.transactions.out_of_core` runs these queries with DuckDB over CSV/Parquet,
:mod:`clvlib.transactions.spark` with Spark.

Example
-------
>>> from clvlib.transactions import summary_sql
>>> print(summary_sql("orders", "2025-12-31", "week").splitlines()[0])
-- Customer summary for BG/NBD and Gamma-Gamma (time unit: week, observation end 2025-12-31).
"""

from __future__ import annotations

import re
import sys

import pandas as pd

from clvlib.core.units import TimeUnit
from clvlib.transactions.summary import _checked_periods, period_number, to_day_number

# The dialect the queries are written in, and every dialect they are rendered for (sqlglot's names).
SOURCE_DIALECT = "duckdb"
DIALECTS = ("duckdb", "spark", "databricks", "bigquery", "snowflake", "postgres")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _identifier(name: str, what: str) -> str:
    if not _IDENTIFIER.match(name):
        raise ValueError(f"{what} {name!r} must be a plain column name (letters, digits, underscores).")
    return name


def _check_dialect(dialect: str) -> None:
    if dialect not in DIALECTS:
        raise ValueError(f"Unknown SQL dialect {dialect!r}: use one of {', '.join(DIALECTS)}.")


def _iso_day(when) -> str:
    return pd.Timestamp(when).date().isoformat()


def _sqlglot():
    try:
        import sqlglot
    except ImportError:
        raise ImportError(
            "Rendering the SQL for an engine other than DuckDB needs sqlglot, an optional dependency: "
            "pip install 'clvlib[large]' (or pip install sqlglot)."
        ) from None
    return sqlglot


def _min_by_as_array_agg(node):
    """sqlglot transform for Postgres, which has no MIN_BY: the first element of the ordered array."""
    from sqlglot import exp

    if not isinstance(node, exp.ArgMin):
        return node
    ordered = exp.Order(expressions=[exp.Ordered(this=node.expression.copy())])
    array = exp.ArrayAgg(this=exp.Order(this=node.this.copy(), expressions=ordered.expressions))
    return exp.Bracket(this=exp.Paren(this=array), expressions=[exp.Literal.number(1)], offset=1)


def render(sql: str, dialect: str) -> str:
    """One of this module's queries (DuckDB SQL) in another engine's SQL, by sqlglot's transpiler.

    DuckDB's own text is returned unchanged, so the embedded engine needs no transpiler.

    >>> render("SELECT date_diff('day', first_day, last_day) AS d FROM customers", "bigquery")
    'SELECT\\n  DATE_DIFF(last_day, first_day, DAY) AS d\\nFROM customers'
    """
    _check_dialect(dialect)
    if dialect == SOURCE_DIALECT:
        return sql
    tree = _sqlglot().parse_one(sql, read=SOURCE_DIALECT)
    if dialect == "postgres":
        tree = tree.transform(_min_by_as_array_agg)
    return tree.sql(dialect=dialect, pretty=True, unsupported_level="raise")


DOUBLE_MAX = sys.float_info.max  # the largest finite double


def bad_order_rules(customer_col: str = "customer_id", date_col: str = "order_date",
                    value_col: str = "order_value", dialect: str = SOURCE_DIALECT) -> dict[str, str]:
    """What makes an order row unusable -> the SQL condition that finds such rows.

    The one home of these rules for every engine: the DuckDB check of order files
    (:mod:`clvlib.transactions.out_of_core`) and the Spark one (:mod:`clvlib.transactions.spark`)
    both count and show the rows each condition finds. Each key completes "N orders ...".

    >>> rules = bad_order_rules()
    >>> rules["have a negative order_value"]
    'TRY_CAST(order_value AS DOUBLE) < 0'
    >>> bad_order_rules(dialect="spark")["have no customer_id"]
    "customer_id IS NULL OR TRIM(CAST(customer_id AS STRING)) = ''"
    """
    cid, day, value = (_identifier(customer_col, "customer_col"), _identifier(date_col, "date_col"),
                       _identifier(value_col, "value_col"))
    rules = {
        f"have no {cid}": f"{cid} IS NULL OR TRIM(CAST({cid} AS VARCHAR)) = ''",
        f"have no {day}": f"{day} IS NULL",
        f"have a {day} that is not a date": f"{day} IS NOT NULL AND TRY_CAST({day} AS DATE) IS NULL",
        f"have no {value}": f"{value} IS NULL",
        f"have a {value} that is not a number": f"{value} IS NOT NULL AND TRY_CAST({value} AS DOUBLE) IS NULL",
        f"have a negative {value}": f"TRY_CAST({value} AS DOUBLE) < 0",
        # 'inf' and 'NaN' cast to DOUBLE; both engines sort NaN above every number, so NOT BETWEEN finds it.
        f"have a {value} that is infinite or NaN":
            f"NOT (TRY_CAST({value} AS DOUBLE) BETWEEN -{DOUBLE_MAX!r} AND {DOUBLE_MAX!r})",
    }
    return {what: render(rule, dialect) for what, rule in rules.items()}


def on_or_before_condition(date_col: str, when, dialect: str = SOURCE_DIALECT) -> str:
    """The SQL condition "the order's date reads as a date on or before ``when``".

    >>> on_or_before_condition("order_date", "2025-12-31")
    "TRY_CAST(order_date AS DATE) <= DATE '2025-12-31'"
    """
    day = _identifier(date_col, "date_col")
    return render(f"TRY_CAST({day} AS DATE) <= DATE '{_iso_day(when)}'", dialect)


def _period_of(day: str, unit: TimeUnit, periods: str) -> str:
    """The time-axis key of a DATE expression: the day itself, or its calendar period's number.

    Calendar periods are those of :func:`clvlib.transactions.summary.period_number`: weeks run
    Monday to Sunday (day 0, 1970-01-01, was a Thursday), months and years count from January 1970.
    """
    if periods == "fractional":
        return day
    epoch_days = f"date_diff('day', DATE '1970-01-01', {day})"
    return {
        TimeUnit.DAY: epoch_days,
        TimeUnit.WEEK: f"CAST(FLOOR(CAST({epoch_days} + 3 AS DOUBLE) / 7) AS BIGINT)",
        TimeUnit.MONTH: f"((EXTRACT(YEAR FROM {day}) - 1970) * 12 + EXTRACT(MONTH FROM {day}) - 1)",
        TimeUnit.YEAR: f"(EXTRACT(YEAR FROM {day}) - 1970)",
    }[unit]


def _period_literal(iso_day: str, unit: TimeUnit, periods: str) -> str:
    """The time-axis key of a fixed day, as a literal: the date, or its calendar period's number."""
    if periods == "fractional":
        return f"DATE '{iso_day}'"
    return str(int(period_number([to_day_number(iso_day)], unit)[0]))


def _span(start: str, end: str, unit: TimeUnit, periods: str) -> str:
    """The time from key ``start`` to key ``end`` in ``unit``s, as a DOUBLE (never a fixed-point decimal)."""
    if periods == "fractional":
        return f"CAST(date_diff('day', {start}, {end}) AS DOUBLE) / {unit.days!r}"
    return f"CAST({end} - {start} AS DOUBLE)"


def _customer_periods_cte(source: str, end: str, customer_col: str, date_col: str, value_col: str,
                          unit: TimeUnit, periods: str, calibration_end: str | None = None) -> str:
    """The order log up to ``end`` reduced to one row per (customer, day or period[, in calibration])."""
    cid = _identifier(customer_col, "customer_col")
    day = f"CAST({_identifier(date_col, 'date_col')} AS DATE)"
    key = _period_of(day, unit, periods)
    in_cal = f"{day} <= DATE '{calibration_end}'" if calibration_end else ""
    return f"""WITH customer_periods AS (
    SELECT {cid} AS customer_id,
           {key} AS order_period,{f"{chr(10)}           {in_cal} AS in_cal," if in_cal else ""}
           CAST(SUM({_identifier(value_col, "value_col")}) AS DOUBLE) AS period_value
    FROM {source}
    WHERE {day} <= DATE '{end}'
    GROUP BY {cid}, {key}{f", {in_cal}" if in_cal else ""}
)"""


def _header(what: str, unit: TimeUnit, periods: str) -> str:
    if periods == "fractional":
        return (f"-- {what}.\n-- Same-day orders are one transaction; times are in {unit.value}s of "
                f"{unit.days!r} days.")
    return (f"-- {what}, calendar {unit.value}s.\n-- Orders in the same calendar {unit.value} are one "
            f"transaction; times are whole {unit.value}s.")


def summary_sql(
    source: str,
    observation_end,
    time_unit: TimeUnit | str = "week",
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    value_col: str = "order_value",
    dialect: str = "duckdb",
    sort: bool = False,
    periods: str = "fractional",
) -> str:
    """SQL returning one row per customer: customer_id, frequency, recency, T, monetary_value.

    ``source`` is a table name (``shop.orders``) or, in DuckDB, a table function such as
    ``read_parquet('orders/*.parquet')``. Orders after ``observation_end`` are left out
    by the query's WHERE clause (the pandas version raises instead, because a data frame
    in hand should not contain them; a warehouse table usually keeps growing). Rows come
    in no particular order unless ``sort=True`` (a sort of every customer costs memory).
    ``dialect`` is one of :data:`DIALECTS` (see :func:`render`); ``periods="calendar"``
    counts whole calendar periods, as ``summarize_transactions(..., periods="calendar")``.

    >>> "DATEDIFF(DAY, first_period, last_period)" in summary_sql("shop.orders", "2025-12-31", dialect="spark")
    True
    """
    unit = TimeUnit.parse(time_unit)
    periods = _checked_periods(periods)
    _check_dialect(dialect)
    end = _iso_day(observation_end)
    end_key = _period_literal(end, unit, periods)
    what = f"Customer summary for BG/NBD and Gamma-Gamma (time unit: {unit.value}, observation end {end})"
    sql = f"""{_header(what, unit, periods)}
{_customer_periods_cte(source, end, customer_col, date_col, value_col, unit, periods)},
customers AS (
    SELECT customer_id,
           MIN(order_period) AS first_period,
           MAX(order_period) AS last_period,
           COUNT(*) AS n_periods,
           SUM(period_value) AS total_value,
           MIN_BY(period_value, order_period) AS first_value
    FROM customer_periods
    GROUP BY customer_id
)
SELECT customer_id,
       n_periods - 1 AS frequency,
       {_span("first_period", "last_period", unit, periods)} AS recency,
       {_span("first_period", end_key, unit, periods)} AS T,
       CASE WHEN n_periods > 1
            THEN (total_value - first_value) / (n_periods - 1)
            ELSE 0.0 END AS monetary_value
FROM customers
{"ORDER BY customer_id" if sort else ""}"""
    return render(sql, dialect)


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
    periods: str = "fractional",
) -> str:
    """SQL for the calibration/holdout split, one row per customer of the calibration cohort.

    Columns and conventions are those of :func:`clvlib.transactions.calibration_holdout_split`:
    customers first seen after ``calibration_end`` are left out; an order on the
    calibration end is a calibration order; the holdout runs from the day after it to
    ``observation_end`` included. Still one pass: the calibration and holdout figures are
    counts and sums of CASE expressions over the same customer periods (with calendar
    periods, a period holding the calibration end is cut in two at it, as in pandas).
    """
    unit = TimeUnit.parse(time_unit)
    periods = _checked_periods(periods)
    _check_dialect(dialect)
    cal, end = _iso_day(calibration_end), _iso_day(observation_end)
    if cal >= end:
        raise ValueError(
            f"The calibration end {cal} must be before the observation end {end}: the holdout period would be empty."
        )
    cal_key, end_key = (_period_literal(d, unit, periods) for d in (cal, end))
    what = f"Calibration/holdout split (time unit: {unit.value}, calibration end {cal}, observation end {end})"
    # With calendar periods the period holding the calibration end may have two rows (calibration,
    # holdout), so MIN_BY may pick either when it is the first period; but then it is also the last
    # calibration period, n_cal_periods is 1 and the first value is not used.
    sql = f"""{_header(what, unit, periods)}
{_customer_periods_cte(source, end, customer_col, date_col, value_col, unit, periods, cal)},
customers AS (
    SELECT customer_id,
           MIN(order_period) AS first_period,
           MAX(CASE WHEN in_cal THEN order_period END) AS last_cal_period,
           COUNT(CASE WHEN in_cal THEN 1 END) AS n_cal_periods,
           SUM(CASE WHEN in_cal THEN period_value ELSE 0.0 END) AS cal_value,
           MIN_BY(period_value, order_period) AS first_value,
           COUNT(CASE WHEN in_cal THEN NULL ELSE 1 END) AS n_holdout_periods,
           SUM(CASE WHEN in_cal THEN 0.0 ELSE period_value END) AS holdout_value
    FROM customer_periods
    GROUP BY customer_id
    HAVING COUNT(CASE WHEN in_cal THEN 1 END) > 0
)
SELECT customer_id,
       n_cal_periods - 1 AS frequency_cal,
       {_span("first_period", "last_cal_period", unit, periods)} AS recency_cal,
       {_span("first_period", cal_key, unit, periods)} AS T_cal,
       CASE WHEN n_cal_periods > 1
            THEN (cal_value - first_value) / (n_cal_periods - 1)
            ELSE 0.0 END AS monetary_value_cal,
       n_holdout_periods AS frequency_holdout,
       CASE WHEN n_holdout_periods > 0
            THEN holdout_value / n_holdout_periods
            ELSE 0.0 END AS monetary_value_holdout,
       {_span(cal_key, end_key, unit, periods)} AS duration_holdout
FROM customers
{"ORDER BY customer_id" if sort else ""}"""
    return render(sql, dialect)


def histories_sql(source: str, calibration: bool = False, dialect: str = "duckdb") -> str:
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
    sql = f"""-- Distinct customer histories with the number of customers having each.
SELECT {", ".join(cols)}, COUNT(*) AS n_customers
FROM {source}
GROUP BY {keys}
ORDER BY {keys}"""
    return render(sql, dialect)
