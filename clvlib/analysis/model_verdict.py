"""The plain-English verdict on a model comparison: which purchase model to use, and how sure to be.

:func:`clvlib.models.noncontractual.model_choice.compare_models` ranks BG/NBD, MBG/NBD and
Pareto/NBD on a holdout period. A rank always has a winner, even when the models forecast
alike; this module reads the table and says whether the winner is *materially* better than
the default model (BG/NBD: the best known, the fastest, the easiest to explain), with every
number in its sentences taken from the table.

The rule: switch from the default only when the winner forecasts the holdout total at least
``material_points`` percentage points closer **and** its per-customer RMSE is no worse than
the default's by more than ``tie_rmse_pct`` percent, or when it is ``tie_rmse_pct`` percent
better per customer and no worse on the total; otherwise the models are a tie for this data
and the default stays.

Example
-------
>>> import pandas as pd
>>> table = pd.DataFrame({"holdout_actual": [100.0, 100.0], "holdout_error_pct": [-3.0, -12.0],
...     "rmse_per_customer": [1.50, 1.52], "chi_square_p": [0.40, 0.01], "mean_rank": [1.0, 2.0],
...     "note": ["", ""]}, index=pd.Index(["MBG/NBD", "BG/NBD"], name="model"))
>>> model_choice_verdict(table, "the shop").choice
'MBG/NBD'
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

NEEDED = ("holdout_actual", "holdout_error_pct", "rmse_per_customer", "chi_square_p", "mean_rank")


@dataclass(frozen=True)
class Verdict:
    """The model to use (``choice``), whether it beat the default materially, and the sentences why."""

    choice: str
    material: bool
    sentences: list[str]


def _signed(pct: float) -> str:
    return f"{pct:+.1f}%"


def model_choice_verdict(
    table: pd.DataFrame,
    data_name: str,
    default: str = "BG/NBD",
    material_points: float = 3.0,
    tie_rmse_pct: float = 1.0,
) -> Verdict:
    """Sentences on ``compare_models(...).table`` for ``data_name``, ending in a recommendation.

    Rows with a ``note`` (a failed fit) are named and left out. Raises ValueError when the
    table lacks a column or no model was fitted.
    """
    missing = [c for c in NEEDED if c not in table.columns]
    if missing:
        raise ValueError(f"The comparison table has no column {', '.join(missing)}: pass compare_models(...).table.")
    failed = table[table.get("note", pd.Series("", index=table.index)).fillna("").astype(str) != ""]
    fitted = table.drop(index=failed.index).sort_values("mean_rank")
    if fitted.empty:
        raise ValueError("No model in the comparison table was fitted: there is nothing to choose from.")
    best = str(fitted.index[0])
    base = default if default in fitted.index else best
    errors = fitted["holdout_error_pct"]
    rmse = fitted["rmse_per_customer"]
    spread_pct = 100.0 * (rmse.max() / rmse.min() - 1.0)
    sentences = [
        f"On {data_name}, {best} ranks first of {len(fitted)} (mean rank {fitted['mean_rank'].iloc[0]:.1f}).",
        f"Holdout total: {fitted['holdout_actual'].iloc[0]:,.0f} repeat purchases; the forecasts miss it by "
        + ", ".join(f"{_signed(e)} ({m})" for m, e in errors.items()) + ".",
        f"Per-customer RMSE runs from {rmse.min():.3f} ({rmse.idxmin()}) to {rmse.max():.3f} ({rmse.idxmax()}), "
        + (f"{spread_pct:.1f}% apart: the models size individual customers alike."
           if spread_pct < tie_rmse_pct else f"{spread_pct:.1f}% apart."),
    ]
    chi = fitted["chi_square_p"].dropna()
    if len(chi):
        fits = [m for m, p in chi.items() if p >= 0.05]
        rejected = [m for m, p in chi.items() if p < 0.05]
        sentences.append(
            "The calibration histogram of repeat purchases: "
            + "; ".join(part for part in (
                f"{', '.join(fits)} not rejected at 5%" if fits else "",
                f"{', '.join(rejected)} rejected at 5% (p = {', '.join(f'{chi[m]:.3f}' for m in rejected)})" if rejected else "",
            ) if part) + "."
        )
    if (errors.abs() > 10).all():
        direction = "under" if (errors < 0).all() else "over" if (errors > 0).all() else "mis"
        sentences.append(
            f"Every model {direction}-forecasts the holdout total by more than 10%, so choosing among them "
            "does not close the gap: look for what none of them describes (a season, a promotion, a change "
            "in the business)."
        )
    if failed.size:
        sentences.append(f"Not fitted: {', '.join(map(str, failed.index))} ({'; '.join(failed['note'])}).")
    points_closer = abs(errors[base]) - abs(errors[best])
    rmse_better_pct = 100.0 * (rmse[base] / rmse[best] - 1.0)
    material = bool(best != base and (
        (points_closer >= material_points and rmse_better_pct > -tie_rmse_pct)
        or (rmse_better_pct >= tie_rmse_pct and points_closer >= 0)
    ))
    if best == base:
        sentences.append(f"Verdict: use {best}; it is also the default.")
    elif material:
        sentences.append(
            f"Verdict: use {best}: its holdout total is {points_closer:.1f} points closer than {base}'s and its "
            f"per-customer RMSE {rmse_better_pct:+.1f}% better."
        )
    else:
        sentences.append(
            f"Verdict: a tie. {best} ranks first, but only {points_closer:+.1f} points closer on the total and "
            f"{rmse_better_pct:+.1f}% on per-customer RMSE than {base}; keep {base}, the simpler story to explain."
        )
    return Verdict(choice=best if material or best == base else base, material=material, sentences=sentences)


__all__ = ["Verdict", "model_choice_verdict"]
