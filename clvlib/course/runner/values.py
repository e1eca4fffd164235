"""The values of a run's parameters, checked before anything runs: allowed words, ranges, dates.

The notebooks' declarations say only a type (``gross_margin_rate: float``); this module
says what a sensible value is, so that ``time_unit: fortnight``, a margin of 40 (meant as
40 %) or ``as_of_date: 2099-01-01`` is refused with every other mistake at once, instead
of failing inside a notebook minutes later. Each function returns a list of sentences;
an empty list means the values are fine.

>>> for problem in value_problems({"gross_margin_rate": 40, "time_unit": "fortnight"}):
...     print(problem)
gross_margin_rate is 40: 40 looks like a percentage: write 0.40 (a share between 0 and 1)
time_unit is 'fortnight': allowed are 'day', 'week', 'month'
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from clvlib.core.money import CURRENCIES
from clvlib.core.units import TimeUnit

PER_NOTEBOOK_KEY = "per_notebook"
# Words a parameter may take. clv_model's list is Kaplan-Meier (lesson 06's, the report's default)
# and the lifetime models of clvlib.models.survival.PARAMETRIC_MODELS (a test keeps the two
# equal; importing lifelines here would slow every refusal down).
CHOICES: dict[str, tuple[str, ...]] = {
    "time_unit": ("day", "week", "month"),
    "clv_horizon_unit": ("day", "week", "month", "year"),
    "clv_model": ("kaplan_meier", "weibull", "loglogistic", "lognormal", "exponential"),
    "currency": tuple(CURRENCIES),  # the report's money (clvlib.core.money)
}
# Shares and rates: a number between 0 and 1 (the bounds say whether 0 or 1 itself is allowed).
SHARES: dict[str, tuple[bool, bool]] = {  # name -> (0 allowed, 1 allowed)
    "gross_margin_rate": (False, True),
    "discount_rate_annual": (True, False),
    "retention_rate_monthly": (True, False),
    "confidence": (False, False),
    "at_risk_below": (True, True),
    "lapsed_below": (True, True),
    "top_share": (False, False),
    "middle_share": (False, False),
    "sensitivity_change": (False, False),
    "retention_points": (True, False), "price_test_confidence": (False, False),  # lesson 08
    "offer_churn_cut": (False, True), "share_contacted": (False, True),
}
# Counts and amounts: at least this much.
AT_LEAST: dict[str, float] = {
    "acquisition_cost": 0, "shift_dollars": 0, "min_at_risk": 0,
    "average_order_value": 1e-9, "monthly_margin": 1e-9, "purchases_per_year": 1e-9, "lifespan_years": 1e-9,
    "clv_horizon": 1e-9, "elasticity": 1e-9,
    "baseline_months": 1, "cac_window_months": 1, "calibration_months": 1, "churn_window_months": 1,
    "early_cohorts": 1, "early_window_days": 1, "history_periods": 1,
    "horizon_months": 1, "extrapolate_to_months": 1, "period_months": 1, "n_boot": 10, "n_scores": 2,
    "new_within_days": 1, "at_risk_after_days": 1, "lapsed_after_days": 1,
    "retention_cost_per_subscriber": 0, "upsell_cost_per_customer": 0, "frequency_cost_per_customer": 0,  # lesson 08
    "offer_cost": 1e-9, "assumed_churn_price_elasticity": 0,
}
# How a notebook reads a word before using it, so the check accepts exactly what the notebook
# accepts: currency("eur") is EUR (clvlib.core.money), TimeUnit.parse("Weeks") is week.
# clv_model is compared as written, as the lessons compare it.
NORMALISE = {"currency": lambda v: v.strip().upper(), "time_unit": lambda v: TimeUnit.parse(v).value,
             "clv_horizon_unit": lambda v: TimeUnit.parse(v).value}
DATES = ("as_of_date", "calibration_end")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def strict_day(value: Any) -> pd.Timestamp | None:
    """A YYYY-MM-DD day (a real one: not 2025-02-30), else None.

    >>> strict_day("2025-06-30"), strict_day("30/06/2025"), strict_day("2025"), strict_day("2025-02-30")
    (Timestamp('2025-06-30 00:00:00'), None, None, None)
    """
    if not isinstance(value, str) or not _ISO_DAY.match(value.strip()):
        return None
    try:
        return pd.Timestamp(value.strip())
    except ValueError:
        return None


def _share_problem(name: str, value: float, zero_ok: bool, one_ok: bool) -> str | None:
    low_ok = value > 0 or (zero_ok and value == 0)
    high_ok = value < 1 or (one_ok and value == 1)
    if low_ok and high_ok:
        return None
    if 1 < value <= 100:
        return f"{name} is {value:g}: {value:g} looks like a percentage: write {value / 100:.2f} (a share between 0 and 1)"
    low = "0 (included)" if zero_ok else "0"
    high = "1 (included)" if one_ok else "1"
    return f"{name} is {value:g}: it must be a share between {low} and {high}"


def _normalised(name: str, value: str) -> str:
    """``value`` as the notebook reads it (``"eur"`` is ``"EUR"``); unreadable words stay as written."""
    try:
        return NORMALISE.get(name, str)(value)
    except ValueError:
        return value


def _value_problem(name: str, value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if name in CHOICES and isinstance(value, str):
        if _normalised(name, value) not in CHOICES[name]:
            return f"{name} is {value!r}: allowed are {', '.join(repr(c) for c in CHOICES[name])}"
    elif name in SHARES and isinstance(value, int | float):
        return _share_problem(name, float(value), *SHARES[name])
    elif name in AT_LEAST and isinstance(value, int | float):
        if not value >= AT_LEAST[name]:  # also catches NaN
            least = AT_LEAST[name]
            need = "more than 0" if 0 < least < 1 else f"at least {least:g}"
            return f"{name} is {value:g}: it must be {need}"
    elif name in DATES and isinstance(value, str) and value.strip() and strict_day(value) is None:
        return f"{name} is {value!r}: write a day as YYYY-MM-DD (e.g. 2025-06-30), or leave it empty"
    return None


def _pairs(values: dict[str, Any]) -> list[str]:
    """Rules between two parameters of the same notebook."""
    out = []
    top, middle = values.get("top_share"), values.get("middle_share")
    if isinstance(top, int | float) and isinstance(middle, int | float) and 0 < middle <= top < 1:
        out.append(f"middle_share ({middle:g}) is the top and middle tiers together, so it must be more than "
                   f"top_share ({top:g})")
    at_risk, lapsed = values.get("at_risk_after_days"), values.get("lapsed_after_days")
    if isinstance(at_risk, int) and isinstance(lapsed, int) and lapsed <= at_risk:
        out.append(f"lapsed_after_days ({lapsed}) must be longer than at_risk_after_days ({at_risk})")
    return out


def _scopes(params: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(where, values) for the top level and each per_notebook section."""
    scopes = [("", {k: v for k, v in params.items() if k != PER_NOTEBOOK_KEY})]
    sections = params.get(PER_NOTEBOOK_KEY)
    if isinstance(sections, dict):
        scopes += [(f"per_notebook {nb}: ", dict(s)) for nb, s in sections.items() if isinstance(s, dict)]
    return scopes


