"""Figures for notebook 00: a first look at the three tables (signups, orders, marketing spend).

Signups and spend are drawn from the monthly table of
:func:`clvlib.analysis.acquisition.cac_by_channel_month` (columns month, channel, spend,
new_customers), so the tour counts customers exactly as the CAC lesson does.

Example
-------
>>> from clvlib.analysis import acquisition
>>> from clvlib.data import load_dataset
>>> ds = load_dataset()
>>> monthly = acquisition.cac_by_channel_month(ds.marketing_spend, ds.subscriptions)
>>> ax = plot_signups_by_month(monthly)
>>> sum(int(p.get_height()) for p in ax.patches) == len(ds.subscriptions)
True
"""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes

from clvlib.plots._style import PALETTE, dollars, new_axes


def _by_month(monthly: pd.DataFrame, values: str) -> pd.DataFrame:
    """``values`` of the monthly table as months (rows) x channels (columns)."""
    missing = [c for c in ("month", "channel", values) if c not in monthly.columns]
    if missing:
        raise ValueError(
            f"The monthly table has no {', '.join(missing)} column(s): pass "
            "clvlib.analysis.acquisition.cac_by_channel_month(marketing_spend, subscriptions)."
        )
    return monthly.pivot(index="month", columns="channel", values=values)


def plot_signups_by_month(monthly: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Stacked bars: new subscribers per month, by acquisition channel."""
    ax = new_axes(ax)
    counts = _by_month(monthly, "new_customers").fillna(0).astype(int)
    counts = counts.loc[counts.sum(axis=1) > 0]  # months with spend but no signup yet are not drawn
    counts.index = counts.index.astype(str)
    counts.plot.bar(stacked=True, ax=ax, width=0.85)
    ax.legend(title="channel", loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.set_xlabel("signup month")
    ax.set_ylabel("new subscribers")
    ax.set_title("New subscribers per month, by channel")
    step = max(1, len(counts) // 12)
    ax.set_xticks(range(0, len(counts), step), counts.index[::step], rotation=45, ha="right")
    return ax


def plot_order_values(orders: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Histogram of order values (the spread is why Gamma-Gamma models it), clipped at the 99th percentile."""
    ax = new_axes(ax)
    upper = orders["order_value"].quantile(0.99)
    ax.hist(orders["order_value"].clip(upper=upper), bins=50, color=PALETTE[0])
    ax.set_xlabel("order value (clipped at the 99th percentile)")
    ax.set_ylabel("orders")
    ax.set_title("Most orders are small; a few are large")
    dollars(ax, axis="x")
    return ax


def plot_spend_by_channel(monthly: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Lines: monthly marketing spend per channel (months without a spend row are gaps)."""
    ax = new_axes(ax)
    wide = _by_month(monthly, "spend").astype(float)
    wide = wide.loc[wide.notna().any(axis=1)]  # months with signups but no spend recorded at all
    wide.index = wide.index.to_timestamp()
    wide.plot(ax=ax)
    ax.legend(title="channel", loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.set_xlabel("month")
    ax.set_ylabel("spend")
    ax.set_title("Marketing spend by channel")
    dollars(ax)
    return ax
