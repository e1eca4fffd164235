"""Gamma-Gamma's per-customer expected spend against known values (issue 17).

The fit, the gradient and the bad-input messages are tested in test_bgnbd_gammagamma.py;
here the prediction users see in every CLV, E[M | x, mbar], is compared with values
worked out independently of clvlib's code: the paper's weighted-average form, the
conjugate-posterior form and a brute-force numerical integral over the posterior.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from scipy import integrate, stats
from scipy.special import gammaln

import clvlib
from clvlib.models.noncontractual import GammaGamma
from clvlib.models.noncontractual import gammagamma as gam

# Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value": the 946 CDNOW-sample
# repeat buyers give p = 6.25, q = 3.74, gamma = 15.44 (also reproduced on the real data in
# test_bgnbd_reference.py).
CDNOW_GG = {"p": 6.25, "q": 3.74, "gamma": 15.44}


def _paper_eq5(p, q, gamma, x, mbar):
    """Fader, Hardie & Lee (2005), "RFM and CLV", J. Marketing Research 42(4), eq. 5:
    E[M | p, q, gamma, mbar, x] = (q-1)/(px+q-1) * gamma p/(q-1) + px/(px+q-1) * mbar."""
    x, mbar = np.asarray(x, dtype=float), np.asarray(mbar, dtype=float)
    return (q - 1) / (p * x + q - 1) * (gamma * p / (q - 1)) + p * x / (p * x + q - 1) * mbar


def test_expected_spend_of_a_cdnow_customer_by_hand():
    """Published CDNOW parameters; a customer with x = 2 repeat purchases averaging $22.35.

    By hand: p x = 12.5, p x + q - 1 = 15.24; the population mean p gamma/(q-1) = 96.5/2.74,
    so E[M] = (2.74/15.24)(96.5/2.74) + (12.5/15.24)(22.35) = (96.5 + 279.375)/15.24
    = 375.875/15.24 = 24.6637 dollars: pulled from $22.35 towards the $35.22 mean.
    """
    gg = GammaGamma.from_params(CDNOW_GG, time_unit="week")
    assert gg.mean_order_value_ == pytest.approx(96.5 / 2.74, rel=1e-12)
    assert float(gg.conditional_expected_order_value(2, 22.35)[0]) == pytest.approx(375.875 / 15.24, rel=1e-12)
    # No repeat purchase: nothing to go on but the population mean.
    assert float(gg.conditional_expected_order_value(0, 0.0)[0]) == pytest.approx(96.5 / 2.74, rel=1e-12)


@pytest.mark.parametrize(
    "params",
    [CDNOW_GG, {"p": 1.0, "q": 2.0, "gamma": 30.0}, {"p": 0.4, "q": 9.0, "gamma": 200.0}, {"p": 15.0, "q": 1.3, "gamma": 2.0}],
)
def test_expected_spend_equals_the_papers_eq_5(params):
    """FHL (2005) eq. 5 over a grid of histories, for parameters where a wrong shrinkage
    weight (x instead of p x, q instead of q - 1, ...) would move the value."""
    gg = GammaGamma.from_params(params, time_unit="week")
    x = np.array([0, 1, 1, 2, 3, 7, 25, 400], dtype=float)
    mbar = np.array([0.0, 5.0, 80.0, 22.35, 13.0, 41.0, 9.5, 60.0])
    expected = _paper_eq5(params["p"], params["q"], params["gamma"], x, mbar)
    np.testing.assert_allclose(gg.conditional_expected_order_value(x, mbar), expected, rtol=1e-12)


def test_expected_spend_is_the_posterior_mean_by_numerical_integration():
    """Brute force from the model's story (FHL 2005, section 3), no algebra shared with clvlib:
    a customer's spend per transaction is Gamma(p, rate nu), so their mean spend is p/nu, and
    nu ~ Gamma(q, rate gamma). Seeing x transactions with mean mbar, the posterior of nu is
    prior(nu) * prod_i Gamma(z_i | p, nu), which depends on the z's only through x and mbar:
    proportional to nu^(q-1) e^(-gamma nu) * nu^(p x) e^(-nu x mbar). E[M] = E[p/nu | data]
    is then a ratio of two one-dimensional integrals, evaluated numerically."""
    p, q, gamma = 4.0, 3.0, 12.0
    gg = GammaGamma.from_params({"p": p, "q": q, "gamma": gamma}, time_unit="week")
    for x, mbar in ((1, 2.0), (2, 10.0), (5, 7.5), (12, 3.0)):
        prior = stats.gamma(q, scale=1 / gamma).pdf

        def posterior_kernel(nu, x=x, mbar=mbar, prior=prior):
            return prior(nu) * nu ** (p * x) * np.exp(-nu * x * mbar)

        upper = 50.0 * (q + p * x) / (gamma + x * mbar)  # far in the posterior's tail
        mass = integrate.quad(posterior_kernel, 0, upper, epsabs=0, epsrel=1e-12, limit=200)[0]
        mean_spend = integrate.quad(lambda nu, k=posterior_kernel: p / nu * k(nu), 0, upper,
                                    epsabs=0, epsrel=1e-12, limit=200)[0] / mass
        assert float(gg.conditional_expected_order_value(x, mbar)[0]) == pytest.approx(mean_spend, rel=1e-8), (x, mbar)


def test_one_time_buyers_are_left_out_of_the_fit_without_a_free_orders_warning():
    """Customers with no repeat purchase carry no spend information: they are not fitted and are
    not "free-order" customers (a mean spend of 0 there means "no repeat order", not "free")."""
    import warnings

    rng = np.random.default_rng(3)
    x = rng.integers(1, 6, 300).astype(float)
    m = rng.gamma(6.0, 5.0, 300)
    repeat_only = GammaGamma(time_unit="week").fit(x, m)
    x_all, m_all = np.r_[x, np.zeros(200)], np.r_[m, np.zeros(100), np.full(100, 20.0)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a FreeOrdersWarning here would be a false alarm
        with_one_timers = GammaGamma(time_unit="week").fit(x_all, m_all)
    assert with_one_timers.n_obs_ == 300 and with_one_timers.n_free_spend_excluded_ == 0
    np.testing.assert_allclose(with_one_timers.params_, repeat_only.params_, rtol=1e-9)


def test_free_orders_warning_points_at_the_users_line():
    from clvlib.models.noncontractual.gammagamma import FreeOrdersWarning

    x, m = np.array([1.0, 2.0, 3.0, 2.0]), np.array([0.0, 10.0, 14.0, 30.0])
    with pytest.warns(FreeOrdersWarning) as caught:
        GammaGamma(time_unit="week").fit(x, m)
    # Never a line inside clvlib, which the user cannot act on (true under mutation testing too).
    package = Path(clvlib.__file__).resolve().parent
    assert not Path(caught[0].filename).resolve().is_relative_to(package), caught[0].filename
    # Under mutation testing, mutmut's own trampoline frames sit between this test and clvlib.
    if "MUTANT_UNDER_TEST" not in os.environ:
        assert caught[0].filename == __file__, "stacklevel: the warning names the caller's file, not clvlib's"


def test_rows_that_stand_for_no_customer_change_nothing():
    """A zero weight (a distinct history no customer has) is not a customer, free orders or not."""
    x, m, w = np.array([1.0, 2.0, 3.0, 2.0, 4.0]), np.array([12.0, 10.0, 14.0, 30.0, 22.0]), np.ones(5)
    plain = GammaGamma(time_unit="week").fit(x, m, weights=w)
    padded = GammaGamma(time_unit="week").fit(np.r_[x, 2.0], np.r_[m, 0.0], weights=np.r_[w, 0.0])
    assert padded.n_obs_ == 5 and padded.n_free_spend_excluded_ == 0
    np.testing.assert_allclose(padded.params_, plain.params_, rtol=1e-9)


def test_unit_messages_say_what_to_do_in_full():
    from clvlib.core.units import UnitMismatchError
    from clvlib.data import load_dataset
    from clvlib.transactions import summarize_transactions

    x, m = np.array([1.0, 2.0, 3.0]), np.array([12.0, 10.0, 14.0])
    with pytest.raises(ValueError) as caught:
        GammaGamma(time_unit=None).fit(x, m)
    assert str(caught.value) == (
        "GammaGamma cannot tell the time unit of these customers: spend has none, but the summary it "
        "came from does, and the BG/NBD model it is combined with must share it. Fit on a summary from "
        "clvlib.transactions.summarize_transactions, or pass GammaGamma(time_unit='week')."
    )
    ds = load_dataset()
    weekly = summarize_transactions(ds.orders, ds.analysis_date, time_unit="week")
    with pytest.raises(UnitMismatchError) as caught:
        GammaGamma(time_unit="month").fit(weekly)
    assert str(caught.value) == (
        "The model was fitted in months but the customer summary is in weeks. Convert the customer "
        "summary to months (clvlib.core.units.convert_periods) or refit the model."
    )


def test_a_fit_the_data_cannot_pin_down_says_so_by_name():
    """Every customer spending exactly the same: no spread to learn from, so p and q run off."""
    with pytest.raises(ValueError) as caught:
        GammaGamma(time_unit="week").fit(np.array([1.0, 2, 3, 4, 2, 1]), np.full(6, 20.0))
    assert str(caught.value).startswith("The Gamma-Gamma fit did not settle: p, q ran off towards infinity.")


# --------------------------------------------------------------------------- the likelihood and bad input
def test_log_likelihood_is_the_density_of_the_mean_spend_by_numerical_integration():
    """The value the fit maximises (and reports as log_likelihood_), from the story alone: the mean of
    x order values each Gamma(p, rate nu) is Gamma(p x, rate nu x); integrating nu ~ Gamma(q, rate
    gamma) out numerically gives each customer's density f(mbar | x). Weighted sum of the logs."""
    p, q, gamma = 4.0, 3.0, 12.0
    x = np.array([1.0, 2.0, 2.0, 5.0, 12.0])
    mbar = np.array([2.0, 10.0, 3.5, 7.5, 3.0])
    weights = np.array([1.0, 2.0, 1.0, 0.5, 3.0])

    def log_gamma_pdf(z, shape, rate):
        return shape * np.log(rate) + (shape - 1) * np.log(z) - rate * z - gammaln(shape)

    log_density = []
    for xi, mi in zip(x, mbar, strict=True):
        def joint(nu, xi=xi, mi=mi):
            return np.exp(log_gamma_pdf(mi, p * xi, nu * xi) + log_gamma_pdf(nu, q, gamma))

        log_density.append(np.log(integrate.quad(joint, 0, np.inf, epsabs=0, epsrel=1e-11, limit=200)[0]))
    value, _ = gam.log_likelihood_and_gradient(np.array([p, q, gamma]), x, mbar, weights)
    assert value == pytest.approx(float(weights @ np.array(log_density)), rel=1e-8)
    unweighted, _ = gam.log_likelihood_and_gradient(np.array([p, q, gamma]), x, mbar)
    assert unweighted == pytest.approx(float(np.sum(log_density)), rel=1e-8)


