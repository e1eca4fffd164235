"""The penalizer (clvlib.models.fitting.penalized): an L2 penalty on the log-parameters, added to
the mean negative log-likelihood per customer, for every model that fits through fitting.py.

Convention (checked against lifetimes 0.11.3's source, fitters/beta_geo_fitter.py and
pareto_nbd_fitter.py): lifetimes adds ``penalizer_coef * sum(params ** 2)`` to the mean negative
log-likelihood, squaring the parameters themselves. clvlib squares their logarithms, so the
penalty pulls towards 1 on the log scale and does not depend on the unit a scale parameter is
in. The same ``penalizer_coef`` is therefore not the same fit as in lifetimes.
"""

from __future__ import annotations

import numpy as np
import pytest

from clvlib.models.fitting import penalized
from clvlib.models.noncontractual import BetaGeoNBD, GammaGamma, ModifiedBetaGeoNBD, ParetoNBD
from clvlib.models.noncontractual import bgnbd as bg

# Twelve steady buyers all seen recently: nothing says anyone ever leaves.
AWKWARD_X = np.array([3, 5, 2, 4, 6, 3, 0, 0, 2, 5, 4, 1.0])
AWKWARD_T = np.full(12, 30.0)
AWKWARD_TX = np.where(AWKWARD_X > 0, AWKWARD_T - np.array([1, 0.5, 2, 1, 0.2, 3, 0, 0, 1, 0.7, 2, 4]), 0.0)


@pytest.fixture(scope="module")
def shop(dataset):
    from clvlib.transactions import summarize_transactions

    return summarize_transactions(dataset.orders, dataset.analysis_date, time_unit="week")


def test_penalized_objective_is_the_mean_nll_plus_the_penalty():
    x, t_x, T = AWKWARD_X, AWKWARD_TX, AWKWARD_T
    params = np.array([0.7, 4.0, 0.4, 2.5])

    def value_and_grad(p):
        return bg.log_likelihood_and_gradient(p, x, t_x, T)

    ll, grad = value_and_grad(params)
    pll, pgrad = penalized(value_and_grad, 0.05, 12)(params)
    # -pll / n = -ll / n + c * sum(ln(params)^2)
    assert -pll / 12 == pytest.approx(-ll / 12 + 0.05 * np.sum(np.log(params) ** 2), rel=1e-14)
    step = 1e-6 * params
    numeric = [(penalized(value_and_grad, 0.05, 12)(params + np.eye(4)[i] * step[i])[0]
                - penalized(value_and_grad, 0.05, 12)(params - np.eye(4)[i] * step[i])[0]) / (2 * step[i]) for i in range(4)]
    np.testing.assert_allclose(pgrad, numeric, rtol=1e-6)
    assert pgrad[0] != grad[0]
    assert penalized(value_and_grad, 0.0, 12) is value_and_grad
    with pytest.raises(ValueError, match="penalizer_coef must be a number 0 or more"):
        penalized(value_and_grad, -0.1, 12)


@pytest.mark.parametrize("model_class", [BetaGeoNBD, ParetoNBD, ModifiedBetaGeoNBD])
def test_zero_penalty_is_the_unpenalised_fit_exactly(model_class, shop):
    plain = model_class("week").fit(shop)
    zero = model_class("week", penalizer_coef=0.0).fit(shop)
    np.testing.assert_array_equal(plain.params_.to_numpy(), zero.params_.to_numpy())
    assert plain.log_likelihood_ == zero.log_likelihood_
    np.testing.assert_array_equal(plain.summary.to_numpy(), zero.summary.to_numpy())


@pytest.mark.parametrize("model_class", [BetaGeoNBD, ParetoNBD, ModifiedBetaGeoNBD])
def test_a_large_penalty_shrinks_log_parameters_towards_zero(model_class, shop):
    norms = []
    for coef in (0.0, 0.01, 1.0, 100.0):
        model = model_class("week", penalizer_coef=coef).fit(shop)
        norms.append(float(np.sum(np.log(model.params_.to_numpy()) ** 2)))
        # The reported log-likelihood is the data's, without the penalty: never above the MLE's.
        if coef == 0.0:
            best = model.log_likelihood_
        else:
            assert model.log_likelihood_ < best
    assert norms == sorted(norms, reverse=True)  # more penalty, smaller log-parameters
    assert norms[-1] < 0.02 * norms[0]  # at 100 the parameters are all close to 1


