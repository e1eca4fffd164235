"""Gamma-Gamma's per-customer expected spend against known values (issue 17).

The fit, the gradient and the bad-input messages are tested in test_bgnbd_gammagamma.py;
here the prediction users see in every CLV, E[M | x, mbar], is compared with values
worked out independently of clvlib's code: the paper's weighted-average form, the
conjugate-posterior form and a brute-force numerical integral over the posterior.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from scipy import integrate, stats

from clvlib.models.noncontractual import GammaGamma

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
