"""Checking and typing the columns of each table: dates, amounts, flags, and the rules across rows and tables.

Each check records a :class:`Problem` (with example rows by line number) and carries on,
so one load reports everything wrong at once. Values are parsed strictly: a date that
does not match the given format, a decimal comma in a decimal-point file, or a number
that could be grouped in thousands where no ``thousands`` mark was set, is reported,
never guessed.

>>> import pandas as pd
>>> parse_amounts(pd.Series(["12.5", "$1,200", "-3", "12,50", "n/a"])).tolist()
[12.5, 1200.0, -3.0, nan, nan]
>>> subs = pd.DataFrame({"channel": ["search", "social"]})
>>> spend = pd.DataFrame({"month": pd.PeriodIndex(["2025-01", "2025-02"], freq="M"),
...                       "channel": ["search", "Social"]}, index=[2, 3])
>>> print(spend_channel_problem(subs, spend, "spend.csv").describe())
column 'channel': 1 row names a channel no subscriber came from (Social); subscribers' channels are: search, social (did you mean 'Social' -> 'social'?); for example: line 3 (month='2025-02', channel='Social')
"""

from __future__ import annotations

import difflib
import re
import warnings

import numpy as np
import pandas as pd

from clvlib.core.checks import unknown_channels  # shared with clvlib.analysis.acquisition
from clvlib.data.contract import OPTIONAL_COLUMNS, SCHEMAS, known_columns
from clvlib.data.errors import Problem, plural, record_row_problem, row_problem
from clvlib.data.sources import TableSource, display_path

_TRUTHY = {"true", "1", "yes", "y", "t"}
_FALSY = {"false", "0", "no", "n", "f", ""}
_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


def format_label(fmt: str | None) -> str:
    """How a date format reads in a message, with 31 December 2025 written in it."""
    if not fmt:
        return "YYYY-MM-DD (ISO 8601, e.g. 2025-12-31)"
    return f"{fmt} (e.g. {pd.Timestamp('2025-12-31').strftime(fmt)})"


