"""Figures for the levers lesson (notebook 08); the numbers come from clvlib.analysis.levers,
clvlib.analysis.price_test and clvlib.analysis.retention_targeting.

Example
-------
>>> import pandas as pd
>>> from clvlib.plots.levers import plot_lever_gains
>>> table = pd.DataFrame({"gain_per_customer": [12.0, 3.0], "cost_per_customer": [5.0, 1.0]},
...                      index=pd.Index(["retention", "frequency"], name="lever"))
>>> ax = plot_lever_gains(table)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from clvlib.plots._style import PALETTE, colours_by_name, dollars, new_axes, percent


def plot_lever_gains(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Gain per customer of each lever (= its break-even cost), its interval if any, and its cost."""
    ax = new_axes(ax, figsize=(8, 0.8 + 0.7 * len(table)))
    rows = table.sort_values("gain_per_customer")
    y = np.arange(len(rows))
    gain = rows["gain_per_customer"].to_numpy(dtype=float)
    ax.barh(y, gain, color=PALETTE[0], alpha=0.8, label="gain per customer = break-even cost")
    if {"gain_per_customer_lower", "gain_per_customer_upper"} <= set(rows.columns):
        has = rows["gain_per_customer_lower"].notna().to_numpy()
        low = (gain - rows["gain_per_customer_lower"].to_numpy(dtype=float))[has]
        high = (rows["gain_per_customer_upper"].to_numpy(dtype=float) - gain)[has]
        ax.errorbar(gain[has], y[has], xerr=[low, high], fmt="none", ecolor="black", capsize=4,
                    label="interval of the measured effect")
    ax.plot(rows["cost_per_customer"].astype(float), y, "D", color=PALETTE[3], label="cost per customer")
    ax.axvline(0, color="grey", lw=1)
    ax.set_yticks(y, rows.index)
    dollars(ax, "x")
    ax.set_xlabel("per customer, discounted margin")
    ax.set_title("What each lever is worth per customer, against what it costs")
    ax.legend(frameon=False, loc="lower right", fontsize=8)
    return ax


def plot_price_test_survival(curves: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Each arm's observed survival (dots) and its fitted sBG (line), by months since signup."""
    ax = new_axes(ax)
    colours = colours_by_name(curves["arm"].unique())
    for arm, group in curves.groupby("arm"):
        ax.plot(group["months_since_signup"], group["survival"], "o", ms=4, color=colours[arm], label=f"{arm}: observed")
        ax.plot(group["months_since_signup"], group["sbg"], "-", color=colours[arm], label=f"{arm}: sBG fit")
    ax.set_ylim(0, 1.02)
    percent(ax)
    ax.set_xlabel("months since signup")
    ax.set_ylabel("still subscribed")
    ax.set_title("The price test: survival by arm")
    ax.legend(frameon=False, fontsize=8)
    return ax


def plot_keep_vs_win(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Cost of keeping one subscriber by tenure (bars) against the cost of winning one (CAC, dashed)."""
    ax = new_axes(ax)
    x = np.arange(len(table))
    ax.bar(x, table["cost_to_keep"].astype(float), color=PALETTE[2], alpha=0.8, label="cost of keeping one (offer / kept)")
    ax.axhline(float(table["cac"].iloc[0]), color=PALETTE[3], ls="--", label="cost of winning one (CAC)")
    ax.set_xticks(x, [str(n) for n in table.index])
    ax.set_xlabel("renewals made so far (tenure)")
    dollars(ax)
    ax.set_title("Keeping against winning a subscriber")
    ax.legend(frameon=False, fontsize=8)
    return ax


def plot_targeting(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Value saved per dollar of retention offers under each targeting rule; below 1 loses money."""
    ax = new_axes(ax)
    y = np.arange(len(table))
    ax.barh(y, table["value_saved_per_dollar"].astype(float), color=PALETTE[4], alpha=0.8)
    ax.axvline(1, color="grey", ls="--", lw=1, label="break-even (1)")
    ax.set_yticks(y, table.index)
    ax.set_xlabel("value saved per dollar spent on offers")
    ax.set_title("Whom to target with a retention offer")
    ax.legend(frameon=False, fontsize=8)
    return ax
