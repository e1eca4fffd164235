"""Loading and validating the three tables of the data contract.

Every loader reads a CSV, renames an analyst's own column names to clvlib's, parses
dates with a given format and checks the whole file before returning. All problems in
a file are collected and raised together in one :class:`DataValidationError` naming the
file, the column, how many rows are affected and up to five example rows (by line
number in the file, the header being line 1). No row is ever dropped silently.

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

import difflib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_ANALYSIS_DATE = "2025-12-31"
MAX_EXAMPLES = 5

# Column kinds: id (non-blank text), date, optional_date (blank allowed), amount
# (number >= 0), category (non-blank text), flag (true/false), number (any number).
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


@dataclass(frozen=True)
class Problem:
    """One kind of problem in one column of one file."""

    file: str
    column: str | None
    message: str
    count: int = 0
    examples: tuple[str, ...] = ()

    def describe(self) -> str:
        where = f"column '{self.column}'" if self.column else "the file"
        rows = f": {self.count} row{'s' if self.count != 1 else ''}" if self.count else ""
        text = f"{where}{rows} {self.message}"
        if self.examples:
            text += "; for example " + "; ".join(self.examples)
        return text


class DataValidationError(ValueError):
    """A data file broke the data contract; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        files = sorted({p.file for p in self.problems})
        lines = [f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''} in {', '.join(files)}:"]
        for p in self.problems:
            prefix = f"{p.file}: " if len(files) > 1 else ""
            lines.append(f"  - {prefix}{p.describe()}")
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class TableSource:
    """Where one table comes from and how to read it."""

    path: Path
    columns: dict[str, str] = field(default_factory=dict)  # the file's name -> clvlib's name
    date_format: str | None = None  # strftime format, e.g. "%d/%m/%Y"; None = ISO 8601

    @classmethod
    def from_spec(cls, table: str, spec: Any) -> TableSource:
        if spec is None or spec == "" or spec == {}:
            return cls(DEFAULT_FILES[table])
        if isinstance(spec, str | Path):
            return cls(_resolve(spec))
        if not isinstance(spec, dict):
            raise DataValidationError(
                [Problem("data_source", table, f"must be a file path or a mapping, not {type(spec).__name__}")]
            )
        allowed = {"path", "columns", "date_format"}
        unknown = sorted(set(spec) - allowed)
        if unknown:
            raise DataValidationError(
                [Problem("data_source", table, _unknown_keys_message(unknown, allowed))]
            )
        path = spec.get("path") or DEFAULT_FILES[table]
        return cls(_resolve(path), dict(spec.get("columns") or {}), spec.get("date_format") or None)


@dataclass
class Dataset:
    """The three validated tables and the date the data were extracted."""

    subscriptions: pd.DataFrame
    orders: pd.DataFrame
    marketing_spend: pd.DataFrame
    analysis_date: pd.Timestamp
    files: dict[str, Path]
    is_embedded: bool

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


def _resolve(path: str | Path) -> Path:
    """A relative path is looked up from the working folder, then the project root."""
    p = Path(path).expanduser()
    if p.is_absolute() or p.exists():
        return p
    candidate = PROJECT_ROOT / p
    return candidate if candidate.exists() else p


