"""What every survival fitter here shares: the durations table it reads and the time unit it carries.

A durations table has one row per customer with ``tenure_months`` (signup to cancel
date, or to the analysis date when still active) and ``churned`` (False = right-
censored); :func:`clvlib.analysis.lifetimes.durations_from_subscriptions` builds it
from the subscriptions table. Each fitter created by :mod:`clvlib.models.survival` gets
``time_unit_ = TimeUnit.MONTH``, and every function that combines a fitter with a
horizon checks it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clvlib.core.units import TimeUnit, check_same_unit

TIME_UNIT = TimeUnit.MONTH
DURATION_COLUMNS = ("customer_id", "tenure_months", "churned", "observed_months")


def check_durations(durations: pd.DataFrame, need_events: bool = False, by: str | None = None) -> None:
    """Raise a plain ValueError when a durations table cannot be fitted.

    ``need_events``: someone must have churned; ``by``: a segment column every customer has.
    """
    if not isinstance(durations, pd.DataFrame):
        raise ValueError("durations must be a DataFrame from clvlib.analysis.lifetimes.durations_from_subscriptions().")
    missing = [c for c in ("tenure_months", "churned") if c not in durations.columns]
    if missing:
        raise ValueError(
            f"durations has no {', '.join(missing)} column(s): build it with clvlib.analysis.lifetimes.durations_from_subscriptions()."
        )
    if durations.empty:
        raise ValueError("The durations table is empty: there are no customers to fit.")
    unit = durations.attrs.get("time_unit")
    if unit is not None:
        check_same_unit(TIME_UNIT, unit, what="durations table")
    tenure = pd.to_numeric(durations["tenure_months"], errors="coerce").to_numpy(dtype=float)
    if not np.isfinite(tenure).all():
        raise ValueError(f"{int((~np.isfinite(tenure)).sum())} tenure_months values are missing or not numbers.")
    if (tenure < 0).any():
        raise ValueError(
            f"{int((tenure < 0).sum())} tenure_months are negative: a customer cannot cancel before signing up. "
            "Check the dates (or the analysis date)."
        )
    if not durations["churned"].isin([True, False]).all():
        raise ValueError("churned must be True/False for every customer.")
    if by is not None and by not in durations.columns:
        raise ValueError(f"durations has no column {by!r}; it has: {', '.join(map(str, durations.columns))}.")
    if by is not None and durations[by].isna().any():
        raise ValueError(f"{int(durations[by].isna().sum())} customers have no {by}: fill or drop them first.")
    if need_events and not durations["churned"].astype(bool).any():
        raise ValueError(
            "Nobody has churned yet, so there is nothing to fit a lifetime model to: every lifetime "
            "is still open. Wait for churn to be observed, or report the Kaplan-Meier curve (flat at 1)."
        )


def mark_fitter(fitter, **extra):
    """Record the time unit (and any ``extra`` attributes) on a fitted lifelines object; return it."""
    fitter.time_unit_ = TIME_UNIT
    for key, value in extra.items():
        setattr(fitter, key, value)
    return fitter


def fitter_unit(fitter) -> TimeUnit:
    """The time unit a fitter carries, or a plain-English ValueError when it carries none."""
    unit = getattr(fitter, "time_unit_", None)
    if unit is None:
        raise ValueError(
            "This fitter has no time unit recorded. Fit it with clvlib.models.survival, or set "
            "fitter.time_unit_ = 'month' if its durations are in months."
        )
    return TimeUnit.parse(unit)
