"""The model contract's shared code (clvlib.models.base) beyond what every model's recipe checks
in tests/models/test_model_contract.py: what a user sees when printing ``params_``, and the
numbers a saved model brings back.

(No FittedModel subclass is defined here: test_model_contract.py discovers every subclass and
asks each for a recipe. The sBG stands in for any model.)
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from clvlib.core.units import TimeUnit
from clvlib.models.base import check_fitted
from clvlib.models.contractual import ShiftedBetaGeometric

# Fader & Hardie (2007), Table 1, "regular" segment, years 0-7.
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241]


def test_params_print_as_a_table_of_named_estimates():
    """``print(model.params_)`` shows "parameter" over the names and "Name: estimate" under them."""
    model = ShiftedBetaGeometric.from_params([0.704, 1.182], time_unit="YEAR")
    expected = pd.Series([0.704, 1.182], index=pd.Index(["alpha", "beta"], name="parameter"), name="estimate")
    pd.testing.assert_series_equal(model.params_, expected)
    assert (model.alpha_, model.beta_) == (0.704, 1.182)
    assert type(model.alpha_) is float
    assert model.time_unit_ is TimeUnit.YEAR


def test_a_fit_records_its_log_likelihood_and_customers():
    """1000 customers; LL -1680.27 (Fader & Hardie 2007, Appendix B); AIC = 2 * 2 + 2 * 1680.27."""
    model = ShiftedBetaGeometric("year").fit(REGULAR)
    assert model.n_obs_ == 1000.0 == model.n_customers_
    assert round(model.log_likelihood_, 2) == -1680.27
    assert model.aic_ == pytest.approx(4 - 2 * model.log_likelihood_, rel=1e-15)
    assert type(model.log_likelihood_) is float and type(model.n_obs_) is float


def test_a_saved_fit_keeps_its_standard_errors_and_missing_ones_stay_missing():
    """The saved standard errors come back as they were, without the data to recompute them;
    an entry left out of the file (or written as null) is unknown, NaN, not zero."""
    model = ShiftedBetaGeometric("year").fit(REGULAR)
    saved = json.loads(json.dumps(model.to_dict()))
    assert saved["std_error"] == {name: float(v) for name, v in model.summary["std_error"].items()}
    loaded = ShiftedBetaGeometric.from_dict(saved)
    assert loaded._value_and_grad is None  # nothing to recompute them from
    np.testing.assert_array_equal(loaded.summary["std_error"], model.summary["std_error"])
    saved["std_error"] = {"alpha": None}
    partial = ShiftedBetaGeometric.from_dict(saved).summary["std_error"]
    assert np.isnan(partial["alpha"]) and np.isnan(partial["beta"])
    del saved["std_error"], saved["log_likelihood"], saved["n_obs"], saved["extra"]
    bare = ShiftedBetaGeometric.from_dict(saved)
    assert np.isnan(bare.summary["std_error"]).all() and np.isnan(bare.log_likelihood_) and np.isnan(bare.n_obs_)
    assert bare.constant_churn_ is None
    np.testing.assert_array_equal(bare.survival(np.arange(13)), model.survival(np.arange(13)))


def test_the_not_fitted_message_names_the_model_and_both_ways_out():
    with pytest.raises(ValueError) as caught:
        check_fitted(ShiftedBetaGeometric("month"))
    assert str(caught.value) == (
        "This ShiftedBetaGeometric is not fitted yet: call ShiftedBetaGeometric(...).fit(survivors) first, "
        "or build one from known parameters with ShiftedBetaGeometric.from_params(...)."
    )
    check_fitted(ShiftedBetaGeometric.from_params([1.0, 2.0], time_unit="month"))  # fitted: no error
