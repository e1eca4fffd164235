"""Loading and validating the three tables of the data contract.

Every loader reads a CSV, renames an analyst's own column names to clvlib's, parses
dates with a given format and checks the whole file before returning. All problems in
all files are collected and raised together in one :class:`DataValidationError` naming
the file, the column, how many rows are affected and up to five example rows (by line
number in the file, the header being line 1). No row is ever dropped silently: the only
lines set aside are those with no value at all (e.g. ``,,,,`` left by a spreadsheet),
and those are counted and reported in a :class:`DataNoteWarning` and ``Dataset.notes``.

The tables (default column names):

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

import csv
import difflib
import io
import json
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_ANALYSIS_DATE = "2025-12-31"
MAX_EXAMPLES = 5
README_HINT = "See data/README.md ('Using your own data') for the expected columns and formats."

# Column kinds: id (non-blank text), date, optional_date (blank allowed), month (YYYY-MM),
# amount (number >= 0), category (non-blank text), flag (true/false), number (any number).
SCHEMAS: dict[str, dict[str, str]] = {
    "subscriptions": {
        "customer_id": "id",
        "signup_date": "date",
        "cancel_date": "optional_date",
        "plan": "category",
        "monthly_revenue": "amount",
        "channel": "category",
    },
    "orders": {
        "customer_id": "id",
        "order_date": "date",
        "order_value": "amount",
    },
    "marketing_spend": {
        "month": "month",
        "channel": "category",
        "spend": "amount",
    },
}
OPTIONAL_COLUMNS: dict[str, dict[str, str]] = {
    "subscriptions": {"promo_signup": "flag", "age_years": "number"},
    "orders": {"channel": "category"},
    "marketing_spend": {},
}
DEFAULT_FILES = {name: DATA_DIR / f"{name}.csv" for name in SCHEMAS}
ALL_COLUMNS = {col for kinds in (SCHEMAS, OPTIONAL_COLUMNS) for table in kinds.values() for col in table}
TABLE_SPEC_KEYS = ("path", "columns", "date_format", "encoding", "separator")

# Plural verb -> singular verb, so messages read "1 row is ..." and "3 rows are ...".
_SINGULAR = {"are": "is", "have": "has", "repeat": "repeats", "name": "names", "do": "does"}
_TRUTHY = {"true", "1", "yes", "y", "t"}
_FALSY = {"false", "0", "no", "n", "f", ""}


def rows_phrase(count: int, plural_predicate: str) -> str:
    """'1 row is blank' / '3 rows are blank' from the plural predicate 'are blank'."""
    verb, _, rest = plural_predicate.partition(" ")
    if count == 1:
        return f"1 row {_SINGULAR.get(verb, verb)} {rest}".rstrip()
    return f"{count} rows {plural_predicate}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


@dataclass(frozen=True)
class Problem:
    """One kind of problem in one column of one file.

    ``message`` is the complete sentence after the column name, e.g. "3 rows are blank";
    ``count`` is the number of rows affected (0 when the problem is not about rows) and
    ``examples`` are up to five of them as "line N (column='value', ...)".
    """

    file: str
    column: str | None
    message: str
    count: int = 0
    examples: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.file == "data_source":  # a settings problem: name the key, not a column
            text = f"{self.column or 'data_source'} {self.message}"
        else:
            text = f"column '{self.column}': {self.message}" if self.column else f"the file {self.message}"
        if self.examples:
            more = f" (showing {len(self.examples)})" if self.count > len(self.examples) else ""
            text += f"; for example{more}: " + "; ".join(self.examples)
        return text


class DataValidationError(ValueError):
    """A data file broke the data contract; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        files = list(dict.fromkeys(p.file for p in self.problems))
        n = len(self.problems)
        lines = [f"{_plural(n, 'problem')} found in {', '.join(files)}; nothing was loaded:"]
        for p in self.problems:
            prefix = f"{p.file}: " if len(files) > 1 and p.file != "data_source" else ""
            lines.append(f"  - {prefix}{p.describe()}")
        lines.append(README_HINT)
        super().__init__("\n".join(lines))