@pytest.mark.parametrize("model_class", [BetaGeoNBD, ParetoNBD, ModifiedBetaGeoNBD])
def test_the_penalty_rescues_a_small_awkward_sample(model_class):
    """Unpenalised, the dropout side runs away (BG/NBD and MBG/NBD: a -> 0, b -> 10^4 and more;
    Pareto/NBD: s -> 0, beta -> 10^6: "nobody ever leaves") and its standard errors are meaningless;
    with penalizer_coef = 0.01 every parameter is moderate and has a finite standard error."""
    plain = model_class("week").fit(AWKWARD_X, AWKWARD_TX, AWKWARD_T)
    dropout_shape, dropout_scale = plain.params_.to_numpy()[2:]
    assert dropout_shape < 1e-3 and dropout_scale > 1e4
    rescued = model_class("week", penalizer_coef=0.01).fit(AWKWARD_X, AWKWARD_TX, AWKWARD_T)
    log_params = np.log(rescued.params_.to_numpy())
    assert np.all(np.abs(log_params) < np.log(50)), rescued.params_
    errors = rescued.summary["std_error"].to_numpy()
    assert np.all(np.isfinite(errors)) and np.all(errors > 0)
    assert rescued.penalizer_coef == 0.01


# Eight repeat buyers whose mean spends are all within 5% of 20: nothing measures how spend varies.
NARROW_X = np.array([1, 2, 3, 1, 2, 4, 2, 1.0])
NARROW_SPEND = np.array([20, 21, 19.5, 20.5, 20.2, 19.8, 20.1, 20.3])


def test_gamma_gamma_zero_penalty_is_the_unpenalised_fit_and_the_penalty_is_saved(shop):
    plain = GammaGamma().fit(shop)
    zero = GammaGamma(penalizer_coef=0.0).fit(shop)
    np.testing.assert_array_equal(plain.params_.to_numpy(), zero.params_.to_numpy())
    np.testing.assert_array_equal(plain.summary.to_numpy(), zero.summary.to_numpy())
    penalised = GammaGamma(penalizer_coef=0.01).fit(shop)
    assert GammaGamma.from_dict(penalised.to_dict()).penalizer_coef == 0.01
    assert ModifiedBetaGeoNBD.from_dict(ModifiedBetaGeoNBD(penalizer_coef=0.02).fit(shop).to_dict()).penalizer_coef == 0.02


def test_gamma_gamma_penalty_is_the_mean_nll_plus_the_penalty_and_shrinks(shop):
    """The penalised optimum satisfies -LL/n + c sum(ln params^2) <= that of the MLE, and a larger c gives
    smaller log-parameters and a lower (unpenalised) log-likelihood."""
    repeat = shop[(shop["frequency"] > 0) & (shop["monetary_value"] > 0)]
    n = len(repeat)
    fits = {c: GammaGamma(penalizer_coef=c).fit(repeat) for c in (0.0, 0.01, 1.0, 100.0)}
    norms = [float(np.sum(np.log(f.params_.to_numpy()) ** 2)) for f in fits.values()]
    assert norms == sorted(norms, reverse=True)
    lls = [f.log_likelihood_ for f in fits.values()]
    assert lls == sorted(lls, reverse=True) and lls[1] < lls[0]
    mle, pen = fits[0.0], fits[0.01]

    def objective(model):
        return -model.log_likelihood_ / n + 0.01 * float(np.sum(np.log(model.params_.to_numpy()) ** 2))

    assert objective(pen) < objective(mle)


def test_gamma_gamma_penalty_rescues_spend_that_barely_varies():
    """Unpenalised, p runs to infinity (every customer's spend looks the same); a small penalty gives
    finite estimates, finite standard errors and keeps the mean spend at the data's 20.2."""
    with pytest.raises(ValueError, match="p ran off towards infinity"):
        GammaGamma("week").fit(NARROW_X, NARROW_SPEND)
    rescued = GammaGamma("week", penalizer_coef=0.001).fit(NARROW_X, NARROW_SPEND)
    assert rescued.mean_order_value_ == pytest.approx(np.average(NARROW_SPEND, weights=NARROW_X), rel=0.01)
    errors = rescued.summary["std_error"].to_numpy()
    assert np.all(np.isfinite(errors)) and np.all(errors > 0)
