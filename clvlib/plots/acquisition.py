"""Figures for the CAC lesson (notebook 06); the numbers come from clvlib.analysis.acquisition.

Example
-------
>>> from clvlib.data import load_dataset
>>> from clvlib.analysis import acquisition
>>> from clvlib.plots.acquisition import plot_cac_by_month
>>> ds = load_dataset()
>>> ax = plot_cac_by_month(acquisition.cac_by_channel_month(ds.marketing_spend, ds.subscriptions))
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from clvlib.analysis.acquisition import RULE_OF_THUMB_LTV_TO_CAC
from clvlib.plots._style import colours_by_name, dollars, new_axes

_RULE_LABEL = f"{RULE_OF_THUMB_LTV_TO_CAC:g}:1 rule of thumb"


def plot_cac_by_month(monthly: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """CAC per channel and month; months where CAC is undefined are marked with an x on the axis."""
    ax = new_axes(ax, figsize=(9, 4))
    colours = colours_by_name(monthly["channel"].unique())
    for channel, group in monthly.groupby("channel"):
        x = group["month"].dt.to_timestamp()
        y = group["cac"].astype(float)  # undefined months become gaps in the line
        ax.plot(x, y, marker="o", ms=3, color=colours[channel], label=channel)
        undefined = ~group["cac_defined"].to_numpy()
        if undefined.any():
            ax.plot(x[undefined], np.zeros(undefined.sum()), "x", color=colours[channel], ms=8)
    ax.set_ylim(bottom=0)
    dollars(ax)
    ax.set_ylabel("CAC (spend per new customer)")
    ax.set_title("Customer acquisition cost by channel and month")
    ax.legend(frameon=False, ncol=4)
    return ax


def plot_ltv_to_cac(summary: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """LTV:CAC per channel with its bootstrap interval, against break-even (1) and the rule of thumb."""
    ax = new_axes(ax)
    table = summary[summary["ltv_to_cac"].notna()].sort_values("ltv_to_cac")
    ratio = table["ltv_to_cac"].astype(float)
    y = np.arange(len(table))
    colours = colours_by_name(summary.index)
    ax.barh(y, ratio, color=[colours[c] for c in table.index], alpha=0.8)
    if {"ltv_to_cac_lower", "ltv_to_cac_upper"} <= set(table.columns):
        lower = ratio - table["ltv_to_cac_lower"].astype(float)
        upper = table["ltv_to_cac_upper"].astype(float) - ratio
        ax.errorbar(ratio, y, xerr=[lower, upper], fmt="none", ecolor="black", capsize=4)
    ax.axvline(1, color="grey", ls="--", lw=1, label="break-even (1)")
    ax.axvline(RULE_OF_THUMB_LTV_TO_CAC, color="firebrick", ls=":", lw=1.5, label=_RULE_LABEL)
    ax.legend(frameon=False, loc="lower right")
    ax.set_yticks(y, table.index)
    ax.set_xlim(0, max(RULE_OF_THUMB_LTV_TO_CAC + 0.6, float(ratio.max()) * 1.15))
    ax.set_xlabel("LTV:CAC (lifetime margin per dollar of acquisition cost)")
    ax.set_title("LTV:CAC by channel (bars: estimate, whiskers: bootstrap interval)")
    return ax


def plot_cac_vs_clv(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Each channel as a point (CAC, CLV), with the lines CLV = CAC and CLV = rule of thumb x CAC."""
    ax = new_axes(ax, figsize=(6, 5))
    cac, clv = table["cac"].astype(float), table["clv"].astype(float)
    top = float(np.nanmax([cac.max() * 1.2, clv.max() * 1.2]))
    grid = np.linspace(0, top, 50)
    ax.plot(grid, grid, color="grey", ls="--", lw=1, label="CLV = CAC (break-even)")
    ax.plot(grid, RULE_OF_THUMB_LTV_TO_CAC * grid, color="firebrick", ls=":", lw=1.5, label=f"CLV = {RULE_OF_THUMB_LTV_TO_CAC:g} x CAC")
    colours = colours_by_name(table.index)
    for channel in table.index:
        ax.scatter(cac[channel], clv[channel], s=80, color=colours[channel], zorder=3)
        ax.annotate(channel, (cac[channel], clv[channel]), xytext=(6, 4), textcoords="offset points")
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    dollars(ax, "x")
    dollars(ax, "y")
    ax.set_xlabel("CAC")
    ax.set_ylabel("CLV (discounted margin)")
    ax.set_title("Cheap to acquire is not the same as worth acquiring")
    ax.legend(frameon=False, loc="upper left")
    return ax