class DataNoteWarning(UserWarning):
    """Something was set aside while loading (counted and reported, never silent)."""


@dataclass(frozen=True)
class TableSource:
    """Where one table comes from and how to read it."""

    path: Path
    columns: dict[str, str] = field(default_factory=dict)  # the file's name -> clvlib's name
    date_format: str | None = None  # strftime format, e.g. "%d/%m/%Y"; None = ISO 8601
    encoding: str = "utf-8-sig"  # utf-8, with or without the byte-order mark Excel writes
    separator: str = ","

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
                own.append(Problem("data_source", where, _unknown_keys_message(unknown, TABLE_SPEC_KEYS)))
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
                known = [*SCHEMAS[table], *OPTIONAL_COLUMNS[table]]
                close = difflib.get_close_matches(target, known, n=1, cutoff=0.75)
                if target not in known and close:
                    own.append(
                        Problem("data_source", where, f"maps '{file_col}' to '{target}', which is not a "
                                f"{table} column; did you mean '{close[0]}'? ({table} columns: {', '.join(known)})")
                    )
            fmt, fmt_problem = _normalise_date_format(spec.get("date_format"))
            if fmt_problem:
                own.append(Problem("data_source", where, fmt_problem))
            path = spec.get("path") or DEFAULT_FILES[table]
            if not isinstance(path, str | Path):
                own.append(Problem("data_source", where, f"has a path that is not text: {path!r}"))
                path = DEFAULT_FILES[table]
            separator = spec.get("separator") or ","
            if not isinstance(separator, str) or len(separator) != 1:
                own.append(Problem("data_source", where, f"has separator {separator!r}: it must be one "
                                   "character, such as ',' or ';' (write '\\t' for a tab)"))
                separator = ","
            source = cls(
                resolve_path(path),
                dict(columns),
                fmt,
                str(spec.get("encoding") or "utf-8-sig"),
                separator,
            )
        if problems is not None:
            problems.extend(own)
        elif own:
            raise DataValidationError(own)
        return None if own else source


@dataclass
class Dataset:
    """The three validated tables and the date the data were extracted."""

    subscriptions: pd.DataFrame
    orders: pd.DataFrame
    marketing_spend: pd.DataFrame
    analysis_date: pd.Timestamp
    files: dict[str, Path]
    is_embedded: bool
    notes: tuple[str, ...] = ()  # what was set aside while loading (empty for clean files)

    def describe(self) -> pd.DataFrame:
        """One row per table: file, rows, and the date range covered."""
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
                }
            )
        return pd.DataFrame(rows).set_index("table")


def resolve_path(path: str | Path) -> Path:
    """A relative path is looked up from the working folder, then the project root."""
    p = Path(path).expanduser()
    if p.is_absolute() or p.exists():
        return p
    candidate = PROJECT_ROOT / p
    return candidate if candidate.exists() else p


def _display(path: Path) -> str:
    """The path as a person would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _unknown_keys_message(unknown: list[str], allowed: tuple[str, ...] | list[str]) -> str:
    parts = []
    for key in unknown:
        close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.5)
        parts.append(f"'{key}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
    noun = "keys" if len(unknown) > 1 else "key"
    return f"has unknown {noun} {', '.join(parts)}; allowed: {', '.join(allowed)}"


_FORMAT_TOKENS = [("YYYY", "%Y"), ("YY", "%y"), ("MM", "%m"), ("DD", "%d")]


def _normalise_date_format(fmt: Any) -> tuple[str | None, str | None]:
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


def _format_label(fmt: str | None) -> str:
    if not fmt:
        return "YYYY-MM-DD (ISO 8601, e.g. 2025-12-31)"
    return f"{fmt} (e.g. {pd.Timestamp('2025-12-31').strftime(fmt)})"


def _examples(raw: pd.DataFrame, mask: pd.Series, columns: list[str]) -> tuple[str, ...]:
    """Up to MAX_EXAMPLES bad rows as "line N (customer_id='...', col='...')".

    ``raw`` is indexed by line number in the file, so no arithmetic is needed here.
    """
    out = []
    for line in raw.index[mask.to_numpy(dtype=bool)][:MAX_EXAMPLES]:
        values = ", ".join(f"{c}={raw.at[line, c]!r}" for c in dict.fromkeys(columns) if c in raw.columns)
        out.append(f"line {line} ({values})")
    return tuple(out)


def _row_problem(
    problems: list[Problem], name: str, column: str, mask: pd.Series, predicate: str,
    raw: pd.DataFrame, show: list[str],
) -> None:
    """Record a problem about the rows in ``mask`` (nothing when the mask is empty)."""
    mask = mask.fillna(False).astype(bool)
    count = int(mask.sum())
    if count:
        problems.append(Problem(name, column, rows_phrase(count, predicate), count, _examples(raw, mask, show)))


def _csv_records(text: str, separator: str):
    """Each CSV record with the line of the file it starts on (the header is line 1)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    start = 1
    for record in reader:
        yield start, record
        start = reader.line_num + 1


