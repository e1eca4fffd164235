"""Shared input checks: a table has the columns it needs, a date can be read, example rows for messages.

Every analysis function starts by checking what it was given and explains a problem in
plain English: which table, which column, what it has instead, and a few offending
rows. These helpers are that explanation, written once; :func:`unknown_channels` is the
one cross-table rule both the data loader and the acquisition analysis apply (spend on a
channel no subscriber came from cannot become a CAC).

>>> import pandas as pd
>>> orders = pd.DataFrame({"customer_id": ["a", "b"], "order_value": [10.0, -5.0]})
>>> require_frame(orders, "orders", ("customer_id", "order_date"))
Traceback (most recent call last):
...
ValueError: The orders table has no order_date column; its columns are: customer_id, order_value.
>>> parse_date("2025-12-31 17:30")
Timestamp('2025-12-31 00:00:00')
>>> example_rows(orders, orders["order_value"] < 0, ["customer_id", "order_value"])
"customer_id='b', order_value=-5.0"
>>> unknown_channels(["search", "Social ", "tv"], ["search", "social"])
{'Social ': 'social', 'tv': None}
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import numpy as np
import pandas as pd

MAX_EXAMPLES = 5


def require_frame(
    frame, table_name: str, columns: Iterable[str] = (), hint: str = "", allow_empty: bool = False
) -> None:
    """Raise ValueError unless ``frame`` is a DataFrame with every one of ``columns`` (and rows,
    unless ``allow_empty``: a period with no events is a valid empty table for a KPI).

    The message names the table, the missing columns and the columns the table does
    have; ``hint`` (a sentence such as "Load it with clvlib.data.load_dataset.") is
    appended to it.
    """
    tail = f" {hint}" if hint else ""
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{table_name} must be a pandas DataFrame, not {type(frame).__name__}.{tail}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        noun = "column" if len(missing) == 1 else "columns"
        raise ValueError(
            f"The {table_name} table has no {', '.join(map(str, missing))} {noun}; "
            f"its columns are: {', '.join(map(str, frame.columns))}.{tail}"
        )
    if frame.empty and not allow_empty:
        raise ValueError(f"The {table_name} table is empty (no rows): there is nothing to analyse.")


def parse_date(value, what: str = "analysis_date") -> pd.Timestamp:
    """``value`` (text, datetime, Timestamp) as a midnight Timestamp without time zone.

    ``what`` names the date in the error raised when it is missing or unreadable.

    >>> parse_date(pd.Timestamp("2025-06-30 08:00", tz="Europe/Paris"))
    Timestamp('2025-06-30 00:00:00')
    """
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} {value!r} is not a date: use YYYY-MM-DD, e.g. 2025-12-31.") from None
    if pd.isna(stamp):
        raise ValueError(f"{what} is missing: give a date such as 2025-12-31.")
    if stamp.tzinfo is not None:
        stamp = stamp.tz_localize(None)
    return stamp.normalize()


def _shown(value) -> str:
    # Quote text so blanks and padding are visible; dates, periods and numbers read as themselves.
    return repr(value) if isinstance(value, str) else str(value)


def example_rows(frame: pd.DataFrame, mask, columns: Iterable[str], n: int = MAX_EXAMPLES) -> str:
    """The first ``n`` rows selected by ``mask`` as ``"col=value, col=value; ..."`` for an error message."""
    columns = list(columns)
    rows = frame.loc[np.asarray(mask, dtype=bool), columns].head(n)
    return "; ".join(", ".join(f"{c}={_shown(row[c])}" for c in columns) for _, row in rows.iterrows())


def unknown_channels(spend_channels: Iterable[str], subscriber_channels: Iterable[str]) -> dict[str, str | None]:
    """Each spend channel no subscriber came from -> the subscriber channel it probably means (or None).

    Blank channels are left out (they are reported as blank); the suggestion is the
    closest subscriber channel by spelling, else one equal to it up to case and spaces.
    """
    known = sorted(set(subscriber_channels) - {""})
    out: dict[str, str | None] = {}
    for ch in sorted(set(spend_channels) - set(known) - {""}):
        close = difflib.get_close_matches(ch, known, n=1, cutoff=0.6) or [
            k for k in known if k.lower() == ch.strip().lower()
        ]
        out[ch] = close[0] if close else None
    return out

