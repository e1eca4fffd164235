"""Checks on a whole loaded table: its period against the others', and amounts too large to be plausible.

Each table covers a period: from its first record to its own ``period_end``, or to the
analysis date. Tables whose records do not overlap at all are most likely exports of
different periods (the orders of 1997 next to subscriptions of 2025): they are refused,
naming the setting that would make it work, instead of being analysed over decades with
no data. Orders given their own ``period_end`` are analysed in their own window, with a
note saying they stand apart (spend and subscriptions, which a CAC divides, must always
overlap). A table whose last record is more than two years before the end of its period
(``analysis_date: 2099-01-01``) is refused too.

An order more than :data:`PLAUSIBLE_MULTIPLE` times the median order is flagged in a
note (listed by the report before anything runs); one above the orders' own
``max_order_value`` is refused.

>>> orders = pd.DataFrame({"customer_id": ["A", "B", "C"], "order_value": [20.0, 30.0, 1e15]}, index=[2, 3, 4])
>>> print(implausible_amounts_note(orders, "orders.csv"))
orders.csv: 1 order is more than 100 times the median order ($30.00) and looks implausible; it is used as it is, check it: line 4 (customer_id='C', order_value=1e+15)
"""

from __future__ import annotations

import pandas as pd

from clvlib.data.errors import MAX_EXAMPLES, Problem, plural, record_row_problem

PLAUSIBLE_MULTIPLE = 100  # an order above this many median orders is flagged
STALE_AFTER_DAYS = 730  # a table whose last record is older than this at the end of its period is refused
DATE_COLUMNS = {"subscriptions": "signup_date", "orders": "order_date", "marketing_spend": "month"}
_RECORD = {"subscriptions": "signup", "orders": "order", "marketing_spend": "spend month"}


def implausible_amounts_note(orders: pd.DataFrame, name: str) -> str | None:
    """A note listing orders above PLAUSIBLE_MULTIPLE x the median order, or None."""
    values = orders["order_value"]
    median = values[values > 0].median()
    if not median > 0:
        return None
    huge = values > PLAUSIBLE_MULTIPLE * median
    if not huge.any():
        return None
    lines = "; ".join(
        f"line {line} (customer_id={orders.at[line, 'customer_id']!r}, order_value={orders.at[line, 'order_value']:g})"
        for line in orders.index[huge.to_numpy()][:MAX_EXAMPLES]
    )
    n = int(huge.sum())
    return (f"{name}: {plural(n, 'order')} {'is' if n == 1 else 'are'} more than {PLAUSIBLE_MULTIPLE} times the "
            f"median order (${median:,.2f}) and look{'s' if n == 1 else ''} implausible; "
            f"{'it is' if n == 1 else 'they are'} used as {'it is' if n == 1 else 'they are'}, check "
            f"{'it' if n == 1 else 'them'}: {lines}")


def check_amounts(table: str, frame: pd.DataFrame, raw: pd.DataFrame, max_value: float | None, name: str,
                  problems: list[Problem], notes: list[str]) -> None:
    """Orders above ``max_value`` are problems; orders far above the median are noted."""
    if table != "orders" or "order_value" not in frame.columns or "customer_id" not in frame.columns:
        return
    if max_value is not None:
        record_row_problem(problems, name, "order_value", frame["order_value"] > max_value,
                           f"are above max_order_value ({max_value:,.2f}) set in data_source.orders", raw,
                           ["customer_id", "order_value"])
        return
    if note := implausible_amounts_note(frame, name):
        notes.append(note)


def table_period(table: str, frame: pd.DataFrame, end: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp, pd.Timestamp]:
    """(first record, last record, period end) of one loaded table; a spend month counts from its first day."""
    dates = frame[DATE_COLUMNS[table]]
    if isinstance(dates.dtype, pd.PeriodDtype):
        dates = dates.dt.start_time
    return dates.min(), dates.max(), end


def check_periods(frames: dict, sources: dict, analysis_date: pd.Timestamp, problems: list[Problem],
                  notes: list[str]) -> dict[str, pd.Timestamp]:
    """Each table's period against the other tables' and against its end; the tables' own period ends.

    A table's span runs from its first record to its own ``period_end``, else to its last
    record. Tables whose spans do not overlap are refused, unless the orders have their
    own period_end (then a note says the orders stand apart); a table whose last record
    is more than STALE_AFTER_DAYS before the end of its period is refused.
    """
    spans = {}
    for table, frame in frames.items():
        source = sources[table]
        if frame is None or source is None or DATE_COLUMNS[table] not in frame.columns or frame.empty:
            continue
        first, last, end = table_period(table, frame, source.period_end or analysis_date)
        if not pd.isna(first):
            spans[table] = (first, source.period_end or last, last, end)
    apart = _apart_problems(spans, sources, problems, notes)
    for table, (_, _, last, end) in spans.items():
        gap = (end - last).days
        if table not in apart and gap > STALE_AFTER_DAYS:
            own = sources[table].period_end is not None
            fix = ("is period_end right?" if own else f"is this another period's export? Then give the table its own "
                   f"period with period_end: {last.date()} under data_source.{table}, or set analysis_date")
            problems.append(Problem("data_source", f"data_source.{table}", f"ends with its last {_RECORD[table]} on "
                                    f"{last.date()}, {gap:,} days before {'its period_end' if own else 'the analysis date'} "
                                    f"{end.date()}: {fix}"))
    return {t: sources[t].period_end for t in spans if sources[t].period_end is not None}


def _apart_problems(spans: dict, sources: dict, problems: list[Problem], notes: list[str]) -> set[str]:
    """Tables whose spans do not overlap: a problem (or, for orders with their own period_end, a note)."""
    def text(table: str) -> str:
        return f"{table} ({spans[table][0].date()} to {spans[table][1].date()})"

    reported: set[str] = set()
    for a, b in (("orders", "subscriptions"), ("orders", "marketing_spend"), ("marketing_spend", "subscriptions")):
        if a in reported or a not in spans or b not in spans:
            continue
        if spans[a][1] >= spans[b][0] and spans[b][1] >= spans[a][0]:
            continue
        reported.add(a)
        if a == "orders" and sources[a].period_end is not None:
            notes.append(f"The orders' period does not overlap the {b}': {text(a)} and {text(b)}. Lessons on the "
                         "orders use the orders' period; the executive report's web-shop figures are for the "
                         "period ending on the orders' last day, and the report says so.")
            continue
        fix = (f"give the orders their own period with period_end: {spans[a][2].date()} under data_source.orders "
               "(lessons on the orders alone then use it)" if a == "orders" else
               "acquisition costs need spend and signups of the same months")
        problems.append(Problem("data_source", f"data_source.{a}", f"covers a period that does not overlap the "
                                f"{b}': {text(a)} and {text(b)}; if it is another period's export, {fix}"))
    return reported