def value_problems(params: dict[str, Any]) -> list[str]:
    """Every value outside its allowed words or range, every date not written YYYY-MM-DD."""
    problems = []
    for where, values in _scopes(params):
        problems += [where + p for name, value in values.items() if (p := _value_problem(name, value))]
        problems += [where + p for p in _pairs(values)]
    return problems


def date_window_problems(params: dict[str, Any], dataset) -> list[str]:
    """Dates that fall outside the data: ``as_of_date`` must lie between the first signup and the
    analysis date, ``calibration_end`` strictly inside the orders' period (so both the calibration and
    the holdout have days; the orders' period ends at their own period_end, else the analysis date)."""
    analysis = dataset.analysis_date
    orders_end = dataset.period_end("orders")
    first_signup = dataset.subscriptions["signup_date"].min()
    first_order = dataset.orders["order_date"].min()
    problems = []
    for where, values in _scopes(params):
        as_of = strict_day(values.get("as_of_date"))
        if as_of is not None and not first_signup <= as_of <= analysis:
            problems.append(f"{where}as_of_date {as_of.date()} is outside the data: subscriptions run from "
                            f"{first_signup.date()} to the analysis date {analysis.date()}")
        cal_end = strict_day(values.get("calibration_end"))
        if cal_end is not None and not first_order < cal_end < orders_end:
            problems.append(f"{where}calibration_end {cal_end.date()} must fall inside the orders' period, after "
                            f"the first order ({first_order.date()}) and before its end {orders_end.date()}")
    return problems
