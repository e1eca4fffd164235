"""Tables as a learner reads them: money with its currency, shares as %, other numbers rounded.

A lesson computes with full-precision tables and shows :func:`readable` copies, so a page
never prints ``34.786842`` or ``np.float64(...)``. The copy is for display only: its money
and share columns are text.

>>> cac = pd.DataFrame({"spend": [44944.6], "new_customers": [1292], "cac": [34.786842]}, index=["affiliate"])
>>> readable(cac, money=["spend", "cac"])
                spend  new_customers     cac
affiliate  $44,944.60           1292  $34.79
>>> readable(pd.DataFrame({"churn_rate": [0.1190, 0.0405]}), shares=["churn_rate"])
  churn_rate
0      11.9%
1       4.0%
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from clvlib.core.money import DEFAULT_CURRENCY, Currency, currency


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def readable(
    table: pd.DataFrame,
    money: Sequence[str] = (),
    shares: Sequence[str] = (),
    decimals: int = 2,
    money_code: str | Currency = DEFAULT_CURRENCY,
) -> pd.DataFrame:
    """A display copy of ``table``: ``money`` columns as $1,234.50, ``shares`` as 12.3%, other floats rounded.

    Raises ValueError naming the columns that ``table`` does not have.
    """
    absent = [c for c in [*money, *shares] if c not in table.columns]
    if absent:
        raise ValueError(f"readable: the table has no column {', '.join(map(repr, absent))} "
                         f"(it has {', '.join(map(str, table.columns))}).")
    unit = currency(money_code)
    shown = table.copy()
    for column in money:
        shown[column] = [("n/a" if _missing(v) else unit.format(float(v), decimals=decimals)) for v in table[column]]
    for column in shares:
        shown[column] = [("n/a" if _missing(v) else f"{float(v):.1%}") for v in table[column]]
    other_floats = [c for c in shown.columns if c not in (*money, *shares) and pd.api.types.is_float_dtype(shown[c])]
    shown[other_floats] = shown[other_floats].round(decimals)
    return shown
