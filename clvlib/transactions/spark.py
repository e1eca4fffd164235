"""The customer summary and the calibration/holdout split on Apache Spark: the same SQL, run where the data live.

An order log in a data lake or a Databricks table is too large to collect; its summary is
one row per customer and its distinct (frequency, recency, T) histories are a few thousand
rows however many customers there are. So the heavy steps run on the cluster and only the
histories come to the driver, where the models fit them:

* :func:`summarize_with_spark` and :func:`split_with_spark` take a Spark DataFrame (or a
  table name and a session) and return the summary / split as a lazy Spark DataFrame, by
  running :func:`~clvlib.transactions.summary_sql` / :func:`~clvlib.transactions.split_sql`
  rendered for Spark SQL (one source for every engine; DuckDB runs the same queries).
* :func:`spark_history_counts` collects the distinct histories with ``n_customers``:
  ``BetaGeoNBD(unit).fit(spark_history_counts(summary, unit))`` fits every customer.
* :func:`spark_to_pandas` collects a summary small enough for the driver as the pandas
  path's frame; :func:`local_spark_session` starts Spark on this machine (tests, notebooks).

Before summarising, one pass over the orders counts every order without a customer, a
date or a value, with a value that is not a number or is negative, or a date that is not a
date, and names them with examples: none is silently dropped (orders after the observation
end are left out on purpose, as in :func:`~clvlib.transactions.summary_sql`). PySpark and a
Java runtime are optional (``pip install 'clvlib[spark]'``; Java 17, e.g. Debian's
``openjdk-17-jre-headless``).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import uuid

import pandas as pd

from clvlib.core.units import TimeUnit
from clvlib.transactions.sql import (
    _identifier,
    _iso_day,
    bad_order_rules,
    histories_sql,
    on_or_before_condition,
    split_sql,
    summary_sql,
)

MAX_EXAMPLES = 3
_TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,2}$")
JAVA_HINT = "Spark needs a Java runtime (17 or 21): on Debian or Ubuntu, apt-get install openjdk-17-jre-headless."


def _pyspark_sql():
    try:
        from pyspark import sql
    except ImportError:
        raise ImportError(
            "The Spark summaries need PySpark, an optional dependency: "
            "pip install 'clvlib[spark]' (or pip install pyspark)."
        ) from None
    return sql


def spark_unavailable_reason() -> str | None:
    """Why Spark cannot run on this machine (PySpark or Java missing, with what to install), or None."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "PySpark is not installed: pip install 'clvlib[spark]' (make test-spark installs it)."
    if shutil.which("java") is None:
        return f"No `java` on the PATH. {JAVA_HINT}"
    return None


