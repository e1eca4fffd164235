"""Figures for the survival lesson (notebook 03); the numbers come from clvlib.models.survival.

Example
-------
>>> from clvlib.data import load_dataset
>>> from clvlib.models import survival
>>> from clvlib.plots.survival import plot_survival_curves
>>> ds = load_dataset()
>>> durations = survival.durations_from_subscriptions(ds.subscriptions, ds.analysis_date)
>>> ax = plot_survival_curves(survival.fit_kaplan_meier(durations, by="plan"))
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from clvlib.models.survival import survival_curve
from clvlib.plots import PALETTE, dollars, new_axes, percent


def plot_survival_curves(fitters, ax=None, ci: bool = True, title: str | None = None):
    """Kaplan-Meier curves, one per group, with their confidence bands.

    ``fitters`` is a fitted KaplanMeierFitter or a dict of them (from
    ``fit_kaplan_meier(durations, by=...)``).
    """
    ax = new_axes(ax)
    if not isinstance(fitters, dict):
        fitters = {fitters.label: fitters}
    for i, (name, km) in enumerate(fitters.items()):
        km.plot_survival_function(ax=ax, ci_show=ci, color=PALETTE[i % len(PALETTE)], label=str(name))
    ax.set_xlabel("months since signup")
    ax.set_ylabel("share still subscribed, S(t)")
    ax.set_ylim(0, 1.02)
    percent(ax)
    ax.set_title(title or "Kaplan-Meier survival curves (shaded: confidence band)")
    ax.legend(frameon=False)
    return ax


def plot_parametric_vs_km(km, fits: dict, horizon_months: int, ax=None, best: str | None = None):
    """Kaplan-Meier curve against parametric fits, drawn past the end of the data.

    ``fits`` maps a model name to a fitted parametric fitter (``ParametricChoice.fits``);
    ``best`` (a name) is drawn thicker. A dotted line marks the longest observed tenure:
    to its right the parametric curves are extrapolations.
    """
    ax = new_axes(ax)
    km.plot_survival_function(ax=ax, ci_show=True, color="black", label="Kaplan-Meier (data)")
    months = np.arange(horizon_months + 1)
    for i, (name, fitter) in enumerate(fits.items()):
        curve = survival_curve(fitter, months)
        ax.step(
            curve.index, curve.to_numpy(), where="post", color=PALETTE[(i + 1) % len(PALETTE)],
            lw=2.5 if name == best else 1.2, label=f"{name}{' (lowest AIC)' if name == best else ''}",
        )
    end = float(km.durations.max())
    ax.axvline(end, color="grey", ls=":", lw=1)
    ax.annotate("end of data", (end, 0.95), xytext=(4, 0), textcoords="offset points", color="grey")
    ax.set_xlim(0, horizon_months)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("months since signup")
    ax.set_ylabel("share still subscribed, S(t)")
    percent(ax)
    ax.set_title("Parametric fits extend the curve beyond the data")
    ax.legend(frameon=False)
    return ax


def plot_lifetime_estimates(table: pd.DataFrame, truth: pd.Series | None = None, ax=None, horizon_months=None):
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


def _forest(ax, table: pd.DataFrame, estimate: str, lower: str, upper: str, xlabel: str, title: str):
    ordered = table.iloc[::-1]
    y = np.arange(len(ordered))
    est = ordered[estimate].to_numpy()
    err = np.vstack([est - ordered[lower].to_numpy(), ordered[upper].to_numpy() - est])
    # red: significantly faster churn, green: significantly slower, grey: interval includes 1
    colors = [
        PALETTE[3] if lo > 1 else PALETTE[2] if hi < 1 else "grey"
        for lo, hi in zip(ordered[lower], ordered[upper], strict=True)
    ]
    ax.errorbar(est, y, xerr=err, fmt="none", ecolor="grey", capsize=3)
    ax.scatter(est, y, color=colors, zorder=3)
    ax.axvline(1.0, color="black", lw=0.8)
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(FixedLocator([0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_yticks(y, ordered.index)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    return ax


def plot_hazard_ratios(cox, ax=None):
    """Forest plot of a Cox model: hazard ratios with 95% intervals (right of 1 = churns faster)."""
    ax = new_axes(ax)
    summary = cox.summary
    table = pd.DataFrame(
        {
            "hr": summary["exp(coef)"],
            "lo": summary["exp(coef) lower 95%"],
            "hi": summary["exp(coef) upper 95%"],
        }
    )
    baselines = getattr(cox, "baselines_", {})
    note = ", ".join(f"{k} vs {v}" for k, v in baselines.items())
    return _forest(ax, table, "hr", "lo", "hi", "hazard ratio (log scale; > 1 = churns faster)",
                   f"Cox model: what drives churn{f' ({note})' if note else ''}")


def plot_odds_ratios(odds_ratios: pd.DataFrame, within_months: int, ax=None):
    """Forest plot of logistic-regression odds ratios of churning within the window."""
    ax = new_axes(ax)
    return _forest(ax, odds_ratios, "odds_ratio", "ci_lower", "ci_upper",
                   f"odds ratio of churning within {within_months} months (log scale)",
                   "Logistic regression: churn drivers")


def plot_clv_by_segment(table: pd.DataFrame, ax=None, title: str | None = None, longer: pd.DataFrame | None = None,
                        labels: tuple[str, str] = ("to the horizon", "longer horizon")):
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


def plot_customer_timelines(sample: pd.DataFrame, analysis_date, ax=None):
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


def plot_rmst_area(km, horizon_months: float, ax=None):
    """Kaplan-Meier curve with the area under it up to the horizon shaded: that area is the RMST."""
    ax = new_axes(ax)
    months = np.linspace(0, horizon_months, 400)
    curve = survival_curve(km, months)
    ax.fill_between(months, curve.to_numpy(), step="post", alpha=0.25, color=PALETTE[0],
                    label=f"area = expected months in the first {horizon_months:g}")
    km.plot_survival_function(ax=ax, ci_show=False, color=PALETTE[0], label="Kaplan-Meier S(t)")
    ax.axvline(horizon_months, color="grey", ls=":", lw=1)
    ax.set_xlim(0, horizon_months * 1.1)
    ax.set_ylim(0, 1.02)
    percent(ax)
    ax.set_xlabel("months since signup")
    ax.set_ylabel("share still subscribed, S(t)")
    ax.set_title("Restricted mean lifetime = area under the survival curve")
    ax.legend(frameon=False)
    return ax


def plot_monthly_churn_by_tenure(rates: dict, ax=None):
    """Monthly churn by month of tenure, one line per group (from ``monthly_churn_by_tenure``)."""
    ax = new_axes(ax)
    for i, (name, series) in enumerate(rates.items()):
        ax.plot(series.index, series.to_numpy(), marker=".", color=PALETTE[i % len(PALETTE)], label=str(name))
    percent(ax)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("month of tenure")
    ax.set_ylabel("share who do not renew that month")
    ax.set_title("Churn falls with tenure and the channels converge")
    ax.legend(frameon=False)
    return ax
