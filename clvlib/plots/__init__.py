"""The course's figures, one module per lesson; computation never lives here.

Each function takes already-computed pandas objects, draws on a matplotlib Axes
(created when none is given) and returns that Axes, so notebooks can add titles or
combine figures.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter

PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"]


def new_axes(ax=None, figsize=(7, 4)):
    """Return ``ax`` or a fresh Axes of a readable size."""
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=figsize)
    return ax


def dollars(ax, axis: str = "y") -> None:
    """Format an axis as dollars ($1,200)."""
    fmt = FuncFormatter(lambda v, _: f"${v:,.0f}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def percent(ax, axis: str = "y") -> None:
    """Format an axis of fractions as percentages."""
    fmt = FuncFormatter(lambda v, _: f"{v:.0%}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)
