"""Customer summaries of order files larger than memory, run by DuckDB: to pandas, to Parquet, to histories.

The queries are those of :mod:`clvlib.transactions.sql`; DuckDB streams CSV or Parquet
files through them and spills its hash tables to ``temp_directory`` beyond
``memory_limit``, so the order log may be many times larger than memory.

* :func:`summarize_with_duckdb` and :func:`split_with_duckdb` return pandas frames equal to
  :func:`~clvlib.transactions.summarize_transactions` and
  :func:`~clvlib.transactions.calibration_holdout_split`: for results that fit in memory.
* :func:`write_parquet` writes the summary (or, with ``calibration_end``, the split)
  straight to a Parquet file, so millions of customer rows never become a pandas frame;
  the file records its time unit and dates in its key-value metadata. A log too large
  for one pass under ``memory_limit`` is cut into customer buckets first
  (:mod:`clvlib.transactions.buckets`): 100 million orders stay under a 2 GB cap.
* :func:`history_counts` reads such a file back as the few distinct (frequency, recency,
  T) histories with their ``n_customers``: ``BetaGeoNBD(unit).fit(history_counts(path))``
  fits every customer at the cost of the distinct histories.

Before summarising, one scan of the files checks the orders and names, with file and
example values, every order without a customer, a date or a value, with a value that is
not a number or is negative, or with a date that is not a date: none is silently dropped
(orders after the observation end are left out on purpose, as in :func:`summary_sql`).
DuckDB is an optional dependency (``pip install 'clvlib[large]'``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from clvlib.core.units import TimeUnit
from clvlib.transactions.buckets import bucket_count, write_buckets
from clvlib.transactions.sql import (
    _identifier,
    _iso_day,
    bad_order_rules,
    histories_sql,
    on_or_before_condition,
    split_sql,
    summary_sql,
)

Paths = str | Path | Sequence[str | Path]
MAX_EXAMPLES = 3


def _duckdb():
    try:
        import duckdb
    except ImportError:
        raise ImportError(
            "The DuckDB summaries need DuckDB, an optional dependency: "
            "pip install 'clvlib[large]' (or pip install duckdb)."
        ) from None
    return duckdb


def _quoted(path: str | Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def order_reader(paths: Paths, customer_col: str = "customer_id", filename: bool = False) -> str:
    """A DuckDB table function reading every file (all CSV or all Parquet; globs allowed).

    CSV customer ids are read as text, so ids such as 00042 keep their leading zeros.
    ``filename=True`` adds a ``filename`` column (used to say where a bad order is).

    >>> order_reader(["orders/2024-*.parquet", "orders/2025-*.parquet"])
    "read_parquet(['orders/2024-*.parquet', 'orders/2025-*.parquet'])"
    """
    names = [str(p) for p in ([paths] if isinstance(paths, str | Path) else paths)]
    if not names:
        raise ValueError("Give at least one CSV or Parquet file.")
    kinds = {"parquet" if n.lower().endswith((".parquet", ".pq")) else "csv" for n in names}
    if len(kinds) > 1:
        raise ValueError("Give either CSV files or Parquet files, not a mix.")
    for name in names:
        if not any(ch in name for ch in "*?[") and not Path(name).exists():
            raise ValueError(f"The file {name} does not exist.")
    files = "[" + ", ".join(_quoted(n) for n in names) + "]"
    extra = ", filename = true" if filename else ""
    if kinds == {"parquet"}:
        return f"read_parquet({files}{extra})"
    cid = _identifier(customer_col, "customer_col")
    return f"read_csv({files}, header = true, types = {{'{cid}': 'VARCHAR'}}{extra})"


def connect(memory_limit: str = "1GB", threads: int | None = None, temp_directory: str | Path | None = None):
    """A DuckDB connection capped at ``memory_limit`` that spills to ``temp_directory``.

    Insertion order is not preserved (no result here needs it), which lets DuckDB stream
    a large result to Parquet instead of buffering it.
    """
    config = {"memory_limit": memory_limit, "preserve_insertion_order": False}
    if threads:
        config["threads"] = threads
    if temp_directory:
        config["temp_directory"] = str(temp_directory)
    con = _duckdb().connect(config=config)
    con.execute("SET enable_progress_bar = false")
    return con


def check_orders(con, paths: Paths, observation_end, customer_col: str, date_col: str, value_col: str,
                 calibration_end=None) -> int:
    """Check the order files in one scan; return how many orders are on or before ``observation_end``.

    Raises ValueError naming every problem at once (column, count, file and example
    values): missing columns, orders without a customer, a date or a value, dates or
    values that cannot be read, negative values; and when no order is on or before
    ``calibration_end`` (or, without one, ``observation_end``).
    """
    cid, day, value = (_identifier(customer_col, "customer_col"), _identifier(date_col, "date_col"),
                       _identifier(value_col, "value_col"))
    reader = order_reader(paths, customer_col)
    columns = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()]
    missing = [c for c in (cid, day, value) if c not in columns]
    if missing:
        raise ValueError(
            f"The order files have no {', '.join(missing)} column; their columns are: {', '.join(columns)}. "
            "Pass customer_col=, date_col= or value_col= to name yours."
        )
    rules = bad_order_rules(cid, day, value)
    counts = ", ".join(f"SUM(CASE WHEN {rule} THEN 1 ELSE 0 END)" for rule in rules.values())
    first_end = _iso_day(observation_end if calibration_end is None else calibration_end)
    in_window = [on_or_before_condition(day, when) for when in (observation_end, first_end)]
    in_window_counts = ", ".join(f"SUM(CASE WHEN {rule} THEN 1 ELSE 0 END)" for rule in in_window)
    row = con.execute(f"SELECT {counts}, {in_window_counts} FROM {reader}").fetchall()[0]
    *problem_counts, n_in_window, n_in_first = (int(n or 0) for n in row)
    problems = []
    labelled = order_reader(paths, customer_col, filename=True)
    for (what, rule), n in zip(rules.items(), problem_counts, strict=True):
        if n:
            examples = con.execute(f"SELECT filename, {cid}, {day}, {value} FROM {labelled} WHERE {rule} "
                               f"LIMIT {MAX_EXAMPLES}").fetchall()
            shown = "; ".join(f"{Path(f).name}: {cid}={c!r}, {day}={str(d)!r}, {value}={v!r}" for f, c, d, v in examples)
            problems.append(f"{n} orders {what} (for example {shown})")
    if problems:
        raise ValueError("The order files have problems: " + "; ".join(problems) + ". Fix them and run again.")
    if not n_in_first:
        raise ValueError(f"No order in the files is on or before {first_end}.")
    return n_in_window


def _to_frame(con, query: str, customer_col: str, attrs: dict) -> pd.DataFrame:
    """The query's (small) result as a frame indexed and sorted by customer, like the pandas path."""
    out = con.sql(query).df().set_index("customer_id").rename_axis(customer_col).sort_index()
    for col in out.columns:
        if col.startswith("frequency"):
            out[col] = out[col].astype("int64")
        else:
            out[col] = out[col].astype(float)
    out.attrs.update(attrs)
    return out


