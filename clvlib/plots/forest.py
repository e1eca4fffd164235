"""Forest plot: ratios (hazard ratios, odds ratios) with their 95% intervals on a log scale.

One figure for every model that reports ratios against "no difference" (1): the Cox model
of lesson 03 (``cox.summary``), the churn and high-value logistic regressions of lessons
03 and 05 (``odds_ratios``).

Example
-------
>>> import pandas as pd
>>> table = pd.DataFrame({"odds_ratio": [2.0, 0.5], "ci_lower": [1.2, 0.3], "ci_upper": [3.1, 0.9]},
...                      index=["promo", "plan: basic"])
>>> ax = plot_forest(table, "odds_ratio", "ci_lower", "ci_upper", xlabel="odds ratio")
>>> [t.get_text() for t in ax.get_yticklabels()]
['plan: basic', 'promo']
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from clvlib.plots._style import PALETTE, new_axes

# Ticks a reader can say out loud; those within the intervals' range are shown.
_RATIO_TICKS = (0.1, 0.2, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 5, 10, 20, 50)


def _interval_colours(lower: pd.Series, upper: pd.Series) -> list[str]:
    """Red: the whole interval above 1; green: below 1; grey: the interval includes 1."""
    return [PALETTE[3] if lo > 1 else PALETTE[2] if hi < 1 else "grey" for lo, hi in zip(lower, upper, strict=True)]


def plot_forest(
    table: pd.DataFrame,
    estimate: str = "estimate",
    lower: str = "lower_95",
    upper: str = "upper_95",
    ax: Axes | None = None,
    *,
    xlabel: str = "ratio (log scale)",
    title: str = "",
) -> Axes:
    """One row per term of ``table``: the ratio in column ``estimate`` with whiskers to ``lower``/``upper``.

    The first row of the table is drawn on top. A dot is red when the whole interval is
    above 1 (e.g. churns faster), green when it is below 1, grey when it includes 1 (no
    clear difference); the x axis is logarithmic so 2 and 1/2 sit equally far from 1.
    """
    missing = [c for c in (estimate, lower, upper) if c not in table.columns]
    if missing:
        raise ValueError(
            f"The ratio table has no {', '.join(missing)} column(s); it has: {', '.join(map(str, table.columns))}."
        )
    if table.empty:
        raise ValueError("The ratio table is empty: nothing to draw.")
    ax = new_axes(ax)
    ordered = table.iloc[::-1]  # rows are drawn bottom-up
    y = np.arange(len(ordered))
    est = ordered[estimate].to_numpy(dtype=float)
    low, high = ordered[lower].to_numpy(dtype=float), ordered[upper].to_numpy(dtype=float)
    ax.errorbar(est, y, xerr=np.vstack([est - low, high - est]), fmt="none", ecolor="grey", capsize=3)
    ax.scatter(est, y, color=_interval_colours(ordered[lower], ordered[upper]), zorder=3, s=40)
    ax.axvline(1.0, color="black", lw=0.8)
    ax.set_xscale("log")
    ticks = [t for t in _RATIO_TICKS if low.min() / 1.5 <= t <= high.max() * 1.5] or [1]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_yticks(y, ordered.index)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    return ax
