"""Logistic regression read as odds ratios, and the numeric design matrix it (and Cox) reads.

Shared by the churn models (:mod:`clvlib.models.survival.regression`) and the high-value
model (:mod:`clvlib.analysis.segments`); lifelines is not needed here.

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
from collections.abc import Sequence

import numpy as np
import pandas as pd

from clvlib.core.checks import require_frame


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


def design_matrix(
    durations: pd.DataFrame,
    covariates: Sequence[str],
    baselines: dict[str, str] | None = None,
    table_name: str = "durations",
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Numeric model inputs: numbers as they are, True/False as 1/0, categories as dummies.

    Each categorical covariate gets one column per level except its baseline, named
    ``"channel=search"`` (= compared with the baseline level). The baseline is the most
    common level unless ``baselines`` names one. Returns the matrix and the baselines used.
    ``table_name`` names the table in error messages.

    >>> frame = pd.DataFrame({"channel": ["search", "tv", "tv"], "promo": [True, False, True]})
    >>> X, used = design_matrix(frame, ["channel", "promo"])
    >>> X.columns.tolist(), used
    (['channel=search', 'promo'], {'channel': 'tv'})
    """
    if not covariates:
        raise ValueError("Give at least one covariate, e.g. ['channel', 'plan', 'promo_signup'].")
    require_frame(durations, table_name, covariates)
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
