"""The only edge with files: loaders and validation of the three tables, the simulator
behind the embedded data, and the real CDNOW data.

``from clvlib.data import load_dataset`` is what notebooks use; the names below are the
public face of the package. Its modules, each importing only those above it:

* :mod:`~clvlib.data.errors` -- Problem, DataValidationError, DataNoteWarning, message phrasing;
* :mod:`~clvlib.data.contract` -- the tables, their columns and the kind of each column;
* :mod:`~clvlib.data.bundled` -- where the embedded files are: the checkout, or inside an installed wheel;
* :mod:`~clvlib.data.sources` -- paths, the ``data_source`` settings, the Dataset;
* :mod:`~clvlib.data.reading` -- a CSV file as text rows indexed by line number;
* :mod:`~clvlib.data.validation` -- typing and checking columns, rows and channels;
* :mod:`~clvlib.data.loaders` -- load_table, load_dataset, load_truth;
* :mod:`~clvlib.data.simulate` and :mod:`~clvlib.data.cdnow` -- where the data come from
  (:mod:`~clvlib.data.simulate_links` adds the shared e-mail key, referrers and early app usage).
* :mod:`~clvlib.data.price_test` and :mod:`~clvlib.data.simulate_price_test` -- lesson 08's price test, loaded and made.
"""

from clvlib.data.errors import DataNoteWarning, DataValidationError, Problem, rows_phrase
from clvlib.data.loaders import (
    Truth,
    load_dataset,
    load_marketing_spend,
    load_orders,
    load_subscriptions,
    load_table,
    load_truth,
)
from clvlib.data.sources import (
    DATA_DIR,
    DEFAULT_ANALYSIS_DATE,
    PROJECT_ROOT,
    Dataset,
    TableSource,
    resolve_path,
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
