"""Kaplan-Meier fits, and what any fitted survival curve gives: S(t), median, RMST, discounted lifetime.

A subscriber who is still active on the analysis date has not shown us their lifetime,
only that it is longer than their tenure so far (right-censoring). Kaplan-Meier uses
them correctly; this module wraps `lifelines <https://lifelines.readthedocs.io>`_ and
returns the fitted objects, so their own plots and summaries still work. The readers
(:func:`survival_curve`, :func:`median_lifetime_months`,
:func:`restricted_mean_lifetime_months`, :func:`discounted_expected_lifetime_months`,
:func:`monthly_churn_by_tenure`) also take the parametric fits of
:mod:`clvlib.models.survival.parametric`. Everything is in months.

Example
-------
>>> import pandas as pd
>>> from clvlib.models import survival
>>> durations = pd.DataFrame({"tenure_months": [1.0, 2, 3, 4], "churned": [True, True, False, True]})
>>> km = survival.fit_kaplan_meier(durations)
>>> km.time_unit_.value
'month'
>>> survival.restricted_mean_lifetime_months(km, horizon_months=3)
2.25
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter
from lifelines.utils import restricted_mean_survival_time

from clvlib.core.discounting import discount_factors
from clvlib.core.product_limit import step_values
from clvlib.core.units import TimeUnit, check_same_unit, convert_rate
from clvlib.models.survival.checks import TIME_UNIT, check_durations, fitter_unit, mark_fitter


def fit_kaplan_meier(
    durations: pd.DataFrame, by: str | None = None, alpha: float = 0.05
) -> KaplanMeierFitter | dict[str, KaplanMeierFitter]:
    """Kaplan-Meier survival curve(s) S(t) = P(lifetime > t months), censoring handled.

    With ``by`` (a column such as "plan" or "channel") returns a dict of one fitted
    KaplanMeierFitter per group, in sorted order. ``alpha`` sets the confidence band
    (0.05 = 95%). Each fitter gets ``time_unit_`` and ``follow_up_months_`` (the longest
    tenure it saw).

    >>> d = pd.DataFrame({"tenure_months": [1.0, 2, 3, 4], "churned": [True, True, False, True]})
    >>> fit_kaplan_meier(d).survival_function_at_times(2).item()
    0.5
    """
    check_durations(durations, by=by)
    if by is None:
        return _kaplan_meier(durations, alpha, "all customers")
    return {str(level): _kaplan_meier(group, alpha, str(level)) for level, group in durations.groupby(by, sort=True)}


def _kaplan_meier(durations: pd.DataFrame, alpha: float, label: str) -> KaplanMeierFitter:
    km = KaplanMeierFitter(alpha=alpha, label=label)
    with np.errstate():  # lifelines' fit calls np.seterr and would silence numpy's warnings for the whole session
        km.fit(durations["tenure_months"].astype(float), durations["churned"].astype(bool))
    return mark_fitter(km, follow_up_months_=float(durations["tenure_months"].max()))


def _check_horizon(fitter, horizon_months: float) -> None:
    """Refuse to read a Kaplan-Meier curve past the data it was estimated from.

    Renewals happen on monthly anniversaries, so nobody can churn between the longest
    tenure seen and the next whole month: the curve is known up to ceil(longest tenure).
    """
    check_same_unit(fitter_unit(fitter), TIME_UNIT, what="horizon")
    if not np.isfinite(horizon_months) or horizon_months <= 0:
        raise ValueError(f"horizon_months must be a positive number of months, not {horizon_months!r}.")
    if isinstance(fitter, KaplanMeierFitter):
        follow_up = float(fitter.durations.max())
        s_end = float(fitter.survival_function_.iloc[-1, 0])
        if horizon_months > math.ceil(follow_up) and s_end > 0:
            raise ValueError(
                f"The horizon of {horizon_months:g} months is beyond the data: the longest tenure observed is "
                f"{follow_up:.1f} months and {s_end:.0%} of customers were still active then. Kaplan-Meier cannot "
                "say what happens later. Use a shorter horizon, or a parametric model (fit_parametric) to extrapolate."
            )


def median_lifetime_months(fitter) -> float:
    """Months until half the customers have churned.

    Returns ``math.inf`` when fewer than half have churned within the data (the median
    is not reached yet; RMST or a parametric model still give an answer). For a
    parametric model fitted with monthly billing it is a whole number of paid months.
    """
    fitter_unit(fitter)
    median = float(fitter.median_survival_time_)
    if not np.isfinite(median):
        return math.inf
    return float(math.ceil(median - 1e-9)) if getattr(fitter, "billing_", None) == "monthly" else median


def survival_curve(fitter, months) -> pd.Series:
    """S(t), the share of customers still paying t months after signup, at the given months.

    For Kaplan-Meier and continuous parametric fits this is the fitter's own curve. A
    parametric model fitted with ``billing="monthly"`` describes the moment a customer
    decides to leave; they stop paying at the next anniversary, so the share still
    paying is a step curve: S(t) = S_decision(floor(t)).
    """
    fitter_unit(fitter)
    months = np.atleast_1d(np.asarray(months, dtype=float))
    if (months < 0).any():
        raise ValueError("months must be 0 or more.")
    at = np.floor(months) if getattr(fitter, "billing_", None) == "monthly" else months
    values = np.asarray(fitter.survival_function_at_times(at), dtype=float)
    return pd.Series(values, index=pd.Index(months, name="months"), name=str(getattr(fitter, "label", "S(t)")))


def restricted_mean_lifetime_months(fitter, horizon_months: float) -> float:
    """Expected months as a customer within the first ``horizon_months`` (RMST).

    The area under S(t) from 0 to the horizon, i.e. E[min(lifetime, horizon)]. Works for
    Kaplan-Meier (within the data, see the horizon check) and parametric fitters; for a
    monthly-billing parametric fit the area is under its monthly step curve
    (sum of S(k) over whole months k before the horizon), as for Kaplan-Meier on
    anniversary data.

    >>> d = pd.DataFrame({"tenure_months": [1.0, 2, 3, 4], "churned": [True] * 4})
    >>> restricted_mean_lifetime_months(fit_kaplan_meier(d), 3)
    2.25
    """
    _check_horizon(fitter, horizon_months)
    if getattr(fitter, "billing_", None) == "monthly":
        starts = np.arange(math.ceil(horizon_months), dtype=float)
        widths = np.minimum(1.0, horizon_months - starts)
        return float(np.sum(survival_curve(fitter, starts).to_numpy() * widths))
    return float(restricted_mean_survival_time(fitter, t=horizon_months))


def _survival_at_whole_months(survival, horizon_months: int) -> np.ndarray:
    """S(0), S(1), ..., S(horizon - 1) from a fitter or a survival-function table."""
    months = np.arange(horizon_months, dtype=float)
    if isinstance(survival, pd.Series | pd.DataFrame):
        unit = survival.attrs.get("time_unit", TIME_UNIT.value)
        check_same_unit(TIME_UNIT, unit, what="survival function")
        curve = survival.iloc[:, 0] if isinstance(survival, pd.DataFrame) else survival
        curve = curve.sort_index()
        if curve.empty:
            raise ValueError("The survival function is empty.")
        if months[-1] > curve.index.max() and curve.iloc[-1] > 0:
            raise ValueError(
                f"The survival function stops at {curve.index.max():g} months, before the horizon: "
                "shorten the horizon or use a parametric model to extrapolate."
            )
        values = step_values(curve.index.to_numpy(dtype=float), curve.to_numpy(dtype=float), months)
    else:
        _check_horizon(survival, horizon_months)
        values = survival_curve(survival, months).to_numpy()
    if np.isnan(values).any():
        raise ValueError("The survival function gave missing values: check the fitted model.")
    return values


def discounted_expected_lifetime_months(
    survival_function_or_fitter, discount_rate_annual: float, horizon_months: int
) -> float:
    """Expected number of paid months, each discounted to signup: sum_t S(t) (1 + d)^-t.

    t runs over whole months 0 .. horizon-1; the first month (t = 0) is paid at signup
    and not discounted; d is the monthly rate equivalent to ``discount_rate_annual``.
    Multiply by a monthly margin to get a customer's lifetime value. Accepts a fitter
    from this module or a survival-function table indexed by months.

    >>> d = pd.DataFrame({"tenure_months": [1.0, 2, 3, 4], "churned": [True] * 4})
    >>> discounted_expected_lifetime_months(fit_kaplan_meier(d), 0.0, 12)
    2.5
    """
    if not isinstance(horizon_months, int | np.integer) or horizon_months < 1:
        raise ValueError(f"horizon_months must be a whole number of months, at least 1 (got {horizon_months!r}).")
    if not np.isfinite(discount_rate_annual) or discount_rate_annual <= -1:
        raise ValueError(f"discount_rate_annual must be a number above -1 (e.g. 0.10), not {discount_rate_annual!r}.")
    survival = _survival_at_whole_months(survival_function_or_fitter, int(horizon_months))
    monthly_rate = convert_rate(discount_rate_annual, TimeUnit.YEAR, TIME_UNIT)
    return float(np.sum(survival * discount_factors(horizon_months, monthly_rate)))


def km_max_horizon_months(durations: pd.DataFrame, by: str | None = None) -> int:
    """The longest horizon (whole months) Kaplan-Meier can be read to, in every group of ``by``.

    Renewals happen on anniversaries, so a curve is known up to the next whole month after
    the longest tenure observed; past that only a parametric model can answer.
    """
    check_durations(durations)
    longest = durations["tenure_months"] if by is None else durations.groupby(by)["tenure_months"]
    return int(np.min(np.ceil(np.asarray(longest.max(), dtype=float))))


def km_covers_horizon(durations: pd.DataFrame, horizon_months: float, by: str | None = None) -> bool:
    """True when Kaplan-Meier can be read up to the horizon (in every group of ``by``)."""
    return km_max_horizon_months(durations, by) >= horizon_months


def monthly_churn_by_tenure(fitter, max_months: int | None = None) -> pd.Series:
    """Share of subscribers in their k-th month who do not renew: 1 - S(k) / S(k-1).

    Indexed by k = 1, 2, ... up to ``max_months`` (for Kaplan-Meier at most the longest
    tenure observed). It stops early, rather than return a missing value, once nobody
    is left.
    """
    fitter_unit(fitter)
    longest = math.floor(float(fitter.durations.max())) if isinstance(fitter, KaplanMeierFitter) else None
    if max_months is None:
        if longest is None:
            raise ValueError("Give max_months for a parametric model.")
        max_months = longest
    if longest is not None:
        max_months = min(int(max_months), longest)
    if max_months < 1:
        raise ValueError("There is less than one month of data: no monthly churn to show.")
    curve = survival_curve(fitter, np.arange(max_months + 1)).to_numpy()
    alive = curve[:-1] > 0
    last = int(np.argmin(alive)) if not alive.all() else max_months
    rate = 1.0 - curve[1 : last + 1] / curve[:last]
    return pd.Series(rate, index=pd.RangeIndex(1, last + 1, name="month of tenure"), name=str(fitter.label))


def survival_table(fitters: Mapping[str, KaplanMeierFitter]) -> pd.DataFrame:
    """S(t) and its 95% band for each fitted curve, indexed by (curve, months).

    Columns ``survival``, ``lower``, ``upper`` come from lifelines' own tables (the fit's
    event times), the layout :func:`clvlib.plots.survival.plot_survival_curves` draws.
    """
    if not fitters:
        raise ValueError("No fitted curves given: pass a dict of name -> fit_kaplan_meier(...) results.")
    tables = {}
    for name, km in fitters.items():
        fitter_unit(km)
        band = km.confidence_interval_survival_function_
        tables[name] = pd.DataFrame(
            {"survival": km.survival_function_.iloc[:, 0], "lower": band.iloc[:, 0], "upper": band.iloc[:, 1]}
        )
    return pd.concat(tables, names=["curve", "months"])


def churn_by_tenure_table(fitters: Mapping[str, object], max_months: int | None = None, by: str = "group") -> pd.DataFrame:
    """:func:`monthly_churn_by_tenure` of each fit as one long table.

    Columns ``by``, ``months_since_signup``, ``churn_rate``: the layout of
    :func:`clvlib.analysis.cohorts.churn_by_tenure`, so one figure draws both.
    """
    frames = [
        pd.DataFrame({by: name, "months_since_signup": rate.index.to_numpy(), "churn_rate": rate.to_numpy()})
        for name, rate in ((name, monthly_churn_by_tenure(fit, max_months)) for name, fit in fitters.items())
    ]
    if not frames:
        raise ValueError("No fitted curves given: pass a dict of name -> fitted model.")
    return pd.concat(frames, ignore_index=True)
