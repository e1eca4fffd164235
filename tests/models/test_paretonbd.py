"""Pareto/NBD: the likelihood against brute integration, the published CDNOW fit, recovery of
simulated truth, finite values at the edges, and every prediction against an independent formula.

The independent formulas integrate the individual-level story (Schmittlein, Morrison & Colombo
1987) over the gamma mixing distributions of lambda and mu numerically (scipy's dblquad), so they
share nothing with the closed forms under test. ``simulate_pareto_nbd`` below is the test's own
simulator of the story.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate

from clvlib.analysis.cdnow_replication import replicate_fhl_2005
from clvlib.models.noncontractual import ParetoNBD
from clvlib.models.noncontractual import paretonbd as pn
from tests.models.finite_differences import central_difference_gradient

# Fader, Hardie & Lee (2005), Marketing Science 24(2), Table 2 (also R BTYD, CLVTools): CDNOW, weeks.
FHL_2005_PNBD = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}
TRUTH = (0.55, 10.6, 0.6, 11.7)


def simulate_pareto_nbd(n, r, alpha, s, beta, T, seed):
    """Histories from the Pareto/NBD story: lambda ~ Gamma(r, alpha), mu ~ Gamma(s, beta); an
    exponential lifetime with rate mu; Poisson purchases at rate lambda until death or T. Given
    their number x, purchase times are uniform on the time alive, so t_x is the largest of x
    uniforms: end * U^(1/x)."""
    rng = np.random.default_rng(seed)
    lam, mu = rng.gamma(r, 1 / alpha, n), rng.gamma(s, 1 / beta, n)
    T = np.broadcast_to(np.asarray(T, dtype=float), (n,)).copy()
    end = np.minimum(rng.exponential(1 / mu), T)
    x = rng.poisson(lam * end).astype(float)
    t_x = np.where(x > 0, end * rng.random(n) ** (1 / np.maximum(x, 1)), 0.0)
    return x, t_x, T


def _posterior_integral(params, x, t_x, T, weight, alive):
    """Integral over (lambda, mu) of the gamma densities times the individual likelihood of
    being alive at T (``alive``) or of having died in (t_x, T], times weight(lambda, mu):
    brute 2-d quadrature, scalar math for speed."""
    r, alpha, s, beta = params
    log_norm = r * math.log(alpha) - math.lgamma(r) + s * math.log(beta) - math.lgamma(s)

    def integrand(mu, lam):
        both = lam + mu
        log_prior = log_norm + (r - 1) * math.log(lam) - alpha * lam + (s - 1) * math.log(mu) - beta * mu
        if alive:
            piece = x * math.log(lam) - both * T
        else:  # lambda^x mu / (lambda+mu) (e^-(lambda+mu) t_x - e^-(lambda+mu) T)
            piece = x * math.log(lam) + math.log(mu / both) - both * t_x + math.log(-math.expm1(-both * (T - t_x)))
        return math.exp(piece + log_prior) * weight(lam, mu)

    # The lambda posterior sits near (r+x)/(alpha+T); integrate well beyond it.
    lam_hi = (r + x + 12 * math.sqrt(r + x + 1)) / (alpha + t_x)
    return integrate.dblquad(integrand, 0, lam_hi, 0, 60 / beta + 3, epsabs=0, epsrel=1e-9)[0]


HISTORIES = [(0, 0.0, 38.86), (2, 30.43, 38.86), (9, 36.0, 38.5)]


@pytest.mark.parametrize("x, t_x, T", HISTORIES)
def test_every_prediction_matches_brute_integration_over_lambda_and_mu(x, t_x, T):
    """Given alive with (lambda, mu): E[Y(t)] = lambda/mu (1 - e^-mu t), and the continuously
    discounted count of all future purchases is lambda / (mu + delta)."""
    params = tuple(FHL_2005_PNBD.values())
    model = ParetoNBD.from_params(FHL_2005_PNBD, time_unit="week")
    t, rate = 39.0, 0.0027
    delta = np.log1p(rate)
    alive = _posterior_integral(params, x, t_x, T, lambda lam, mu: 1.0, alive=True)
    dead = _posterior_integral(params, x, t_x, T, lambda lam, mu: 1.0, alive=False)
    future = _posterior_integral(params, x, t_x, T, lambda lam, mu: lam / mu * -math.expm1(-mu * t), alive=True)
    dert = _posterior_integral(params, x, t_x, T, lambda lam, mu: lam / (mu + delta), alive=True)
    ll = pn.log_likelihood_per_customer(params, x, t_x, T)
    assert float(ll) == pytest.approx(np.log(alive + dead), abs=1e-7)
    assert float(model.probability_alive(x, t_x, T)) == pytest.approx(alive / (alive + dead), abs=1e-8)
    assert float(model.conditional_expected_purchases(t, x, t_x, T)) == pytest.approx(future / (alive + dead), rel=1e-7)
    got = float(model.discounted_expected_residual_transactions(rate, x, t_x, T))
    assert got == pytest.approx(dert / (alive + dead), rel=1e-7)


def test_log_integral_matches_quadrature_including_heavy_buyers_and_alpha_below_beta():
    cases = [(3.553, 1.606, 10.578, 11.669, 20.0, 38.86), (150.5, 1.6, 10.5, 11.6, 30.0, 38.9),
             (0.5, 1.6, 0.1, 50.0, 0.0, 52.0), (5.0, 30.0, 50.0, 0.1, 1.0, 52.0), (0.3, 1.05, 3.0, 3.0, 0.0, 10.0)]
    for p, q, a, b, t0, t1 in cases:
        exact = integrate.quad(lambda u, p=p, q=q, a=a, b=b: (a + u) ** -p * (b + u) ** -q, t0, t1,
                               epsabs=0, epsrel=1e-13, limit=200)[0]
        assert float(pn.log_integral(p, q, a, b, t0, t1)) == pytest.approx(np.log(exact), abs=1e-11)
    assert pn.log_integral(2.0, 1.5, 3.0, 4.0, 7.0, 7.0) == -np.inf


def test_gradient_matches_finite_differences():
    rng = np.random.default_rng(1)
    x = rng.integers(0, 20, 60).astype(float)
    T = rng.uniform(5, 40, 60)
    t_x = np.where(x > 0, T * rng.uniform(0, 1, 60), 0.0)
    x[:3], t_x[:3] = [1, 40, 150], T[:3]  # recency = T, including a heavy buyer
    for params in (np.array([0.55, 10.5, 0.6, 11.7]), np.array([2.0, 3.0, 1.5, 40.0])):
        _, grad = pn.log_likelihood_and_gradient(params, x, t_x, T)
        numeric = central_difference_gradient(lambda p: pn.log_likelihood_and_gradient(p, x, t_x, T)[0], params)
        np.testing.assert_allclose(grad, numeric, rtol=1e-6)


def test_heavy_buyers_and_recency_equal_to_T_stay_finite():
    """lifetimes returns NaN here: x = 150 with recency = T, and x = 150 lapsed."""
    model = ParetoNBD.from_params(FHL_2005_PNBD, time_unit="week")
    x, t_x, T = np.array([150.0, 150.0, 300.0, 0.0]), np.array([38.0, 20.0, 39.0, 0.0]), np.array([38.0, 38.0, 39.0, 0.0])
    ll = pn.log_likelihood_per_customer(tuple(FHL_2005_PNBD.values()), x, t_x, T)
    alive = model.probability_alive(x, t_x, T)
    future = model.conditional_expected_purchases(39.0, x, t_x, T)
    assert np.all(np.isfinite(ll)) and np.all(np.isfinite(future))
    assert alive[0] == 1.0 and alive[2] == 1.0 and alive[3] == 1.0  # no time to die unseen
    assert 0 < alive[1] < 1e-6  # 150 purchases in 20 weeks, then 18 silent weeks: almost surely gone
    # Alive for sure at T: the posterior mean rate (r+x)/(alpha+T) times the expected time alive.
    r, alpha, s, beta = FHL_2005_PNBD.values()
    expected_alive_time = (beta + 38.0) / (s - 1) * (1 - ((beta + 38.0) / (beta + 77.0)) ** (s - 1))
    assert future[0] == pytest.approx((r + 150) / (alpha + 38.0) * expected_alive_time, rel=1e-12)
    ll_grad = pn.log_likelihood_and_gradient(tuple(FHL_2005_PNBD.values()), x, t_x, T)[1]
    assert np.all(np.isfinite(ll_grad))


def test_unconditional_expectation_matches_simulation():
    x, _, _ = simulate_pareto_nbd(400_000, *TRUTH, 52.0, seed=5)
    model = ParetoNBD.from_params(dict(zip(pn.PARAMS, TRUTH, strict=True)), time_unit="week")
    standard_error = x.std() / np.sqrt(len(x))
    assert float(model.expected_purchases(52.0)) == pytest.approx(x.mean(), abs=4 * standard_error)
    # s = 1 exactly uses the limit r beta/alpha ln(1 + t/beta).
    flat = ParetoNBD.from_params({"r": 0.5, "alpha": 10.0, "s": 1.0, "beta": 12.0}, time_unit="week")
    assert float(flat.expected_purchases(52.0)) == pytest.approx(0.5 * 12 / 10 * np.log1p(52 / 12), rel=1e-12)


def test_recovers_simulated_truth_within_three_standard_errors():
    x, t_x, T = simulate_pareto_nbd(10_000, *TRUTH, 78.0, seed=3)
    model = ParetoNBD("week").fit(x, t_x, T)
    summary = model.summary
    z = (summary["estimate"].to_numpy() - np.array(TRUTH)) / summary["std_error"].to_numpy()
    assert np.all(np.abs(z) < 3), summary
    assert model.n_obs_ == 10_000 and model.n_histories_ <= 10_000
    # The fitted log-likelihood is the per-customer sum, and the optimum is a maximum.
    assert model.log_likelihood_ == pytest.approx(pn.log_likelihood_per_customer(model.params_, x, t_x, T).sum())
    nudged = model.params_.to_numpy() * np.array([1.02, 1.0, 1.0, 0.98])
    assert pn.log_likelihood_per_customer(nudged, x, t_x, T).sum() < model.log_likelihood_


def test_input_errors_and_units():
    with pytest.raises(ValueError, match="No customer made a repeat purchase"):
        ParetoNBD().fit([0, 0, 0], [0, 0, 0], [10, 20, 30])
    with pytest.raises(ValueError, match="recency cannot exceed T"):
        ParetoNBD().fit([1, 2], [12.0, 3.0], [10.0, 20.0])
    model = ParetoNBD.from_params(FHL_2005_PNBD, time_unit="week")
    with pytest.raises(ValueError, match="month"):
        model.expected_purchases(12, time_unit="month")
    with pytest.raises(ValueError, match="discount_rate"):
        model.discounted_expected_residual_transactions(0.0, 1, 5.0, 10.0)


# ------------------------------------------------------------------ published CDNOW numbers
@pytest.fixture(scope="module")
def cdnow_calibration(cdnow_loader):
    """The 39-week CDNOW calibration of Fader, Hardie & Lee (2005), built by the lesson's helper."""
    return replicate_fhl_2005(cdnow_loader("sample")).calibration


