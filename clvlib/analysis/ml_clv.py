"""Holdout spend per customer, forecast two ways: a learned model and BG/NBD x Gamma-Gamma.

Both forecasts see the same thing, each customer's orders up to the calibration end, and are
scored on the same thing, what each customer spent in the holdout period
(:func:`holdout_value`):

* :func:`model_holdout_value`: BG/NBD and Gamma-Gamma fitted on the calibration summary,
  the holdout's expected purchases times expected spend per purchase, through
  :func:`clvlib.analysis.predictive_clv.customer_lifetime_value` (no margin, no discounting);
* :func:`learned_holdout_value`: a gradient-boosted tree model
  (scikit-learn's ``HistGradientBoostingRegressor``) on :func:`clvlib.analysis.ml_features.order_features`.
  A learned model needs examples of the target to learn from; here each customer's forecast
  comes from a model trained on the *other* customers' holdout spend (k-fold cross-fitting).
  That is the learned model's best case: in production nobody's future is known yet, and the
  model would be trained on an earlier calibration/holdout pair and applied to a later one.

Why gradient boosting: it needs no scaling or transformation of skewed spend features, finds
interactions (recent *and* frequent) by itself, and with the Poisson loss predicts a
non-negative mean, which is what a spend forecast is. Shallow trees, a small learning rate and
an L2 penalty keep it from memorising a few big spenders.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from clvlib.analysis.prediction_metrics import value_scores
from clvlib.analysis.predictive_clv import customer_lifetime_value
from clvlib.models.noncontractual import BetaGeoNBD, GammaGamma
from clvlib.transactions.summary import calibration_summary

SKLEARN_MISSING = ("This needs scikit-learn, the machine-learning library of lesson 09. Install the course "
                   "extra (pip install 'clvlib[course]') or just scikit-learn (pip install scikit-learn).")


def sklearn_module(name: str):
    """Import ``sklearn.<name>``, or say in plain English how to install scikit-learn."""
    import importlib

    try:
        return importlib.import_module(f"sklearn.{name}")
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError(SKLEARN_MISSING) from error


def holdout_value(split: pd.DataFrame) -> pd.Series:
    """What each customer of a calibration/holdout split spent in the holdout period (0 if nothing)."""
    missing = [c for c in ("frequency_holdout", "monetary_value_holdout") if c not in split.columns]
    if missing:
        raise ValueError(f"The split has no column {', '.join(missing)}: build it with "
                         "clvlib.transactions.calibration_holdout_split and a value column.")
    return (split["frequency_holdout"] * split["monetary_value_holdout"]).rename("holdout_value")


def model_holdout_value(split: pd.DataFrame) -> pd.Series:
    """BG/NBD x Gamma-Gamma forecast of each customer's holdout spend, fitted on the calibration period only."""
    calibration = calibration_summary(split)
    bgnbd = BetaGeoNBD(time_unit=split.attrs["time_unit"]).fit(calibration)
    gamma_gamma = GammaGamma().fit(calibration["frequency"], calibration["monetary_value"])
    value = customer_lifetime_value(bgnbd, gamma_gamma, calibration, horizon=float(split["duration_holdout"].iloc[0]),
                                    horizon_unit=bgnbd.time_unit_, margin_rate=1.0, discount_rate_annual=0.0)
    return value["clv"].rename("BG/NBD x Gamma-Gamma")


def threadpool_limits(limits: int):
    """threadpoolctl's limit on native threads (installed with scikit-learn)."""
    try:
        from threadpoolctl import threadpool_limits as limit
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError(SKLEARN_MISSING) from error
    return limit(limits=limits)


def value_regressor(seed: int = 0):
    """The learned model, unfitted: gradient-boosted trees with the Poisson loss (see the module docstring)."""
    ensemble = sklearn_module("ensemble")
    return ensemble.HistGradientBoostingRegressor(
        loss="poisson", learning_rate=0.1, max_iter=100, max_leaf_nodes=15, min_samples_leaf=20,
        l2_regularization=1.0, early_stopping=False, random_state=seed)


def learned_holdout_value(features: pd.DataFrame, target: pd.Series, n_folds: int = 5, seed: int = 0) -> pd.Series:
    """Cross-fitted forecasts: each customer's from a model trained on the other folds' customers.

    ``features`` (from :func:`clvlib.analysis.ml_features.order_features`) and ``target``
    (:func:`holdout_value`) must have the same customers; the split into folds is seeded.
    """
    if not features.index.equals(target.index):
        missing = features.index.symmetric_difference(target.index)
        raise ValueError(f"features and target must list the same customers in the same order; "
                         f"{len(missing)} differ, e.g. {list(missing[:3])}. Align them with .loc first.")
    if not 2 <= n_folds <= len(target):
        raise ValueError(f"n_folds must be between 2 and the number of customers, not {n_folds}.")
    folds = sklearn_module("model_selection").KFold(n_splits=n_folds, shuffle=True, random_state=seed)
    X, y = features.to_numpy(dtype=float), target.to_numpy(dtype=float)
    predicted = np.empty(len(y))
    # One thread: on a shared machine OpenMP's default (every core) is slower, not faster.
    models = [value_regressor(seed) for _ in range(n_folds)]  # imported before the limit: it covers loaded libraries only
    with threadpool_limits(limits=1):
        for model, (train, test) in zip(models, folds.split(X), strict=True):
            predicted[test] = model.fit(X[train], y[train]).predict(X[test])
    return pd.Series(predicted, index=target.index, name="gradient boosting")