def _unknown_keys_message(unknown: list[str], allowed: set[str]) -> str:
    parts = []
    for key in unknown:
        close = difflib.get_close_matches(key, sorted(allowed), n=1)
        parts.append(f"'{key}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
    return f"has unknown key{'s' if len(unknown) > 1 else ''} {', '.join(parts)}; allowed: {', '.join(sorted(allowed))}"


def _examples(raw: pd.DataFrame, mask: pd.Series, columns: list[str]) -> tuple[str, ...]:
    """Up to MAX_EXAMPLES bad rows as 'line N (customer_id=..., col='...')'."""
    out = []
    for idx in raw.index[mask.to_numpy()][:MAX_EXAMPLES]:
        values = ", ".join(f"{c}={raw.at[idx, c]!r}" for c in columns if c in raw.columns)
        out.append(f"line {idx + 2} ({values})")
    return tuple(out)


def _read_raw(table: str, source: TableSource, problems: list[Problem]) -> pd.DataFrame | None:
    name = str(source.path)
    if not source.path.exists():
        problems.append(Problem(name, None, f"does not exist (looked for the {table} table here)"))
        return None
    if source.path.stat().st_size == 0:
        problems.append(Problem(name, None, "is empty: expected a header line and at least one row"))
        return None
    try:
        raw = pd.read_csv(source.path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        problems.append(Problem(name, None, f"could not be read as CSV ({exc})"))
        return None
    raw.columns = [c.strip() for c in raw.columns]
    if raw.empty:
        problems.append(Problem(name, None, "has a header but no rows"))
        return None
    missing_keys = [k for k in source.columns if k not in raw.columns]
    if missing_keys:
        problems.append(
            Problem(
                name,
                ", ".join(missing_keys),
                f"named in the column mapping not found in the file; its columns are: {', '.join(raw.columns)}",
            )
        )
    return raw.rename(columns=source.columns)


def _parse_dates(values: pd.Series, date_format: str | None) -> pd.Series:
    if date_format:
        return pd.to_datetime(values, format=date_format, errors="coerce")
    return pd.to_datetime(values, format="ISO8601", errors="coerce")


def _check_columns(table: str, raw: pd.DataFrame, source: TableSource, problems: list[Problem]) -> pd.DataFrame:
    """Parse every known column, recording bad rows; return the typed frame."""
    name = str(source.path)
    schema = SCHEMAS[table]
    id_col = "customer_id" if "customer_id" in raw.columns else None
    missing = [c for c in schema if c not in raw.columns]
    if missing:
        hint = ""
        if len(missing) == 1 and (close := difflib.get_close_matches(missing[0], list(raw.columns), n=1)):
            hint = f" A column named '{close[0]}' exists: map it with columns: {{{close[0]}: {missing[0]}}}."
        problems.append(
            Problem(
                name,
                ", ".join(missing),
                f"missing (required). The file has: {', '.join(raw.columns)}.{hint}",
            )
        )
    out = raw.copy()
    kinds = {**OPTIONAL_COLUMNS[table], **schema}
    for col, kind in kinds.items():
        if col not in raw.columns:
            continue
        text = raw[col].astype(str).str.strip()
        blank = text.eq("")
        show = [id_col, col] if id_col and id_col != col else [col]

        def flag(mask: pd.Series, message: str, col: str = col, show: list[str] = show) -> None:
            if mask.any():
                problems.append(Problem(name, col, message, int(mask.sum()), _examples(raw, mask, show)))

        if kind in ("id", "category"):
            flag(blank, "are blank")
            out[col] = text
        elif kind in ("date", "optional_date"):
            parsed = _parse_dates(text.where(~blank), source.date_format)
            if kind == "date":
                flag(blank, "have no date")
            fmt = source.date_format or "YYYY-MM-DD"
            flag(~blank & parsed.isna(), f"have a date that does not match the format {fmt}")
            out[col] = parsed
        elif kind == "month":
            parsed = pd.to_datetime(text, format="%Y-%m", errors="coerce")
            retry = parsed.isna() & ~blank
            parsed[retry] = _parse_dates(text[retry], source.date_format)
            flag(blank, "have no month")
            flag(~blank & parsed.isna(), "have a month that is not YYYY-MM (or a date)")
            out[col] = parsed.dt.to_period("M")
        elif kind in ("amount", "number"):
            cleaned = text.str.replace(r"^\$|,", "", regex=True)
            number = pd.to_numeric(cleaned, errors="coerce")
            flag(blank, "have no value")
            flag(~blank & number.isna(), "are not numbers")
            if kind == "amount":
                flag(number < 0, "are negative (amounts must be 0 or more)")
            out[col] = number.astype(float)
        elif kind == "flag":
            lowered = text.str.lower()
            truthy, falsy = {"true", "1", "yes", "y", "t"}, {"false", "0", "no", "n", "f", ""}
            flag(~lowered.isin(truthy | falsy), "are not true/false")
            out[col] = lowered.isin(truthy)
    return out


def _check_dates_before(
    frame: pd.DataFrame, raw: pd.DataFrame, columns: list[str], analysis_date: pd.Timestamp, name: str,
    problems: list[Problem],
) -> None:
    for col in columns:
        if col not in frame.columns:
            continue
        when = frame[col].dt.start_time if isinstance(frame[col].dtype, pd.PeriodDtype) else frame[col]
        late = (when > analysis_date).fillna(False)
        if late.any():
            show = ["customer_id", col] if "customer_id" in raw.columns else [col]
            problems.append(
                Problem(
                    name,
                    col,
                    f"are after the analysis date {analysis_date.date()} (is the analysis date right?)",
                    int(late.sum()),
                    _examples(raw, late, show),
                )
            )


def _finish(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    known = [c for c in [*SCHEMAS[table], *OPTIONAL_COLUMNS[table]] if c in frame.columns]
    extras = [c for c in frame.columns if c not in known]
    return frame[known + extras].reset_index(drop=True)


def _load(table: str, source: TableSource, analysis_date: pd.Timestamp, problems: list[Problem]) -> pd.DataFrame | None:
    raw = _read_raw(table, source, problems)
    if raw is None:
        return None
    frame = _check_columns(table, raw, source, problems)
    name = str(source.path)
    if table == "subscriptions":
        if {"signup_date", "cancel_date"} <= set(frame.columns):
            early = (frame["cancel_date"] < frame["signup_date"]).fillna(False)
            if early.any():
                problems.append(
                    Problem(name, "cancel_date", "are before the signup date", int(early.sum()),
                            _examples(raw, early, ["customer_id", "signup_date", "cancel_date"]))
                )
        if "customer_id" in frame.columns:
            dup = frame["customer_id"].duplicated(keep=False) & frame["customer_id"].ne("")
            if dup.any():
                problems.append(
                    Problem(name, "customer_id", "are duplicates (one row per customer expected)", int(dup.sum()),
                            _examples(raw, dup, ["customer_id"]))
                )
        _check_dates_before(frame, raw, ["signup_date", "cancel_date"], analysis_date, name, problems)
    elif table == "orders":
        _check_dates_before(frame, raw, ["order_date"], analysis_date, name, problems)
    elif table == "marketing_spend":
        if {"month", "channel"} <= set(frame.columns):
            dup = frame.duplicated(["month", "channel"], keep=False) & frame["month"].notna()
            if dup.any():
                problems.append(
                    Problem(name, "month, channel", "repeat the same month and channel", int(dup.sum()),
                            _examples(raw, dup, ["month", "channel"]))
                )
        _check_dates_before(frame, raw, ["month"], analysis_date, name, problems)
    return _finish(table, frame)


def load_table(
    table: str,
    path: str | Path | None = None,
    columns: dict[str, str] | None = None,
    date_format: str | None = None,
    analysis_date: str | pd.Timestamp = DEFAULT_ANALYSIS_DATE,
) -> pd.DataFrame:
    """Load and validate one table ('subscriptions', 'orders' or 'marketing_spend').

    ``columns`` maps the file's column names to clvlib's; ``date_format`` is a strftime
    format such as ``"%d/%m/%Y"`` (default ISO, ``YYYY-MM-DD``). Raises
    DataValidationError listing every problem in the file.
    """
    if table not in SCHEMAS:
        raise ValueError(f"Unknown table {table!r}: use one of {', '.join(SCHEMAS)}.")
    source = TableSource(_resolve(path) if path else DEFAULT_FILES[table], dict(columns or {}), date_format)
    problems: list[Problem] = []
    frame = _load(table, source, pd.Timestamp(analysis_date), problems)
    if problems:
        raise DataValidationError(problems)
    return frame


def load_subscriptions(path=None, columns=None, date_format=None, analysis_date=DEFAULT_ANALYSIS_DATE) -> pd.DataFrame:
    """Subscriptions: one row per customer (see :func:`load_table`)."""
    return load_table("subscriptions", path, columns, date_format, analysis_date)


def load_orders(path=None, columns=None, date_format=None, analysis_date=DEFAULT_ANALYSIS_DATE) -> pd.DataFrame:
    """Orders: one row per order (see :func:`load_table`)."""
    return load_table("orders", path, columns, date_format, analysis_date)


def load_marketing_spend(path=None, columns=None, date_format=None, analysis_date=DEFAULT_ANALYSIS_DATE) -> pd.DataFrame:
    """Marketing spend: one row per channel and month (see :func:`load_table`)."""
    return load_table("marketing_spend", path, columns, date_format, analysis_date)


def load_dataset(data_source: dict | None = None) -> Dataset:
    """Load all three tables, validated together; ``{}`` or None = the embedded data.

    ``data_source`` is what a params file's ``data_source:`` holds::

        analysis_date: 2026-06-30
        subscriptions: {path: my/subs.csv, columns: {cust: customer_id}, date_format: "%d/%m/%Y"}
        orders: my/orders.csv            # a plain path works when names already match
        marketing_spend: {path: my/spend.csv}

    A table that is not named comes from the embedded data. Problems in all files are
    reported together, plus cross-table ones (a spend channel no customer came from).
    """
    data_source = dict(data_source or {})
    allowed = {"analysis_date", *SCHEMAS}
    unknown = sorted(set(data_source) - allowed)
    if unknown:
        raise DataValidationError([Problem("data_source", None, _unknown_keys_message(unknown, allowed))])
    try:
        analysis_date = pd.Timestamp(str(data_source.get("analysis_date") or DEFAULT_ANALYSIS_DATE))
    except ValueError:
        raise DataValidationError(
            [Problem("data_source", "analysis_date", f"is not a date: {data_source.get('analysis_date')!r}")]
        ) from None
    sources = {t: TableSource.from_spec(t, data_source.get(t)) for t in SCHEMAS}
    problems: list[Problem] = []
    tables = {t: _load(t, s, analysis_date, problems) for t, s in sources.items()}
    subs, spend = tables["subscriptions"], tables["marketing_spend"]
    if subs is not None and spend is not None and "channel" in subs and "channel" in spend:
        unknown_channel = ~spend["channel"].isin(set(subs["channel"]))
        if unknown_channel.any():
            names = sorted(spend.loc[unknown_channel, "channel"].unique())
            problems.append(
                Problem(
                    str(sources["marketing_spend"].path),
                    "channel",
                    f"name a channel no subscriber came from ({', '.join(names)}); "
                    f"subscribers' channels are: {', '.join(sorted(subs['channel'].unique()))}",
                    int(unknown_channel.sum()),
                    tuple(
                        f"line {i + 2} (month={spend.at[i, 'month']}, channel={spend.at[i, 'channel']!r})"
                        for i in spend.index[unknown_channel][:MAX_EXAMPLES]
                    ),
                )
            )
    if problems:
        raise DataValidationError(problems)
    return Dataset(
        subscriptions=subs,
        orders=tables["orders"],
        marketing_spend=spend,
        analysis_date=analysis_date,
        files={t: s.path for t, s in sources.items()},
        is_embedded=all(s.path == DEFAULT_FILES[t] for t, s in sources.items()),
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


def months_between(start: pd.Series, end: pd.Series | pd.Timestamp) -> pd.Series:
    """Whole-and-fractional months from ``start`` to ``end`` (a month = 365.25/12 days)."""
    days = (end - start) / np.timedelta64(1, "D")
    return days / (365.25 / 12)
