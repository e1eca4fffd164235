"""Figures of the executive report (notebook 07); the numbers come from clvlib.analysis.kpis.

Each function draws an already-computed table on an optional ``ax`` and returns it;
:func:`plot_kpi_trends` has four panels and returns the Figure. Money axes and labels go
through the report's :class:`clvlib.core.money.Currency` (``money``).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from clvlib.analysis.acquisition import RULE_OF_THUMB_LTV_TO_CAC
from clvlib.core.money import DEFAULT_CURRENCY, Currency, currency
from clvlib.plots._style import PALETTE, new_axes, percent


def _money_axis(ax: Axes, money: str | Currency = DEFAULT_CURRENCY, axis: str = "y") -> None:
    """Format an axis as money in the report's currency ($1,200 or €1,200 or 1,200 kr)."""
    fmt = FuncFormatter(lambda v, _: currency(money).axis_label(v))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _month_labels(index: pd.Index) -> list[str]:
    return [pd.Timestamp(d).strftime("%b %y") for d in index]


def plot_kpi_trends(history: pd.DataFrame, ax=None, figsize=(11, 6.5), money: str | Currency = DEFAULT_CURRENCY) -> Figure:
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
    _money_axis(ax, money)
    ax = axes[1, 0]
    width = 0.4
    ax.bar([i - width / 2 for i in x], history["new_subscribers"], width, label="joined", color=PALETTE[0])
    ax.bar([i + width / 2 for i in x], history["cancellations"], width, label="cancelled", color=PALETTE[3])
    ax.set_title("Subscribers joining and leaving")
    ax.legend(frameon=False)
    ax = axes[1, 1]
    ax.bar(list(x), history["shop_revenue"], color=PALETTE[1])
    ax.set_title("Web-shop revenue")
    _money_axis(ax, money)
    for ax in axes.flat:
        ax.set_xticks(list(x))
        ax.set_xticklabels(labels, rotation=45, ha="right", fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def plot_ltv_to_cac_bars(table: pd.DataFrame, ax: Axes | None = None, money: str | Currency = DEFAULT_CURRENCY) -> Axes:
    """LTV:CAC by channel, coloured by whether the channel pays back within the horizon.

    ``table``: ``ltv_to_cac``, ``cac``, ``payback_months`` (NA when not paid back) and, when
    present, ``ltv_to_cac_lower`` / ``ltv_to_cac_upper`` drawn as an interval. The pass mark is
    payback (LTV:CAC 1:1, solid line); the 3:1 rule of thumb
    (:data:`clvlib.analysis.acquisition.RULE_OF_THUMB_LTV_TO_CAC`) is a dashed reference only.
    """
    rule_of_thumb = RULE_OF_THUMB_LTV_TO_CAC
    ax = new_axes(ax, figsize=(7.5, 3.5))
    data = table.dropna(subset=["ltv_to_cac"]).assign(ltv_to_cac=lambda t: t["ltv_to_cac"].astype(float))
    data = data.sort_values("ltv_to_cac")
    paid = data["payback_months"].notna().to_numpy() if "payback_months" in data else np.ones(len(data), bool)
    colors = [PALETTE[2] if p else PALETTE[3] for p in paid]
    y = np.arange(len(data))
    ax.barh(y, data["ltv_to_cac"].to_numpy(), color=colors)
    upper = data["ltv_to_cac"].to_numpy()
    if {"ltv_to_cac_lower", "ltv_to_cac_upper"} <= set(data.columns):
        low, high = data["ltv_to_cac_lower"].astype(float).to_numpy(), data["ltv_to_cac_upper"].astype(float).to_numpy()
        ax.errorbar(upper, y, xerr=[upper - low, high - upper], fmt="none", ecolor="black", capsize=3, linewidth=1)
        upper = np.fmax(upper, high)
    ax.set_yticks(y, [str(c) for c in data.index])
    ax.axvline(1.0, color="black", linewidth=1)
    ax.axvline(rule_of_thumb, color="grey", linestyle="--", linewidth=1)
    ax.text(1.0, len(data) - 0.45, " 1:1 pays back", fontsize=8)
    ax.text(rule_of_thumb, len(data) - 0.45, f" {rule_of_thumb:g}:1 reference, not a pass mark", color="grey", fontsize=8)
    for i, (_, row) in enumerate(data.iterrows()):
        months = row.get("payback_months")
        when = "not paid back" if months is None or pd.isna(months) else f"pays back in {float(months):.0f} months"
        ax.text(upper[i], i, f" {row['ltv_to_cac']:.1f}:1 · {when} · CAC {currency(money).format(float(row['cac']))}",
                va="center", fontsize=8)
    ax.set_xlabel("lifetime value of a new customer / cost to acquire them")
    ax.set_title("Value per acquisition dollar, by channel (green: pays back within the horizon)")
    ax.set_xlim(0, max(float(np.nanmax(upper)) * 1.9, rule_of_thumb * 1.3))
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
