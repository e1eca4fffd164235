"""From an order log to one row per customer (frequency, recency, T, mean spend):
vectorised pandas, and the same summary as SQL for DuckDB or a warehouse."""

from clvlib.transactions.out_of_core import (
    history_counts,
    split_with_duckdb,
    summarize_with_duckdb,
    write_parquet,
)
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
    "split_sql",
    "split_with_duckdb",
    "summarize_transactions",
    "summarize_with_duckdb",
    "summary_sql",
    "write_parquet",
]