def plot_payback_curves(curves: pd.DataFrame, payback: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Cumulative discounted margin per acquired customer, with each channel's CAC as a dashed line."""
    ax = new_axes(ax, figsize=(9, 5))
    colours = colours_by_name(curves["channel"].unique())
    for channel, group in curves.groupby("channel"):
        colour = colours[channel]
        ax.plot(group["months"], group["cumulative_discounted_margin"], color=colour, lw=2, label=channel)
        cac = payback.at[channel, "cac"]
        if pd.notna(cac):
            ax.axhline(float(cac), color=colour, ls="--", lw=1)
        months = payback.at[channel, "payback_months"]
        if pd.notna(months):
            ax.plot([float(months)], [float(cac)], "o", color=colour, ms=8)
            ax.annotate(f"{int(months)} months", (float(months), float(cac)), xytext=(6, 4),
                        textcoords="offset points", color=colour, fontweight="bold")
    dollars(ax)
    ax.set_xlabel("months since signup (monthly payments made)")
    ax.set_ylabel("cumulative discounted margin per customer")
    ax.set_title("Payback: when the margin of an acquired customer covers its CAC (dashed)")
    ax.legend(frameon=False)
    return ax


def plot_ltv_to_cac_by_horizon(by_horizon: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """LTV:CAC against the number of months of value counted, with lines at 1 and the rule of thumb."""
    ax = new_axes(ax)
    colours = colours_by_name(by_horizon["channel"].unique())
    for channel, group in by_horizon.groupby("channel"):
        ax.plot(group["months"], group["ltv_to_cac"], color=colours[channel], lw=2, label=channel)
    ax.axhline(1, color="grey", ls="--", lw=1, label="break-even (1)")
    ax.axhline(RULE_OF_THUMB_LTV_TO_CAC, color="firebrick", ls=":", lw=1.5, label=_RULE_LABEL)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("months of customer value counted (horizon)")
    ax.set_ylabel("LTV:CAC")
    ax.set_title("The ratio depends on how far ahead you count")
    ax.legend(frameon=False)
    return ax


def plot_budget_scenario(scenario: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Monthly spend and value created minus spend per channel, baseline against scenario."""
    ax = new_axes(ax, figsize=(9, 4))
    table = scenario.drop(index="total", errors="ignore")
    x = np.arange(len(table))
    width = 0.2
    bars = [
        ("spend_baseline", "spend, today", "#9ecae1"),
        ("spend_scenario", "spend, scenario", "#3182bd"),
        ("value_minus_spend_baseline", "value minus spend, today", "#a1d99b"),
        ("value_minus_spend_scenario", "value minus spend, scenario", "#31a354"),
    ]
    for i, (col, label, colour) in enumerate(bars):
        ax.bar(x + (i - 1.5) * width, table[col].astype(float), width, label=label, color=colour)
    ax.set_xticks(x, table.index)
    ax.axhline(0, color="black", lw=0.8)
    top = float(table[[c for c, _, _ in bars]].to_numpy(dtype=float).max())
    ax.set_ylim(top=top * 1.3)  # room for the legend above the bars
    dollars(ax)
    ax.set_ylabel("per month")
    ax.set_title("Budget scenario: where the money goes and what it returns")
    ax.legend(frameon=False, ncol=2, fontsize="small", loc="upper left")
    return ax
