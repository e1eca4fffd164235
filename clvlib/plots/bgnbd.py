"""Figures for lesson 04 (predictive CLV): BG/NBD against the holdout period, P(alive) (by
history, and one customer's path), and the calibration histogram of repeat purchases.

The tables come from :mod:`clvlib.models.noncontractual.holdout`,
:func:`clvlib.models.noncontractual.bgnbd.probability_alive_grid`,
:mod:`clvlib.models.noncontractual.alive_path` and
:mod:`clvlib.models.noncontractual.goodness_of_fit`; each function draws one
on an optional ``ax`` and returns it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from clvlib.plots._style import PALETTE, new_axes, percent


def plot_holdout_by_frequency(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Mean holdout purchases by calibration frequency, actual vs BG/NBD (FHL Figure 4).

    ``table`` is :func:`clvlib.models.noncontractual.holdout.holdout_by_frequency`'s output.
    """
    ax = new_axes(ax)
    top = table.attrs.get("max_frequency", table.index.max())
    labels = [f"{f}+" if f == top else str(f) for f in table.index]
    positions = np.arange(len(table))
    ax.plot(positions, table["actual"], "o-", color=PALETTE[0], label="actual")
    ax.plot(positions, table["predicted"], "s--", color=PALETTE[1], label="BG/NBD forecast")
    ax.set_xticks(positions, labels)
    ax.set_xlabel("repeat purchases in the calibration period")
    ax.set_ylabel("mean purchases in the holdout period")
    ax.set_title("Calibration vs holdout: customers grouped by past frequency")
    ax.legend()
    return ax


def _tracking(tracking: pd.DataFrame, actual: str, expected: str, ylabel: str, title: str, ax: Axes | None) -> Axes:
    ax = new_axes(ax)
    unit = tracking.attrs.get("time_unit", tracking.index.name or "period")
    ax.plot(tracking.index, tracking[actual], color=PALETTE[0], label="actual")
    ax.plot(tracking.index, tracking[expected], "--", color=PALETTE[1], label="BG/NBD expected")
    split = tracking.attrs.get("calibration_periods")
    if split is not None:
        ax.axvline(split, color="grey", linestyle=":", label="end of calibration")
    ax.set_xlabel(f"{unit}s since the cohort's first purchase")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend()
    return ax


def plot_cumulative_tracking(tracking: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Cumulative repeat purchases of the cohort, actual vs expected (FHL Figure 2)."""
    return _tracking(
        tracking, "actual_cumulative", "expected_cumulative", "cumulative repeat purchases",
        "Tracking cumulative repeat purchases", ax,
    )


def plot_incremental_tracking(tracking: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Repeat purchases per period, actual vs expected (FHL Figure 3)."""
    return _tracking(
        tracking, "actual", "expected", "repeat purchases per period",
        "Tracking repeat purchases period by period", ax,
    )


def plot_probability_alive(grid: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Heatmap of P(alive) over frequency (rows) x recency (columns).

    ``grid`` is :func:`clvlib.models.noncontractual.bgnbd.probability_alive_grid`'s output; impossible cells
    (no repeat purchase but recency > 0) stay blank.
    """
    ax = new_axes(ax, figsize=(8, 5))
    recency = grid.columns.to_numpy(dtype=float)
    freq = grid.index.to_numpy()
    step = recency[1] - recency[0] if len(recency) > 1 else 1.0
    image = ax.imshow(
        grid.to_numpy(dtype=float),
        origin="lower",
        aspect="auto",
        cmap="RdYlGn",
        vmin=0,
        vmax=1,
        extent=(recency[0] - step / 2, recency[-1] + step / 2, freq[0] - 0.5, freq[-1] + 0.5),
    )
    colorbar = ax.figure.colorbar(image, ax=ax)
    colorbar.set_label("P(alive)")
    percent(colorbar.ax)
    unit = grid.attrs.get("time_unit", "period")
    T = grid.attrs.get("T")
    ax.set_xlabel(f"recency: {unit}s from first to last purchase" + (f" (customers observed for {T:.0f} {unit}s)" if T else ""))
    ax.set_ylabel("repeat purchases (frequency)")
    ax.set_title("Probability a customer is still active")
    return ax


def plot_repeat_purchase_histogram(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Customers by repeat purchases in the calibration period, actual vs model (FHL Figure 1).

    ``table`` is :func:`clvlib.models.noncontractual.goodness_of_fit.repeat_purchase_histogram`'s
    output (columns ``actual`` and ``expected``; its last row pools "k or more").
    """
    ax = new_axes(ax)
    top = table.attrs.get("max_count", table.index.max())
    labels = [f"{n}+" if n == top else str(n) for n in table.index]
    positions = np.arange(len(table))
    width = 0.4
    ax.bar(positions - width / 2, table["actual"], width, color=PALETTE[0], label="actual")
    ax.bar(positions + width / 2, table["expected"], width, color=PALETTE[1],
           label=f"{table.attrs.get('model', 'model')} expected")
    ax.set_xticks(positions, labels)
    ax.set_xlabel("repeat purchases in the calibration period")
    ax.set_ylabel("customers")
    ax.set_title("Repeat purchases: actual vs model")
    ax.legend()
    return ax


def plot_alive_path(path: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """One customer's P(alive) over time, broken at each purchase so every jump shows.

    ``path`` is :func:`clvlib.models.noncontractual.alive_path.alive_path`'s (or
    ``alive_path_from_dates``') output; with a ``date`` column the x axis is calendar dates.
    """
    ax = new_axes(ax)
    by_date = "date" in path.columns
    x = path["date"] if by_date else path["time"]
    for _, stretch in path.groupby("frequency", sort=True):
        ax.plot(x[stretch.index], stretch["p_alive"], color=PALETTE[0])
    bought = path["purchase"].to_numpy(dtype=bool)
    for when in x[bought]:
        ax.axvline(when, color="grey", linestyle=":", linewidth=1)
    ax.plot(x[bought], path.loc[bought, "p_alive"], "o", color=PALETTE[1], label="purchase")
    ax.set_ylim(0, 1.05)
    percent(ax)
    unit = path.attrs.get("time_unit", "period")
    ax.set_xlabel("date" if by_date else f"{unit}s since the first purchase")
    if by_date:
        ax.tick_params(axis="x", labelrotation=30)
    ax.set_ylabel("P(alive)")
    ax.set_title(f"One customer's probability of being active ({path.attrs.get('model', 'model')})")
    ax.legend()
    return ax
