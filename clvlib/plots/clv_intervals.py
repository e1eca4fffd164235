"""Per-customer CLV intervals: do they cover the truth as often as they claim?

Draws the table :func:`clvlib.analysis.clv_intervals.interval_coverage` makes from simulated
worlds: nominal level against the share of customers whose interval covered the CLV under the
true parameters, with two-standard-error bars. Points on the diagonal: honest intervals.

Example
-------
>>> import pandas as pd
>>> table = pd.DataFrame({"coverage": [0.49, 0.88], "std_error": [0.02, 0.01], "n_worlds": [100, 100]},
...                      index=pd.Index([0.5, 0.9], name="level"))
>>> ax = plot_clv_interval_coverage(table)
>>> ax.get_xlabel()
'nominal level of the interval'
"""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes

from clvlib.plots._style import PALETTE, new_axes, percent


def plot_clv_interval_coverage(coverage: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Coverage (``coverage`` ± 2 ``std_error``) against the nominal level (the index)."""
    missing = [c for c in ("coverage", "std_error") if c not in coverage.columns]
    if missing:
        raise ValueError(
            f"The coverage table has no column {', '.join(missing)}: make it with "
            "clvlib.analysis.clv_intervals.interval_coverage."
        )
    ax = new_axes(ax, figsize=(5, 5))
    levels = coverage.index.to_numpy(dtype=float)
    low, high = min(levels.min(), coverage["coverage"].min()) - 0.05, 1.0
    ax.plot([low, high], [low, high], color="grey", linestyle="--", linewidth=1, label="coverage = nominal level")
    ax.errorbar(levels, coverage["coverage"], yerr=2 * coverage["std_error"], fmt="o", color=PALETTE[0],
                capsize=4, label="simulated worlds (± 2 standard errors)")
    ax.set_xlim(low, high)
    ax.set_ylim(low, high)
    ax.set_xlabel("nominal level of the interval")
    ax.set_ylabel("share of customers covered")
    percent(ax)
    percent(ax, axis="x")
    if "n_worlds" in coverage.columns:
        ax.set_title(f"CLV intervals over {int(coverage['n_worlds'].iloc[0])} simulated worlds")
    ax.legend(loc="upper left", frameon=False)
    return ax
