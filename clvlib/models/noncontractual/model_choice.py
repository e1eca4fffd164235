"""Choosing a purchase model on the holdout period, not by habit.

:func:`compare_models` fits every candidate (BG/NBD, MBG/NBD and, when
:mod:`clvlib.models.noncontractual.paretonbd` is available, Pareto/NBD) on the calibration
period of a :func:`clvlib.transactions.calibration_holdout_split` and scores each three ways:

* **calibration fit**: Fader, Hardie & Lee's chi-square on the histogram of repeat purchases
  (:mod:`~clvlib.models.noncontractual.goodness_of_fit`; NaN for a model without P(X(t) = n));
* **aggregate holdout error**: the cohort's expected holdout purchases against the actual
  total, in percent (does the model get the business's volume right?);
* **per-customer error**: how far each customer's forecast is from what they bought in the
  holdout (does it size customers right?). Ranked on the root mean squared error: the
  forecast is a conditional *mean*, which the squared error rewards; the mean absolute error
  (also shown) rewards forecasting the *median*, which for mostly-zero counts favours
  whichever model under-forecasts the many quiet customers.

Each model's rank on each of the three is averaged (``mean_rank``; a criterion that some
model cannot be scored on is left out for all, see ``.attrs["ranked_on"]``) and the table
is sorted by it, ties going to the lower per-customer RMSE. The log-likelihood and AIC are shown for
reference; they compare fits to the calibration data, not forecasts.

Example
-------
>>> from clvlib.data import load_dataset
>>> from clvlib.transactions import calibration_holdout_split
>>> split = calibration_holdout_split(load_dataset().orders, "2024-12-31", "2025-12-31")
>>> comparison = compare_models(split, candidates=("BG/NBD", "MBG/NBD"))
>>> list(comparison.table.index) == sorted(comparison.table.index, key=comparison.table["mean_rank"].get)
True
>>> sorted(comparison.models)
['BG/NBD', 'MBG/NBD']
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from clvlib.models.base import FittedModel
from clvlib.models.noncontractual.goodness_of_fit import chi_square_test, repeat_purchase_histogram
from clvlib.transactions.summary import calibration_summary

# Candidate name -> (module, class). Pareto/NBD is imported lazily: it is optional here.
CANDIDATES = {
    "BG/NBD": ("clvlib.models.noncontractual.bgnbd", "BetaGeoNBD"),
    "MBG/NBD": ("clvlib.models.noncontractual.mbgnbd", "ModifiedBetaGeoNBD"),
    "Pareto/NBD": ("clvlib.models.noncontractual.paretonbd", "ParetoNBD"),
}
SPLIT_COLUMNS = ("frequency_cal", "recency_cal", "T_cal", "frequency_holdout", "duration_holdout")
CRITERIA = {"chi_square": "chi-square", "abs_holdout_error_pct": "aggregate", "rmse_per_customer": "per-customer RMSE"}


@dataclass
class ModelComparison:
    """The ranking table (one row per model, best first) and the fitted models by name."""

    table: pd.DataFrame
    models: dict[str, FittedModel] = field(default_factory=dict)

    @property
    def best(self) -> str:
        """The name of the model ranked first."""
        return str(self.table.index[0])


def _model_class(name: str):
    """The candidate's class, or None when its module is not there (Pareto/NBD is optional)."""
    if name not in CANDIDATES:
        raise ValueError(f"Unknown candidate model {name!r}: choose from {', '.join(CANDIDATES)}.")
    module, cls = CANDIDATES[name]
    try:
        return getattr(importlib.import_module(module), cls)
    except ModuleNotFoundError:
        if name in ("BG/NBD", "MBG/NBD"):
            raise
        return None


def _scores(model: FittedModel, cal: pd.DataFrame, split: pd.DataFrame, max_count: int) -> dict:
    forecast = model.conditional_expected_purchases(
        split["duration_holdout"].to_numpy(float), *(cal[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    )
    actual = split["frequency_holdout"].to_numpy(float)
    try:
        result = chi_square_test(repeat_purchase_histogram(model, cal, max_count))
        chi = (result.statistic, result.degrees_of_freedom, result.p_value)
    except (TypeError, ValueError):  # no P(X(t) = n) for this model, or not computable
        chi = (np.nan, np.nan, np.nan)
    return {
        "n_params": len(model.param_names),
        "log_likelihood": model.log_likelihood_,
        "aic": model.aic_,
        "chi_square": chi[0],
        "chi_square_dof": chi[1],
        "chi_square_p": chi[2],
        "holdout_actual": actual.sum(),
        "holdout_expected": forecast.sum(),
        "holdout_error_pct": 100.0 * (forecast.sum() - actual.sum()) / max(actual.sum(), 1e-12),
        "rmse_per_customer": float(np.sqrt(np.mean((forecast - actual) ** 2))),
        "mae_per_customer": float(np.mean(np.abs(forecast - actual))),
    }


def compare_models(
    split: pd.DataFrame, candidates=("BG/NBD", "MBG/NBD", "Pareto/NBD"), max_count: int = 7
) -> ModelComparison:
    """Fit each candidate on the calibration period and rank them on the holdout (see the module).

    ``split`` is :func:`clvlib.transactions.calibration_holdout_split`'s output; its time
    unit becomes the models'. A candidate whose module is missing is skipped; one whose fit
    fails stays in the table with NaN scores and the reason in ``note``.
    """
    if not isinstance(split, pd.DataFrame) or any(c not in split.columns for c in SPLIT_COLUMNS):
        have = ", ".join(map(str, getattr(split, "columns", [])))
        raise ValueError(
            "compare_models needs a calibration/holdout split with columns "
            f"{', '.join(SPLIT_COLUMNS)} (clvlib.transactions.calibration_holdout_split); got: {have}."
        )
    unit = split.attrs.get("time_unit", "week")
    cal = calibration_summary(split)
    rows, models = {}, {}
    for name in candidates:
        cls = _model_class(name)
        if cls is None:
            continue
        try:
            models[name] = cls(time_unit=unit).fit(cal)
        except ValueError as exc:
            rows[name] = {"note": f"fit failed: {exc}"}
            continue
        rows[name] = {**_scores(models[name], cal, split, max_count), "note": ""}
    if not models:
        raise ValueError(f"None of {', '.join(candidates)} could be fitted; see the reasons above or the data.")
    table = pd.DataFrame.from_dict(rows, orient="index")
    table["abs_holdout_error_pct"] = table["holdout_error_pct"].abs()
    fitted = table.loc[list(models)]
    # A criterion some fitted model lacks (no P(X(t) = n)) is left out for all: fair ranks.
    ranked_on = [c for c in CRITERIA if fitted[c].notna().all()]
    table["mean_rank"] = pd.DataFrame({c: table[c].rank(method="min") for c in ranked_on}).mean(axis=1)
    table = table.sort_values(["mean_rank", "rmse_per_customer"]).drop(columns="abs_holdout_error_pct")
    table.index.name = "model"
    table.attrs.update(
        time_unit=str(unit), n_customers=len(split), max_count=max_count,
        ranked_on=[CRITERIA[c] for c in ranked_on],
        holdout_length=float(split["duration_holdout"].iloc[0]),
    )
    return ModelComparison(table=table, models=models)


__all__ = ["CANDIDATES", "ModelComparison", "compare_models"]