def _line_numbers(text: str, n_rows: int, separator: str) -> np.ndarray:
    """Line in the file where each data row starts (header = line 1).

    pandas numbers records, not lines; they differ only when a quoted value spans lines,
    so the slower csv-module pass is taken only when the text has quotes.
    """
    simple = np.arange(2, n_rows + 2)
    if '"' not in text:
        return simple
    starts = [line for line, _ in _csv_records(text, separator)][1:]  # drop the header
    # pandas keeps trailing blank lines that csv skips (or vice versa): fall back safely.
    return np.asarray(starts[:n_rows]) if len(starts) >= n_rows else simple


def _read_raw(table: str, source: TableSource, problems: list[Problem], notes: list[str]) -> pd.DataFrame | None:
    """The file as text columns indexed by line number, after the column mapping."""
    name = _display(source.path)
    if not source.path.exists():
        problems.append(Problem(name, None, f"does not exist (the {table} table was to be read from here)"))
        return None
    if source.path.is_dir():
        problems.append(Problem(name, None, f"is a folder, not a CSV file (for the {table} table)"))
        return None
    data = source.path.read_bytes()
    if not data:
        problems.append(Problem(name, None, "is empty (0 bytes): expected a header line and at least one row"))
        return None
    try:
        text = data.decode(source.encoding)
    except LookupError:
        problems.append(Problem(name, None, f"has an unknown encoding {source.encoding!r} in data_source"))
        return None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(
            Problem(name, None, f"is not {source.encoding} text (an unreadable byte on line {line}): save it as "
                    "'CSV UTF-8', or give its encoding in data_source, e.g. encoding: cp1252")
        )
        return None
    text = text.lstrip("\ufeff")
    if not text.strip():
        problems.append(Problem(name, None, "is empty (only blank lines): expected a header line and rows"))
        return None
    try:
        raw = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False, sep=source.separator,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, csv.Error) as exc:
        problems.append(_unreadable_csv(name, text, source.separator, exc))
        return None
    raw = raw.fillna("")  # short rows leave NaN even with keep_default_na=False
    raw.index = _line_numbers(text, len(raw), source.separator)
    header = [h.strip() for h in next(_csv_records(text, source.separator))[1]]
    raw.columns = [str(c).strip() for c in raw.columns]
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    for col in repeated:
        problems.append(Problem(name, col, f"appears {header.count(col)} times in the header; "
                                "keep one (or rename the others)"))
    if repeated:
        return None  # which of the repeated columns holds the data is anyone's guess

    # Lines with no value at all are not rows; count and report them rather than fail.
    empty = raw.apply(lambda c: c.str.strip().eq("")).all(axis=1)
    set_aside = empty & pd.Series(_line_has_text(text, raw.index), index=raw.index)
    if set_aside.any():
        lines = ", ".join(str(i) for i in raw.index[set_aside.to_numpy()][:MAX_EXAMPLES])
        notes.append(f"{name}: {rows_phrase(int(set_aside.sum()), 'have no value in any column')} and "
                     f"{'was' if set_aside.sum() == 1 else 'were'} set aside "
                     f"(line{'s' if set_aside.sum() > 1 else ''} {lines})")
    raw = raw[~empty]
    if raw.empty:
        problems.append(Problem(name, None, "has a header but no rows"))
        return None
    if len(raw.columns) == 1:
        for sep in [c for c in (",", ";", "\t", "|") if c != source.separator]:
            if sep in raw.columns[0]:
                shown = "\\t" if sep == "\t" else sep
                problems.append(Problem(name, None, f"has one column only; it seems to use {shown!r} between "
                                        f"values: add separator: {shown!r} to its data_source entry"))
                return None
    return _apply_mapping(raw, source, name, problems)


