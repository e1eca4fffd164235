"""BG/NBD with time-invariant covariates: exact gradient, the plain BG/NBD without covariates,
recovery of a simulated channel effect, per-customer predictions and the model contract."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from clvlib.data.simulate_covariates import simulate_bgnbd_covariate_histories
from clvlib.models.noncontractual import BetaGeoNBD, BetaGeoNBDWithCovariates
from clvlib.models.noncontractual.bgnbd_covariates import log_likelihood_and_gradient
from tests.models.finite_differences import central_difference_gradient

TRUTH = {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5, "purchase[web]": 1.8, "dropout[web]": 0.6}


@pytest.fixture(scope="module")
def simulated():
    return simulate_bgnbd_covariate_histories(20000, purchase_multiplier=1.8, dropout_multiplier=0.6, seed=1)


@pytest.fixture(scope="module")
def fitted(simulated):
    return BetaGeoNBDWithCovariates("week").fit(simulated, covariates=["web"])


def test_gradient_is_exact():
    h = simulate_bgnbd_covariate_histories(400, seed=5).assign(score=lambda d: np.linspace(-1, 1, len(d)))
    params = np.array([0.3, 4.0, 0.7, 2.2, 1.5, 1.2, 0.8, 0.9])
    args = (h["frequency"], h["recency"], h["T"], h[["web", "score"]].to_numpy())
    _, grad = log_likelihood_and_gradient(params, *args)
    numeric = central_difference_gradient(lambda p: log_likelihood_and_gradient(p, *args)[0], params)
    np.testing.assert_allclose(grad, numeric, rtol=1e-5)


def test_without_covariates_it_is_the_plain_bgnbd(simulated, dataset):
    from clvlib.transactions import summarize_transactions

    shop = summarize_transactions(dataset.orders, dataset.analysis_date, time_unit="week")
    for summary in (simulated, shop):
        plain = BetaGeoNBD("week").fit(summary)
        bare = BetaGeoNBDWithCovariates("week").fit(summary)
        assert bare.log_likelihood_ == pytest.approx(plain.log_likelihood_, rel=1e-13)
        np.testing.assert_allclose(bare.params_.to_numpy(), plain.params_.to_numpy(), rtol=1e-6)
        # The likelihood function itself, at the same parameters, to the last digits.
        params = plain.params_.to_numpy()
        ll, _ = log_likelihood_and_gradient(params, summary["frequency"], summary["recency"], summary["T"],
                                            np.zeros((len(summary), 0)))
        assert ll == pytest.approx(BetaGeoNBD("week").fit(summary).log_likelihood_, rel=1e-13)


def test_recovers_the_simulated_channel_effect(fitted):
    """20,000 simulated customers, half from the web: every 95% interval covers the truth, and both
    effects are clearly away from 1 (no effect)."""
    effects = fitted.effects
    for (process, covariate), row in effects.iterrows():
        truth = TRUTH[f"{process}[{covariate}]"]
        assert row["lower_95"] < truth < row["upper_95"], (process, row.to_dict())
    assert effects.loc[("purchase", "web"), "lower_95"] > 1.5
    assert effects.loc[("dropout", "web"), "upper_95"] < 0.75
    summary = fitted.summary
    for name in ("r", "alpha", "a", "b"):
        assert summary.loc[name, "lower_95"] < TRUTH[name] < summary.loc[name, "upper_95"], summary.loc[name]
    assert fitted.covariates_ == ["web"] and fitted.n_obs_ == 20000


def test_predictions_are_the_bgnbd_with_each_customers_alpha_and_a():
    model = BetaGeoNBDWithCovariates.from_params(TRUTH, time_unit="week")
    web = BetaGeoNBD.from_params({"r": 0.25, "alpha": 4.0 / 1.8, "a": 0.8 * 0.6, "b": 2.5}, time_unit="week")
    store = BetaGeoNBD.from_params({k: TRUTH[k] for k in ("r", "alpha", "a", "b")}, time_unit="week")
    x, t_x, big_t = np.array([0, 2, 7.0]), np.array([0, 10.0, 30.0]), np.array([40.0, 40.0, 52.0])
    for z, reference in (([[1.0]] * 3, web), ([[0.0]] * 3, store)):
        np.testing.assert_allclose(model.probability_alive(x, t_x, big_t, z), reference.probability_alive(x, t_x, big_t), rtol=1e-12)
        np.testing.assert_allclose(model.conditional_expected_purchases(26, x, t_x, big_t, z),
                                   reference.conditional_expected_purchases(26, x, t_x, big_t), rtol=1e-12)
    np.testing.assert_allclose(model.expected_purchases([13.0, 52.0], [[1.0]]), web.expected_purchases([13.0, 52.0]), rtol=1e-12)
    frame = pd.DataFrame({"web": [1, 0, 1]})
    np.testing.assert_array_equal(model.probability_alive(x, t_x, big_t, frame), model.probability_alive(x, t_x, big_t, [[1], [0], [1]]))


def test_the_simulator_matches_the_models_expected_purchases():
    """Mean repeat purchases by group against E[X(T)] of the true model (averaged over each customer's T):
    an independent check of the simulator."""
    h = simulate_bgnbd_covariate_histories(40000, purchase_multiplier=1.8, dropout_multiplier=0.6, seed=11)
    model = BetaGeoNBDWithCovariates.from_params(TRUTH, time_unit="week")
    for z in (0.0, 1.0):
        group = h[h["web"] == z]
        expected = model.expected_purchases(group["T"].to_numpy(), np.full((len(group), 1), z)).mean()
        standard_error = group["frequency"].std() / np.sqrt(len(group))
        assert abs(group["frequency"].mean() - expected) < 4 * standard_error, (z, group["frequency"].mean(), expected)
    assert h.attrs["truth"]["purchase_multiplier"] == 1.8


def test_weights_and_distinct_rows_give_the_same_fit(simulated):
    small = simulated.head(3000)
    doubled = pd.concat([small, small])
    counted = small.assign(n_customers=2.0)
    a = BetaGeoNBDWithCovariates("week").fit(doubled, covariates="web")
    b = BetaGeoNBDWithCovariates("week").fit(counted, covariates=["web"])
    np.testing.assert_allclose(a.params_, b.params_, rtol=1e-6)
    assert a.log_likelihood_ == pytest.approx(b.log_likelihood_, rel=1e-10)
    assert a.n_obs_ == b.n_obs_ == 6000 and a.n_histories_ == b.n_histories_ == 3000


def test_save_load_and_known_parameters_keep_the_covariates(fitted):
    loaded = BetaGeoNBDWithCovariates.from_dict(json.loads(json.dumps(fitted.to_dict(), allow_nan=False)))
    pd.testing.assert_frame_equal(loaded.summary, fitted.summary)
    assert loaded.covariates_ == ["web"] and loaded.n_histories_ == fitted.n_histories_
    z = [[1.0], [0.0]]
    np.testing.assert_array_equal(loaded.conditional_expected_purchases(10, [1, 3], [5, 20], [30, 30], z),
                                  fitted.conditional_expected_purchases(10, [1, 3], [5, 20], [30, 30], z))
    known = BetaGeoNBDWithCovariates.from_params(fitted.params_, time_unit="week")
    assert list(known.params_.index) == list(fitted.params_.index)
    assert known.effects["lower_95"].isna().all()


def test_bad_input_says_what_is_wrong(simulated):
    model = BetaGeoNBDWithCovariates("week")
    with pytest.raises(ValueError, match="no covariate column plan"):
        model.fit(simulated, covariates=["plan"])
    bad = simulated.head(50).assign(channel=["web", "store"] * 25)
    with pytest.raises(ValueError, match=r"Covariate 'channel' has 50 missing or non-numeric values .*get_dummies"):
        model.fit(bad, covariates=["channel"])
    with pytest.raises(ValueError, match=r"a purchase\[z\] and a dropout\[z\] multiplier for every covariate"):
        BetaGeoNBDWithCovariates.from_params({**TRUTH, "purchase[plan]": 1.2}, time_unit="week")
    with pytest.raises(ValueError, match=r"multipliers must be positive numbers; check dropout\[web\]"):
        BetaGeoNBDWithCovariates.from_params({**TRUTH, "dropout[web]": 0.0}, time_unit="week")
    known = BetaGeoNBDWithCovariates.from_params(TRUTH, time_unit="week")
    with pytest.raises(ValueError, match=r"Pass the covariates \(web\)"):
        known.probability_alive([1], [2], [3])
    with pytest.raises(ValueError, match="one column per covariate"):
        known.probability_alive([1], [2], [3], np.zeros((1, 2)))
