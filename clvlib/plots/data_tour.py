"""Figures for notebook 00: a first look at the three tables."""

from __future__ import annotations

import pandas as pd

from clvlib.plots import dollars, new_axes


def signups_by_month(subscriptions: pd.DataFrame, ax=None):
    """Stacked bars: new subscribers per month, by acquisition channel."""
    ax = new_axes(ax)
    counts = (
        subscriptions.assign(month=subscriptions["signup_date"].dt.to_period("M"))
        .groupby(["month", "channel"]).size().unstack(fill_value=0)
    )
    counts.index = counts.index.astype(str)
    counts.plot.bar(stacked=True, ax=ax, width=0.85)
    ax.legend(title="channel", loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.set_xlabel("signup month")
    ax.set_ylabel("new subscribers")
    ax.set_title("New subscribers per month, by channel")
    step = max(1, len(counts) // 12)
    ax.set_xticks(range(0, len(counts), step), counts.index[::step], rotation=45, ha="right")
    return ax


def order_values(orders: pd.DataFrame, ax=None):
    """Histogram of order values (the spread is why Gamma-Gamma models it)."""
    ax = new_axes(ax)
    upper = orders["order_value"].quantile(0.99)
    ax.hist(orders["order_value"].clip(upper=upper), bins=50, color="#1f77b4")
    ax.set_xlabel("order value (clipped at the 99th percentile)")
    ax.set_ylabel("orders")
    ax.set_title("Most orders are small; a few are large")
    dollars(ax, axis="x")
    return ax


def spend_by_channel(marketing_spend: pd.DataFrame, ax=None):
    """Lines: monthly marketing spend per channel."""
    ax = new_axes(ax)
    wide = marketing_spend.pivot(index="month", columns="channel", values="spend")
    wide.index = wide.index.to_timestamp()
    wide.plot(ax=ax)
    ax.legend(title="channel", loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.set_xlabel("month")
    ax.set_ylabel("spend")
    ax.set_title("Marketing spend by channel")
    dollars(ax)
    return ax
