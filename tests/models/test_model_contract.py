"""Every fitted model keeps the one contract of clvlib.models.base.FittedModel.

The model classes are discovered (every subclass of FittedModel with parameters, in any
module under clvlib.models), so a new model cannot skip these tests: it fails until it
has a recipe below (how to fit it on small data and what it predicts).
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest

import clvlib.models
from clvlib.core.units import TimeUnit
from clvlib.data import load_dataset
from clvlib.data.simulate import simulate_sbg_cohort
from clvlib.models.base import SUMMARY_COLUMNS, FittedModel, NotFittedError
from clvlib.transactions import summarize_transactions
from clvlib.transactions.opportunities import opportunity_patterns


def discovered_models() -> set[type]:
    """Concrete FittedModel subclasses (those with parameters) in every clvlib.models module."""
    for info in pkgutil.walk_packages(clvlib.models.__path__, "clvlib.models."):
        importlib.import_module(info.name)
    found, todo = set(), [FittedModel]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.param_names:
                found.add(sub)
    return found


MODELS = sorted(discovered_models(), key=lambda cls: cls.__name__)


@pytest.fixture(scope="module")
def embedded_summary() -> pd.DataFrame:
    ds = load_dataset({})
    return summarize_transactions(ds.orders, ds.analysis_date, time_unit="week")


@dataclass
class Recipe:
    """How to fit one model class on small data, and what to compare its predictions on."""

    time_unit: str
    fit_args: Any  # a function of the embedded summary -> positional arguments of fit
    n_obs: float  # customers the fit uses, counted by hand from the data
    predict: Any  # (model, customer histories) -> a list of arrays


SBG_SURVIVORS = simulate_sbg_cohort(1.0, 8.0, 3000, 12, seed=1)  # a cohort of 3000, 12 months


def _retention_predictions(model, _):
    t = np.arange(25)
    return [
        model.survival(t),
        np.array([model.discounted_expected_lifetime(0.01), model.discounted_expected_residual_lifetime(0.01, 3)]),
        model.project(24, cohort_size=500).to_numpy(),
    ]


def _sbg_predictions(model, history):
    return [*_retention_predictions(model, history), model.retention_rate(np.arange(1, 25)), [model.mean_churn_]]


def _bgnbd_predictions(model, history):
    return [
        model.conditional_expected_purchases(52.0, *history),
        model.probability_alive(*history),
        model.expected_purchases(np.array([1.0, 13.0, 52.0])),
    ]


def _gamma_gamma_predictions(model, history):
    frequency = history[0]
    return [model.conditional_expected_order_value(frequency, np.full(len(frequency), 40.0)), [model.mean_order_value_]]


def _bgbb_patterns(_):
    """The embedded shop's orders with calendar months as opportunities (2500 customers)."""
    return (opportunity_patterns(load_dataset({}).orders, "2025-12-31", "month"),)


def _bgbb_predictions(model, _):
    x, t_x, n = np.array([0, 2, 5]), np.array([0, 4, 9]), np.array([12, 12, 20])
    return [model.probability_alive(x, t_x, n), model.conditional_expected_transactions(6, x, t_x, n),
            model.expected_transactions(np.arange(13)), model.probability_of_n_transactions(np.arange(7), 6),
            model.discounted_expected_residual_transactions(0.01, x, t_x, n)]


RECIPES: dict[str, Recipe] = {
    "ShiftedBetaGeometric": Recipe("month", lambda _: (SBG_SURVIVORS,), 3000.0, _sbg_predictions),
    "ConstantChurn": Recipe("month", lambda _: (SBG_SURVIVORS,), 3000.0, _retention_predictions),
    "BetaGeoNBD": Recipe("week", lambda s: (s,), 2500.0, _bgnbd_predictions),
    # Without covariates (the class's r, alpha, a, b); with them: tests/models/test_bgnbd_covariates.py.
    "BetaGeoNBDWithCovariates": Recipe("week", lambda s: (s,), 2500.0, _bgnbd_predictions),
    "ParetoNBD": Recipe("week", lambda s: (s,), 2500.0, lambda m, h: [
        *_bgnbd_predictions(m, h), m.discounted_expected_residual_transactions(0.002, *h),
        m.probability_of_n_purchases(np.arange(5), 52.0)]),
    "BetaGeoBetaBinom": Recipe("month", _bgbb_patterns, 2500.0, _bgbb_predictions),
    "ModifiedBetaGeoNBD": Recipe("week", lambda s: (s,), 2500.0, lambda m, h: [
        *_bgnbd_predictions(m, h), m.probability_of_n_purchases(np.arange(5), 52.0),
        m.discounted_expected_residual_transactions(0.0027, *h)]),
    # Gamma-Gamma is fitted on the embedded shop's 2213 repeat buyers only.
    "GammaGamma": Recipe("week", lambda s: (s,), 2213.0, _gamma_gamma_predictions),
}


