"""Where the tables come from: project paths, the ``data_source`` settings, and the loaded Dataset.

A params file's ``data_source:`` entry names, for each table, a file and how to read it
(column mapping, date format, encoding, separator, decimal and thousands marks). :class:`TableSource` is one such
entry after checking; every malformed setting becomes a :class:`Problem` naming the
key, so a typo in the settings is reported with the problems in the files.

>>> TableSource.from_spec("orders", None).path == DEFAULT_FILES["orders"]
True
>>> normalise_date_format("DD/MM/YYYY")
('%d/%m/%Y', None)
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from clvlib.data.bundled import embedded_data_dir
from clvlib.data.contract import SCHEMAS, known_columns
from clvlib.data.errors import DataValidationError, Problem

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = embedded_data_dir()  # the checkout's data/, or the copy inside an installed wheel
DEFAULT_ANALYSIS_DATE = "2025-12-31"
DEFAULT_FILES = {name: DATA_DIR / f"{name}.csv" for name in SCHEMAS}
TABLE_SPEC_KEYS = ("path", "columns", "date_format", "encoding", "separator", "decimal", "thousands", "period_end",
                   "max_order_value")
DECIMAL_MARKS = (".", ",")
WHITESPACE = "whitespace"  # the separator setting for values lined up with runs of spaces
THOUSANDS_MARKS = (",", ".", " ", "'")
_FORMAT_TOKENS = [("YYYY", "%Y"), ("YY", "%y"), ("MM", "%m"), ("DD", "%d")]


def resolve_path(path: str | Path) -> Path:
    """A relative path is looked up from the working folder, then the project root."""
    p = Path(path).expanduser()
    if p.is_absolute() or p.exists():
        return p
    candidate = PROJECT_ROOT / p
    return candidate if candidate.exists() else p


def display_path(path: Path) -> str:
    """The path as a person would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def unknown_keys_message(unknown: list[str], allowed: tuple[str, ...] | list[str]) -> str:
    """'has unknown key 'pth' (did you mean 'path'?); allowed: ...' for settings keys nobody reads."""
    parts = []
    for key in unknown:
        close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.5)
        parts.append(f"'{key}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
    noun = "keys" if len(unknown) > 1 else "key"
    return f"has unknown {noun} {', '.join(parts)}; allowed: {', '.join(allowed)}"


def normalise_date_format(fmt: Any) -> tuple[str | None, str | None]:
    """A strftime format from '%d/%m/%Y' or the spreadsheet style 'DD/MM/YYYY'; or a problem."""
    if fmt is None or fmt == "":
        return None, None
    if not isinstance(fmt, str):
        return None, f"date_format must be text such as '%d/%m/%Y', not {fmt!r}"
    out = fmt
    if "%" not in out:
        for token, directive in _FORMAT_TOKENS:
            out = re.sub(token, directive, out, flags=re.IGNORECASE)
    # A usable format must read back the date it writes (catches '%Q', or a format with no year).
    probe = pd.Timestamp("2025-12-31")
    try:
        ok = pd.to_datetime(pd.Series([probe.strftime(out)]), format=out, errors="coerce").iloc[0] == probe
    except (ValueError, TypeError):
        ok = False
    if not ok:
        return None, (f"date_format {fmt!r} cannot read dates: use strftime codes, e.g. '%d/%m/%Y' "
                      "for 31/12/2025 or '%m/%d/%Y' for 12/31/2025")
    return out, None


def parse_analysis_date(value: Any, problems: list[Problem]) -> pd.Timestamp:
    """``data_source.analysis_date`` as a Timestamp; the default when blank or (problem recorded) unreadable.

    Written YYYY-MM-DD whatever the tables' ``date_format``: '05/06/2025' could be either
    of two days and '2025' none in particular, so both are refused, never guessed.

    >>> problems = []
    >>> parse_analysis_date("2025-06-30", problems), parse_analysis_date("05/06/2025", problems).date()
    (Timestamp('2025-06-30 00:00:00'), datetime.date(2025, 12, 31))
    >>> print(problems[0].describe())
    data_source.analysis_date is not a date written YYYY-MM-DD: '05/06/2025' (write e.g. 2025-12-31, whatever the tables' date_format)
    """
    if value is None or value == "":
        return pd.Timestamp(DEFAULT_ANALYSIS_DATE)
    stamp = pd.NaT
    if isinstance(value, dt.date):  # a date YAML read unquoted, or a Timestamp
        stamp = pd.Timestamp(value)
    elif isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            stamp = pd.Timestamp(value.strip())
        except ValueError:  # 2025-02-30
            stamp = pd.NaT
    if pd.isna(stamp):
        problems.append(Problem("data_source", "data_source.analysis_date", f"is not a date written YYYY-MM-DD: "
                                f"{value!r} (write e.g. 2025-12-31, whatever the tables' date_format)"))
        return pd.Timestamp(DEFAULT_ANALYSIS_DATE)
    return stamp.tz_localize(None) if stamp.tzinfo else stamp


@dataclass(frozen=True)
class TableSource:
    """Where one table comes from and how to read it."""

    path: Path
    columns: dict[str, str] = field(default_factory=dict)  # the file's name -> clvlib's name
    date_format: str | None = None  # strftime format, e.g. "%d/%m/%Y"; None = ISO 8601
    encoding: str = "utf-8-sig"  # utf-8, with or without the byte-order mark Excel writes
    separator: str = ","
    decimal: str = "."  # the decimal mark: "." (12.50) or "," (12,50)
    thousands: str | None = None  # the grouping mark (1,250 or 1.250); None = the file has none
    period_end: pd.Timestamp | None = None  # the last day this export covers; None = the analysis date
    max_value: float | None = None  # orders only: an order above this many dollars is refused

    def grouping(self) -> str | None:
        """The thousands mark in effect: the one set, else ',' in a comma-separated file with a decimal point.

        A comma inside a comma-separated file survives only in quotes ("$1,250.00"), so
        it was written on purpose as grouping; in a ';' or tab file it could as well be a
        decimal comma, so nothing is assumed there.
        """
        if self.thousands:
            return self.thousands
        return "," if self.separator == "," and self.decimal == "." else None

    @classmethod
    def from_spec(cls, table: str, spec: Any, problems: list[Problem] | None = None) -> TableSource | None:
        """Build from a params-file entry; None (and problems recorded) when it is malformed."""
        own: list[Problem] = []
        where = f"data_source.{table}"
        source = None
        if spec is None or spec == "" or spec == {}:
            source = cls(DEFAULT_FILES[table])
        elif isinstance(spec, str | Path):
            source = cls(resolve_path(spec))
        elif not isinstance(spec, dict):
            own.append(Problem("data_source", where, f"must be a file path or a mapping, not {type(spec).__name__}"))
        else:
            unknown = sorted(str(k) for k in set(spec) - set(TABLE_SPEC_KEYS))
            if unknown:
                own.append(Problem("data_source", where, unknown_keys_message(unknown, TABLE_SPEC_KEYS)))
            columns = spec.get("columns") or {}
            if not isinstance(columns, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in columns.items()
            ):
                own.append(
                    Problem("data_source", where, "has 'columns' that is not a mapping of your column name to "
                            "clvlib's, e.g. columns: {cust_no: customer_id}")
                )
                columns = {}
            for file_col, target in columns.items():
                known = known_columns(table)
                close = difflib.get_close_matches(target, known, n=1, cutoff=0.75)
                if target not in known and close:
                    own.append(
                        Problem("data_source", where, f"maps '{file_col}' to '{target}', which is not a "
                                f"{table} column; did you mean '{close[0]}'? ({table} columns: {', '.join(known)})")
                    )
            fmt, fmt_problem = normalise_date_format(spec.get("date_format"))
            if fmt_problem:
                own.append(Problem("data_source", where, fmt_problem))
            path = spec.get("path") or DEFAULT_FILES[table]
            if not isinstance(path, str | Path):
                own.append(Problem("data_source", where, f"has a path that is not text: {path!r}"))
                path = DEFAULT_FILES[table]
            separator = spec.get("separator") or ","
            if not isinstance(separator, str) or (len(separator) != 1 and separator != WHITESPACE):
                own.append(Problem("data_source", where, f"has separator {separator!r}: it must be one "
                                   "character, such as ',' or ';' (write '\\t' for a tab), or the word "
                                   f"{WHITESPACE} (runs of spaces)"))
                separator = ","
            decimal, thousands = _number_marks(spec, own, where)
            period_end = _period_end(spec.get("period_end"), own, where)
            max_value = _max_value(table, spec.get("max_order_value"), own, where)
            source = cls(
                resolve_path(path),
                dict(columns),
                fmt,
                str(spec.get("encoding") or "utf-8-sig"),
                separator,
                decimal,
                thousands,
                period_end,
                max_value,
            )
        if problems is not None:
            problems.extend(own)
        elif own:
            raise DataValidationError(own)
        return None if own else source


def _period_end(value: Any, problems: list[Problem], where: str) -> pd.Timestamp | None:
    """A table's own ``period_end`` (YYYY-MM-DD), or None when not set (problem recorded if unreadable)."""
    if value is None or value == "":
        return None
    own: list[Problem] = []
    day = parse_analysis_date(value, own)
    if own:
        problems.append(Problem("data_source", where, f"has period_end {value!r}: write the last day the export "
                                "covers as YYYY-MM-DD, e.g. period_end: 1998-06-30"))
        return None
    return day


def _max_value(table: str, value: Any, problems: list[Problem], where: str) -> float | None:
    """``max_order_value`` of the orders table: a positive number of dollars, or None."""
    if value is None or value == "":
        return None
    if table != "orders":
        problems.append(Problem("data_source", where, "has max_order_value, which only the orders table takes"))
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        problems.append(Problem("data_source", where, f"has max_order_value {value!r}: write a number of dollars "
                                "above 0, e.g. max_order_value: 5000"))
        return None
    return float(value)


def _number_marks(spec: dict, problems: list[Problem], where: str) -> tuple[str, str | None]:
    """The ``decimal`` and ``thousands`` settings of one table entry, checked (problems recorded)."""
    decimal = spec.get("decimal") or "."
    if decimal not in DECIMAL_MARKS:
        problems.append(Problem("data_source", where, f"has decimal {decimal!r}: write decimal: '.' (12.50) "
                                "or decimal: ',' (12,50)"))
        decimal = "."
    thousands = spec.get("thousands") or None
    if thousands is not None and thousands not in THOUSANDS_MARKS:
        problems.append(Problem("data_source", where, f"has thousands {thousands!r}: write one of "
                                f"{', '.join(repr(m) for m in THOUSANDS_MARKS)} (or leave it out when numbers "
                                "have no grouping)"))
        thousands = None
    if thousands is not None and thousands == decimal:
        problems.append(Problem("data_source", where, f"has the same mark {decimal!r} for decimal and "
                                "thousands: they must differ (e.g. decimal: ',' with thousands: '.')"))
        thousands = None
    return decimal, thousands


@dataclass
class Dataset:
    """The three validated tables and the date the data were extracted."""

    subscriptions: pd.DataFrame
    orders: pd.DataFrame
    marketing_spend: pd.DataFrame
    analysis_date: pd.Timestamp
    files: dict[str, Path]
    is_embedded: bool
    notes: tuple[str, ...] = ()  # what was set aside or flagged while loading (empty for clean files)
    period_ends: dict[str, pd.Timestamp] = field(default_factory=dict)  # tables with a period_end of their own

    def period_end(self, table: str) -> pd.Timestamp:
        """The last day ``table`` covers: its own ``period_end`` if it has one, else the analysis date."""
        return self.period_ends.get(table, self.analysis_date)

    def describe(self) -> pd.DataFrame:
        """One row per table: file, rows, the first and last record, and the last day the table covers."""
        rows = []
        for name, col in (("subscriptions", "signup_date"), ("orders", "order_date"), ("marketing_spend", "month")):
            table = getattr(self, name)
            dates = table[col].dt.start_time if col == "month" else table[col]
            rows.append(
                {
                    "table": name,
                    "file": str(self.files[name]),
                    "rows": len(table),
                    "first": dates.min().date() if len(table) else None,
                    "last": dates.max().date() if len(table) else None,
                    "period_end": self.period_end(name).date(),
                }
            )
        return pd.DataFrame(rows).set_index("table")
