"""Figures for the segmentation lesson (notebook 05); the numbers come from clvlib.analysis.segments.

Example
-------
>>> from clvlib.data import load_dataset
>>> from clvlib.analysis import segments
>>> from clvlib.plots.segments import plot_score_counts
>>> ds = load_dataset()
>>> scores = segments.rfm_scores(segments.rfm_table(ds.orders, ds.analysis_date))
>>> fig = plot_score_counts(scores)
>>> len(fig.axes)
3
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from clvlib.plots._style import PALETTE, new_axes, percent


def _annotated_heatmap(ax, colour: np.ndarray, labels: np.ndarray, rows, columns, cmap: str):
    """A heatmap with a text label per cell (matplotlib only: seaborn costs seconds to import)."""
    data = np.ma.masked_invalid(np.asarray(colour, dtype=float))
    image = ax.imshow(data, cmap=cmap, aspect="auto")
    finite = data.compressed()
    middle = (finite.min() + finite.max()) / 2 if finite.size else 0.0
    for i in range(data.shape[0]):
        for j in range(data.shape[1]):
            if labels[i, j] != "":
                dark = not np.ma.is_masked(data[i, j]) and data[i, j] > middle
                ax.text(j, i, labels[i, j], ha="center", va="center", color="white" if dark else "black")
    ax.set_xticks(range(len(columns)), columns)
    ax.set_yticks(range(len(rows)), rows)
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    return image


def plot_score_counts(scores: pd.DataFrame, ax=None) -> Figure:
    """Customers per R, F and M score, three panels: with ties, some scores stay empty.

    ``ax`` is a row of three Axes to draw on (a new figure when None); returns the Figure.
    """
    if ax is None:
        _, ax = plt.subplots(1, 3, figsize=(11, 3), sharey=True)
    axes = list(np.ravel(ax))
    if len(axes) != 3:
        raise ValueError(f"plot_score_counts draws three panels (R, F, M): pass three Axes, not {len(axes)}.")
    n_scores = int(scores[["r_score", "f_score", "m_score"]].to_numpy().max())
    for ax, col, name, colour in zip(
        axes, ("r_score", "f_score", "m_score"), ("recency", "frequency", "monetary"), PALETTE, strict=False
    ):
        counts = scores[col].value_counts().reindex(range(1, n_scores + 1), fill_value=0)
        ax.bar(counts.index, counts.to_numpy(), color=colour)
        ax.set_xticks(counts.index)
        ax.set_xlabel(f"{name} score")
        ax.set_title(name)
    axes[0].set_ylabel("customers")
    return axes[0].figure


def plot_rfm_grid(grid: pd.DataFrame, ax: Axes | None = None, label: str = "customers", fmt: str = "{:,.0f}") -> Axes:
    """Recency score (rows) x frequency score (columns): a number per cell, e.g. customers.

    ``grid`` is e.g. ``pd.crosstab(scores["r_score"], scores["f_score"])`` (customers per
    cell) or a pivot table of a mean; ``label`` names what the cells hold, ``fmt`` formats them.
    """
    ax = new_axes(ax, figsize=(6, 5))
    grid = grid.sort_index(ascending=False).astype(float)
    labels = np.vectorize(lambda v: "" if np.isnan(v) else fmt.format(v))(grid.to_numpy())
    image = _annotated_heatmap(ax, grid.to_numpy(), labels, grid.index, grid.columns, "YlGnBu")
    ax.figure.colorbar(image, ax=ax, label=label)
    ax.set_xlabel("frequency score (5 = most orders)")
    ax.set_ylabel("recency score (5 = most recent)")
    ax.set_title(f"RFM grid: {label}")
    return ax


def plot_pareto_curve(curve: pd.DataFrame, highlight: float = 0.2, ax: Axes | None = None) -> Axes:
    """Share of total value against share of customers, most valuable first."""
    ax = new_axes(ax, figsize=(6, 5))
    ax.plot(curve["customer_share"], curve["value_share"], color=PALETTE[0], lw=2, label="customers, most valuable first")
    ax.plot([0, 1], [0, 1], color="grey", ls="--", lw=1, label="everyone worth the same")
    share = float(np.interp(highlight, curve["customer_share"], curve["value_share"]))
    ax.plot([highlight, highlight, 0], [0, share, share], color="firebrick", ls=":", lw=1.5)
    ax.annotate(f"top {highlight:.0%} hold {share:.0%} of the value", (highlight, share),
                xytext=(10, -20), textcoords="offset points", color="firebrick")
    percent(ax, "x")
    percent(ax, "y")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("share of customers")
    ax.set_ylabel("share of predicted value")
    ax.set_title("How concentrated is customer value?")
    ax.legend(frameon=False, loc="lower right")
    return ax


def plot_segment_profiles(profiles: pd.DataFrame, columns: list[str] | None = None, ax: Axes | None = None) -> Axes:
    """Segment profiles as a heatmap: colour shows each column's range, the numbers are real values."""
    columns = columns or [c for c in ("share_of_customers", "share_of_value", "mean_value", "mean_churn_risk")
                          if c in profiles.columns]
    table = profiles[columns].astype(float)
    if isinstance(table.index, pd.MultiIndex):
        table.index = [" / ".join(map(str, i)) for i in table.index]
    span = (table.max() - table.min()).replace(0, 1)
    colour = (table - table.min()) / span  # each column on its own scale
    labels = table.copy().astype(object)
    for col in columns:
        if col.startswith("share") or "risk" in col:
            labels[col] = table[col].map(lambda v: f"{v:.1%}" if 0 < abs(v) < 0.01 else f"{v:.0%}")
        else:
            labels[col] = table[col].map(lambda v: f"${v:,.0f}")
    ax = new_axes(ax, figsize=(1.8 * len(columns) + 2, 0.5 * len(table) + 1.5))
    _annotated_heatmap(ax, colour.to_numpy(), labels.to_numpy(), table.index, [c.replace("_", " ") for c in columns],
                       "YlOrRd")
    ax.set_title("Segment profiles (colour: low to high within each column)")
    return ax
