"""MBG/NBD: the likelihood and forecasts against the papers' formulas, BTYDplus's CDNOW fit, recovery."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import integrate
from scipy.special import betaln, gammaln, hyp2f1
from test_bgnbd_reference import calibration, cdnow_sample  # noqa: F401  (module fixtures)

from clvlib.core.units import TimeUnit, UnitMismatchError
from clvlib.models.noncontractual import ModifiedBetaGeoNBD
from clvlib.models.noncontractual.mbgnbd import log_likelihood_and_gradient
from tests.models.finite_differences import central_difference_gradient

# BTYDplus demo/cdnow.R: the CDNOW 39-week calibration, weeks (called CBG/NBD there).
BTYDPLUS_CDNOW = {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614}
TRUTH = np.array([0.6, 8.0, 0.9, 2.5])  # r, alpha (weeks), a, b of the simulations below


def simulate_histories(n, r, alpha, a, b, T, seed, drop_at_first=True, holdout=0.0):
    """Customer histories from the (M)BG/NBD story: Poisson(lambda) purchases while alive, a
    Beta(a, b) coin p tossed after each repeat purchase and, for the MBG/NBD
    (``drop_at_first``), also at the first purchase (time 0). Vectorised over customers.
    Returns (x, t_x, T), and the purchases in (T, T + holdout] too when ``holdout`` > 0."""
    rng = np.random.default_rng(seed)
    lam, p = rng.gamma(r, 1 / alpha, n), rng.beta(a, b, n)
    T = np.broadcast_to(np.asarray(T, dtype=float), (n,)).copy()
    x, t_x, x_holdout, clock = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)
    alive = rng.random(n) >= p if drop_at_first else np.ones(n, dtype=bool)
    while alive.any():
        idx = np.flatnonzero(alive)
        clock[idx] += rng.exponential(1 / lam[idx])
        bought = clock[idx] <= T[idx] + holdout
        alive[idx[~bought]] = False
        buyers = idx[bought]
        in_cal = clock[buyers] <= T[buyers]
        x[buyers[in_cal]] += 1
        t_x[buyers[in_cal]] = clock[buyers[in_cal]]
        x_holdout[buyers[~in_cal]] += 1
        alive[buyers[rng.random(len(buyers)) < p[buyers]]] = False
    return (x, t_x, T, x_holdout) if holdout > 0 else (x, t_x, T)


@pytest.fixture(scope="module")
def histories():
    return simulate_histories(20_000, *TRUTH, T=np.linspace(40, 80, 20_000), seed=3)


@pytest.fixture(scope="module")
def fitted(histories):
    return ModifiedBetaGeoNBD("week").fit(*histories)


def _ll_batislam(params, x, t_x, T):
    """ln L per customer as Batislam et al. (2007) / lifetimes write it, with no mixture trick."""
    r, alpha, a, b = params
    return (betaln(a, b + x + 1) - betaln(a, b) + gammaln(r + x) - gammaln(r) + r * np.log(alpha)
            - (r + x) * np.log(alpha + T)
            + np.log1p(a / (b + x) * ((alpha + T) / (alpha + t_x)) ** (r + x)))


def test_log_likelihood_equals_the_papers_formula(histories):
    x, t_x, T = (v[:3000] for v in histories)
    ll, _ = log_likelihood_and_gradient(TRUTH, x, t_x, T)
    assert ll == pytest.approx(_ll_batislam(TRUTH, x, t_x, T).sum(), rel=1e-12)
    weights = np.arange(1.0, 3001.0)
    ll_w, _ = log_likelihood_and_gradient(TRUTH, x, t_x, T, weights)
    assert ll_w == pytest.approx(weights @ _ll_batislam(TRUTH, x, t_x, T), rel=1e-12)


@pytest.mark.parametrize("params", [TRUTH, np.array([0.243, 4.414, 0.793, 2.426]), np.array([2.0, 30.0, 3.0, 0.7])])
def test_gradient_matches_finite_differences(histories, params):
    x, t_x, T = (v[:2000] for v in histories)
    _, grad = log_likelihood_and_gradient(params, x, t_x, T)
    ll = lambda p: log_likelihood_and_gradient(p, x, t_x, T)[0]  # noqa: E731
    numeric = central_difference_gradient(ll, params)
    np.testing.assert_allclose(grad, numeric, rtol=1e-5)


@pytest.mark.network
def test_btydplus_cdnow_mbgnbd_parameters(calibration):  # noqa: F811
    """BTYDplus demo/cdnow.R (Platzer), MBG/NBD (Batislam, Denizel & Filiztekin 2007) on the
    CDNOW 39-week calibration in weeks: r = 0.525, alpha = 6.183, a = 0.891, b = 1.614."""
    _, cal = calibration
    model = ModifiedBetaGeoNBD("week").fit(cal)
    np.testing.assert_array_equal(np.round(model.params_.to_numpy(), 3), list(BTYDPLUS_CDNOW.values()))
    assert model.n_customers_ == 2357
    assert model.log_likelihood_ == pytest.approx(_ll_batislam(model.params_.to_numpy(), *cal[["frequency", "recency", "T"]].to_numpy().T).sum())


def test_recovers_the_simulated_truth(fitted):
    """20,000 customers simulated from the MBG/NBD story: every estimate within 3 standard
    errors of the truth and within 15%."""
    table = fitted.summary
    assert np.all(np.abs(table["estimate"] - TRUTH) < 3 * table["std_error"]), table
    np.testing.assert_allclose(table["estimate"], TRUTH, rtol=0.15)
    assert fitted.n_customers_ == 20_000 and fitted.time_unit_ is TimeUnit.WEEK


def test_unconditional_expectation_matches_the_papers_form_and_a_simulation():
    """lifetimes' E[X(t)] = b/(a-1) [1 - 2F1(r, b+1; a+b; t/(alpha+t)) (alpha/(alpha+t))^r], and the
    mean of 200,000 simulated new customers (within 5 standard errors)."""
    model = ModifiedBetaGeoNBD.from_params(TRUTH, time_unit="week")
    r, alpha, a, b = TRUTH
    t = np.array([1.0, 13.0, 52.0, 104.0])
    paper = b / (a - 1) * (1 - hyp2f1(r, b + 1, a + b, t / (alpha + t)) * (alpha / (alpha + t)) ** r)
    np.testing.assert_allclose(model.expected_purchases(t), paper, rtol=1e-10)
    x, _, _ = simulate_histories(200_000, *TRUTH, T=52.0, seed=5)
    assert abs(x.mean() - model.expected_purchases(52.0)) < 5 * x.std() / np.sqrt(len(x))


def test_conditional_expectation_and_p_alive_equal_the_papers_form(histories):
    model = ModifiedBetaGeoNBD.from_params(TRUTH, time_unit="week")
    r, alpha, a, b = TRUTH
    x, t_x, T = (v[:500] for v in histories)
    t = 26.0
    alive = 1 / (1 + a / (b + x) * ((alpha + T) / (alpha + t_x)) ** (r + x))
    forecast = ((a + b + x) / (a - 1) * (1 - hyp2f1(r + x, b + x + 1, a + b + x, t / (alpha + T + t))
                * ((alpha + T) / (alpha + T + t)) ** (r + x)) * alive)
    np.testing.assert_allclose(model.probability_alive(x, t_x, T), alive, rtol=1e-10)
    np.testing.assert_allclose(model.conditional_expected_purchases(t, x, t_x, T), forecast, rtol=1e-8)


def test_a_silent_one_time_buyer_is_probably_gone_unlike_under_the_bgnbd():
    model = ModifiedBetaGeoNBD.from_params(BTYDPLUS_CDNOW, time_unit="week")
    p = model.probability_alive(0, 0.0, np.array([0.0, 10.0, 39.0, 78.0]))
    assert p[0] == pytest.approx(1.614 / (0.891 + 1.614))  # b/(a+b): survived the flip at purchase one
    assert np.all(np.diff(p) < 0)


def test_pmf_sums_to_one_and_matches_the_direct_formula():
    model = ModifiedBetaGeoNBD.from_params(TRUTH, time_unit="week")
    r, alpha, a, b = TRUTH
    n = np.arange(4000)
    for t in (5.0, 52.0):
        pmf = model.probability_of_n_purchases(n, t)
        assert pmf.sum() == pytest.approx(1.0, abs=1e-10)
        assert n @ pmf == pytest.approx(float(model.expected_purchases(t)), rel=1e-9)
        nb = np.exp(gammaln(r + n[:8]) - gammaln(r) - gammaln(n[:8] + 1) + r * np.log(alpha / (alpha + t))
                    + n[:8] * np.log(t / (alpha + t)))
        direct = (np.exp(betaln(a, b + n[:8] + 1) - betaln(a, b)) * nb
                  + np.exp(betaln(a + 1, b + n[:8]) - betaln(a, b)) * (1 - np.r_[0.0, np.cumsum(nb)[:-1]]))
        np.testing.assert_allclose(pmf[:8], direct, rtol=1e-10)
    with pytest.raises(UnitMismatchError):
        model.probability_of_n_purchases(0, 1.0, time_unit="month")


def test_dert_is_the_discounted_integral_of_the_forecast():
    """DERT = integral of delta e^(-delta t) E[Y(t) | history] dt (integration by parts of
    e^(-delta t) dE), here by adaptive quadrature, against the method's Gauss-Laguerre rule."""
    model = ModifiedBetaGeoNBD.from_params(BTYDPLUS_CDNOW, time_unit="week")
    x, t_x, T = np.array([0, 1, 2, 20, 0]), np.array([0, 10, 30.43, 38.0, 0]), np.array([38.86] * 4 + [5.0])
    d = 0.0027  # a week: about 15% a year
    delta = np.log1p(d)
    dert = model.discounted_expected_residual_transactions(d, x, t_x, T)
    for i in range(len(x)):
        integrand = lambda t: delta * np.exp(-delta * t) * float(model.conditional_expected_purchases(t, x[i], t_x[i], T[i]))  # noqa: B023, E731
        assert dert[i] == pytest.approx(integrate.quad(integrand, 0, np.inf, limit=500, epsrel=1e-11)[0], rel=2e-6)
    assert np.ndim(model.discounted_expected_residual_transactions(d, 2, 30.43, 38.86)) == 0
    with pytest.raises(ValueError, match="discount_rate must be one number above 0"):
        model.discounted_expected_residual_transactions(0.0, x, t_x, T)


def test_bad_inputs_are_refused_in_plain_english(histories):
    x, t_x, T = histories
    with pytest.raises(ValueError, match="No customer made a repeat purchase"):
        ModifiedBetaGeoNBD().fit(np.zeros(10), np.zeros(10), np.full(10, 30.0))
    with pytest.raises(ValueError, match="recency cannot exceed T"):
        ModifiedBetaGeoNBD().fit([1, 2], [5.0, 40.0], [30.0, 30.0])
    with pytest.raises(ValueError, match="Pass recency and T"):
        ModifiedBetaGeoNBD().fit(x)
    monthly = pd.DataFrame({"frequency": x, "recency": t_x, "T": T})
    monthly.attrs["time_unit"] = "month"
    with pytest.raises(UnitMismatchError):
        ModifiedBetaGeoNBD("week").fit(monthly)
