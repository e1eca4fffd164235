"""Figures of the executive report (notebook 07); the numbers come from clvlib.analysis.kpis.

Each function draws an already-computed table on an optional ``ax`` and returns it;
:func:`plot_kpi_trends` has four panels and returns the Figure.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from clvlib.analysis.acquisition import RULE_OF_THUMB_LTV_TO_CAC
from clvlib.plots._style import PALETTE, dollars, new_axes, percent


def _month_labels(index: pd.Index) -> list[str]:
    return [pd.Timestamp(d).strftime("%b %y") for d in index]


def plot_kpi_trends(history: pd.DataFrame, ax=None, figsize=(11, 6.5)) -> Figure:
    """Four small charts of the KPI history: subscribers, MRR, joiners vs leavers, shop revenue.

    ``ax`` is a 2 x 2 grid of Axes to draw on (a new figure of ``figsize`` when None);
    returns the Figure.
    """
    if ax is None:
        fig, ax = plt.subplots(2, 2, figsize=figsize)
    axes = np.asarray(ax, dtype=object)
    if axes.size != 4:
        raise ValueError(f"plot_kpi_trends draws four panels: pass a 2 x 2 grid of Axes, not {axes.size}.")
    axes = axes.reshape(2, 2)
    fig = axes[0, 0].figure
    labels = _month_labels(history.index)
    x = range(len(history))
    ax = axes[0, 0]
    ax.plot(x, history["active_subscribers"], marker="o", color=PALETTE[0])
    ax.set_title("Active subscribers")
    ax = axes[0, 1]
    ax.plot(x, history["mrr"], marker="o", color=PALETTE[2])
    ax.set_title("Monthly recurring revenue")
    dollars(ax)
    ax = axes[1, 0]
    width = 0.4
    ax.bar([i - width / 2 for i in x], history["new_subscribers"], width, label="joined", color=PALETTE[0])
    ax.bar([i + width / 2 for i in x], history["cancellations"], width, label="cancelled", color=PALETTE[3])
    ax.set_title("Subscribers joining and leaving")
    ax.legend(frameon=False)
    ax = axes[1, 1]
    ax.bar(list(x), history["shop_revenue"], color=PALETTE[1])
    ax.set_title("Web-shop revenue")
    dollars(ax)
    for ax in axes.flat:
        ax.set_xticks(list(x))
        ax.set_xticklabels(labels, rotation=45, ha="right", fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def plot_ltv_to_cac_bars(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """LTV:CAC by channel as horizontal bars labelled with the CAC, with the rule of thumb as a dashed line.

    Bars at or above :data:`clvlib.analysis.acquisition.RULE_OF_THUMB_LTV_TO_CAC` are green.
    """
    rule_of_thumb = RULE_OF_THUMB_LTV_TO_CAC
    ax = new_axes(ax, figsize=(7, 3.5))
    data = table["ltv_to_cac"].astype(float).dropna().sort_values()
    colors = [PALETTE[2] if v >= rule_of_thumb else PALETTE[3] for v in data]
    ax.barh([str(c) for c in data.index], data.to_numpy(), color=colors)
    ax.axvline(rule_of_thumb, color="grey", linestyle="--", linewidth=1)
    ax.text(rule_of_thumb, len(data) - 0.45, f" {rule_of_thumb:g}:1 rule of thumb", color="grey", fontsize=8)
    for i, (channel, value) in enumerate(data.items()):
        cac = table.at[channel, "cac"]
        ax.text(value, i, f" {value:.1f}:1 (CAC ${float(cac):,.0f})", va="center", fontsize=8)
    ax.set_xlabel("lifetime value of a new customer / cost to acquire them")
    ax.set_title("Value per acquisition dollar, by channel")
    ax.set_xlim(0, max(float(data.max()) * 1.35, rule_of_thumb * 1.3))
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def plot_segment_shares(mix: pd.DataFrame, title: str, ax: Axes | None = None) -> Axes:
    """Shares of customers by segment now and in the previous period (grouped bars)."""
    ax = new_axes(ax, figsize=(7, 3.5))
    y = range(len(mix))
    height = 0.4
    if "previous_share" in mix.columns:
        ax.barh([i + height / 2 for i in y], mix["previous_share"], height, label="previous period", color="#bbbbbb")
    ax.barh([i - height / 2 for i in y], mix["share"], height, label="this period", color=PALETTE[0])
    ax.set_yticks(list(y))
    ax.set_yticklabels([str(s) for s in mix.index])
    ax.invert_yaxis()
    percent(ax, axis="x")
    ax.set_title(title)
    ax.legend(frameon=False, loc="upper right")
    ax.spines[["top", "right"]].set_visible(False)
    return ax
