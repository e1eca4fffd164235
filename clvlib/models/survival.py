"""Customer lifespans from subscription data, estimated properly from censored durations.

A subscriber who is still active on the analysis date has not shown us their lifetime,
only that it is longer than their tenure so far (right-censoring). Dropping them, or
counting them as if they had just churned, makes lifetimes look shorter than they are.
Survival analysis uses them correctly. This module turns the subscriptions table into
durations and wraps `lifelines <https://lifelines.readthedocs.io>`_ (Kaplan-Meier,
parametric fits, Cox) and statsmodels (logistic regression), returning the fitted
lifelines/statsmodels objects so you can use their own plots and summaries.

Everything is in months: tenure is counted in calendar months from the signup date, so
a customer who cancels on their third monthly anniversary has a tenure of exactly 3.0
(they paid for 3 months). Each fitter created here carries ``time_unit_ = TimeUnit.MONTH``
and every function that combines a fitter with a horizon checks it.

Example
-------
>>> from clvlib.data import load_dataset
>>> from clvlib.models import survival
>>> ds = load_dataset()
>>> durations = survival.durations_from_subscriptions(ds.subscriptions, ds.analysis_date)
>>> km = survival.fit_kaplan_meier(durations)
>>> km.time_unit_.value
'month'
>>> 10 < survival.restricted_mean_lifetime_months(km, horizon_months=36) < 20
True
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from lifelines import (
    CoxPHFitter,
    ExponentialFitter,
    KaplanMeierFitter,
    LogLogisticFitter,
    LogNormalFitter,
    WeibullFitter,
)
from lifelines.fitters import ParametricUnivariateFitter
from lifelines.statistics import proportional_hazard_test
from lifelines.utils import restricted_mean_survival_time

from clvlib.analysis.cohorts import add_months, lifetime_spans, whole_months_between
from clvlib.analysis.formulas import discount_factors
from clvlib.core.units import TimeUnit, check_same_unit, convert_rate
from clvlib.models.logistic import fit_logistic_odds_ratios

TIME_UNIT = TimeUnit.MONTH
PARAMETRIC_MODELS: dict[str, type[ParametricUnivariateFitter]] = {
    "weibull": WeibullFitter,
    "loglogistic": LogLogisticFitter,
    "lognormal": LogNormalFitter,
    "exponential": ExponentialFitter,
}
# Parametric models need strictly positive durations; someone who signed up on the
# analysis date (or cancelled the same day) is moved to half a day.
MIN_PARAMETRIC_TENURE_MONTHS = 0.5 / (365.25 / 12)
DURATION_COLUMNS = ("customer_id", "tenure_months", "churned", "observed_months")


# --------------------------------------------------------------------------- durations


def calendar_months_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """Months from ``start`` to ``end`` counted on monthly anniversaries.

    The whole part is the number of anniversaries passed, the fraction is the share of
    the current month elapsed. Billing is monthly on the signup anniversary, so a
    cancellation on the n-th anniversary gives exactly n (an average-length month of
    30.44 days would turn it into 2.97 or 3.03 and blur every step of the survival curve).

    >>> s = pd.Series(pd.to_datetime(["2024-01-31", "2024-01-10"]))
    >>> e = pd.Series(pd.to_datetime(["2024-02-29", "2024-02-25"]))
    >>> calendar_months_between(s, e).round(3).tolist()
    [1.0, 1.517]
    """
    start, end = start.dt.normalize(), end.dt.normalize()
    whole = whole_months_between(start, end)
    anchor = add_months(start, whole.to_numpy())
    following = add_months(start, whole.to_numpy() + 1)
    fraction = (end - anchor) / (following - anchor)
    return (whole + fraction).astype(float)


def durations_from_subscriptions(subscriptions: pd.DataFrame, analysis_date) -> pd.DataFrame:
    """One row per customer: how long they have been (or were) a subscriber, and whether they left.

    Columns: ``customer_id``, ``tenure_months`` (signup to cancel date, or to the
    analysis date when still active), ``churned`` (False = still active, i.e.
    right-censored), ``observed_months`` (signup to the analysis date: how long we could
    have watched them), followed by every other column of ``subscriptions``.

    A cancel date after the analysis date counts as still active on the analysis date,
    so you can re-run an analysis "as of" an earlier date. Signups after the analysis
    date, missing signup dates, cancellations before signup and repeated customer_ids raise
    ValueError (the checks of :func:`clvlib.analysis.cohorts.lifetime_spans`).

    >>> subs = pd.DataFrame({"customer_id": ["a", "b"],
    ...                      "signup_date": pd.to_datetime(["2025-01-15", "2025-06-01"]),
    ...                      "cancel_date": pd.to_datetime(["2025-04-15", None])})
    >>> durations_from_subscriptions(subs, "2025-12-31")[["tenure_months", "churned"]].round(2)
       tenure_months  churned
    0           3.00     True
    1           6.97    False
    """
    signup, end, churned, analysis = lifetime_spans(subscriptions, analysis_date)
    analysis_series = pd.Series(analysis, index=signup.index)
    out = pd.DataFrame(
        {
            "customer_id": subscriptions["customer_id"].to_numpy(),
            "tenure_months": calendar_months_between(signup, end).to_numpy(),
            "churned": churned.to_numpy(dtype=bool),
            "observed_months": calendar_months_between(signup, analysis_series).to_numpy(),
        },
        index=subscriptions.index,
    )
    others = subscriptions.drop(columns=[c for c in DURATION_COLUMNS if c in subscriptions.columns])
    out = pd.concat([out, others], axis=1).reset_index(drop=True)
    out.attrs["time_unit"] = TIME_UNIT.value
    out.attrs["analysis_date"] = str(analysis.date())
    return out


def _check_durations(durations: pd.DataFrame, need_events: bool = False) -> None:
    """Raise a plain ValueError when a durations table cannot be fitted."""
    if not isinstance(durations, pd.DataFrame):
        raise ValueError("durations must be a DataFrame from durations_from_subscriptions().")
    missing = [c for c in ("tenure_months", "churned") if c not in durations.columns]
    if missing:
        raise ValueError(
            f"durations has no {', '.join(missing)} column(s): build it with durations_from_subscriptions()."
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
    if need_events and not durations["churned"].astype(bool).any():
        raise ValueError(
            "Nobody has churned yet, so there is nothing to fit a lifetime model to: every lifetime "
            "is still open. Wait for churn to be observed, or report the Kaplan-Meier curve (flat at 1)."
        )


def _mark(fitter, **extra):
    fitter.time_unit_ = TIME_UNIT
    for key, value in extra.items():
        setattr(fitter, key, value)
    return fitter


def _fitter_unit(fitter) -> TimeUnit:
    unit = getattr(fitter, "time_unit_", None)
    if unit is None:
        raise ValueError(
            "This fitter has no time unit recorded. Fit it with clvlib.models.survival, or set "
            "fitter.time_unit_ = 'month' if its durations are in months."
        )
    return TimeUnit.parse(unit)


# --------------------------------------------------------------------------- Kaplan-Meier


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
    _check_durations(durations)
    if by is None:
        return _kaplan_meier(durations, alpha, "all customers")
    if by not in durations.columns:
        raise ValueError(f"durations has no column {by!r}; it has: {', '.join(map(str, durations.columns))}.")
    if durations[by].isna().any():
        raise ValueError(f"{int(durations[by].isna().sum())} customers have no {by}: fill or drop them first.")
    return {str(level): _kaplan_meier(group, alpha, str(level)) for level, group in durations.groupby(by, sort=True)}


def _kaplan_meier(durations: pd.DataFrame, alpha: float, label: str) -> KaplanMeierFitter:
    km = KaplanMeierFitter(alpha=alpha, label=label)
    km.fit(durations["tenure_months"].astype(float), durations["churned"].astype(bool))
    return _mark(km, follow_up_months_=float(durations["tenure_months"].max()))


def _check_horizon(fitter, horizon_months: float) -> None:
    """Refuse to read a Kaplan-Meier curve past the data it was estimated from.

    Renewals happen on monthly anniversaries, so nobody can churn between the longest
    tenure seen and the next whole month: the curve is known up to ceil(longest tenure).
    """
    check_same_unit(_fitter_unit(fitter), TIME_UNIT, what="horizon")
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
    _fitter_unit(fitter)
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
    _fitter_unit(fitter)
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
        # A step curve: the value at t is the last one recorded at or before t (1 before the first).
        position = np.searchsorted(curve.index.to_numpy(dtype=float), months, side="right") - 1
        values = np.where(position >= 0, curve.to_numpy(dtype=float)[np.maximum(position, 0)], 1.0)
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
    _check_durations(durations)
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
    _fitter_unit(fitter)
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


def lifetime_summary(fitters: dict, horizon_months: float) -> pd.DataFrame:
    """One row per Kaplan-Meier fitter: customers, churned, median and expected lifetime to the horizon."""
    rows = []
    for name, km in fitters.items():
        rows.append(
            {
                "segment": name,
                "customers": int(km.event_observed.size),
                "churned": int(km.event_observed.sum()),
                "median_lifetime_months": median_lifetime_months(km),
                "expected_lifetime_months": restricted_mean_lifetime_months(km, horizon_months),
            }
        )
    table = pd.DataFrame(rows).set_index("segment")
    table.attrs["horizon_months"] = horizon_months
    return table


# --------------------------------------------------------------------------- parametric


@dataclass
class ParametricChoice:
    """Parametric lifetime models fitted to the same durations, and the one AIC prefers.

    ``fits`` maps model name to the fitted lifelines fitter; ``best`` is the fitter with
    the lowest AIC (``best_name`` its name); ``summary`` is the comparison table.
    """

    fits: dict[str, ParametricUnivariateFitter]
    best_name: str
    follow_up_months_: float
    billing: str = "monthly"
    time_unit_: TimeUnit = TIME_UNIT
    failures: dict[str, str] = field(default_factory=dict)

    @property
    def best(self) -> ParametricUnivariateFitter:
        return self.fits[self.best_name]

    @property
    def summary(self) -> pd.DataFrame:
        """One row per model: AIC, log-likelihood, number of parameters, AIC gap to the best."""
        rows = [
            {
                "model": name,
                "aic": fit.AIC_,
                "log_likelihood": fit.log_likelihood_,
                "parameters": len(fit.params_),
            }
            for name, fit in self.fits.items()
        ]
        table = pd.DataFrame(rows).set_index("model").sort_values("aic")
        table["delta_aic"] = table["aic"] - table["aic"].min()
        return table


def _initial_points(tenure: np.ndarray, churned: np.ndarray) -> dict[str, np.ndarray]:
    """Starting values near the answer (from the Kaplan-Meier median and the churn rate).

    lifelines otherwise starts every model at 1 and its Nelder-Mead search spends most
    of the fitting time walking to the right scale.
    """
    km = KaplanMeierFitter().fit(tenure, churned)
    median = float(km.median_survival_time_)
    if not np.isfinite(median) or median <= 0:
        median = max(float(tenure.max()), 1.0)
    mean = max(float(tenure.sum()) / max(int(churned.sum()), 1), MIN_PARAMETRIC_TENURE_MONTHS)
    return {
        "weibull": np.array([median, 1.0]),
        "loglogistic": np.array([median, 1.0]),
        "lognormal": np.array([math.log(median), 1.5]),
        "exponential": np.array([mean]),
    }


def fit_parametric(
    durations: pd.DataFrame,
    candidates: Sequence[str] = ("weibull", "loglogistic", "lognormal", "exponential"),
    billing: str = "monthly",
) -> ParametricChoice:
    """Fit parametric lifetime distributions and pick the one with the lowest AIC.

    A parametric curve can be read beyond the longest tenure observed, which is how the
    course extrapolates lifetimes; how far to trust it is a judgement (compare the
    candidates: they agree inside the data and can differ a lot outside it).

    ``billing="monthly"`` (default) suits subscriptions renewed on monthly anniversaries:
    a customer who cancels at their 3rd anniversary decided to leave some time during
    their 3rd month, so the fit treats that decision as lying between 2 and 3 months
    (interval-censoring), and an active customer at 7.4 months as not having decided
    by month 7. A continuous curve fitted to the anniversary dates themselves puts too
    many customers past month 1 (0.93 instead of 0.87 on the embedded data).
    ``billing="continuous"`` fits the tenures as exact times (zero tenures moved to half
    a day, since these models need positive durations).
    """
    _check_durations(durations, need_events=True)
    names = [candidates] if isinstance(candidates, str) else list(candidates)
    unknown = [n for n in names if n not in PARAMETRIC_MODELS]
    if unknown or not names:
        raise ValueError(
            f"Unknown parametric model(s) {unknown or names}: choose from {', '.join(PARAMETRIC_MODELS)}."
        )
    if billing not in ("monthly", "continuous"):
        raise ValueError(f"billing must be 'monthly' or 'continuous', not {billing!r}.")
    tenure = durations["tenure_months"].astype(float).to_numpy()
    churned = durations["churned"].astype(bool).to_numpy()
    paid = np.ceil(tenure - 1e-9)  # months started (and paid) so far
    lower = np.where(churned, np.maximum(paid - 1, 0.0), np.floor(tenure + 1e-9))
    upper = np.where(churned, np.maximum(paid, MIN_PARAMETRIC_TENURE_MONTHS), np.inf)
    # Many customers share the same interval; fitting each distinct one once, weighted by
    # its count, gives the same likelihood in a fraction of the time.
    if billing == "monthly":
        rows = pd.DataFrame({"lower": lower, "upper": upper})
    else:
        rows = pd.DataFrame({"tenure": np.maximum(tenure, MIN_PARAMETRIC_TENURE_MONTHS), "churned": churned})
    distinct = rows.value_counts().reset_index(name="customers")
    fits, failures = {}, {}
    starts = _initial_points(tenure, churned)
    for name in names:
        fitter = PARAMETRIC_MODELS[name](label=name)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if billing == "monthly":
                    fitter.fit_interval_censoring(
                        distinct["lower"], distinct["upper"], weights=distinct["customers"], initial_point=starts[name]
                    )
                else:
                    fitter.fit(
                        distinct["tenure"], distinct["churned"], weights=distinct["customers"], initial_point=starts[name]
                    )
        except Exception as exc:  # lifelines raises ConvergenceError and friends
            failures[name] = str(exc).splitlines()[0]
            continue
        fits[name] = _mark(fitter, follow_up_months_=float(tenure.max()), billing_=billing)
    if not fits:
        raise ValueError(f"No parametric model could be fitted: {failures}.")
    best = min(fits, key=lambda n: fits[n].AIC_)
    return ParametricChoice(fits, best, float(tenure.max()), billing, TIME_UNIT, failures)


# --------------------------------------------------------------------------- Cox and logit


def design_matrix(
    durations: pd.DataFrame, covariates: Sequence[str], baselines: dict[str, str] | None = None
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Numeric model inputs: numbers as they are, True/False as 1/0, categories as dummies.

    Each categorical covariate gets one column per level except its baseline, named
    ``"channel=search"`` (= compared with the baseline level). The baseline is the most
    common level unless ``baselines`` names one. Returns the matrix and the baselines used.
    """
    if not covariates:
        raise ValueError("Give at least one covariate, e.g. ['channel', 'plan', 'promo_signup'].")
    missing = [c for c in covariates if c not in durations.columns]
    if missing:
        raise ValueError(f"durations has no column(s) {', '.join(missing)}; it has: {', '.join(map(str, durations.columns))}.")
    baselines = dict(baselines or {})
    columns, used = [], {}
    for name in covariates:
        values = durations[name]
        if values.isna().any():
            raise ValueError(f"{int(values.isna().sum())} customers have no {name}: fill or drop them first.")
        if values.nunique() < 2:
            raise ValueError(f"Covariate {name} has the same value for everyone: drop it (it cannot explain churn).")
        if pd.api.types.is_numeric_dtype(values):  # numbers, and True/False (numeric to pandas)
            columns.append(values.astype(float).rename(name))
        else:
            levels = values.astype(str)
            baseline = str(baselines.get(name, levels.value_counts().idxmax()))
            if baseline not in set(levels):
                raise ValueError(f"Baseline {baseline!r} is not a level of {name} ({', '.join(sorted(set(levels)))}).")
            used[name] = baseline
            for level in sorted(set(levels) - {baseline}):
                columns.append(levels.eq(level).astype(float).rename(f"{name}={level}"))
    return pd.concat(columns, axis=1), used


