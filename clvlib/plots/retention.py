"""Figures for lesson 02 (cohorts and retention): heatmap, churn by tenure, sBG vs constant churn.

Each function draws already-computed tables from :mod:`clvlib.analysis.cohorts` and
:mod:`clvlib.models.contractual.sbg`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter

from clvlib.plots import PALETTE, dollars, new_axes, percent


def _fine_percent(ax) -> None:
    """Percent ticks with one decimal where whole percents would repeat (2.5% is not 2%)."""
    ax.yaxis.set_major_formatter(
        FuncFormatter(lambda v, _: f"{v:.0%}" if abs(v * 100 - round(v * 100)) < 1e-6 else f"{v:.1%}")
    )


def retention_heatmap(table: pd.DataFrame, ax=None, max_months: int | None = None):
    """Heatmap of :func:`clvlib.analysis.cohorts.retention_table` (share still active).

    Blank cells are months a cohort has not reached yet (not observed, not churn).
    Drawn with plain matplotlib (seaborn would add two seconds of import to the lesson).
    """
    if table.empty:
        raise ValueError("The retention table is empty: nothing to draw.")
    data = table if max_months is None else table.loc[:, table.columns <= max_months]
    ax = new_axes(ax, figsize=(11, 7))
    values = np.ma.masked_invalid(data.to_numpy(dtype=float))
    image = ax.imshow(values, aspect="auto", cmap="viridis", vmin=0, vmax=1, interpolation="nearest")
    colorbar = ax.figure.colorbar(image, ax=ax)
    colorbar.set_label("share of the cohort still active")
    percent(colorbar.ax)
    step_x = max(1, data.shape[1] // 18)
    step_y = max(1, data.shape[0] // 18)
    ax.set_xticks(np.arange(0, data.shape[1], step_x), [str(c) for c in data.columns[::step_x]])
    ax.set_yticks(np.arange(0, data.shape[0], step_y), [str(c) for c in data.index[::step_y]])
    ax.set_xlabel("months since signup")
    ax.set_ylabel("signup cohort")
    ax.set_title("Retention by signup cohort (blank = not reached yet)")
    return ax


def churn_by_tenure(table: pd.DataFrame, ax=None, by: str | None = None):
    """Monthly churn rate against months since signup (from :func:`clvlib.analysis.cohorts.churn_by_tenure`)."""
    ax = new_axes(ax)
    groups = table.groupby(by, sort=True) if by else [("all customers", table)]
    for i, (name, g) in enumerate(groups):
        ax.plot(g["months_since_signup"], g["churn_rate"], marker="o", ms=3,
                color=PALETTE[i % len(PALETTE)], label=str(name))
    ax.set_xlabel("months since signup")
    ax.set_ylabel("churn rate among those still active")
    _fine_percent(ax)
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False)
    ax.set_title("Churn falls with tenure: the leavers leave first")
    return ax


def survival_projection(table: pd.DataFrame, ax=None, unit_label: str = "months since signup"):
    """Actual survivors vs the sBG and constant-churn projections (:func:`clvlib.models.contractual.sbg.compare_projections`).

    The shaded area marks the periods the models were fitted on.
    """
    ax = new_axes(ax)
    periods = table.index.to_numpy()
    ax.plot(periods, table["actual"], "o", color="black", ms=4, label="actual")
    ax.plot(periods, table["sbg"], color=PALETTE[0], lw=2, label="sBG projection")
    ax.plot(periods, table["constant_churn"], color=PALETTE[3], lw=2, ls="--", label="constant-churn projection")
    if "in_calibration" in table:
        cal = periods[table["in_calibration"].to_numpy()]
        ax.axvspan(cal.min(), cal.max(), color="grey", alpha=0.15, label="fitted on")
    ax.set_xlabel(unit_label)
    ax.set_ylabel("customers still active")
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False)
    ax.set_title("Projecting retention beyond the data")
    return ax


def retention_rate_curves(
    periods, rates: dict[str, np.ndarray], ax=None, unit_label: str = "renewal",
    title: str = "Retention rises with tenure when customers differ",
):
    """Retention rate at each renewal: rising for the sBG, flat for constant churn."""
    ax = new_axes(ax)
    ax.set_title(title)
    for i, (name, r) in enumerate(rates.items()):
        ax.plot(periods, r, marker="o", ms=3, color=PALETTE[i % len(PALETTE)], label=name)
    ax.set_xlabel(unit_label)
    ax.set_ylabel("retention rate")
    _fine_percent(ax)
    ax.legend(frameon=False)
    return ax


def value_by_tenure(table: pd.DataFrame, ax=None):
    """Bars of a customer's expected remaining value by renewals made, one bar group per model.

    ``table``: index = renewals made so far, one column per model (dollars).
    """
    ax = new_axes(ax)
    table.plot.bar(ax=ax, color=PALETTE[: table.shape[1]], rot=0)
    ax.set_xlabel("renewals made so far")
    ax.set_ylabel("expected remaining value")
    dollars(ax)
    ax.legend(frameon=False)
    ax.set_title("Customers who stayed are worth more (if customers differ)")
    return ax
