"""Logistic regression read as odds ratios: shared by the churn and the high-value models.

Example
-------
>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(0)
>>> X = pd.DataFrame({"promo": rng.integers(0, 2, 500).astype(float)})
>>> y = (rng.random(500) < np.where(X["promo"] == 1, 0.5, 0.2)).astype(float)
>>> result, table = fit_logistic_odds_ratios(y, X)
>>> bool(table.loc["promo", "odds_ratio"] > 1)
True
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd


def fit_logistic_odds_ratios(outcome, X: pd.DataFrame, confidence: float = 0.95):
    """Fit ``outcome ~ X`` (a constant is added) and return (statsmodels result, odds-ratio table).

    The table has one row per column of ``X``: odds_ratio, ci_lower, ci_upper, p_value.
    A fit that cannot be trusted (perfect separation, collinear columns, overflow) raises
    a ValueError in plain English instead of returning infinite or NaN odds ratios.
    """
    # The discrete-model module alone: statsmodels.api would also load time series and graphics (~1 s).
    from statsmodels.discrete.discrete_model import Logit
    from statsmodels.tools.sm_exceptions import PerfectSeparationError, PerfectSeparationWarning

    design = X.copy()
    design.insert(0, "const", 1.0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", category=RuntimeWarning)
            warnings.simplefilter("error", category=PerfectSeparationWarning)
            result = Logit(np.asarray(outcome, dtype=float), design).fit(disp=0)
    except (PerfectSeparationError, PerfectSeparationWarning, np.linalg.LinAlgError, RuntimeWarning) as exc:
        raise ValueError(
            f"The logistic regression could not be fitted ({exc}). A covariate probably predicts the outcome "
            "perfectly or two covariates carry the same information: drop one."
        ) from None
    ci = np.exp(result.conf_int(alpha=1.0 - confidence))
    table = pd.DataFrame(
        {
            "odds_ratio": np.exp(result.params),
            "ci_lower": ci.iloc[:, 0],
            "ci_upper": ci.iloc[:, 1],
            "p_value": result.pvalues,
        }
    ).drop(index="const")
    table.index.name = "covariate"
    return result, table
