"""The only edge with files: loaders and validation of the three tables, the simulator
behind the embedded data, and the real CDNOW data.

``from clvlib.data import load_dataset`` is what notebooks use; the names below are the
public face of :mod:`clvlib.data.loaders`.
"""

from clvlib.data.loaders import (
    DATA_DIR,
    DEFAULT_ANALYSIS_DATE,
    PROJECT_ROOT,
    DataNoteWarning,
    Dataset,
    DataValidationError,
    Problem,
    TableSource,
    Truth,
    load_dataset,
    load_marketing_spend,
    load_orders,
    load_subscriptions,
    load_table,
    load_truth,
    resolve_path,
    rows_phrase,
)

__all__ = [
    "DATA_DIR",
    "DEFAULT_ANALYSIS_DATE",
    "PROJECT_ROOT",
    "DataNoteWarning",
    "DataValidationError",
    "Dataset",
    "Problem",
    "TableSource",
    "Truth",
    "load_dataset",
    "load_marketing_spend",
    "load_orders",
    "load_subscriptions",
    "load_table",
    "load_truth",
    "resolve_path",
    "rows_phrase",
]
