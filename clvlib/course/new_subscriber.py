"""The value of a new subscriber: the report's figure, and a sentence relating each lesson's estimate to it.

The executive report (lesson 07) states one value of a new subscriber: Kaplan-Meier
survival per channel over the report's horizon (capped where every channel's curve is
still data), times each channel's monthly margin, discounted, averaged over channels
weighted by their subscribers (:func:`clvlib.analysis.kpi_models.model_kpis`, lesson 06's
calls). Lessons 01 to 03 show other estimators on purpose; each describes its own as an
:class:`Estimate` and prints :func:`relation_sentence`, which names every way it differs
from the report's (estimator, horizon, margin), so the numbers are reconciled, never typed.

>>> report = Estimate("The report", 104.6, "Kaplan-Meier survival per channel", 36, "each channel's own margin")
>>> lesson = Estimate("Lesson 02's sBG", 142.1, "the sBG model fitted on the early cohorts", None,
...                   "the average subscriber's margin")
>>> print(relation_sentence(lesson, report))  # doctest: +NORMALIZE_WHITESPACE
Lesson 02's sBG gives $142.10 for a new subscriber, 36% above the report's $104.60 (lesson 07), because it \
uses the sBG model fitted on the early cohorts instead of Kaplan-Meier survival per channel; counts every future \
month (extrapolated past the data) instead of 36 months; and takes the average subscriber's margin instead of \
each channel's own margin.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from clvlib.analysis import acquisition
from clvlib.core.money import DEFAULT_CURRENCY, Currency, currency

REPORT_METHOD = "Kaplan-Meier survival per channel (weighted by subscribers)"
REPORT_MARGIN = "each channel's own average margin"
SAME_WITHIN = 0.005  # a relative gap below this is rounding, not a different estimate


@dataclass(frozen=True)
class Estimate:
    """One estimate of a new subscriber's value (discounted margin, signup payment counted).

    ``horizon_months`` is None when every future month counts; ``method`` and ``margin``
    are short phrases ("the sBG model ...", "the example's $10.00 a month").
    """

    source: str
    value: float
    method: str
    horizon_months: float | None
    margin: str


def report_estimate(subscriptions: pd.DataFrame, analysis_date, gross_margin_rate: float,
                    discount_rate_annual: float, horizon_months: int) -> Estimate:
    """The report's value of a new subscriber, by the report's definition (lesson 06's calls).

    The horizon is capped where every channel's Kaplan-Meier curve is still data, as the
    report caps it; the estimate's ``horizon_months`` is the horizon used.
    """
    horizon = min(int(horizon_months), acquisition.longest_common_horizon_months(subscriptions, analysis_date))
    table = acquisition.clv_by_channel(subscriptions, analysis_date, gross_margin_rate, discount_rate_annual, horizon)
    return Estimate("The report", weighted_value(table), REPORT_METHOD, horizon, REPORT_MARGIN)


def weighted_value(by_segment: pd.DataFrame) -> float:
    """A new subscriber's value from a per-segment table (``clv``, ``customers``): segments weighted by size.

    >>> weighted_value(pd.DataFrame({"clv": [50.0, 200.0], "customers": [3, 1]}))
    87.5
    """
    return float((by_segment["clv"] * by_segment["customers"]).sum() / by_segment["customers"].sum())


def _horizon(months: float | None) -> str:
    return "every future month (extrapolated past the data)" if months is None else f"{months:g} months"


def relation_sentence(lesson: Estimate, report: Estimate, money_code: str | Currency = DEFAULT_CURRENCY) -> str:
    """One sentence: ``lesson``'s value against ``report``'s, and every difference of estimator, horizon and margin.

    The same estimator, horizon and margin give "the report's figure"; a gap with no
    difference to name says so rather than inventing a reason.
    """
    unit = currency(money_code)
    gap = lesson.value / report.value - 1
    reasons = []
    if lesson.method != report.method:
        reasons.append(f"uses {lesson.method} instead of {report.method}")
    if lesson.horizon_months != report.horizon_months:
        reasons.append(f"counts {_horizon(lesson.horizon_months)} instead of {_horizon(report.horizon_months)}")
    if lesson.margin != report.margin:
        reasons.append(f"takes {lesson.margin} instead of {report.margin}")
    said = f"{lesson.source} gives {unit.format(lesson.value, decimals=2)} for a new subscriber"
    if abs(gap) < SAME_WITHIN:
        how = "by the same definition" if not reasons else "although it " + ", ".join(reasons)
        return f"{said}: the report's figure (lesson 07, {unit.format(report.value, decimals=2)}), {how}."
    where = f"{abs(gap):.0%} {'above' if gap > 0 else 'below'} the report's {unit.format(report.value, decimals=2)} (lesson 07)"
    if not reasons:
        return f"{said}, {where}, with the same estimator, horizon and margin: the data it was given differ."
    joined = " and ".join(reasons) if len(reasons) < 3 else "; ".join(reasons[:-1]) + "; and " + reasons[-1]
    return f"{said}, {where}, because it {joined}."