def _attrs(unit: TimeUnit, observation_end, calibration_end=None) -> dict:
    attrs = {"time_unit": unit.value}
    if calibration_end is not None:
        attrs["calibration_end"] = _iso_day(calibration_end)
    attrs["observation_end"] = _iso_day(observation_end)
    return attrs


def summarize_with_duckdb(
    paths: Paths,
    observation_end,
    time_unit: TimeUnit | str = "week",
    memory_limit: str = "1GB",
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    value_col: str = "order_value",
    threads: int | None = None,
    temp_directory: str | Path | None = None,
) -> pd.DataFrame:
    """Run :func:`summary_sql` with DuckDB over CSV or Parquet files (globs allowed).

    Returns the same frame as :func:`clvlib.transactions.summarize_transactions` (indexed
    and sorted by customer id, ``.attrs['time_unit']`` set). ``memory_limit`` caps DuckDB's
    memory; beyond it DuckDB spills to ``temp_directory``. The result is a pandas frame of
    every customer: for tens of millions of customers use :func:`write_parquet`.
    """
    unit = TimeUnit.parse(time_unit)
    source = order_reader(paths, customer_col)
    query = summary_sql(source, observation_end, unit, customer_col, date_col, value_col)
    with connect(memory_limit, threads, temp_directory) as con:
        check_orders(con, paths, observation_end, customer_col, date_col, value_col)
        return _to_frame(con, query, customer_col, _attrs(unit, observation_end))


def split_with_duckdb(
    paths: Paths,
    calibration_end,
    observation_end,
    time_unit: TimeUnit | str = "week",
    memory_limit: str = "1GB",
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    value_col: str = "order_value",
    threads: int | None = None,
    temp_directory: str | Path | None = None,
) -> pd.DataFrame:
    """Run :func:`split_sql` with DuckDB over CSV or Parquet files (globs allowed).

    Returns the same frame as :func:`clvlib.transactions.calibration_holdout_split`.
    Orders after ``observation_end`` are left out (as in :func:`summary_sql`).
    """
    unit = TimeUnit.parse(time_unit)
    source = order_reader(paths, customer_col)
    query = split_sql(source, calibration_end, observation_end, unit, customer_col, date_col, value_col)
    with connect(memory_limit, threads, temp_directory) as con:
        check_orders(con, paths, observation_end, customer_col, date_col, value_col, calibration_end)
        return _to_frame(con, query, customer_col, _attrs(unit, observation_end, calibration_end))