def parse_dates(values: pd.Series, date_format: str | None) -> pd.Series:
    """Dates from text; unreadable values become NaT (the caller reports them)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # mixed time zones warn; handled below
        try:
            parsed = pd.to_datetime(values, format=date_format or "ISO8601", errors="coerce")
        except (ValueError, TypeError, OverflowError):
            # pandas 3 refuses mixed time-zone offsets in one column: read value by value instead.
            parsed = values.map(lambda v: _one_local_date(v, date_format))
    if parsed.dtype == object:  # mixed time-zone offsets: keep each local wall-clock time
        parsed = pd.to_datetime(
            parsed.map(lambda t: t.tz_localize(None) if isinstance(t, pd.Timestamp) and t.tzinfo else t),
            errors="coerce",
        )
    elif isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_localize(None)
    return parsed.astype("datetime64[ns]")


def _one_local_date(value, date_format: str | None):
    """One date as its local wall-clock time (any offset dropped); NaT when unreadable."""
    try:
        stamp = pd.to_datetime(value, format=date_format or "ISO8601", errors="coerce")
    except (ValueError, TypeError, OverflowError):
        return pd.NaT
    return stamp.tz_localize(None) if isinstance(stamp, pd.Timestamp) and stamp.tzinfo else stamp


def _grouped(thousands: str, decimal: str) -> str:
    """The pattern of a number grouped by ``thousands`` (1,250 / 1.250.000,5) with ``decimal`` decimals."""
    t, d = re.escape(thousands), re.escape(decimal)
    return rf"^-?\d{{1,3}}({t}\d{{3}})+({d}\d+)?$"


def parse_amounts(text: pd.Series, decimal: str = ".", thousands: str | None = ",") -> pd.Series:
    """Numbers from text such as '12.5', '$1,200' or '-3'; anything else becomes NaN.

    ``thousands`` marks are removed only where they group digits in threes, so with the
    defaults a decimal comma ('12,50') is reported as not a number instead of silently
    read as 1250. With ``decimal=","`` a point is never read as a decimal point.

    >>> parse_amounts(pd.Series(["1.250,5", "7,5", "1.5", "35,70 €"]), decimal=",", thousands=".").tolist()
    [1250.5, 7.5, nan, 35.7]
    """
    cleaned = text.str.strip().str.replace(r"^(-?)[$€£]\s*", r"\1", regex=True).str.replace(r"\s*[$€£]$", "", regex=True)
    if thousands == " ":  # also the no-break spaces spreadsheets write between groups
        cleaned = cleaned.str.replace("\u00a0", " ", regex=False).str.replace("\u202f", " ", regex=False)
    if thousands:
        grouped = cleaned.str.match(_grouped(thousands, decimal))
        cleaned = cleaned.where(~grouped, cleaned.str.replace(thousands, "", regex=False))
    if decimal != ".":
        stray_point = cleaned.str.contains(".", regex=False)
        cleaned = cleaned.str.replace(decimal, ".", regex=False).where(~stray_point, "not a number")
    number = pd.to_numeric(cleaned, errors="coerce")
    return number.where(np.isfinite(number))


def ambiguous_grouping(text: pd.Series, decimal: str, thousands: str | None) -> pd.Series:
    """True where a value could be a thousands-grouped number and no thousands mark was set.

    In a ';' file '1,250' is 1250 to an American and 1.25 to a German; clvlib refuses to
    guess. The mark that could group is the one that is not the decimal mark.

    >>> ambiguous_grouping(pd.Series(["1,250", "7,5", "12.50"]), ".", None).tolist()
    [True, False, False]
    """
    if thousands:
        return pd.Series(False, index=text.index)
    other = "," if decimal == "." else "."
    return text.str.strip().str.match(_grouped(other, decimal))


def _number_hint(table: str, text: pd.Series, bad: pd.Series, decimal: str) -> str:
    """What to set when the unreadable values look like decimal commas (7,5) in a decimal-point file."""
    if decimal == "." and text[bad].str.strip().str.match(r"^-?\d+,\d+$").any():
        return f"; if this file writes decimal commas (7,5), set decimal: ',' in data_source.{table}"
    return ""


def _ambiguous_message(table: str, decimal: str) -> str:
    """Why a value such as 1,250 is refused in a file whose thousands mark is not set."""
    if decimal == ".":
        return ("could be thousands-grouped numbers (is 1,250 1250 or 1.25?): clvlib does not guess; "
                f"in data_source.{table} set thousands: ',' (1,250 = 1250) or decimal: ',' (1,250 = 1.25)")
    return ("could be thousands-grouped numbers (is 1.250 1250 or 1.25?): clvlib does not guess; "
            f"in data_source.{table} set thousands: '.' (1.250 = 1250), or write the decimals with a comma")


def _missing_column_problem(table: str, col: str, raw: pd.DataFrame, source: TableSource, name: str) -> Problem:
    """A required column is absent; suggest the file's column that looks like it."""
    unclaimed = [c for c in raw.columns if c not in known_columns(table)]
    normalised = {re.sub(r"[^a-z0-9]+", "_", c.lower()).strip("_"): c for c in unclaimed}
    close = difflib.get_close_matches(col, list(normalised), n=1, cutoff=0.6)
    hint = ""
    if close:
        original = normalised[close[0]]
        hint = f" A column named '{original}' looks like it: map it with columns: {{{original!r}: {col}}}."
    label = "The columns after your mapping are" if source.columns else "The file's columns are"
    return Problem(name, col, f"is missing (required for the {table} table). "
                   f"{label}: {', '.join(raw.columns)}.{hint}")


def check_columns(table: str, raw: pd.DataFrame, source: TableSource, problems: list[Problem]) -> pd.DataFrame:
    """Parse every known column, recording bad rows; return the typed frame."""
    name = display_path(source.path)
    schema = SCHEMAS[table]
    problems.extend(_missing_column_problem(table, col, raw, source, name) for col in schema if col not in raw.columns)
    out = raw.copy()
    for col, kind in {**schema, **OPTIONAL_COLUMNS[table]}.items():
        if col not in raw.columns:
            continue
        text = raw[col].astype(str).str.strip()
        blank = text.eq("")

        def flag(mask: pd.Series, predicate: str, col: str = col) -> None:
            # example_lines skips a column the file lacks and shows customer_id only once.
            record_row_problem(problems, name, col, mask, predicate, raw, ["customer_id", col])

        if kind in ("id", "category"):
            flag(blank, "are blank")
            out[col] = text
        elif kind in ("optional_id", "key"):  # blank = none; a key keeps its case and spaces for the analysis
            out[col] = (text if kind == "optional_id" else raw[col].astype(str)).where(~blank, None)
        elif kind in ("date", "optional_date"):
            parsed = parse_dates(text.where(~blank), source.date_format)
            if kind == "date":
                flag(blank, "have no date")
            flag(~blank & parsed.isna(), f"have a date that cannot be read with the format {format_label(source.date_format)}")
            out[col] = parsed
        elif kind == "month":
            parsed = parse_dates(text.where(~blank), "%Y-%m")
            retry = parsed.isna() & ~blank
            if retry.any():
                parsed[retry] = parse_dates(text[retry], source.date_format)
            flag(blank, "have no month")
            flag(~blank & parsed.isna(), f"have a month that is neither YYYY-MM (e.g. 2025-12) nor a date in the "
                 f"format {format_label(source.date_format)}")
            out[col] = parsed.dt.to_period("M")
        elif kind in ("amount", "number", "optional_number"):
            number = parse_amounts(text, source.decimal, source.grouping())
            unsure = ambiguous_grouping(text, source.decimal, source.grouping())
            if kind != "optional_number":
                flag(blank, "have no value (a number is needed)")
            flag(unsure, _ambiguous_message(table, source.decimal))
            bad = ~blank & ~unsure & number.isna()
            flag(bad, "are not numbers (write e.g. 12.50 or 1,200.00)" + _number_hint(table, text, bad, source.decimal))
            number = number.where(~unsure)
            if kind == "amount":
                flag(number < 0, "are negative (amounts must be 0 or more)")
            out[col] = number.astype(float)
        elif kind == "flag":
            lowered = text.str.lower()
            flag(~lowered.isin(_TRUTHY | _FALSY), "are not true/false (write true/false, yes/no or 1/0)")
            out[col] = lowered.isin(_TRUTHY)
    return out