def _cox_frame(
    durations: pd.DataFrame, covariates: Sequence[str], baselines: dict[str, str] | None
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The design matrix plus the tenure_months and churned columns lifelines' Cox model reads."""
    X, used = design_matrix(durations, covariates, baselines)
    frame = X.assign(tenure_months=durations["tenure_months"].astype(float).to_numpy(),
                     churned=durations["churned"].astype(bool).to_numpy())
    return frame, used


def fit_cox(
    durations: pd.DataFrame,
    covariates: list[str],
    baselines: dict[str, str] | None = None,
    penalizer: float = 0.0,
) -> CoxPHFitter:
    """Cox proportional-hazards model of churn: which covariates make customers leave sooner.

    exp(coef) is a hazard ratio: 1.5 on ``promo_signup`` means promo customers churn at
    1.5x the rate of others at every tenure, other things equal. Categorical covariates
    are compared with a named baseline level (``cox.baselines_``; default the most
    common level, or pass ``baselines={"channel": "affiliate"}``).
    """
    _check_durations(durations, need_events=True)
    frame, used = _cox_frame(durations, covariates, baselines)
    cox = CoxPHFitter(penalizer=penalizer)
    cox.fit(frame, duration_col="tenure_months", event_col="churned")
    return _mark(cox, baselines_=used, covariates_=list(covariates), follow_up_months_=float(frame["tenure_months"].max()))


def check_proportional_hazards(cox: CoxPHFitter, durations: pd.DataFrame, time_transform: str = "rank") -> pd.DataFrame:
    """Test whether each covariate's effect is constant over tenure (Cox's key assumption).

    One row per model column: test statistic, p-value and ``proportional`` (p >= 0.05).
    A small p-value says the hazard ratio changes with tenure. With customers who differ
    in how churn-prone they are, that is expected: the churn-prone leave first, so the
    survivors of a 'bad' channel look more and more like those of a 'good' one and the
    hazards converge.
    """
    _fitter_unit(cox)
    covariates = getattr(cox, "covariates_", None)
    if covariates is None:
        raise ValueError("Fit the Cox model with clvlib.models.survival.fit_cox so its covariates are known.")
    _check_durations(durations, need_events=True)
    frame, _ = _cox_frame(durations, covariates, cox.baselines_)
    result = proportional_hazard_test(cox, frame, time_transform=time_transform)
    table = result.summary.reset_index()
    if "level_0" in table.columns:  # several transforms give a two-level index
        table = table.rename(columns={"level_0": "covariate", "level_1": "time_transform"})
    else:
        table = table.rename(columns={"index": "covariate"})
        table.insert(1, "time_transform", time_transform)
    table = table.rename(columns={"p": "p_value"})[["covariate", "time_transform", "test_statistic", "p_value"]]
    table["proportional"] = table["p_value"] >= 0.05
    return table.reset_index(drop=True)


@dataclass
class ChurnLogisticResult:
    """A statsmodels logistic regression of "churned within N months", and its odds ratios."""

    result: object  # statsmodels BinaryResultsWrapper: .summary(), .params, .predict()
    odds_ratios: pd.DataFrame
    within_months: int
    customers_used: int
    customers_excluded: int
    baselines: dict[str, str]
    time_unit_: TimeUnit = TIME_UNIT


def churn_logistic_regression(
    durations: pd.DataFrame,
    covariates: list[str],
    within_months: int,
    baselines: dict[str, str] | None = None,
) -> ChurnLogisticResult:
    """Logistic regression of "churned within ``within_months``" on covariates (statsmodels).

    Only customers who signed up at least ``within_months`` before the analysis date are
    used (column ``observed_months``): a recent signup who is still active might yet
    churn inside the window, and counting them as "stayed" would bias churn downwards,
    most for the channels that grew recently. The odds-ratio table has one row per model
    column with its 95% confidence interval and p-value; an odds ratio of 2 means twice
    the odds of churning within the window, compared with the baseline level.
    """
    _check_durations(durations)
    if not isinstance(within_months, int | np.integer) or within_months < 1:
        raise ValueError(f"within_months must be a whole number of months, at least 1 (got {within_months!r}).")
    if "observed_months" not in durations.columns:
        raise ValueError("durations has no observed_months column: build it with durations_from_subscriptions().")
    eligible = durations["observed_months"] >= within_months
    used = durations[eligible]
    if used.empty:
        raise ValueError(
            f"No customer signed up at least {within_months} months before the analysis date: shorten within_months."
        )
    outcome = (used["churned"].astype(bool) & (used["tenure_months"] <= within_months)).astype(float)
    if outcome.nunique() < 2:
        which = "churned" if outcome.iloc[0] == 1 else "stayed"
        raise ValueError(
            f"All {len(used)} customers observed for {within_months} months {which}: "
            "there is nothing to explain. Choose another window."
        )
    X, used_baselines = design_matrix(used, covariates, baselines)
    result, table = fit_logistic_odds_ratios(outcome, X)
    return ChurnLogisticResult(result, table, int(within_months), int(eligible.sum()), int((~eligible).sum()), used_baselines)


# --------------------------------------------------------------------------- value and naive


def _fit_for_segment(group: pd.DataFrame, model: str):
    if model == "kaplan_meier":
        return fit_kaplan_meier(group)
    if model == "best_parametric":
        return fit_parametric(group).best
    return fit_parametric(group, candidates=(model,)).best


def lifetime_value_by_segment(
    durations: pd.DataFrame,
    by: str,
    margin_rate: float,
    discount_rate_annual: float,
    horizon_months: int,
    model: str = "kaplan_meier",
) -> pd.DataFrame:
    """Lifetime value of a customer in each segment: monthly margin x discounted expected lifetime.

    One row per segment (the index, named ``by``) with ``customers``, ``monthly_margin``
    (mean monthly_revenue x margin_rate), ``expected_lifetime_months`` (RMST to the
    horizon), ``discounted_lifetime_months`` and ``clv`` (= monthly_margin x
    discounted_lifetime_months, in the currency of monthly_revenue, at signup). ``model``
    is "kaplan_meier" (within the data only), a parametric name ("weibull",
    "loglogistic", "lognormal", "exponential") or "best_parametric" (lowest AIC per
    segment) to extrapolate beyond the longest tenure observed. Using the segment's mean
    revenue assumes revenue does not depend on how long a customer stays.
    """
    _check_durations(durations)
    allowed = ("kaplan_meier", *PARAMETRIC_MODELS, "best_parametric")
    if model not in allowed:
        raise ValueError(f"Unknown model {model!r}: choose from {', '.join(allowed)}.")
    if not 0 <= margin_rate <= 1:
        raise ValueError(f"margin_rate is a share of revenue between 0 and 1 (e.g. 0.40), not {margin_rate!r}.")
    if "monthly_revenue" not in durations.columns:
        raise ValueError("durations has no monthly_revenue column: it comes from the subscriptions table.")
    if by not in durations.columns:
        raise ValueError(f"durations has no column {by!r}; it has: {', '.join(map(str, durations.columns))}.")
    if durations[by].isna().any():
        raise ValueError(f"{int(durations[by].isna().sum())} customers have no {by}: fill or drop them first.")
    rows = []
    for level, group in durations.groupby(by, sort=True):
        try:
            fitter = _fit_for_segment(group, model)
            expected = restricted_mean_lifetime_months(fitter, horizon_months)
            discounted = discounted_expected_lifetime_months(fitter, discount_rate_annual, horizon_months)
        except ValueError as exc:
            raise ValueError(f"Segment {by}={level!r}: {exc}") from None
        margin = float(group["monthly_revenue"].mean()) * margin_rate
        rows.append(
            {
                by: level,
                "customers": len(group),
                "monthly_margin": margin,
                "expected_lifetime_months": expected,
                "discounted_lifetime_months": discounted,
                "clv": margin * discounted,
                "model": getattr(fitter, "label", model) if model != "kaplan_meier" else model,
            }
        )
    table = pd.DataFrame(rows).set_index(by)
    table.attrs["time_unit"] = TIME_UNIT.value
    table.attrs["horizon_months"] = int(horizon_months)
    return table


def naive_mean_lifetime_dropping_censored(durations: pd.DataFrame, horizon_months: float | None = None) -> float:
    """WRONG on purpose (for teaching): mean tenure of the customers who already churned.

    Ignores everyone still active, who are exactly the long-lived ones, so it is too
    short. With ``horizon_months`` each tenure is capped there first (to compare with
    RMST). Raises ValueError when nobody has churned.
    """
    _check_durations(durations, need_events=True)
    tenure = durations.loc[durations["churned"].astype(bool), "tenure_months"].astype(float)
    if horizon_months is not None:
        tenure = tenure.clip(upper=horizon_months)
    return float(tenure.mean())


def naive_mean_lifetime_censored_as_churned(durations: pd.DataFrame, horizon_months: float | None = None) -> float:
    """WRONG on purpose (for teaching): mean tenure, treating active customers as if they left today.

    Their lifetimes are longer than their tenure so far, so this is too short too.
    With ``horizon_months`` each tenure is capped there first (to compare with RMST).
    """
    _check_durations(durations)
    tenure = durations["tenure_months"].astype(float)
    if horizon_months is not None:
        tenure = tenure.clip(upper=horizon_months)
    return float(tenure.mean())


def lifetime_estimates_compared(durations: pd.DataFrame, horizon_months: int, by: str | None = None) -> pd.DataFrame:
    """Expected lifetime to the horizon three ways: two naive ones and Kaplan-Meier RMST.

    One row per segment (or one row "all customers"), columns ``dropping_censored``,
    ``censored_as_churned`` and ``kaplan_meier_rmst``, all in months, capped at the horizon.
    """
    _check_durations(durations)
    groups = [("all customers", durations)] if by is None else list(durations.groupby(by, sort=True))
    rows = []
    for level, group in groups:
        rows.append(
            {
                "segment": level,
                "dropping_censored": naive_mean_lifetime_dropping_censored(group, horizon_months),
                "censored_as_churned": naive_mean_lifetime_censored_as_churned(group, horizon_months),
                "kaplan_meier_rmst": restricted_mean_lifetime_months(fit_kaplan_meier(group), horizon_months),
            }
        )
    return pd.DataFrame(rows).set_index("segment").rename_axis(by or "segment")
