"""Figures for lesson 09 (machine learning vs the probabilistic models) and the monitoring section of lesson 04.

The tables come from :mod:`clvlib.analysis.prediction_metrics` (calibration by decile, lift
table) and :mod:`clvlib.analysis.monitoring` (rolling refits); each function draws them on an
optional ``ax`` and returns it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from clvlib.plots._style import PALETTE, dollars, new_axes, percent


def plot_calibration_by_decile(tables: Mapping[str, pd.DataFrame], ax: Axes | None = None) -> Axes:
    """Mean actual against mean predicted value per decile of prediction, one line per forecast.

    ``tables`` maps a forecast's name to :func:`clvlib.analysis.prediction_metrics.calibration_by_decile`.
    Points on the diagonal are calibrated; the rightmost points are the top decile.
    """
    ax = new_axes(ax, figsize=(6, 5))
    highest = 0.0
    for i, (name, table) in enumerate(tables.items()):
        ax.plot(table["mean_predicted"], table["mean_actual"], "o-", color=PALETTE[i % len(PALETTE)], label=name)
        highest = max(highest, float(table[["mean_predicted", "mean_actual"]].to_numpy().max()))
    ax.plot([0, highest], [0, highest], ":", color="grey", label="perfect calibration")
    # Value is skewed: on a linear axis the top decile squeezes the other nine into a corner.
    linear_below = max(highest / 100, 1e-9)
    ax.set_xscale("symlog", linthresh=linear_below)
    ax.set_yscale("symlog", linthresh=linear_below)
    ax.set_xlabel("mean predicted holdout value (per decile, log scale)")
    ax.set_ylabel("mean actual holdout value")
    ax.set_title("Calibration by decile of the forecast")
    dollars(ax, "x")
    dollars(ax, "y")
    ax.legend()
    return ax


def plot_lift_chart(tables: Mapping[str, pd.DataFrame], ax: Axes | None = None) -> Axes:
    """Share of all events caught against share of customers contacted, best scores first (a gains chart).

    ``tables`` maps a ranking's name to :func:`clvlib.analysis.prediction_metrics.lift_table`.
    """
    ax = new_axes(ax, figsize=(6, 5))
    for i, (name, table) in enumerate(tables.items()):
        x = np.r_[0.0, table["share_contacted"].to_numpy()]
        y = np.r_[0.0, table["share_of_events_caught"].to_numpy()]
        ax.plot(x, y, "o-", color=PALETTE[i % len(PALETTE)], label=name)
    ax.plot([0, 1], [0, 1], ":", color="grey", label="random order")
    ax.set_xlabel("share of subscribers contacted (highest risk first)")
    ax.set_ylabel("share of the cancellations among them")
    ax.set_title("Lift chart: who cancelled, by rank of predicted risk")
    percent(ax, "x")
    percent(ax, "y")
    ax.legend()
    return ax


def plot_monitoring(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Predicted (refitted and frozen BG/NBD) against actual purchase days per month, with the frozen model's band.

    ``table`` is :func:`clvlib.analysis.monitoring.rolling_refits`'s output.
    """
    ax = new_axes(ax, figsize=(9, 4))
    when = pd.to_datetime(table["period_end"])
    ax.fill_between(when, table["lower_95"], table["upper_95"], color=PALETTE[1], alpha=0.2,
                    label="95% band around the frozen model")
    ax.plot(when, table["predicted_frozen"], "--", color=PALETTE[1], label="frozen model (first fit)")
    ax.plot(when, table["predicted_refitted"], "-", color=PALETTE[2], label="refitted each month")
    outside = table["outside_band"].to_numpy(dtype=bool)
    ax.plot(when[~outside], table["actual"][~outside], "o", color=PALETTE[0], label="actual, inside the band")
    if outside.any():
        ax.plot(when[outside], table["actual"][outside], "X", color=PALETTE[3], markersize=9, label="actual, outside")
    ax.set_xlabel("month ending")
    ax.set_ylabel("purchase days by existing customers")
    ax.set_title("Monitoring: next month's purchases, forecast vs actual")
    ax.legend(fontsize="small")
    return ax
