"""The P(alive) path of one customer: how a fitted model's belief that they are still active
moves from their first purchase to an end date.

At each time ``tau`` on a grid (in the model's periods, counted from the first purchase) the
customer's history is what had happened by then: ``frequency`` = repeat purchases made by
``tau``, ``recency`` = time of the latest of them, ``T = tau``; the path is the model's
``probability_alive(frequency, recency, T)`` at each point. Between purchases it falls (the
silence grows); at a repeat purchase it jumps up. This is the idea of lifetimes'
``calculate_alive_path``, with three differences: the grid may be finer than one period, it
always contains the purchase times themselves (so every jump is drawn where it happens),
and purchase times carry a time unit that must match the model's.

Where a jump lands depends on the model's story:

* Pareto/NBD: a customer who buys at ``tau`` is alive at ``tau``, so the path returns to 1;
* BG/NBD: a customer may leave right after any repeat purchase, so at the x-th repeat
  purchase the path lands at (b + x - 1) / (a + b + x - 1), the chance of not leaving then;
  before the first repeat purchase it is 1 (nobody can leave before a repeat purchase);
* MBG/NBD: a customer may also leave right after the first purchase, so the path starts at
  b / (a + b) and lands at (b + x) / (a + b + x) after the x-th repeat purchase.

Any model whose ``probability_alive(frequency, recency, T)`` takes continuous times works.
BG/BB counts discrete opportunities instead (its third argument is the number of
opportunities), so it is refused.

Example
-------
A customer of the CDNOW BG/NBD (FHL 2005, weeks) who bought in weeks 0, 2 and 10:

>>> from clvlib.models.noncontractual import BetaGeoNBD
>>> model = BetaGeoNBD.from_params({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}, time_unit="week")
>>> path = alive_path(model, [0, 2, 10], end_time=30, time_unit="week", step=5)
>>> print(path[["time", "frequency", "recency", "p_alive"]].round(3).to_string(index=False))
 time  frequency  recency  p_alive
  0.0          0      0.0    1.000
  2.0          1      2.0    0.754
  5.0          1      2.0    0.655
 10.0          2     10.0    0.812
 15.0          2     10.0    0.689
 20.0          2     10.0    0.570
 25.0          2     10.0    0.466
 30.0          2     10.0    0.380

At week 2 the path lands at (b + 1 - 1) / (a + b + 1 - 1) = 2.426 / 3.219 = 0.754, not at 1:
the BG/NBD lets a customer leave right after a repeat purchase.
"""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd

from clvlib.core.units import TimeUnit, check_same_unit
from clvlib.models.base import check_fitted
from clvlib.transactions.summary import customer_days, to_day_number

#: A path longer than this many grid points is refused (a step far too fine for the span).
MAX_GRID_POINTS = 200_000


def _check_model(model) -> None:
    """Refuse objects without a continuous-time ``probability_alive(frequency, recency, T)``."""
    name = type(model).__name__
    method = getattr(model, "probability_alive", None)
    if not callable(method):
        raise TypeError(
            f"A P(alive) path needs a fitted model with probability_alive(frequency, recency, T) "
            f"(BetaGeoNBD, ModifiedBetaGeoNBD, ParetoNBD); got a {name}."
        )
    if "T" not in inspect.signature(method).parameters:
        raise TypeError(
            f"{name}.probability_alive does not take a continuous observation time T (a BG/BB counts "
            "discrete opportunities), so it has no P(alive) path over calendar time. Use BetaGeoNBD, "
            "ModifiedBetaGeoNBD or ParetoNBD."
        )
    check_fitted(model)