def local_spark_session(app_name: str = "clvlib", cores: int = 2, shuffle_partitions: int = 4,
                        driver_memory: str = "2g"):
    """A Spark session on this machine (``local[cores]``), or the one already running.

    Dates must not shift between pandas and Spark, so the session time zone (and the JVM's)
    is UTC; the web UI is off, shuffles use few partitions (a laptop, not a cluster) and
    only errors are logged. Python workers (pandas UDFs, ``mapInPandas``) run this
    interpreter unless ``PYSPARK_PYTHON`` says otherwise: the ``python3`` on the PATH may lack
    clvlib and pyarrow. Raises RuntimeError saying what to install when Java is missing.
    """
    sql = _pyspark_sql()
    if sql.SparkSession.getActiveSession() is None and spark_unavailable_reason():
        raise RuntimeError(spark_unavailable_reason())
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    utc = "-Duser.timezone=UTC"
    spark = (
        sql.SparkSession.builder.master(f"local[{cores}]").appName(app_name)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.extraJavaOptions", utc)
        .config("spark.executor.extraJavaOptions", utc)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.driver.memory", driver_memory)
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _orders_frame(orders, spark):
    """The orders as a Spark DataFrame: given as one, or as a table name with its session."""
    if isinstance(orders, str):
        if spark is None:
            raise ValueError(f"Give spark= (a SparkSession) to read the table {orders!r}.")
        if not _TABLE_NAME.match(orders):
            raise ValueError(f"Table name {orders!r} must be [catalog.][database.]table (letters, digits, underscores).")
        return spark.table(orders)
    if not hasattr(orders, "sparkSession"):
        raise TypeError(f"orders must be a Spark DataFrame or a table name, not {type(orders).__name__}.")
    return orders


def check_spark_orders(frame, observation_end, customer_col: str = "customer_id", date_col: str = "order_date",
                       value_col: str = "order_value", calibration_end=None) -> int:
    """Check the orders in one pass; return how many are on or before ``observation_end``.

    Raises ValueError naming every problem at once (column, count and example rows):
    missing columns, orders without a customer, a date or a value, dates or values that
    cannot be read, negative values; and when no order is on or before ``calibration_end``
    (or, without one, ``observation_end``).
    """
    cid, day, value = (_identifier(customer_col, "customer_col"), _identifier(date_col, "date_col"),
                       _identifier(value_col, "value_col"))
    missing = [c for c in (cid, day, value) if c not in frame.columns]
    if missing:
        raise ValueError(
            f"The orders have no {', '.join(missing)} column; their columns are: {', '.join(frame.columns)}. "
            "Pass customer_col=, date_col= or value_col= to name yours."
        )
    date_type = dict(frame.dtypes)[day]
    if date_type not in ("date", "timestamp", "timestamp_ntz", "string"):
        raise ValueError(f"The orders' {day} column holds {date_type} values: give dates, timestamps or text "
                         "such as 2025-12-31.")
    rules = bad_order_rules(cid, day, value, dialect="spark")
    first_end = _iso_day(observation_end if calibration_end is None else calibration_end)
    windows = [on_or_before_condition(day, when, dialect="spark") for when in (observation_end, first_end)]
    counts = [f"COALESCE(SUM(CASE WHEN {rule} THEN 1 ELSE 0 END), 0)" for rule in [*rules.values(), *windows]]
    *problem_counts, n_in_window, n_in_first = frame.selectExpr(*counts).first()
    problems = []
    for (what, rule), n in zip(rules.items(), problem_counts, strict=True):
        if n:
            rows = frame.where(rule).select(cid, day, value).limit(MAX_EXAMPLES).collect()
            shown = "; ".join(f"{cid}={c!r}, {day}={str(d)!r}, {value}={v!r}" for c, d, v in rows)
            problems.append(f"{n} orders {what} (for example {shown})")
    if problems:
        raise ValueError("The orders have problems: " + "; ".join(problems) + ". Fix them and run again.")
    if not n_in_first:
        raise ValueError(f"No order is on or before {first_end}.")
    return int(n_in_window)


def _run(frame, make_sql, customer_col: str):
    """Run the Spark rendering of ``make_sql(view)`` on a temporary view of ``frame``."""
    spark = frame.sparkSession
    view = f"clvlib_orders_{uuid.uuid4().hex}"
    frame.createOrReplaceTempView(view)
    try:
        # spark.sql analyses at once, so the result keeps its plan after the view is dropped.
        out = spark.sql(make_sql(view))
    finally:
        spark.catalog.dropTempView(view)
    return out.withColumnRenamed("customer_id", customer_col) if customer_col != "customer_id" else out


def summarize_with_spark(orders, observation_end, time_unit: TimeUnit | str = "week", spark=None,
                         customer_col: str = "customer_id", date_col: str = "order_date",
                         value_col: str = "order_value", check: bool = True, periods: str = "fractional"):
    """The per-customer summary of a Spark order log, as a lazy Spark DataFrame.

    ``orders`` is a Spark DataFrame, or a table name with ``spark=`` its session. Columns:
    ``customer_col``, frequency, recency, T, monetary_value, with the conventions of
    :func:`clvlib.transactions.summarize_transactions` (Spark runs
    ``summary_sql(..., dialect="spark")``). Orders after ``observation_end`` are left out.
    A timestamp's day is the one in the session time zone (``spark.sql.session.timeZone``).
    ``check=True`` first checks the orders in one pass (:func:`check_spark_orders`);
    ``periods="calendar"`` counts whole calendar weeks or months, as the pandas path does.
    """
    unit = TimeUnit.parse(time_unit)
    summary_sql("orders", observation_end, unit, customer_col, date_col, value_col, periods=periods)  # fail first
    frame = _orders_frame(orders, spark)
    if check:
        check_spark_orders(frame, observation_end, customer_col, date_col, value_col)
    return _run(frame, lambda view: summary_sql(view, observation_end, unit, customer_col, date_col, value_col,
                                                dialect="spark", periods=periods), customer_col)


def split_with_spark(orders, calibration_end, observation_end, time_unit: TimeUnit | str = "week", spark=None,
                     customer_col: str = "customer_id", date_col: str = "order_date",
                     value_col: str = "order_value", check: bool = True, periods: str = "fractional"):
    """The calibration/holdout split of a Spark order log, as a lazy Spark DataFrame.

    Columns and conventions are those of :func:`clvlib.transactions.calibration_holdout_split`
    (Spark runs ``split_sql(..., dialect="spark")``); otherwise as :func:`summarize_with_spark`.
    """
    unit = TimeUnit.parse(time_unit)
    split_sql("orders", calibration_end, observation_end, unit, customer_col, date_col, value_col, periods=periods)
    frame = _orders_frame(orders, spark)
    if check:
        check_spark_orders(frame, observation_end, customer_col, date_col, value_col, calibration_end)
    return _run(frame, lambda view: split_sql(view, calibration_end, observation_end, unit, customer_col, date_col,
                                              value_col, dialect="spark", periods=periods), customer_col)


def spark_history_counts(summary, time_unit: TimeUnit | str, calibration: bool | None = None) -> pd.DataFrame:
    """The distinct (frequency, recency, T) of a Spark summary with ``n_customers``, on the driver.

    ``summary`` is a result of :func:`summarize_with_spark` or (its ``_cal`` columns)
    :func:`split_with_spark`; ``calibration`` is read from the columns when not given. The
    frame has the columns of :func:`clvlib.models.noncontractual.bgnbd.compress_histories`
    and ``.attrs['time_unit']``, so ``BetaGeoNBD(unit).fit(table)`` fits every customer.
    """
    unit = TimeUnit.parse(time_unit)
    if calibration is None:
        calibration = "frequency_cal" in summary.columns
    view = f"clvlib_summary_{uuid.uuid4().hex}"
    summary.createOrReplaceTempView(view)
    try:
        out = summary.sparkSession.sql(histories_sql(view, calibration, dialect="spark")).toPandas()
    finally:
        summary.sparkSession.catalog.dropTempView(view)
    out = out.astype({"frequency": "int64", "recency": float, "T": float, "n_customers": "int64"})
    out.attrs["time_unit"] = unit.value
    return out


def spark_to_pandas(frame, customer_col: str = "customer_id", time_unit: TimeUnit | str | None = None,
                    periods: str = "fractional", **dates) -> pd.DataFrame:
    """A Spark summary or split small enough for the driver, as the pandas path's frame.

    Indexed and sorted by customer, ``frequency*`` columns int64, the others float, and
    ``.attrs`` holding ``time_unit``, the given dates (``observation_end=...``) and, for calendar
    periods, ``periods``, as :func:`clvlib.transactions.summarize_transactions` returns it.
    """
    out = frame.toPandas().set_index(customer_col).sort_index()
    out = out.astype({c: ("int64" if c.startswith("frequency") else float) for c in out.columns})
    if time_unit is not None:
        out.attrs["time_unit"] = TimeUnit.parse(time_unit).value
    out.attrs.update({k: _iso_day(v) for k, v in dates.items()})
    if periods != "fractional":
        out.attrs["periods"] = periods
    return out