def _btyd_history(summary: pd.DataFrame):
    head = summary.head(400)
    return head["frequency"].to_numpy(), head["recency"].to_numpy(), head["T"].to_numpy()


def test_every_fitted_model_is_discovered_and_has_a_recipe():
    names = {cls.__name__ for cls in MODELS}
    assert {"ShiftedBetaGeometric", "ConstantChurn", "BetaGeoNBD", "GammaGamma"} <= names
    assert names == set(RECIPES), "a new FittedModel needs a Recipe in tests/models/test_model_contract.py"


@pytest.fixture(scope="module", params=MODELS, ids=lambda cls: cls.__name__)
def fitted(request, embedded_summary):
    cls = request.param
    recipe = RECIPES[cls.__name__]
    model = cls(time_unit=recipe.time_unit)
    returned = model.fit(*recipe.fit_args(embedded_summary))
    return cls, recipe, model, returned, _btyd_history(embedded_summary)


def _predictions(recipe: Recipe, model, history):
    return recipe.predict(model, history)


def _assert_same_predictions(recipe, a, b, history):
    for left, right in zip(_predictions(recipe, a, history), _predictions(recipe, b, history), strict=True):
        np.testing.assert_array_equal(np.asarray(left), np.asarray(right))


def test_fit_returns_self_with_the_fitted_attributes(fitted):
    cls, recipe, model, returned, _ = fitted
    assert returned is model
    assert isinstance(model.time_unit_, TimeUnit) and model.time_unit_ is TimeUnit.parse(recipe.time_unit)
    assert isinstance(model.params_, pd.Series) and list(model.params_.index) == list(cls.param_names)
    for name, value in model.params_.items():
        assert getattr(model, f"{name}_") == value > 0
    assert model.n_obs_ == recipe.n_obs == model.n_customers_
    assert np.isfinite(model.log_likelihood_) and model.log_likelihood_ < 0


def test_aic_is_two_k_minus_two_log_likelihood(fitted):
    cls, _, model, _, _ = fitted
    assert model.aic_ == pytest.approx(2 * len(cls.param_names) - 2 * model.log_likelihood_, rel=1e-12)


def test_summary_has_one_schema(fitted):
    cls, _, model, _, _ = fitted
    table = model.summary
    assert list(table.columns) == SUMMARY_COLUMNS
    assert list(table.index) == list(cls.param_names) and table.index.name == "parameter"
    assert table.attrs["time_unit"] == model.time_unit_.value
    assert table.attrs["log_likelihood"] == model.log_likelihood_
    np.testing.assert_array_equal(table["estimate"], model.params_)
    assert (table["std_error"] > 0).all() and np.isfinite(table["std_error"]).all()
    np.testing.assert_allclose(table["upper_95"] - table["estimate"], 1.959963984540054 * table["std_error"])
    np.testing.assert_allclose(table["estimate"] - table["lower_95"], 1.959963984540054 * table["std_error"])


def test_from_params_predicts_exactly_like_the_fit(fitted):
    cls, recipe, model, _, history = fitted
    known = cls.from_params(model.params_, time_unit=model.time_unit_)
    _assert_same_predictions(recipe, model, known, history)
    assert known.time_unit_ is model.time_unit_
    assert np.isnan(known.summary["std_error"]).all() and np.isnan(known.aic_)
    by_position = cls.from_params(model.params_.to_numpy(), time_unit=recipe.time_unit)
    np.testing.assert_array_equal(by_position.params_, model.params_)


def test_to_dict_from_dict_round_trip_through_json(fitted):
    cls, recipe, model, _, history = fitted
    saved = json.dumps(model.to_dict(), allow_nan=False)  # strict JSON: plain floats, str, ints
    loaded = cls.from_dict(json.loads(saved))
    _assert_same_predictions(recipe, model, loaded, history)
    pd.testing.assert_series_equal(loaded.params_, model.params_)
    pd.testing.assert_frame_equal(loaded.summary, model.summary)
    assert loaded.summary.attrs == model.summary.attrs
    assert (loaded.log_likelihood_, loaded.n_obs_, loaded.aic_) == (model.log_likelihood_, model.n_obs_, model.aic_)
    assert loaded.time_unit_ is model.time_unit_


def test_from_dict_refuses_another_models_dictionary(fitted):
    cls, _, model, _, _ = fitted
    other = next(c for c in MODELS if c is not cls)
    message = (
        rf"^This dictionary is a saved {cls.__name__}, so {other.__name__}\.from_dict cannot load it\. "
        rf"Load it with {cls.__name__}\.from_dict\(\.\.\.\)\.$"
    )
    with pytest.raises(ValueError, match=message):
        other.from_dict(model.to_dict())
    with pytest.raises(ValueError, match="not a saved model"):
        cls.from_dict({"params": {}})


