"""Predictive CLV for non-contractual customers ("buy till you die" models).

* :mod:`~clvlib.btyd.summary`: order log -> one row per customer (frequency, recency,
  T, mean repeat spend) and the calibration/holdout split, vectorised;
* :mod:`~clvlib.btyd.sql`: the same summary as SQL, run by DuckDB over files larger than
  memory or pasted into a warehouse;
* :mod:`~clvlib.btyd.bgnbd`: the BG/NBD model (Fader, Hardie & Lee 2005): how many
  purchases, P(alive);
* :mod:`~clvlib.btyd.gammagamma`: the Gamma-Gamma model of spend per purchase;
* :mod:`~clvlib.btyd.clv`: discounted expected margin per customer, with time units checked;
* :mod:`~clvlib.btyd.validation`: forecasts against the holdout period.

Example
-------
>>> from clvlib.data import load_dataset
>>> from clvlib.btyd import summarize_transactions, BetaGeoNBD
>>> summary = summarize_transactions(load_dataset().orders, "2025-12-31", time_unit="week")
>>> model = BetaGeoNBD(time_unit="week").fit(summary)
>>> model.time_unit_
'week'
"""

from clvlib.btyd.bgnbd import BetaGeoNBD, compress_histories, probability_alive_grid
from clvlib.btyd.clv import customer_lifetime_value
from clvlib.btyd.gammagamma import GammaGamma, frequency_spend_correlation
from clvlib.btyd.sql import summarize_with_duckdb, summary_sql
from clvlib.btyd.summary import (
    calibration_holdout_split,
    calibration_summary,
    summarize_transactions,
)
from clvlib.btyd.validation import holdout_by_frequency, repeat_purchase_tracking
from clvlib.units import UnitMismatchError

__all__ = [
    "BetaGeoNBD",
    "GammaGamma",
    "UnitMismatchError",
    "calibration_holdout_split",
    "calibration_summary",
    "compress_histories",
    "customer_lifetime_value",
    "frequency_spend_correlation",
    "holdout_by_frequency",
    "probability_alive_grid",
    "repeat_purchase_tracking",
    "summarize_transactions",
    "summarize_with_duckdb",
    "summary_sql",
]
