"""Figures for lesson 10 (one customer across channels, and the journey); numbers from
clvlib.analysis.linkage, referrals and journey.

Example
-------
>>> import pandas as pd
>>> counts = pd.DataFrame({"acquired": [5, 2], "lapsed": [0, 3]},
...                       index=pd.to_datetime(["2024-01-31", "2024-02-29"]))
>>> ax = plot_stage_counts(counts)
>>> ax.get_ylabel()
'customers'
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from clvlib.plots._style import PALETTE, dollars, new_axes

STAGE_COLOURS = {"acquired": "#9ecae1", "converted": "#4292c6", "retained": "#2ca02c", "loyal": "#006d2c",
                 "lapsed": "#bdbdbd", "won back": "#ff7f0e"}


def plot_stage_counts(counts: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Customers per journey stage over time, stacked (``counts``: dates by stages, from ``stage_counts``)."""
    ax = new_axes(ax, figsize=(9, 4))
    colours = [STAGE_COLOURS.get(stage, PALETTE[i % len(PALETTE)]) for i, stage in enumerate(counts.columns)]
    ax.stackplot(counts.index, counts.to_numpy(dtype=float).T, labels=list(counts.columns), colors=colours)
    ax.set_ylabel("customers")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.margins(x=0)
    return ax


def plot_stage_flows(flows: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Customers moving from each stage (rows) to each stage (columns) between two dates, as a heatmap."""
    ax = new_axes(ax, figsize=(7, 5))
    data = flows.to_numpy(dtype=float)
    ax.imshow(np.ma.masked_equal(data, 0), cmap="Blues", aspect="auto")
    middle = data.max() / 2 if data.size else 0
    for i in range(data.shape[0]):
        for j in range(data.shape[1]):
            if data[i, j]:
                ax.text(j, i, f"{data[i, j]:,.0f}", ha="center", va="center",
                        color="white" if data[i, j] > middle else "black")
    ax.set_xticks(range(len(flows.columns)), flows.columns, rotation=30, ha="right")
    ax.set_yticks(range(len(flows.index)), flows.index)
    ax.set_xlabel("stage at the end")
    ax.set_ylabel("stage at the start")
    ax.tick_params(length=0)
    return ax


def plot_silo_view(view: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Mean value per linked person as each silo sees it and as a whole (``view`` from ``silo_view``)."""
    ax = new_axes(ax, figsize=(7, 3))
    values = view["mean_value"]
    bars = ax.barh(list(values.index), values.to_numpy(), color=[PALETTE[0], PALETTE[1], PALETTE[2]][: len(values)])
    for bar, value in zip(bars, values.to_numpy(), strict=True):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" ${value:,.0f}", va="center")
    ax.invert_yaxis()
    dollars(ax, "x")
    ax.set_xlabel("mean value per linked person")
    return ax


def plot_referral_credit(table: pd.DataFrame, top: int = 15, ax: Axes | None = None) -> Axes:
    """Own value and referred value of the ``top`` referrers (``table`` from ``referral_credit``), stacked bars."""
    ax = new_axes(ax, figsize=(8, 4))
    shown = table.head(top)
    labels = list(shown.index.astype(str))
    ax.bar(labels, shown["own_value"].to_numpy(), color=PALETTE[0], label="own value")
    ax.bar(labels, shown["referred_value"].to_numpy(), bottom=shown["own_value"].to_numpy(), color=PALETTE[1],
           label="value of the customers they referred")
    ax.tick_params(axis="x", rotation=60)
    dollars(ax)
    ax.set_ylabel("value")
    ax.legend(frameon=False)
    return ax