def _unreadable_csv(name: str, text: str, separator: str, exc: Exception) -> Problem:
    """Why pandas could not read the file; usually lines with more values than the header."""
    try:
        records = _csv_records(text, separator)
        _, header = next(records)
        too_long = [(line, record) for line, record in records if len(record) > len(header)]
    except (csv.Error, StopIteration):
        too_long = []
    if too_long:
        n = len(too_long)
        examples = tuple(
            f"line {line} ({len(rec)} values: {separator.join(rec)!r})" for line, rec in too_long[:MAX_EXAMPLES]
        )
        message = (f"has {_plural(n, 'line')} with more values than the {_plural(len(header), 'column')} of the header "
                   f"(a value that contains {separator!r}, such as $1,200, must be in double quotes: \"$1,200\")")
        return Problem(name, None, message, n, examples)
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return Problem(name, None, f"could not be read as CSV ({reason})")


def _line_has_text(text: str, lines: pd.Index) -> list[bool]:
    """For each line number: does the line hold something (e.g. ',,,') rather than nothing?"""
    physical = re.split(r"\r\n|\r|\n", text)
    out = []
    for line in lines:
        content = physical[line - 1] if 0 < line <= len(physical) else ""
        out.append(bool(content.strip()))
    return out


def _apply_mapping(raw: pd.DataFrame, source: TableSource, name: str, problems: list[Problem]) -> pd.DataFrame:
    """Rename the file's columns to clvlib's, reporting every mapping that cannot apply."""
    rename: dict[str, str] = {}
    columns_text = ", ".join(raw.columns)
    targets = list(source.columns.values())
    for file_col, target in source.columns.items():
        if file_col not in raw.columns:
            hint = ""
            if target in raw.columns and file_col in ALL_COLUMNS:
                hint = (f" The mapping goes from your file's name to clvlib's: write {{{target}: {file_col}}}.")
            elif close := difflib.get_close_matches(file_col, list(raw.columns), n=1, cutoff=0.6):
                hint = f" Did you mean '{close[0]}'?"
            problems.append(
                Problem(name, file_col, f"is named in the column mapping ({file_col} -> {target}) but the file "
                        f"has no such column; its columns are: {columns_text}.{hint}")
            )
        elif target != file_col and target in raw.columns and target not in source.columns:
            problems.append(
                Problem(name, target, f"exists in the file and '{file_col}' is also mapped to it; "
                        f"map only one column to '{target}'")
            )
        elif targets.count(target) > 1:
            if file_col == next(k for k, v in source.columns.items() if v == target):  # report once
                problems.append(Problem(name, target, f"is the target of more than one mapped column "
                                        f"({', '.join(k for k, v in source.columns.items() if v == target)})"))
        else:
            rename[file_col] = target
    return raw.rename(columns=rename)


