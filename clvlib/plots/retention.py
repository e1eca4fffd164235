"""Figures for lesson 02 (cohorts and retention): heatmap, churn by tenure, sBG vs constant churn.

Each function draws already-computed tables from :mod:`clvlib.analysis.cohorts` and
:mod:`clvlib.models.contractual` on an optional ``ax`` and returns it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from clvlib.plots._style import PALETTE, dollars, fine_percent, new_axes, percent
from clvlib.plots.survival import plot_survival_curves

# compare_projections' columns, as the legend names them
_PROJECTION_LABELS = {"actual": "actual", "sbg": "sBG projection", "constant_churn": "constant-churn projection"}


def plot_retention_heatmap(table: pd.DataFrame, ax: Axes | None = None, max_months: int | None = None) -> Axes:
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


def plot_churn_by_tenure(
    table: pd.DataFrame,
    ax: Axes | None = None,
    by: str | None = None,
    title: str = "Churn falls with tenure: the leavers leave first",
) -> Axes:
    """Monthly churn rate against months since signup, one line per ``by`` group.

    Draws the long table of :func:`clvlib.analysis.cohorts.churn_by_tenure` (cohort life
    tables) or of :func:`clvlib.models.survival.churn_by_tenure_table` (fitted curves).
    """
    ax = new_axes(ax)
    groups = table.groupby(by, sort=True) if by else [("all customers", table)]
    for i, (name, g) in enumerate(groups):
        ax.plot(g["months_since_signup"], g["churn_rate"], marker="o", ms=3,
                color=PALETTE[i % len(PALETTE)], label=str(name))
    ax.set_xlabel("months since signup")
    ax.set_ylabel("churn rate among those still active")
    fine_percent(ax)
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False)
    ax.set_title(title)
    return ax


def plot_retention_projections(
    table: pd.DataFrame, ax: Axes | None = None, unit_label: str = "months since signup"
) -> Axes:
    """Actual survivors vs the sBG and constant-churn projections (``compare_projections``'s table).

    Drawn by :func:`clvlib.plots.survival.plot_survival_curves` (the actual counts as
    points); the shaded area marks the periods the models were fitted on.
    """
    missing = [c for c in _PROJECTION_LABELS if c not in table.columns]
    if missing:
        raise ValueError(f"The projection table has no {', '.join(missing)} column(s): pass compare_projections' table.")
    curves = pd.concat({name: table[name] for name in _PROJECTION_LABELS}, names=["curve", "period"])
    fitted_on = None
    if "in_calibration" in table:
        fitted = table.index.to_numpy()[table["in_calibration"].to_numpy(dtype=bool)]
        fitted_on = (fitted.min(), fitted.max())
    return plot_survival_curves(
        curves.to_frame("survival"), ax, observed="actual", labels=_PROJECTION_LABELS, steps=False, share=False,
        fitted_on=fitted_on, xlabel=unit_label, title="Projecting retention beyond the data",
    )


def plot_retention_rate_curves(
    periods, rates: dict[str, np.ndarray], ax: Axes | None = None, unit_label: str = "renewal",
    title: str = "Retention rises with tenure when customers differ",
) -> Axes:
    """Retention rate at each renewal: rising for the sBG, flat for constant churn."""
    ax = new_axes(ax)
    ax.set_title(title)
    for i, (name, r) in enumerate(rates.items()):
        ax.plot(periods, r, marker="o", ms=3, color=PALETTE[i % len(PALETTE)], label=name)
    ax.set_xlabel(unit_label)
    ax.set_ylabel("retention rate")
    fine_percent(ax)
    ax.legend(frameon=False)
    return ax


def plot_value_by_tenure(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
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
