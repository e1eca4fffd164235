"""Figures for lesson 01 (CLV basics): tornado chart, discounting, truncated sums.

Each function draws already-computed tables from :mod:`clvlib.analysis.formulas` on an
optional ``ax`` and returns it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from clvlib.plots._style import PALETTE, dollars, new_axes


def plot_tornado(
    sensitivity_table: pd.DataFrame, ax: Axes | None = None, labels: dict[str, str] | None = None
) -> Axes:
    """Tornado chart of :func:`clvlib.analysis.formulas.sensitivity`: one bar per input, biggest on top.

    The left part of each bar is the CLV change when the input moves down, the right
    part when it moves up, both around the base CLV.
    """
    if sensitivity_table.empty:
        raise ValueError("The sensitivity table is empty: nothing to draw.")
    ax = new_axes(ax, figsize=(7, 0.6 * len(sensitivity_table) + 1.5))
    table = sensitivity_table.iloc[::-1]  # barh draws bottom-up
    names = [(labels or {}).get(n, n.replace("_", " ")) for n in table.index]
    y = np.arange(len(table))
    base = float(table["base_clv"].iloc[0])
    ax.barh(y, table["change_low"], left=base, color=PALETTE[3], label="input at its low value")
    ax.barh(y, table["change_high"], left=base, color=PALETTE[2], label="input at its high value")
    ax.axvline(base, color="black", lw=1)
    ax.set_yticks(y, names)
    ax.set_xlabel("customer lifetime value")
    dollars(ax, "x")
    ax.set_title(f"What moves CLV most (base ${base:,.0f})")
    ax.legend(loc="lower right", frameon=False)
    return ax


def plot_discounted_cash_flows(cash_flows, discount_factors, ax: Axes | None = None, period_label: str = "year") -> Axes:
    """Bars of each cash flow and of its present value (cash flow x discount factor)."""
    flows = np.asarray(cash_flows, dtype=float)
    factors = np.asarray(discount_factors, dtype=float)
    if flows.shape != factors.shape:
        raise ValueError("cash_flows and discount_factors must have the same length.")
    ax = new_axes(ax)
    x = np.arange(1, flows.size + 1)
    ax.bar(x - 0.2, flows, width=0.4, color=PALETTE[0], label="cash flow")
    ax.bar(x + 0.2, flows * factors, width=0.4, color=PALETTE[1], label="present value")
    ax.set_xlabel(period_label)
    ax.set_ylabel("dollars")
    dollars(ax)
    ax.legend(frameon=False)
    ax.set_title("A dollar later is worth less than a dollar now")
    return ax


def plot_truncated_sum_convergence(
    partial_sums: pd.Series, closed_form: float, ax: Axes | None = None, period_label: str = "periods"
) -> Axes:
    """Partial sums of the CLV series against the closed-form value they converge to."""
    ax = new_axes(ax)
    ax.plot(partial_sums.index, partial_sums.to_numpy(), color=PALETTE[0], label="sum of the first n terms")
    ax.axhline(closed_form, color=PALETTE[3], ls="--", label=f"closed form ${closed_form:,.2f}")
    ax.set_xlabel(f"n ({period_label} summed)")
    ax.set_ylabel("CLV")
    dollars(ax)
    ax.legend(frameon=False, loc="lower right")
    ax.set_title("The geometric sum converges to m r / (1 + d - r)")
    return ax


def plot_clv_distribution(
    clv_per_customer, average_clv: float, clv_of_average: float, ax: Axes | None = None, bins: int = 40
) -> Axes:
    """Histogram of customers' CLVs with the average CLV and the CLV of the average customer."""
    values = np.asarray(clv_per_customer, dtype=float)
    ax = new_axes(ax)
    ax.hist(values, bins=bins, color=PALETTE[0], alpha=0.7)
    ax.axvline(average_clv, color=PALETTE[2], lw=2, label=f"average CLV ${average_clv:,.0f}")
    ax.axvline(clv_of_average, color=PALETTE[3], lw=2, ls="--",
               label=f"CLV of the average customer ${clv_of_average:,.0f}")
    ax.set_xlabel("customer lifetime value")
    ax.set_ylabel("customers")
    dollars(ax, "x")
    ax.legend(frameon=False)
    ax.set_title("Customers differ: the average of CLVs is not the CLV of averages")
    return ax
