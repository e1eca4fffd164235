"""Loading the tables of the data contract: one table, the whole dataset, and the simulator's truth.

Every loader reads a CSV, renames an analyst's own column names to clvlib's, parses
dates with a given format and checks the whole file before returning. All problems in
all files are collected and raised together in one :class:`DataValidationError` naming
the file, the column, how many rows are affected and up to five example rows (by line
number in the file, the header being line 1). No row is ever dropped silently: the only
lines set aside are those with no value at all (e.g. ``,,,,`` left by a spreadsheet),
and those are counted and reported in a :class:`DataNoteWarning` and ``Dataset.notes``.

The tables (default column names; :mod:`clvlib.data.contract` has the full list):

* subscriptions: customer_id, signup_date, cancel_date (blank = still active), plan,
  monthly_revenue, channel, and any extra covariates (kept as they are);
* orders: customer_id, order_date, order_value, and optionally channel;
* marketing_spend: month (YYYY-MM), channel, spend.

Example
-------
>>> from clvlib.data import load_dataset
>>> ds = load_dataset()            # the embedded Beanstalk Coffee data
>>> ds.subscriptions.columns[:3].tolist()
['customer_id', 'signup_date', 'cancel_date']
>>> str(ds.analysis_date.date())
'2025-12-31'
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from clvlib.data.contract import SCHEMAS, known_columns
from clvlib.data.errors import DataNoteWarning, DataValidationError, Problem
from clvlib.data.plausibility import check_amounts, check_periods
from clvlib.data.reading import read_raw
from clvlib.data.sources import (
    DATA_DIR,
    DEFAULT_ANALYSIS_DATE,
    DEFAULT_FILES,
    Dataset,
    TableSource,
    display_path,
    parse_analysis_date,
    unknown_keys_message,
)
from clvlib.data.validation import check_columns, check_rows, spend_channel_problem


def _load(
    table: str, source: TableSource, analysis_date: pd.Timestamp, problems: list[Problem], notes: list[str]
) -> pd.DataFrame | None:
    """The checked table, still indexed by line number (for cross-table messages)."""
    raw = read_raw(table, source, problems, notes)
    if raw is None:
        return None
    frame = check_columns(table, raw, source, problems)
    check_rows(table, frame, raw, analysis_date, display_path(source.path), problems, source.period_end)
    check_amounts(table, frame, raw, source.max_value, display_path(source.path), problems, notes)
    return frame


def _finish(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The contract's columns first, in contract order, then the file's extra columns; rows renumbered."""
    known = [c for c in known_columns(table) if c in frame.columns]
    extras = [c for c in frame.columns if c not in known]
    return frame[known + extras].reset_index(drop=True)


def _note(notes: list[str]) -> None:
    for note in notes:
        warnings.warn(note, DataNoteWarning, stacklevel=3)


def load_table(
    table: str,
    path: str | Path | None = None,
    columns: dict[str, str] | None = None,
    date_format: str | None = None,
    analysis_date: str | pd.Timestamp = DEFAULT_ANALYSIS_DATE,
    encoding: str = "utf-8-sig",
    separator: str = ",",
    decimal: str = ".",
    thousands: str | None = None,
) -> pd.DataFrame:
    """Load and validate one table ('subscriptions', 'orders' or 'marketing_spend').

    ``columns`` maps the file's column names to clvlib's; ``date_format`` is a strftime
    format such as ``"%d/%m/%Y"`` (or ``"DD/MM/YYYY"``; default ISO, ``YYYY-MM-DD``);
    ``decimal`` and ``thousands`` are the marks in numbers (``","`` and ``"."`` for 1.250,50).
    Raises DataValidationError listing every problem in the file.
    """
    if table not in SCHEMAS:
        raise ValueError(f"Unknown table {table!r}: use one of {', '.join(SCHEMAS)}.")
    spec = {"path": path or DEFAULT_FILES[table], "columns": dict(columns or {}), "date_format": date_format,
            "encoding": encoding, "separator": separator, "decimal": decimal, "thousands": thousands}
    problems: list[Problem] = []
    notes: list[str] = []
    source = TableSource.from_spec(table, spec, problems)
    frame = _load(table, source, pd.Timestamp(analysis_date), problems, notes) if source else None
    if problems:
        raise DataValidationError(problems)
    _note(notes)
    return _finish(table, frame)


def load_subscriptions(
    path=None, columns=None, date_format=None, analysis_date=DEFAULT_ANALYSIS_DATE,
    encoding: str = "utf-8-sig", separator: str = ",", decimal: str = ".", thousands: str | None = None,
) -> pd.DataFrame:
    """Subscriptions: one row per customer (see :func:`load_table`; reading settings as in a params file)."""
    return load_table("subscriptions", path, columns, date_format, analysis_date, encoding, separator, decimal, thousands)