def _fit_error(*args) -> str:
    with pytest.raises(ValueError) as caught:
        GammaGamma(time_unit="week").fit(*args)
    return str(caught.value)


def test_bad_spend_inputs_are_named_in_full():
    assert _fit_error([1, 2], [10.0, 20.0, 30.0]) == (
        "frequency and monetary_value must have the same length (one per customer).")
    assert _fit_error([1, 2, -1], [10.0, 20.0, 30.0]) == (
        "frequency must be 0 or more (the number of repeat transactions).")
    # Two net refunds; the free order (0) and the 50-cent one are legitimate and not counted.
    assert _fit_error([1, 2, 3, 1, 2], [10.0, -4.0, -1.0, 0.0, 0.5]) == (
        "2 customers have a negative mean spend: net refunds against their orders (or drop them) before fitting.")
    assert _fit_error([1, np.nan], [10.0, 20.0]) == "frequency has 1 missing or infinite values."
    assert _fit_error([1, 2], [10.0, np.inf]) == "monetary_value has 1 missing or infinite values."
    assert _fit_error([1, 2], [10.0, 20.0], [1.0, np.nan]) == "weights has 1 missing or infinite values."


def test_spend_under_one_currency_unit_is_fitted_like_any_other():
    """Spend recorded in hundreds of dollars (means below 1) is valid data: the same fit as in
    dollars, with gamma (a money scale) 100 times smaller; a one-time buyer changes nothing."""
    rng = np.random.default_rng(5)
    x = rng.integers(1, 8, 400).astype(float)
    m = rng.gamma(6.0 * x, 1 / rng.gamma(3.0, 1 / 20.0, 400)) / x       # dollars
    dollars = GammaGamma(time_unit="week").fit(x, m)
    hundreds = GammaGamma(time_unit="week").fit(np.r_[x, 0.0], np.r_[m / 100, 0.0])
    np.testing.assert_allclose(hundreds.params_, [dollars.p_, dollars.q_, dollars.gamma_ / 100], rtol=1e-5)
    assert float(hundreds.conditional_expected_order_value(0, 0.0)[0]) == pytest.approx(dollars.mean_order_value_ / 100, rel=1e-5)


