"""Figures for the survival lesson (notebook 03), and the survival-curve plot lesson 02 uses too.

The numbers come from :mod:`clvlib.models.survival` (Kaplan-Meier, parametric fits) and
:mod:`clvlib.models.contractual` (sBG projections); hazard and odds ratios are drawn by
:func:`clvlib.plots.forest.plot_forest`.

A *survival table* is what :func:`plot_survival_curves` draws: one row per curve and time,
index ``(curve, time)``, a ``survival`` column (a share, or a count of customers still
active) and optionally ``lower``/``upper`` (a confidence band). A fitted lifelines
Kaplan-Meier curves become one with
:func:`clvlib.models.survival.survival_table`.

Example
-------
>>> import pandas as pd
>>> table = pd.concat({"plan A": pd.Series([1.0, 0.8, 0.6], index=[0, 1, 2]),
...                    "plan B": pd.Series([1.0, 0.9], index=[0, 1])}, names=["curve", "months"])
>>> ax = plot_survival_curves(table.to_frame("survival"))
>>> [t.get_text() for t in ax.get_legend().get_texts()]
['plan A', 'plan B']
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from clvlib.plots._style import PALETTE, dollars, new_axes, percent


def _curves(table: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The table's curves in their order of appearance, each indexed by time and sorted."""
    if not isinstance(table, pd.DataFrame) or "survival" not in table.columns or table.index.nlevels != 2:
        raise ValueError(
            "A survival table is a DataFrame indexed by (curve, time) with a 'survival' column "
            "(see the clvlib.plots.survival module docstring)."
        )
    if table.empty:
        raise ValueError("The survival table is empty: nothing to draw.")
    names = table.index.get_level_values(0).unique()
    return [(str(name), table.xs(name, level=0).sort_index()) for name in names]


def plot_survival_curves(
    table: pd.DataFrame,
    ax: Axes | None = None,
    *,
    observed: str | None = None,
    highlight: str | None = None,
    labels: Mapping[str, str] | None = None,
    bands: bool = True,
    steps: bool = True,
    share: bool = True,
    fitted_on: tuple[float, float] | None = None,
    data_end: float | None = None,
    xlabel: str = "months since signup",
    ylabel: str | None = None,
    title: str | None = None,
) -> Axes:
    """One or more survival curves from a survival table (see the module docstring).

    ``observed`` names the curve that is the data: drawn in black (as points when
    ``steps`` is False). ``highlight`` is drawn thicker; ``labels`` renames curves in the
    legend. ``bands`` shades the ``lower``/``upper`` columns where the table has them.
    ``steps`` draws step curves (Kaplan-Meier, anniversary billing) rather than lines;
    ``share`` says the values are shares (a percent axis from 0 to 100%) rather than
    counts. ``fitted_on`` shades the span of times a model was fitted on; ``data_end``
    marks where the data stop (to its right, curves are extrapolations).
    """
    ax = new_axes(ax)
    labels = labels or {}
    colours = itertools.cycle(PALETTE)
    right = 0.0
    for name, curve in _curves(table):
        times, values = curve.index.to_numpy(dtype=float), curve["survival"].to_numpy(dtype=float)
        right = max(right, float(times.max()))
        colour = "black" if name == observed else next(colours)
        label = labels.get(name, name)
        if name == observed and not steps:
            ax.plot(times, values, "o", color=colour, ms=4, label=label, zorder=3)
            continue
        width = 2.5 if name == highlight else 2 if not steps else 1.5
        if steps:
            ax.step(times, values, where="post", color=colour, lw=width, label=label, zorder=3 if name == observed else 2)
        else:
            ax.plot(times, values, color=colour, lw=width, label=label)
        if bands and {"lower", "upper"} <= set(curve.columns) and curve[["lower", "upper"]].notna().any(axis=None):
            ax.fill_between(times, curve["lower"].to_numpy(dtype=float), curve["upper"].to_numpy(dtype=float),
                            step="post" if steps else None, color=colour, alpha=0.2, lw=0)
    if fitted_on is not None:
        ax.axvspan(*fitted_on, color="grey", alpha=0.15, label="fitted on")
    if data_end is not None:
        ax.axvline(data_end, color="grey", ls=":", lw=1)
        ax.annotate("end of data", (data_end, 0.95 if share else 0), xytext=(4, 0), textcoords="offset points",
                    color="grey")
    if steps:
        ax.set_xlim(0, right)
    ax.set_xlabel(xlabel)
    if share:
        ax.set_ylim(0, 1.02)
        percent(ax)
    else:
        ax.set_ylim(bottom=0)
    ax.set_ylabel(ylabel or ("share still subscribed, S(t)" if share else "customers still active"))
    ax.set_title(title or ("Survival curves (shaded: confidence band)" if bands else "Survival curves"))
    ax.legend(frameon=False)
    return ax