def _check_dates_before(
    frame: pd.DataFrame, raw: pd.DataFrame, columns: list[str], end: pd.Timestamp, name: str,
    problems: list[Problem], own_end: bool = False,
) -> None:
    if own_end:
        after = f"are after the end of this table's period {end.date()} (is period_end right?)"
    else:
        after = (f"are after the analysis date {end.date()} (is the analysis date right? set analysis_date in "
                 "data_source, or give this table its own period_end)")
    for col in columns:
        if col not in frame.columns:
            continue
        when = frame[col].dt.start_time if isinstance(frame[col].dtype, pd.PeriodDtype) else frame[col]
        record_row_problem(problems, name, col, when > end, after, raw, ["customer_id", col])


def check_rows(
    table: str, frame: pd.DataFrame, raw: pd.DataFrame, analysis_date: pd.Timestamp, name: str,
    problems: list[Problem], period_end: pd.Timestamp | None = None,
) -> None:
    """The rules across rows of one typed table: order of dates, one row per key, nothing after the
    table's period (its own ``period_end``, else the analysis date)."""
    own_end = period_end is not None
    analysis_date = period_end if own_end else analysis_date
    if table == "subscriptions":
        if {"signup_date", "cancel_date"} <= set(frame.columns):
            record_row_problem(problems, name, "cancel_date", frame["cancel_date"] < frame["signup_date"],
                               "have a cancel date before the signup date", raw,
                               ["customer_id", "signup_date", "cancel_date"])
        if "customer_id" in frame.columns:
            ids = frame["customer_id"]
            dup = ids.duplicated(keep=False) & ids.ne("")
            n_customers = ids[dup].nunique()
            record_row_problem(problems, name, "customer_id", dup,
                               f"have a customer_id that appears more than once ({plural(n_customers, 'customer')} "
                               "repeated; one row per customer expected)", raw, ["customer_id"])
        _check_dates_before(frame, raw, ["signup_date", "cancel_date"], analysis_date, name, problems, own_end)
    elif table == "orders":
        _check_dates_before(frame, raw, ["order_date"], analysis_date, name, problems, own_end)
    elif table == "marketing_spend":
        if {"month", "channel"} <= set(frame.columns):
            dup = frame.duplicated(["month", "channel"], keep=False) & frame["month"].notna()
            record_row_problem(problems, name, "month, channel", dup,
                               "repeat the same month and channel (one row per channel and month expected)",
                               raw, ["month", "channel"])
        _check_dates_before(frame, raw, ["month"], analysis_date, name, problems, own_end)


def spend_channel_problem(subscriptions: pd.DataFrame, marketing_spend: pd.DataFrame, file: str) -> Problem | None:
    """Spend on a channel no subscriber came from cannot be turned into a CAC: the problem, or None."""
    unknown = unknown_channels(marketing_spend["channel"], subscriptions["channel"])
    if not unknown:
        return None
    known = sorted(set(subscriptions["channel"]) - {""})
    hints = [f"'{ch}' -> '{guess}'?" for ch, guess in unknown.items() if guess]
    raw = marketing_spend.assign(month=marketing_spend["month"].astype(str))
    return row_problem(
        file, "channel", marketing_spend["channel"].isin(set(unknown)),
        f"name a channel no subscriber came from ({', '.join(unknown)}); subscribers' channels are: "
        f"{', '.join(known)}" + (f" (did you mean {', '.join(hints)})" if hints else ""),
        raw, ["month", "channel"],
    )
