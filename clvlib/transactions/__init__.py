"""From an order log to one row per customer (frequency, recency, T, mean spend):
vectorised pandas, and the same summary as SQL for DuckDB, Spark or a warehouse."""

from clvlib.transactions.out_of_core import (
    history_counts,
    split_with_duckdb,
    summarize_with_duckdb,
    write_parquet,
)
from clvlib.transactions.spark import spark_history_counts, split_with_spark, summarize_with_spark
from clvlib.transactions.sql import histories_sql, split_sql, summary_sql
from clvlib.transactions.summary import (
    calibration_holdout_split,
    calibration_summary,
    summarize_transactions,
)

__all__ = [
    "calibration_holdout_split",
    "calibration_summary",
    "histories_sql",
    "history_counts",
    "spark_history_counts",
    "split_sql",
    "split_with_duckdb",
    "split_with_spark",
    "summarize_transactions",
    "summarize_with_duckdb",
    "summarize_with_spark",
    "summary_sql",
    "write_parquet",
]