def _parse_dates(values: pd.Series, date_format: str | None) -> pd.Series:
    """Dates from text; unreadable values become NaT (the caller reports them)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # mixed time zones warn; handled below
        try:
            parsed = pd.to_datetime(values, format=date_format or "ISO8601", errors="coerce")
        except (ValueError, TypeError, OverflowError):
            parsed = pd.Series(pd.NaT, index=values.index)
    if parsed.dtype == object:  # mixed time-zone offsets: keep each local wall-clock time
        parsed = pd.to_datetime(
            parsed.map(lambda t: t.tz_localize(None) if isinstance(t, pd.Timestamp) and t.tzinfo else t),
            errors="coerce",
        )
    elif isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_localize(None)
    return parsed.astype("datetime64[ns]")


_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


def _parse_amounts(text: pd.Series) -> pd.Series:
    """Numbers from text such as '12.5', '$1,200' or '-3'; anything else becomes NaN.

    Commas are removed only where they separate thousands, so a decimal comma ('12,50')
    is reported as not a number instead of silently read as 1250.
    """
    cleaned = text.str.replace(r"\s+", "", regex=True).str.replace(r"^(-?)[$€£]", r"\1", regex=True)
    thousands = cleaned.str.match(_THOUSANDS)
    cleaned = cleaned.where(~thousands, cleaned.str.replace(",", "", regex=False))
    number = pd.to_numeric(cleaned, errors="coerce")
    return number.where(np.isfinite(number))


def _check_columns(table: str, raw: pd.DataFrame, source: TableSource, problems: list[Problem]) -> pd.DataFrame:
    """Parse every known column, recording bad rows; return the typed frame."""
    name = _display(source.path)
    schema = SCHEMAS[table]
    known = [*schema, *OPTIONAL_COLUMNS[table]]
    unclaimed = [c for c in raw.columns if c not in known]
    for col in schema:
        if col in raw.columns:
            continue
        normalised = {re.sub(r"[^a-z0-9]+", "_", c.lower()).strip("_"): c for c in unclaimed}
        close = difflib.get_close_matches(col, list(normalised), n=1, cutoff=0.6)
        hint = ""
        if close:
            original = normalised[close[0]]
            hint = f" A column named '{original}' looks like it: map it with columns: {{{original!r}: {col}}}."
        label = "The columns after your mapping are" if source.columns else "The file's columns are"
        problems.append(
            Problem(name, col, f"is missing (required for the {table} table). "
                    f"{label}: {', '.join(raw.columns)}.{hint}")
        )
    out = raw.copy()
    for col, kind in {**schema, **OPTIONAL_COLUMNS[table]}.items():
        if col not in raw.columns:
            continue
        text = raw[col].astype(str).str.strip()
        blank = text.eq("")

        def flag(mask: pd.Series, predicate: str, col: str = col) -> None:
            # _examples skips a column the file lacks and shows customer_id only once.
            _row_problem(problems, name, col, mask, predicate, raw, ["customer_id", col])

        if kind in ("id", "category"):
            flag(blank, "are blank")
            out[col] = text
        elif kind in ("date", "optional_date"):
            parsed = _parse_dates(text.where(~blank), source.date_format)
            if kind == "date":
                flag(blank, "have no date")
            flag(~blank & parsed.isna(), f"have a date that cannot be read with the format {_format_label(source.date_format)}")
            out[col] = parsed
        elif kind == "month":
            parsed = _parse_dates(text.where(~blank), "%Y-%m")
            retry = parsed.isna() & ~blank
            if retry.any():
                parsed[retry] = _parse_dates(text[retry], source.date_format)
            flag(blank, "have no month")
            flag(~blank & parsed.isna(), f"have a month that is neither YYYY-MM (e.g. 2025-12) nor a date in the "
                 f"format {_format_label(source.date_format)}")
            out[col] = parsed.dt.to_period("M")
        elif kind in ("amount", "number"):
            number = _parse_amounts(text)
            flag(blank, "have no value (a number is needed)")
            flag(~blank & number.isna(), "are not numbers (write e.g. 12.50 or 1,200.00)")
            if kind == "amount":
                flag(number < 0, "are negative (amounts must be 0 or more)")
            out[col] = number.astype(float)
        elif kind == "flag":
            lowered = text.str.lower()
            flag(~lowered.isin(_TRUTHY | _FALSY), "are not true/false (write true/false, yes/no or 1/0)")
            out[col] = lowered.isin(_TRUTHY)
    return out


def _check_dates_before(
    frame: pd.DataFrame, raw: pd.DataFrame, columns: list[str], analysis_date: pd.Timestamp, name: str,
    problems: list[Problem],
) -> None:
    for col in columns:
        if col not in frame.columns:
            continue
        when = frame[col].dt.start_time if isinstance(frame[col].dtype, pd.PeriodDtype) else frame[col]
        _row_problem(
            problems, name, col, when > analysis_date,
            f"are after the analysis date {analysis_date.date()} (is the analysis date right? "
            "set analysis_date in data_source)", raw, ["customer_id", col],
        )


def _finish(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    known = [c for c in [*SCHEMAS[table], *OPTIONAL_COLUMNS[table]] if c in frame.columns]
    extras = [c for c in frame.columns if c not in known]
    return frame[known + extras].reset_index(drop=True)


def _load(
    table: str, source: TableSource, analysis_date: pd.Timestamp, problems: list[Problem], notes: list[str]
) -> pd.DataFrame | None:
    """The checked table, still indexed by line number (for cross-table messages)."""
    raw = _read_raw(table, source, problems, notes)
    if raw is None:
        return None
    frame = _check_columns(table, raw, source, problems)
    name = _display(source.path)
    if table == "subscriptions":
        if {"signup_date", "cancel_date"} <= set(frame.columns):
            _row_problem(problems, name, "cancel_date", frame["cancel_date"] < frame["signup_date"],
                         "have a cancel date before the signup date", raw,
                         ["customer_id", "signup_date", "cancel_date"])
        if "customer_id" in frame.columns:
            ids = frame["customer_id"]
            dup = ids.duplicated(keep=False) & ids.ne("")
            n_customers = ids[dup].nunique()
            _row_problem(problems, name, "customer_id", dup,
                         f"have a customer_id that appears more than once ({_plural(n_customers, 'customer')} "
                         "repeated; one row per customer expected)", raw, ["customer_id"])
        _check_dates_before(frame, raw, ["signup_date", "cancel_date"], analysis_date, name, problems)
    elif table == "orders":
        _check_dates_before(frame, raw, ["order_date"], analysis_date, name, problems)
    elif table == "marketing_spend":
        if {"month", "channel"} <= set(frame.columns):
            dup = frame.duplicated(["month", "channel"], keep=False) & frame["month"].notna()
            _row_problem(problems, name, "month, channel", dup,
                         "repeat the same month and channel (one row per channel and month expected)",
                         raw, ["month", "channel"])
        _check_dates_before(frame, raw, ["month"], analysis_date, name, problems)
    return frame


def _check_spend_channels(subs: pd.DataFrame, spend: pd.DataFrame, name: str, problems: list[Problem]) -> None:
    """Spend on a channel no subscriber came from cannot be turned into a CAC."""
    known = sorted(set(subs["channel"]) - {""})
    unknown = ~spend["channel"].isin(set(known)) & spend["channel"].ne("")
    if not unknown.any():
        return
    names = sorted(spend.loc[unknown, "channel"].unique())
    hints = []
    for ch in names:
        close = difflib.get_close_matches(ch, known, n=1, cutoff=0.6) or [
            k for k in known if k.lower() == ch.strip().lower()
        ]
        if close:
            hints.append(f"'{ch}' -> '{close[0]}'?")
    raw = spend.assign(month=spend["month"].astype(str))
    _row_problem(
        problems, name, "channel", unknown,
        f"name a channel no subscriber came from ({', '.join(names)}); subscribers' channels are: "
        f"{', '.join(known)}" + (f" (did you mean {', '.join(hints)})" if hints else ""),
        raw, ["month", "channel"],
    )


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
) -> pd.DataFrame:
    """Load and validate one table ('subscriptions', 'orders' or 'marketing_spend').

    ``columns`` maps the file's column names to clvlib's; ``date_format`` is a strftime
    format such as ``"%d/%m/%Y"`` (or ``"DD/MM/YYYY"``; default ISO, ``YYYY-MM-DD``).
    Raises DataValidationError listing every problem in the file.
    """
    if table not in SCHEMAS:
        raise ValueError(f"Unknown table {table!r}: use one of {', '.join(SCHEMAS)}.")
    spec = {"path": path or DEFAULT_FILES[table], "columns": dict(columns or {}), "date_format": date_format,
            "encoding": encoding, "separator": separator}
    problems: list[Problem] = []
    notes: list[str] = []
    source = TableSource.from_spec(table, spec, problems)
    frame = _load(table, source, pd.Timestamp(analysis_date), problems, notes) if source else None
    if problems:
        raise DataValidationError(problems)
    _note(notes)
    return _finish(table, frame)


def load_subscriptions(path=None, columns=None, date_format=None, analysis_date=DEFAULT_ANALYSIS_DATE) -> pd.DataFrame:
    """Subscriptions: one row per customer (see :func:`load_table`)."""
    return load_table("subscriptions", path, columns, date_format, analysis_date)


def load_orders(path=None, columns=None, date_format=None, analysis_date=DEFAULT_ANALYSIS_DATE) -> pd.DataFrame:
    """Orders: one row per order (see :func:`load_table`)."""
    return load_table("orders", path, columns, date_format, analysis_date)


def load_marketing_spend(path=None, columns=None, date_format=None, analysis_date=DEFAULT_ANALYSIS_DATE) -> pd.DataFrame:
    """Marketing spend: one row per channel and month (see :func:`load_table`)."""
    return load_table("marketing_spend", path, columns, date_format, analysis_date)


def _analysis_date(value: Any, problems: list[Problem]) -> pd.Timestamp:
    if value is None or value == "":
        return pd.Timestamp(DEFAULT_ANALYSIS_DATE)
    try:
        stamp = pd.Timestamp(str(value))
    except (ValueError, TypeError, OverflowError):
        stamp = pd.NaT
    if pd.isna(stamp):
        problems.append(Problem("data_source", "data_source.analysis_date", f"is not a date: {value!r} (write e.g. 2025-12-31)"))
        return pd.Timestamp(DEFAULT_ANALYSIS_DATE)
    return stamp.tz_localize(None) if stamp.tzinfo else stamp


def load_dataset(data_source: dict | None = None) -> Dataset:
    """Load all three tables, validated together; ``{}`` or None = the embedded data.

    ``data_source`` is what a params file's ``data_source:`` holds::

        analysis_date: 2026-06-30
        subscriptions: {path: my/subs.csv, columns: {cust: customer_id}, date_format: "%d/%m/%Y"}
        orders: my/orders.csv            # a plain path works when names already match
        marketing_spend: {path: my/spend.csv, separator: ";"}

    Each table entry may hold ``path``, ``columns`` (your name -> clvlib's), ``date_format``,
    ``encoding`` (default UTF-8) and ``separator`` (default ","). A table that is not named
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
        problems.append(Problem("data_source", None, _unknown_keys_message(unknown, allowed)))
    analysis_date = _analysis_date(data_source.get("analysis_date"), problems)
    sources = {t: TableSource.from_spec(t, data_source.get(t), problems) for t in SCHEMAS}
    notes: list[str] = []
    tables = {t: _load(t, s, analysis_date, problems, notes) if s else None for t, s in sources.items()}
    subs, spend = tables["subscriptions"], tables["marketing_spend"]
    if subs is not None and spend is not None and "channel" in subs and "channel" in spend:
        _check_spend_channels(subs, spend, _display(sources["marketing_spend"].path), problems)
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
    )


@dataclass(frozen=True)
class Truth:
    """What the simulator knows and an analyst never would: the true parameters."""

    params: dict
    subscriptions: pd.DataFrame  # customer_id, churn_prob_monthly, lifetime_months (uncensored)
    orders: pd.DataFrame  # customer_id, purchase_rate_per_week, dropout_prob, mean_order_value


def load_truth(data_dir: str | Path = DATA_DIR) -> Truth:
    """The true parameters behind the embedded data (written by ``make data``)."""
    truth_dir = Path(data_dir) / "truth"
    params = json.loads((truth_dir / "true_parameters.json").read_text())
    return Truth(
        params=params,
        subscriptions=pd.read_csv(truth_dir / "subscriptions_truth.csv"),
        orders=pd.read_csv(truth_dir / "orders_truth.csv"),
    )
