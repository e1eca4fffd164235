"""Lifetime models of subscribers fitted with lifelines: Kaplan-Meier, parametric curves, Cox.

* :mod:`~clvlib.models.survival.kaplan_meier`: Kaplan-Meier fits and the readers every
  fitted curve shares (S(t), median, RMST, discounted lifetime, monthly churn);
* :mod:`~clvlib.models.survival.parametric`: parametric distributions chosen by AIC;
* :mod:`~clvlib.models.survival.regression`: Cox proportional hazards and the
  "churned within N months" logistic regression;
* :mod:`~clvlib.models.survival.checks`: the durations table and the fitters' time unit.

The durations table itself comes from the subscriptions table
(:func:`clvlib.analysis.lifetimes.durations_from_subscriptions`), and what the fits are
worth in money per segment is business analysis (:mod:`clvlib.analysis.lifetimes`).
Everything is in months; every fitter created here carries ``time_unit_``.

Example
-------
>>> import pandas as pd
>>> from clvlib.models import survival
>>> table = pd.DataFrame({"tenure_months": [1.0, 2, 3, 4, 5, 6], "plan": ["a", "b"] * 3,
...                       "churned": [True, False, True, True, False, True]})
>>> by_plan = survival.fit_kaplan_meier(table, by="plan")
>>> {plan: survival.median_lifetime_months(km) for plan, km in by_plan.items()}
{'a': 3.0, 'b': 4.0}
"""

from clvlib.models.survival.checks import DURATION_COLUMNS, TIME_UNIT, check_durations
from clvlib.models.survival.kaplan_meier import (
    churn_by_tenure_table,
    discounted_expected_lifetime_months,
    fit_kaplan_meier,
    km_covers_horizon,
    km_max_horizon_months,
    median_lifetime_months,
    monthly_churn_by_tenure,
    restricted_mean_lifetime_months,
    survival_curve,
    survival_table,
)
from clvlib.models.survival.parametric import (
    MIN_PARAMETRIC_TENURE_MONTHS,
    PARAMETRIC_MODELS,
    ParametricChoice,
    fit_parametric,
)
from clvlib.models.survival.regression import (
    ChurnLogisticResult,
    check_proportional_hazards,
    churn_logistic_regression,
    fit_cox,
)

__all__ = [
    "DURATION_COLUMNS",
    "MIN_PARAMETRIC_TENURE_MONTHS",
    "PARAMETRIC_MODELS",
    "TIME_UNIT",
    "ChurnLogisticResult",
    "ParametricChoice",
    "check_durations",
    "check_proportional_hazards",
    "churn_logistic_regression",
    "discounted_expected_lifetime_months",
    "fit_cox",
    "fit_kaplan_meier",
    "fit_parametric",
    "km_covers_horizon",
    "km_max_horizon_months",
    "median_lifetime_months",
    "monthly_churn_by_tenure",
    "churn_by_tenure_table",
    "survival_table",
    "restricted_mean_lifetime_months",
    "survival_curve",
]
