"""From an order log to one row per customer (frequency, recency, T, mean spend):
vectorised pandas, and the same summary as SQL for DuckDB or a warehouse."""

from clvlib.transactions.sql import summarize_with_duckdb, summary_sql
from clvlib.transactions.summary import (
    calibration_holdout_split,
    calibration_summary,
    summarize_transactions,
)

__all__ = [
    "calibration_holdout_split",
    "calibration_summary",
    "summarize_transactions",
    "summarize_with_duckdb",
    "summary_sql",
]