def _purchase_times(purchase_times) -> tuple[np.ndarray, float]:
    """Distinct purchase times, sorted and shifted so the first is at 0, and the first's original time."""
    raw = np.atleast_1d(np.asarray(purchase_times, dtype=object)).ravel()
    if len(raw) == 0:
        raise ValueError("No purchase times: the P(alive) path starts at the customer's first purchase.")
    values = pd.to_numeric(pd.Series(raw), errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(~np.isfinite(values))
    if len(bad):
        shown = ", ".join(f"position {i}: {raw[i]!r}" for i in bad[:5])
        raise ValueError(
            f"{len(bad)} purchase times are missing or not finite numbers ({shown}). "
            "Give each purchase as a number of periods (or use alive_path_from_dates with dates)."
        )
    times = np.unique(values)  # sorts and merges purchases at the same time (same-day orders)
    return times - times[0], float(times[0])


def _grid(times: np.ndarray, end_time: float, step) -> np.ndarray:
    """0, step, 2 step, ... up to end_time, plus end_time and every purchase time."""
    try:
        step_periods = float(step)
    except (TypeError, ValueError):
        step_periods = float("nan")
    if not (np.isfinite(step_periods) and step_periods > 0):
        raise ValueError(f"step must be a positive number of periods; got {step!r}.")
    step = step_periods
    n_points = end_time / step
    if n_points > MAX_GRID_POINTS:
        raise ValueError(
            f"A step of {step:g} over {end_time:g} periods makes {n_points:,.0f} grid points "
            f"(at most {MAX_GRID_POINTS:,}); use a larger step."
        )
    regular = np.arange(0.0, end_time, step)
    return np.unique(np.concatenate([regular, times, [end_time]]))


def _path(model, times: np.ndarray, end_time: float, step) -> pd.DataFrame:
    """The path table for purchase times that start at 0 (validated), up to ``end_time``."""
    grid = _grid(times, end_time, step)
    latest = np.searchsorted(times, grid, side="right") - 1  # index of the last purchase by tau
    frequency = latest.astype(np.int64)
    recency = times[latest]
    p_alive = np.asarray(model.probability_alive(frequency, recency, grid), dtype=float)
    table = pd.DataFrame({
        "time": grid,
        "frequency": frequency,
        "recency": recency,
        "T": grid,
        "p_alive": p_alive,
        "purchase": np.isin(grid, times),
    })
    table.attrs.update(time_unit=model.time_unit_.value, model=type(model).__name__,
                       purchase_times=times.tolist())
    return table


def alive_path(model, purchase_times, end_time: float, time_unit: TimeUnit | str, step: float = 1.0) -> pd.DataFrame:
    """P(alive) of one customer on a grid from their first purchase to ``end_time``.

    ``purchase_times`` are the customer's purchases in periods of ``time_unit`` (which must be
    the model's unit), from any origin: the first purchase becomes time 0, and purchases at
    the same time count once. ``end_time`` is on the same scale as ``purchase_times`` and may
    not be before the last purchase. The grid runs from 0 in steps of ``step`` periods and
    also holds ``end_time`` and every purchase time.

    Returns one row per grid point: ``time`` (periods since the first purchase),
    ``frequency``, ``recency``, ``T`` (the history at that time, so
    ``model.probability_alive(frequency, recency, T)`` gives ``p_alive``), ``p_alive`` and
    ``purchase`` (True where a purchase happened). ``.attrs`` hold ``time_unit``, ``model``
    and ``purchase_times``. Raises UnitMismatchError when ``time_unit`` is not the model's.
    """
    _check_model(model)
    check_same_unit(model.time_unit_, time_unit, what="customer's purchase history")
    times, first = _purchase_times(purchase_times)
    try:
        end = float(end_time) - first
    except (TypeError, ValueError):
        end = float("nan")
    if not np.isfinite(end):
        raise ValueError(f"end_time must be a number of {model.time_unit_.value}s; got {end_time!r}.")
    if end < times[-1]:
        raise ValueError(
            f"end_time {end_time!r} is before the customer's last purchase at {times[-1] + first:g} "
            f"{model.time_unit_.value}s: the path ends at or after the last purchase."
        )
    return _path(model, times, end, step)


def alive_path_from_dates(model, order_dates, end_date, step: float = 1.0) -> pd.DataFrame:
    """P(alive) of one customer from their order dates, on a grid up to ``end_date``.

    ``order_dates`` are one customer's order dates (a list, Series or DatetimeIndex; strings
    are parsed). Orders on the same calendar day are one purchase, as in
    :func:`clvlib.transactions.summarize_transactions`; times are days / the model unit's
    length in days, so the path agrees with the model's own summaries. ``step`` is in the
    model's periods. Returns :func:`alive_path`'s table plus a ``date`` column (the calendar
    day of each grid point). Unreadable or missing dates, and orders after ``end_date``,
    raise a ValueError naming them.

    >>> from clvlib.models.noncontractual import ParetoNBD
    >>> model = ParetoNBD.from_params({"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}, time_unit="week")
    >>> path = alive_path_from_dates(model, ["1997-01-01", "1997-01-01", "1997-03-05"], "1997-06-30", step=4)
    >>> print(path.loc[path["purchase"], ["date", "frequency", "p_alive"]].to_string(index=False))
          date  frequency  p_alive
    1997-01-01          0      1.0
    1997-03-05          1      1.0
    """
    _check_model(model)
    if isinstance(order_dates, pd.DataFrame):
        raise TypeError("Pass one column of order dates (orders['order_date'] for one customer), not a table.")
    dates = pd.Series(order_dates)
    column = str(dates.name) if dates.name is not None else "order_date"
    if len(dates) == 0:
        raise ValueError("No order dates: the P(alive) path starts at the customer's first purchase.")
    end_day = to_day_number(end_date, "end_date")
    orders = pd.DataFrame({"customer_id": "this customer", column: dates.array}, index=dates.index)
    days = customer_days(orders, end_date, date_col=column, value_col=None).day
    unit_days = model.time_unit_.days
    first_day = int(days[0])
    times = (days - first_day) / unit_days
    table = _path(model, times, (end_day - first_day) / unit_days, step)
    first_date = pd.Timestamp(np.datetime64(first_day, "D"))
    table.insert(1, "date", (first_date + pd.to_timedelta(table["time"] * unit_days, unit="D")).dt.floor("D"))
    return table


__all__ = ["MAX_GRID_POINTS", "alive_path", "alive_path_from_dates"]