def write_parquet(
    paths: Paths,
    destination: str | Path,
    observation_end,
    time_unit: TimeUnit | str = "week",
    calibration_end=None,
    memory_limit: str = "1GB",
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    value_col: str = "order_value",
    threads: int | None = None,
    temp_directory: str | Path | None = None,
    buckets: int | None = None,
) -> int:
    """Write the customer summary (or, given ``calibration_end``, the split) to one Parquet file.

    Nothing of the result passes through Python: DuckDB streams it into ``destination``
    (rows in no particular order; columns as in the pandas versions, ``customer_id``
    first). The file's key-value metadata holds ``time_unit``, ``observation_end`` and
    ``calibration_end``, which :func:`history_counts` reads. Returns the number of customers.

    A log too large for one pass within ``memory_limit`` is first cut into customer
    buckets (:mod:`clvlib.transactions.buckets`, in a folder under ``temp_directory`` or
    next to ``destination``, removed afterwards) and summarised bucket by bucket;
    ``buckets`` overrides the automatic count.
    """
    unit = TimeUnit.parse(time_unit)
    source = order_reader(paths, customer_col)

    def query(orders: str) -> str:
        if calibration_end is None:
            return summary_sql(orders, observation_end, unit, customer_col, date_col, value_col)
        return split_sql(orders, calibration_end, observation_end, unit, customer_col, date_col, value_col)

    query(source)  # bad dates or columns fail here, before any file is read
    metadata = ", ".join(f"{k}: '{v}'" for k, v in _attrs(unit, observation_end, calibration_end).items())
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    with connect(memory_limit, threads, temp_directory) as con:
        n_orders = check_orders(con, paths, observation_end, customer_col, date_col, value_col, calibration_end)
        n_buckets = buckets or bucket_count(n_orders, memory_limit)
        if n_buckets == 1:
            return _copy(con, query(source), destination, metadata)
        work_root = Path(temp_directory) if temp_directory else destination.parent
        work_root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="clvlib-buckets-", dir=work_root) as work:
            globs = write_buckets(con, source, Path(work) / "orders", n_buckets, _iso_day(observation_end),
                                  customer_col, date_col, value_col)
            for i, bucket in enumerate(globs):
                _copy(con, query(f"read_parquet({_quoted(bucket)}, hive_partitioning = false)"),
                      Path(work) / "customers" / f"part-{i:04d}.parquet")
            parts = f"read_parquet({_quoted(Path(work) / 'customers' / '*.parquet')})"
            return _copy(con, f"SELECT * FROM {parts}", destination, metadata)


def _copy(con, query: str, destination: Path, metadata: str = "") -> int:
    """COPY the query's rows to one Parquet file; the number of rows written."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    options = f", KV_METADATA {{{metadata}}}" if metadata else ""
    ((n_rows,),) = con.execute(f"COPY ({query}) TO {_quoted(destination)} (FORMAT parquet{options})").fetchall()
    return int(n_rows)


def history_counts(summary_parquet: str | Path, time_unit: TimeUnit | str | None = None,
                   memory_limit: str = "1GB", threads: int | None = None) -> pd.DataFrame:
    """The distinct (frequency, recency, T) of a summary or split Parquet file, with ``n_customers``.

    Reads a file from :func:`write_parquet` (for a split, its calibration columns). The
    frame has the columns of :func:`clvlib.models.noncontractual.bgnbd.compress_histories`
    and carries the file's time unit in ``.attrs``, so ``BetaGeoNBD(unit).fit(table)`` fits
    every customer (weights ``n_customers``) and checks the unit. ``time_unit`` is needed
    only for a file without clvlib's metadata.
    """
    path = Path(summary_parquet)
    if not path.exists():
        raise ValueError(f"The file {path} does not exist.")
    with connect(memory_limit, threads) as con:
        meta = {k.decode(): v.decode() for _, k, v in
                con.execute(f"SELECT * FROM parquet_kv_metadata({_quoted(path)})").fetchall()}
        columns = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM read_parquet({_quoted(path)})").fetchall()]
        calibration = "frequency_cal" in columns
        out = con.sql(histories_sql(f"read_parquet({_quoted(path)})", calibration)).df()
    recorded = meta.get("time_unit")
    if recorded is None and time_unit is None:
        raise ValueError(f"{path} does not record its time unit: pass time_unit= (the unit it was written in).")
    unit = TimeUnit.parse(time_unit if time_unit is not None else recorded)
    if recorded is not None and TimeUnit.parse(recorded) != unit:
        raise ValueError(f"{path} is in {recorded}s, not {unit.value}s.")
    out["frequency"] = out["frequency"].astype("int64")
    out["n_customers"] = out["n_customers"].astype("int64")
    out.attrs.update({k: v for k, v in meta.items() if k in ("calibration_end", "observation_end")})
    out.attrs["time_unit"] = unit.value
    return out