def past_spend_holdout_value(features: pd.DataFrame, holdout_periods: float) -> pd.Series:
    """The naive forecast: spend per period so far (at least one period) times the holdout length.

    ``features`` from :func:`clvlib.analysis.ml_features.order_features` (``total_value``, ``T``).

    >>> features = pd.DataFrame({"total_value": [30.0, 10.0], "T": [10.0, 0.5]})
    >>> past_spend_holdout_value(features, 5).tolist()
    [15.0, 50.0]
    """
    rate = features["total_value"] / np.maximum(features["T"], 1.0)
    return (rate * holdout_periods).rename("past spend rate")


def comparison_table(actual: pd.Series, forecasts: Mapping[str, pd.Series], share: float = 0.1) -> pd.DataFrame:
    """One row per forecast: MAE, RMSE, Spearman, top-share lift, total predicted / actual (same customers)."""
    rows = {}
    for name, predicted in forecasts.items():
        if not predicted.index.equals(actual.index):
            raise ValueError(f"The forecast {name!r} does not cover the same customers as the actual values.")
        rows[name] = value_scores(actual.to_numpy(), predicted.to_numpy(), share)
    return pd.DataFrame.from_dict(rows, orient="index")


LOWER_IS_BETTER = ("MAE", "RMSE")


def metric_winners(table: pd.DataFrame, first: str, second: str) -> pd.DataFrame:
    """For each error and ranking score of :func:`comparison_table`, both forecasts' values and which is better.

    MAE and RMSE: lower is better; Spearman and the lift: higher is better. Exact ties say "tie".

    >>> table = pd.DataFrame({"MAE": [5.0, 6.0], "Spearman": [0.5, 0.7]}, index=["m", "ml"])
    >>> metric_winners(table, "m", "ml")["better"].tolist()
    ['m', 'ml']
    """
    rows = {}
    for score in [c for c in table.columns if c in LOWER_IS_BETTER or c == "Spearman" or c.endswith("lift")]:
        a, b = float(table.loc[first, score]), float(table.loc[second, score])
        better = "tie" if a == b else first if (a < b) == (score in LOWER_IS_BETTER) else second
        rows[score] = {first: a, second: b, "better": better}
    return pd.DataFrame.from_dict(rows, orient="index")


def verdict_sentence(winners: pd.DataFrame) -> str:
    """The contest in one sentence, from :func:`metric_winners`.

    >>> table = pd.DataFrame({"MAE": [5.0, 6.0], "Spearman": [0.5, 0.7]}, index=["m", "ml"])
    >>> verdict_sentence(metric_winners(table, "m", "ml"))
    'm is better on 1 of 2 scores: MAE (5.00 vs 6.00); ml is better on 1 of 2 scores: Spearman (0.70 vs 0.50).'
    """
    first, second = winners.columns[:2]
    parts = []
    for name, other in ((first, second), (second, first)):
        won = winners.index[winners["better"] == name]
        if len(won):
            detail = ", ".join(f"{s} ({winners.loc[s, name]:,.2f} vs {winners.loc[s, other]:,.2f})" for s in won)
            parts.append(f"{name} is better on {len(won)} of {len(winners)} scores: {detail}")
    ties = winners.index[winners["better"] == "tie"]
    if len(ties):
        parts.append(f"they tie on {', '.join(ties)}")
    return "; ".join(parts) + "."


def gap_sentence(gaps: pd.DataFrame, first: str, second: str) -> str:
    """Whether each error gap of :func:`clvlib.analysis.prediction_metrics.error_difference_interval` is beyond noise.

    >>> gaps = pd.DataFrame({"difference": [-4.0, 1.0], "lower_95": [-6.0, -0.5], "upper_95": [-2.0, 2.5]},
    ...                     index=["MAE", "RMSE"])
    >>> gap_sentence(gaps, "m", "ml")
    "m's MAE is lower by 4.00 (95% interval 2.00 to 6.00); the RMSE gap (+1.00, 95% interval -0.50 to +2.50) is within resampling noise."
    """
    parts = []
    for score, row in gaps.iterrows():
        d, low, high = row["difference"], row["lower_95"], row["upper_95"]
        if high < 0:
            parts.append(f"{first}'s {score} is lower by {-d:,.2f} (95% interval {-high:,.2f} to {-low:,.2f})")
        elif low > 0:
            parts.append(f"{second}'s {score} is lower by {d:,.2f} (95% interval {low:,.2f} to {high:,.2f})")
        else:
            parts.append(f"the {score} gap ({d:+,.2f}, 95% interval {low:+,.2f} to {high:+,.2f}) is within resampling noise")
    return "; ".join(parts) + "."