def plot_rmst_area(table: pd.DataFrame, horizon_months: float, ax: Axes | None = None) -> Axes:
    """A Kaplan-Meier curve with the area under it up to the horizon shaded: that area is the RMST.

    ``table`` is a survival table of one curve (see the module docstring).
    """
    curves = _curves(table)
    if len(curves) != 1:
        raise ValueError(f"The RMST figure draws one curve; the table has {len(curves)}: pick one with table.loc[[name]].")
    curve = curves[0][1]
    if horizon_months <= 0 or curve.index.min() > horizon_months:
        raise ValueError(f"The horizon ({horizon_months:g} months) must be positive and within the curve's times.")
    ax = plot_survival_curves(table, ax, bands=False, title="Restricted mean lifetime = area under the survival curve")
    inside = curve.loc[curve.index <= horizon_months, "survival"]
    times = np.append(inside.index.to_numpy(dtype=float), horizon_months)
    values = np.append(inside.to_numpy(dtype=float), inside.iloc[-1])
    ax.fill_between(times, values, step="post", alpha=0.25, color=PALETTE[0],
                    label=f"area = expected months in the first {horizon_months:g}")
    ax.axvline(horizon_months, color="grey", ls=":", lw=1)
    ax.set_xlim(0, horizon_months * 1.1)
    ax.legend(frameon=False)
    return ax


def plot_lifetime_estimates(
    table: pd.DataFrame, truth: pd.Series | None = None, ax: Axes | None = None, horizon_months: float | None = None
) -> Axes:
    """Grouped bars: naive and Kaplan-Meier expected lifetimes per segment (and the truth).

    ``table`` comes from ``survival.lifetime_estimates_compared``; ``truth`` (optional,
    same index) is the true mean lifetime to the horizon, known only for simulated data.
    """
    ax = new_axes(ax, figsize=(8, 4))
    frame = table.copy()
    labels = {
        "dropping_censored": "naive: active customers dropped",
        "censored_as_churned": "naive: active counted as churned",
        "kaplan_meier_rmst": "Kaplan-Meier (RMST)",
    }
    frame = frame.rename(columns=labels)
    if truth is not None:
        frame["truth (simulator)"] = truth.reindex(table.index)
    colors = ["#bbbbbb", "#888888", PALETTE[0], PALETTE[2]][: frame.shape[1]]
    frame.plot.bar(ax=ax, color=colors, width=0.8, rot=0)
    horizon = f" (first {horizon_months} months)" if horizon_months else ""
    ax.set_ylabel(f"expected months as a customer{horizon}")
    ax.set_xlabel("")
    ax.set_title("Ignoring censoring makes customers look short-lived")
    ax.legend(frameon=False, fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return ax


def plot_clv_by_segment(table: pd.DataFrame, ax: Axes | None = None, title: str | None = None,
                        longer: pd.DataFrame | None = None,
                        labels: tuple[str, str] = ("to the horizon", "longer horizon")) -> Axes:
    """Bars of lifetime value per segment, labelled with margin x discounted months.

    ``table`` comes from ``survival.lifetime_value_by_segment``; ``longer`` (optional, same
    segments) adds a second bar per segment, e.g. the value over a longer, extrapolated horizon.
    """
    ax = new_axes(ax, figsize=(8, 4))
    x = np.arange(len(table))
    width = 0.4 if longer is not None else 0.7
    frames = [(table, 0.0 if longer is None else -width / 2, PALETTE[0], labels[0])]
    if longer is not None:
        frames.append((longer.reindex(table.index), width / 2, PALETTE[1], labels[1]))
    for frame, offset, color, label in frames:
        bars = ax.bar(x + offset, frame["clv"], width=width, color=color, label=label)
        for bar, (_, row) in zip(bars, frame.iterrows(), strict=True):
            ax.annotate(
                f"${row['monthly_margin']:.2f}\nx {row['discounted_lifetime_months']:.1f}",
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                xytext=(0, 2), textcoords="offset points", ha="center", fontsize="x-small",
            )
    ax.set_xticks(x, table.index.astype(str))
    ax.margins(y=0.15)
    dollars(ax)
    ax.set_ylabel("lifetime value per customer")
    ax.set_xlabel(table.index.name or "")
    ax.set_title(title or "Lifetime value = monthly margin x discounted expected lifetime")
    if longer is not None:
        ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return ax


def plot_customer_timelines(sample: pd.DataFrame, analysis_date, ax: Axes | None = None) -> Axes:
    """A few customers as bars from signup to cancellation (x) or to today (open circle).

    ``sample`` is a handful of rows of the durations table (needs customer_id,
    signup_date, cancel_date, churned). Open circles are right-censored: their story is not over.
    """
    ax = new_axes(ax, figsize=(8, 4.5))
    rows = sample.sort_values("signup_date").reset_index(drop=True)
    analysis_date = pd.Timestamp(analysis_date)
    for i, row in rows.iterrows():
        start = row["signup_date"]
        end = row["cancel_date"] if row["churned"] else analysis_date
        color = PALETTE[3] if row["churned"] else PALETTE[0]
        ax.plot([start, end], [i, i], color=color, lw=2)
        ax.plot(end, i, marker="x" if row["churned"] else "o", mfc="none" if not row["churned"] else color,
                color=color, ms=7)
    ax.axvline(analysis_date, color="black", ls="--", lw=1)
    ax.annotate("analysis date", (analysis_date, len(rows) - 0.5), xytext=(-4, 0), textcoords="offset points",
                ha="right", fontsize="small")
    ax.set_yticks(range(len(rows)), rows["customer_id"])
    ax.set_xlabel("calendar date")
    ax.set_title("Each line is a subscriber: x = cancelled, o = still active (censored)")
    return ax
