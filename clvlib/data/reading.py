"""Reading one CSV file as text columns indexed by line number, with every reason it cannot be read.

Nothing is typed here: every value stays text so that validation can quote it exactly
as the file holds it. Rows are indexed by the line of the file they start on (the
header is line 1), even when a quoted value spans lines, so every message can send the
analyst to the right line. The file's column names are then mapped to clvlib's.

>>> text = 'customer_id,note\\nS1,"two\\nlines"\\nS2,ok\\n'
>>> [(line, record) for line, record in csv_records(text, ",")]
[(1, ['customer_id', 'note']), (2, ['S1', 'two\\nlines']), (4, ['S2', 'ok'])]
"""

from __future__ import annotations

import csv
import difflib
import io
import re

import numpy as np
import pandas as pd

from clvlib.data.contract import ALL_COLUMNS
from clvlib.data.errors import MAX_EXAMPLES, Problem, plural, rows_phrase
from clvlib.data.sources import WHITESPACE, TableSource, display_path


def csv_records(text: str, separator: str):
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
    starts = [line for line, _ in csv_records(text, separator)][1:]  # drop the header
    # pandas keeps trailing blank lines that csv skips (or vice versa): fall back safely.
    return np.asarray(starts[:n_rows]) if len(starts) >= n_rows else simple


def read_raw(table: str, source: TableSource, problems: list[Problem], notes: list[str]) -> pd.DataFrame | None:
    """The file as text columns indexed by line number, after the column mapping.

    None when the file cannot be read (the reasons are appended to ``problems``); lines
    with no value at all are set aside and counted in ``notes``.
    """
    name = display_path(source.path)
    if not source.path.exists():
        problems.append(Problem(name, None, f"does not exist (the {table} table was to be read from here)"))
        return None
    if source.path.is_dir():
        problems.append(Problem(name, None, f"is a folder, not a CSV file (for the {table} table)"))
        return None
    try:
        data = source.path.read_bytes()
    except OSError as exc:  # no permission, a broken network share, ...
        reason = "you may not read it (no permission)" if isinstance(exc, PermissionError) else exc.strerror or str(exc)
        problems.append(Problem(name, None, f"cannot be opened: {reason} (the {table} table was to be read from here)"))
        return None
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
    spaced = source.separator == WHITESPACE
    try:
        raw = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=spaced,
            sep=r"\s+" if spaced else source.separator,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, csv.Error) as exc:
        problems.append(_unreadable_csv(name, text, "," if spaced else source.separator, exc))
        return None
    raw = raw.fillna("")  # short rows leave NaN even with keep_default_na=False
    if spaced:  # runs of spaces or tabs between values (a fixed-width log); no quoting
        lines = [i + 1 for i, line in enumerate(re.split(r"\r\n|\r|\n", text)) if line.strip()]
        raw.index = lines[1:len(raw) + 1]
        header = lines and re.split(r"\r\n|\r|\n", text)[lines[0] - 1].split()
    else:
        raw.index = _line_numbers(text, len(raw), source.separator)
        header = [h.strip() for h in next(csv_records(text, source.separator))[1]]
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
        records = csv_records(text, separator)
        _, header = next(records)
        too_long = [(line, record) for line, record in records if len(record) > len(header)]
    except (csv.Error, StopIteration):
        too_long = []
    if too_long:
        n = len(too_long)
        examples = tuple(
            f"line {line} ({len(rec)} values: {separator.join(rec)!r})" for line, rec in too_long[:MAX_EXAMPLES]
        )
        message = (f"has {plural(n, 'line')} with more values than the {plural(len(header), 'column')} of the header "
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
