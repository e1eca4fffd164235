"""The shared look of the course's figures: palette, a fresh Axes, dollar and percent axes.

Private to :mod:`clvlib.plots`: figure modules import these, notebooks do not.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"]


def new_axes(ax: Axes | None = None, figsize=(7, 4)) -> Axes:
    """Return ``ax`` or a fresh Axes of a readable size."""
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=figsize)
    return ax


def dollars(ax: Axes, axis: str = "y") -> None:
    """Format an axis as dollars ($1,200)."""
    fmt = FuncFormatter(lambda v, _: f"${v:,.0f}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def percent(ax: Axes, axis: str = "y") -> None:
    """Format an axis of fractions as percentages."""
    fmt = FuncFormatter(lambda v, _: f"{v:.0%}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def fine_percent(ax: Axes) -> None:
    """Percent ticks with one decimal where whole percents would repeat (2.5% is not 2%)."""
    ax.yaxis.set_major_formatter(
        FuncFormatter(lambda v, _: f"{v:.0%}" if abs(v * 100 - round(v * 100)) < 1e-6 else f"{v:.1%}")
    )


def colours_by_name(names) -> dict:
    """One palette colour per name, in sorted order, so a channel keeps its colour across figures."""
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(sorted(names))}