def load_orders(
    path=None, columns=None, date_format=None, analysis_date=DEFAULT_ANALYSIS_DATE,
    encoding: str = "utf-8-sig", separator: str = ",", decimal: str = ".", thousands: str | None = None,
) -> pd.DataFrame:
    """Orders: one row per order (see :func:`load_table`; reading settings as in a params file)."""
    return load_table("orders", path, columns, date_format, analysis_date, encoding, separator, decimal, thousands)


def load_marketing_spend(
    path=None, columns=None, date_format=None, analysis_date=DEFAULT_ANALYSIS_DATE,
    encoding: str = "utf-8-sig", separator: str = ",", decimal: str = ".", thousands: str | None = None,
) -> pd.DataFrame:
    """Marketing spend: one row per channel and month (see :func:`load_table`; reading settings as in a params file)."""
    return load_table("marketing_spend", path, columns, date_format, analysis_date, encoding, separator, decimal, thousands)


def load_dataset(data_source: dict | None = None) -> Dataset:
    """Load all three tables, validated together; ``{}`` or None = the embedded data.

    ``data_source`` is what a params file's ``data_source:`` holds::

        analysis_date: 2026-06-30
        subscriptions: {path: my/subs.csv, columns: {cust: customer_id}, date_format: "%d/%m/%Y"}
        orders: my/orders.csv            # a plain path works when names already match
        marketing_spend: {path: my/spend.csv, separator: ";"}

    Each table entry may hold ``path``, ``columns`` (your name -> clvlib's), ``date_format``,
    ``encoding`` (default UTF-8), ``separator`` (default ","), ``decimal`` (default ".") and
    ``thousands`` (default none; "," in a comma-separated file). A table that is not named
    comes from the embedded data. Problems in all files are reported together, plus
    cross-table ones (a spend channel no subscriber came from).
    """
    problems: list[Problem] = []
    if data_source is not None and not isinstance(data_source, dict):
        raise DataValidationError(
            [Problem("data_source", None, f"must be a mapping such as {{}} or {{subscriptions: my.csv}}, "
                     f"not {type(data_source).__name__}")]
        )
    data_source = dict(data_source or {})
    allowed = ("analysis_date", *SCHEMAS)
    unknown = sorted(str(k) for k in set(data_source) - set(allowed))
    if unknown:
        problems.append(Problem("data_source", None, unknown_keys_message(unknown, allowed)))
    analysis_date = parse_analysis_date(data_source.get("analysis_date"), problems)
    sources = {t: TableSource.from_spec(t, data_source.get(t), problems) for t in SCHEMAS}
    notes: list[str] = []
    tables = {t: _load(t, s, analysis_date, problems, notes) if s else None for t, s in sources.items()}
    subs, spend = tables["subscriptions"], tables["marketing_spend"]
    if subs is not None and spend is not None and "channel" in subs and "channel" in spend:
        if problem := spend_channel_problem(subs, spend, display_path(sources["marketing_spend"].path)):
            problems.append(problem)
    period_ends = check_periods(tables, sources, analysis_date, problems, notes)
    if problems:
        raise DataValidationError(problems)
    _note(notes)
    return Dataset(
        subscriptions=_finish("subscriptions", subs),
        orders=_finish("orders", tables["orders"]),
        marketing_spend=_finish("marketing_spend", spend),
        analysis_date=analysis_date,
        files={t: s.path for t, s in sources.items()},
        is_embedded=all(s.path == DEFAULT_FILES[t] for t, s in sources.items()),
        notes=tuple(notes),
        period_ends=period_ends,
    )


@dataclass(frozen=True)
class Truth:
    """What the simulator knows and an analyst never would: the true parameters."""

    params: dict
    subscriptions: pd.DataFrame  # customer_id, churn_prob_monthly, lifetime_months (uncensored)
    orders: pd.DataFrame  # customer_id, purchase_rate_per_week, dropout_prob, mean_order_value
    people: pd.DataFrame | None = None  # customer_id (S… and C…), person_id: who is whom
    referrals: pd.DataFrame | None = None  # customer_id of each referral signup, its true referrer_id


def load_truth(data_dir: str | Path = DATA_DIR) -> Truth:
    """The true parameters behind the embedded data (written by ``make data``)."""
    truth_dir = Path(data_dir) / "truth"
    params = json.loads((truth_dir / "true_parameters.json").read_text())
    return Truth(
        params=params,
        subscriptions=pd.read_csv(truth_dir / "subscriptions_truth.csv"),
        orders=pd.read_csv(truth_dir / "orders_truth.csv"),
        people=_optional_csv(truth_dir / "people_truth.csv"),
        referrals=_optional_csv(truth_dir / "referrals_truth.csv"),
    )


def _optional_csv(path: Path) -> pd.DataFrame | None:
    """A truth table written since issue 11, as text (blank = ''), or None in an older data folder."""
    return pd.read_csv(path, dtype=str, keep_default_na=False) if path.exists() else None
