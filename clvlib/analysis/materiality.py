"""Is a change material? The rule behind the report's coloured arrows, stated once and applied to every KPI.

A KPI that moved by less than its own noise is not news, so its arrow stays grey:

* **counts of events in a period** (new subscribers, cancellations, shop orders, shop
  buyers) are Poisson: the change is material when the exact test of two Poisson counts
  (given their total, the current one is Binomial(total, 1/2) when nothing changed)
  rejects "same rate" at the stated confidence;
* **churn** is binomial (cancelled out of those active at the start): material when
  Fisher's exact test of the two periods' proportions rejects "same churn";
* **everything else** (stocks, money, model-based values) has no count noise to test:
  material when it moved by at least :data:`MATERIAL_RELATIVE_CHANGE` (shares without
  counts: :data:`MATERIAL_SHARE_POINTS`).

>>> counts_differ(110, 100), counts_differ(160, 100)
(False, True)
"""

from __future__ import annotations

import math

import pandas as pd
from scipy import stats

MATERIAL_RELATIVE_CHANGE = 0.05  # 5%: below it a money or stock figure is "about the same"
MATERIAL_SHARE_POINTS = 0.02  # 2 points, for a share whose counts are not known
CONFIDENCE = 0.95
# Counts of events within the period: Poisson noise applies.
EVENT_COUNTS = ("new_subscribers", "cancellations", "shop_orders", "shop_buyers")


def counts_differ(now: int, before: int, confidence: float = CONFIDENCE) -> bool:
    """True when two Poisson counts of the same length of time differ beyond noise (exact test)."""
    now, before = int(now), int(before)
    if now < 0 or before < 0:
        raise ValueError(f"counts cannot be negative (got {now} and {before}).")
    if now + before == 0:
        return False
    return bool(stats.binomtest(now, now + before, 0.5).pvalue < 1 - confidence)


def rates_differ(events_now: int, at_risk_now: int, events_before: int, at_risk_before: int,
                 confidence: float = CONFIDENCE) -> bool:
    """True when two proportions (events out of those at risk) differ beyond noise (Fisher's exact test).

    >>> rates_differ(80, 1000, 84, 1000), rates_differ(80, 1000, 140, 1000)
    (False, True)
    """
    for events, at_risk in ((events_now, at_risk_now), (events_before, at_risk_before)):
        if not 0 <= events <= at_risk:
            raise ValueError(f"events must lie between 0 and the number at risk (got {events} of {at_risk}).")
    if at_risk_now == 0 or at_risk_before == 0:
        return False
    table = [[events_now, at_risk_now - events_now], [events_before, at_risk_before - events_before]]
    return bool(stats.fisher_exact(table).pvalue < 1 - confidence)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def is_material(name: str, row, churn_counts: tuple[int, int, int, int] | None = None,
                threshold: float = MATERIAL_RELATIVE_CHANGE, confidence: float = CONFIDENCE) -> bool:
    """Whether the change in one row of :func:`clvlib.analysis.kpis.change_table` is material (see above).

    ``churn_counts`` is ``(cancelled_now, at_risk_now, cancelled_before, at_risk_before)``
    for the churn row; without it churn falls back to the share rule.
    """
    if _missing(row["current"]) or _missing(row["previous"]) or _missing(row["change"]):
        return False
    if name in EVENT_COUNTS:
        return counts_differ(row["current"], row["previous"], confidence)
    if name == "churn_rate" and churn_counts is not None:
        return rates_differ(*churn_counts, confidence=confidence)
    if row["kind"] == "share":
        return abs(row["change"]) >= MATERIAL_SHARE_POINTS - 1e-12
    if _missing(row["relative_change"]):
        return row["change"] != 0 and row["previous"] == 0
    return abs(row["relative_change"]) >= threshold - 1e-12


def mark_material(changes: pd.DataFrame, churn_counts: tuple[int, int, int, int] | None = None,
                  threshold: float = MATERIAL_RELATIVE_CHANGE, confidence: float = CONFIDENCE) -> pd.DataFrame:
    """``changes`` with a boolean ``material`` column (a copy)."""
    out = changes.copy()
    out["material"] = [is_material(name, row, churn_counts, threshold, confidence) for name, row in out.iterrows()]
    return out


def materiality_rule(threshold: float = MATERIAL_RELATIVE_CHANGE, confidence: float = CONFIDENCE) -> str:
    """The rule in one paragraph, for the page that applies it.

    >>> materiality_rule().split(":")[0]
    'An arrow is coloured only when the change is material'
    """
    return (
        f"An arrow is coloured only when the change is material: for counts of events in the period "
        f"(new subscribers, cancellations, orders, buyers), outside the {confidence:.0%} range of Poisson noise; "
        f"for churn, outside the {confidence:.0%} range of binomial noise (Fisher's exact test); for every other "
        f"figure, a change of at least {threshold:.0%} ({MATERIAL_SHARE_POINTS * 100:.0f} points for shares). "
        "Other arrows are grey: the figure moved, but not by more than chance or by enough to act on."
    )