def test_known_parameters_and_saved_models_keep_their_penalty():
    """A model built from known parameters has no penalty, so refitting it is the plain fit; a saved
    penalised model loads with its penalty, so refitting it after loading gives the same estimates."""
    rng = np.random.default_rng(9)
    x = rng.integers(1, 6, 200).astype(float)
    m = rng.gamma(6.0 * x, 1 / rng.gamma(3.0, 1 / 20.0, 200)) / x
    known = GammaGamma.from_params(CDNOW_GG, time_unit="week")
    assert known.penalizer_coef == 0.0
    np.testing.assert_allclose(known.fit(x, m).params_, GammaGamma(time_unit="week").fit(x, m).params_, rtol=1e-9)
    penalised = GammaGamma(time_unit="week", penalizer_coef=0.05).fit(x, m)
    loaded = GammaGamma.from_dict(penalised.to_dict())
    assert loaded.penalizer_coef == 0.05
    np.testing.assert_allclose(loaded.fit(x, m).params_, penalised.params_, rtol=1e-9)


def test_weights_of_the_wrong_length_are_refused_in_plain_english():
    """Found while killing mutants: a weights array one short used to end in numpy's broadcasting error."""
    assert _fit_error([1, 2, 3], [10.0, 20.0, 30.0], [1.0, 2.0]) == (
        "weights must have one value per row of frequency/monetary_value.")