@pytest.mark.network
def test_fhl_2005_pareto_nbd_on_cdnow(cdnow_calibration):
    """Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way", Marketing Science
    24(2), Table 2 (also R BTYD, CLVTools): r = 0.553, alpha = 10.578, s = 0.606,
    beta = 11.669, LL = -9595.0 (-9594.976 from exact day counts, which clvlib's summary
    keeps). beta is weakly identified (11.656 to 11.669 give the same LL to 1e-3)."""
    model = ParetoNBD(time_unit="week").fit(cdnow_calibration)
    assert model.n_customers_ == 2357
    np.testing.assert_array_equal(np.round([model.r_, model.alpha_, model.s_], 3), [0.553, 10.578, 0.606])
    assert model.beta_ == pytest.approx(11.669, abs=0.02)
    assert model.log_likelihood_ == pytest.approx(-9594.976, abs=1e-3)
    assert round(model.log_likelihood_, 1) == -9595.0
    assert np.all(np.isfinite(model.summary["std_error"]))


def test_probability_of_n_purchases_sums_to_one_has_the_right_mean_and_matches_simulation():
    model = ParetoNBD.from_params(dict(zip(pn.PARAMS, TRUTH, strict=True)), time_unit="week")
    p = model.probability_of_n_purchases(np.arange(400), 52.0)
    assert p.sum() == pytest.approx(1.0, abs=1e-10)
    # Its mean is the closed-form E[X(t)], computed by a different route.
    assert float(np.arange(400) @ p) == pytest.approx(float(model.expected_purchases(52.0)), rel=1e-9)
    x, _, _ = simulate_pareto_nbd(400_000, *TRUTH, 52.0, seed=9)
    share = np.bincount(x.astype(int), minlength=6)[:6] / len(x)
    standard_error = np.sqrt(p[:6] * (1 - p[:6]) / len(x))
    assert np.all(np.abs(share - p[:6]) < 4 * standard_error)
    with pytest.raises(ValueError, match="whole numbers"):
        model.probability_of_n_purchases(1.5, 52.0)


def test_pmf_broadcasts_over_counts_and_horizons_like_the_other_models():
    """The calibration histogram asks P(X(T_i) = n) with one horizon per customer."""
    model = ParetoNBD.from_params({"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}, time_unit="week")
    horizons = np.array([39.0, 20.0, 5.5])
    each = [float(model.probability_of_n_purchases(1, h)) for h in horizons]
    np.testing.assert_allclose(model.probability_of_n_purchases(1, horizons), each, rtol=1e-12)
    np.testing.assert_allclose(model.probability_of_n_purchases([0, 1, 2], 39.0).sum(),
                               sum(float(model.probability_of_n_purchases(k, 39.0)) for k in range(3)), rtol=1e-12)
    with pytest.raises(ValueError, match="t must be a positive number of weeks"):
        model.probability_of_n_purchases(1, [39.0, 0.0])