def test_unfitted_model_raises_not_fitted_error(fitted):
    cls, recipe, _, _, history = fitted
    unfitted = cls(time_unit=recipe.time_unit)
    for action in (lambda m: _predictions(recipe, m, history), lambda m: m.summary, lambda m: m.to_dict()):
        with pytest.raises(NotFittedError, match=f"This {cls.__name__} is not fitted yet.*from_params"):
            action(unfitted)
    assert issubclass(NotFittedError, ValueError)


def test_from_params_checks_names_and_values(fitted):
    cls, recipe, model, _, _ = fitted
    names = list(cls.param_names)
    with pytest.raises(ValueError, match=f"missing {names[0]}"):
        cls.from_params({n: 1.0 for n in names[1:]}, time_unit=recipe.time_unit)
    with pytest.raises(ValueError, match="unknown zeta"):
        cls.from_params({**dict.fromkeys(names, 0.5), "zeta": 1.0}, time_unit=recipe.time_unit)
    with pytest.raises(ValueError, match="positive numbers"):
        cls.from_params([-1.0] * len(names), time_unit=recipe.time_unit)
    with pytest.raises(ValueError, match=f"{len(names)} parameters"):
        cls.from_params([0.5] * (len(names) + 1), time_unit=recipe.time_unit)


def test_from_params_messages_name_every_problem_in_plain_words(fitted):
    """The whole message, not a fragment: a user reads it, so a garbled join is a bug."""
    cls, recipe, _, _, _ = fitted
    names, unit = list(cls.param_names), recipe.time_unit
    listed = ", ".join(names)

    def message(params) -> str:
        with pytest.raises(ValueError) as caught:
            cls.from_params(params, time_unit=unit)
        return str(caught.value)

    two = names[:2]  # a one-parameter model has only one to leave out
    assert message({n: 1.0 for n in names[2:]} | {"zeta": 1.0, "eta": 2.0}) == (
        f"{cls.__name__} has the parameters {listed}; missing {', '.join(two)}; unknown zeta, eta."
    )
    assert message({n: 1.0 for n in names[1:]}) == f"{cls.__name__} has the parameters {listed}; missing {names[0]}."
    assert message({**dict.fromkeys(names, 0.5), "zeta": 1.0}) == (
        f"{cls.__name__} has the parameters {listed}; unknown zeta."
    )
    assert message([0.5] * (len(names) + 1)) == (
        f"{cls.__name__} has {len(names)} parameters ({listed}); got {len(names) + 1} values."
    )
    zero_and_nan = ([0.0, float("nan")] + [0.5] * len(names))[: len(names)]
    assert message(zero_and_nan) == (
        f"{cls.__name__} parameters must be positive numbers; check {', '.join(two)}."
    )


def test_from_params_reads_numbers_written_as_text(fitted):
    """Parameters read back from a CSV or YAML file arrive as strings: they are numbers all the same."""
    cls, recipe, model, _, history = fitted
    as_text = [repr(float(v)) for v in model.params_]
    known = cls.from_params(as_text, time_unit=recipe.time_unit)
    np.testing.assert_array_equal(known.params_.to_numpy(), model.params_.to_numpy())


def test_saved_dictionary_has_one_schema_and_keeps_the_extra_state(fitted):
    cls, _, model, _, _ = fitted
    saved = model.to_dict()
    assert set(saved) == {"model", "time_unit", "params", "std_error", "log_likelihood", "n_obs", "extra"}
    assert saved["extra"] == model._extra_state()
    loaded = cls.from_dict(json.loads(json.dumps(saved)))
    assert loaded._extra_state() == model._extra_state()


def test_a_model_from_known_parameters_saves_its_missing_values_as_json_null(fitted):
    cls, recipe, model, _, history = fitted
    known = cls.from_params(model.params_, time_unit=recipe.time_unit)
    saved = known.to_dict()
    assert saved["log_likelihood"] is None and saved["n_obs"] is None
    assert set(saved["std_error"].values()) == {None}
    loaded = cls.from_dict(json.loads(json.dumps(saved, allow_nan=False)))
    assert np.isnan(loaded.log_likelihood_) and np.isnan(loaded.n_obs_)
    assert np.isnan(loaded.summary["std_error"]).all()
    _assert_same_predictions(recipe, known, loaded, history)


@pytest.mark.parametrize("not_a_dict", [["model", "BetaGeoNBD"], "BetaGeoNBD", None])
def test_from_dict_of_something_else_says_how_to_save_a_model(fitted, not_a_dict):
    cls, _, _, _, _ = fitted
    message = (
        rf"^This dictionary is not a saved model \(no 'model' entry\), so {cls.__name__}\.from_dict "
        r"cannot load it\. Save one with model\.to_dict\(\)\.$"
    )
    with pytest.raises(ValueError, match=message):
        cls.from_dict(not_a_dict)
