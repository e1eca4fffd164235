"""BG/BB: likelihood and forecasts against the paper's formulas and brute force, the donations
reference (Fader, Hardie & Shang 2010), and recovery of simulated truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import betaln, comb

from clvlib.core.units import TimeUnit, UnitMismatchError
from clvlib.data.donations import DonationsUnavailableError, load_donations
from clvlib.models.noncontractual import BetaGeoBetaBinom
from clvlib.models.noncontractual.bgbb import (
    compress_patterns,
    log_likelihood_and_gradient,
    log_likelihood_per_pattern,
)
from tests.models.finite_differences import central_difference_gradient

FHS_2010 = {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783}
TRUTH = np.array([1.5, 2.0, 0.8, 4.0])  # alpha, beta, gamma, delta of the simulations below


def simulate_patterns(n_customers, alpha, beta, gamma, delta, n_opportunities, seed):
    """(x, t_x, n) per customer from the BG/BB story: at the start of each opportunity an alive
    customer dies with probability theta; if still alive, transacts with probability p."""
    rng = np.random.default_rng(seed)
    p, theta = rng.beta(alpha, beta, n_customers), rng.beta(gamma, delta, n_customers)
    x, t_x = np.zeros(n_customers), np.zeros(n_customers)
    alive = np.ones(n_customers, dtype=bool)
    for t in range(1, n_opportunities + 1):
        alive &= rng.random(n_customers) >= theta
        bought = alive & (rng.random(n_customers) < p)
        x += bought
        t_x[bought] = t
    return x, t_x, np.full(n_customers, float(n_opportunities))


def all_patterns(n):
    """Every (x, t_x) after n opportunities and how many 0/1 sequences share it: C(t_x-1, x-1)."""
    rows = [(0, 0, 1)] + [(x, t, comb(t - 1, x - 1, exact=True)) for t in range(1, n + 1) for x in range(1, t + 1)]
    x, t_x, ways = (np.array(v, dtype=float) for v in zip(*rows, strict=True))
    return x, t_x, np.full(len(x), float(n)), ways


def _ll_by_hand(params, x, t_x, n):
    """FHS (2010) eq. 5, summed term by term without logs."""
    a, b, g, d = params
    total = np.exp(betaln(a + x, b + n - x) - betaln(a, b) + betaln(g, d + n) - betaln(g, d))
    for i in range(int(n - t_x)):
        total += np.exp(betaln(a + x, b + t_x - x + i) - betaln(a, b) + betaln(g + 1, d + t_x + i) - betaln(g, d))
    return np.log(total)


@pytest.fixture(scope="module")
def donations():
    try:
        return load_donations()
    except DonationsUnavailableError as exc:
        # tests/conftest.py: fail, or skip when offline on purpose (CLVLIB_OFFLINE=1).
        from conftest import cdnow_unavailable

        cdnow_unavailable(exc)


@pytest.fixture(scope="module")
def fitted_donations(donations):
    return BetaGeoBetaBinom("year").fit(donations)


def test_log_likelihood_equals_the_papers_formula_term_by_term():
    x, t_x, n, _ = all_patterns(7)
    by_hand = [_ll_by_hand(TRUTH, *row) for row in zip(x, t_x, n, strict=True)]
    np.testing.assert_allclose(log_likelihood_per_pattern(TRUTH, x, t_x, n), by_hand, rtol=1e-12)


@pytest.mark.parametrize("n", [1, 6, 11])
def test_the_likelihoods_of_all_possible_sequences_add_up_to_one(n):
    x, t_x, n_opp, ways = all_patterns(n)
    assert ways @ np.exp(log_likelihood_per_pattern(TRUTH, x, t_x, n_opp)) == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("params", [TRUTH, np.array(list(FHS_2010.values())), np.array([0.3, 5.0, 2.0, 0.5])])
def test_gradient_matches_finite_differences(params):
    x, t_x, n = simulate_patterns(500, *TRUTH, 8, seed=2)
    w = np.arange(1.0, 501.0)
    _, grad = log_likelihood_and_gradient(params, x, t_x, n, w)
    ll = lambda p: log_likelihood_and_gradient(p, x, t_x, n, w)[0]  # noqa: E731
    numeric = central_difference_gradient(ll, params)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6)


@pytest.mark.network
def test_fader_hardie_shang_2010_donations_parameters(fitted_donations):
    """Fader, Hardie & Shang (2010), Marketing Science 29(6): the 11,104 donors of the 1995
    cohort, 6 yearly opportunities: alpha = 1.204, beta = 0.750, gamma = 0.657,
    delta = 2.783, log-likelihood -33,225.58."""
    model = fitted_donations
    np.testing.assert_array_equal(np.round(model.params_.to_numpy(), 3), list(FHS_2010.values()))
    assert round(model.log_likelihood_, 2) == -33225.58
    assert model.n_customers_ == 11_104 and model.n_patterns_ == 22 and model.time_unit_ is TimeUnit.YEAR
    assert (model.summary["std_error"] > 0).all()


@pytest.mark.network
def test_fader_hardie_shang_2010_table_6_and_hardies_spreadsheet(fitted_donations, donations):
    """FHS (2010) Table 6, P(alive in 2002): 0.11 (no repeat), 0.59 (x=2, t_x=4), 0.93 (x=6, t_x=6).
    Hardie's BG/BB spreadsheet (brucehardie.com/notes/010): 12,884.2 donations expected in
    2002-2006 from the cohort ("Conditional Expectations (II)"), and 3,454.9 and 1,253.1 donors
    expected with 0 and 6 repeat donations in 1996-2001 ("In-Sample Fit")."""
    model = fitted_donations
    np.testing.assert_array_equal(np.round(model.probability_alive([0, 2, 6], [0, 4, 6], 6), 2), [0.11, 0.59, 0.93])
    x, t_x, n, w = (donations[c].to_numpy() for c in ("frequency", "recency", "n_opportunities", "n_customers"))
    assert round(float(w @ model.conditional_expected_transactions(5, x, t_x, n)), 1) == 12884.2
    in_sample = 11_104 * model.probability_of_n_transactions([0, 6], 6)
    np.testing.assert_array_equal(np.round(in_sample, 1), [3454.9, 1253.1])


def test_forecasts_average_over_all_histories_to_the_unconditional_ones():
    """Law of total expectation over every possible history after n = 6 opportunities:
    sum P(history) E[X(6, 6+5) | history] = E[X(11)] - E[X(6)], and likewise P(alive at 7)."""
    model = BetaGeoBetaBinom.from_params(TRUTH, time_unit="year")
    x, t_x, n, ways = all_patterns(6)
    prob = ways * np.exp(log_likelihood_per_pattern(TRUTH, x, t_x, n))
    expected = model.expected_transactions(11) - model.expected_transactions(6)
    assert prob @ model.conditional_expected_transactions(5, x, t_x, n) == pytest.approx(float(expected), rel=1e-10)
    a, b, g, d = TRUTH
    assert prob @ model.probability_alive(x, t_x, n) == pytest.approx(np.exp(betaln(g, d + 7) - betaln(g, d)), rel=1e-10)


def test_pmf_sums_to_one_has_the_models_mean_and_matches_a_simulation():
    model = BetaGeoBetaBinom.from_params(TRUTH, time_unit="year")
    pmf = model.probability_of_n_transactions(np.arange(9), 8)
    assert pmf.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.arange(9) @ pmf == pytest.approx(float(model.expected_transactions(8)), rel=1e-12)
    x, _, _ = simulate_patterns(200_000, *TRUTH, 8, seed=9)
    simulated = np.bincount(x.astype(int), minlength=9) / len(x)
    assert np.all(np.abs(simulated - pmf) < 5 * np.sqrt(pmf * (1 - pmf) / len(x)))
    with pytest.raises(ValueError, match="0 <= x <= n"):
        model.probability_of_n_transactions(3, 2)


def test_dert_is_the_discounted_sum_of_future_transactions():
    """DERT (eq. 14) against the brute-force sum over k of E[transaction at n+k | history] / (1+d)^k."""
    model = BetaGeoBetaBinom.from_params(TRUTH, time_unit="year")
    x, t_x, n, _ = all_patterns(5)
    cumulative = np.array([model.conditional_expected_transactions(k, x, t_x, n) for k in range(0, 600)])
    d = 0.1
    brute = (np.diff(cumulative, axis=0) / (1 + d) ** np.arange(1, 600)[:, None]).sum(axis=0)
    np.testing.assert_allclose(model.discounted_expected_residual_transactions(d, x, t_x, n), brute, rtol=1e-9)
    with pytest.raises(ValueError, match="discount_rate must be positive"):
        model.discounted_expected_residual_transactions(0.0, 1, 1, 5)


def test_recovers_the_simulated_truth():
    """30,000 customers simulated from the BG/BB story over 8 opportunities: every estimate
    within 3 standard errors of the truth and within 25% (delta is the loosest)."""
    x, t_x, n = simulate_patterns(30_000, *TRUTH, 8, seed=4)
    model = BetaGeoBetaBinom("year").fit(x, t_x, n)
    table = model.summary
    assert np.all(np.abs(table["estimate"] - TRUTH) < 3 * table["std_error"]), table
    np.testing.assert_allclose(table["estimate"], TRUTH, rtol=0.25)
    assert model.n_customers_ == 30_000 and model.n_patterns_ <= 1 + 8 * 9 / 2 * 2


def test_patterns_and_per_customer_rows_give_the_same_fit():
    x, t_x, n = simulate_patterns(3000, *TRUTH, 6, seed=8)
    table = compress_patterns(x, t_x, n)
    per_customer = BetaGeoBetaBinom("year").fit(x, t_x, n)
    by_pattern = BetaGeoBetaBinom("year").fit(table)
    np.testing.assert_allclose(per_customer.params_, by_pattern.params_, rtol=1e-6)
    assert table["n_customers"].sum() == 3000


def test_bad_patterns_are_refused_in_plain_english():
    with pytest.raises(ValueError, match="cannot exceed n"):
        compress_patterns([1], [7], [6])
    with pytest.raises(ValueError, match="x transactions need x opportunities"):
        compress_patterns([3], [2], [6])
    with pytest.raises(ValueError, match="recency \\(t_x\\) is 0 exactly"):
        compress_patterns([0], [2], [6])
    with pytest.raises(ValueError, match="whole numbers"):
        compress_patterns([1.5], [2], [6])
    with pytest.raises(ValueError, match="No customer transacted"):
        BetaGeoBetaBinom().fit([0, 0], [0, 0], [6, 6])
    with pytest.raises(ValueError, match="has no column n_opportunities"):
        BetaGeoBetaBinom().fit(pd.DataFrame({"frequency": [1], "recency": [1]}))
    monthly = pd.DataFrame({"frequency": [1, 0], "recency": [1, 0], "n_opportunities": [3, 3]})
    monthly.attrs["time_unit"] = "month"
    with pytest.raises(UnitMismatchError):
        BetaGeoBetaBinom("year").fit(monthly)
    model = BetaGeoBetaBinom.from_params(FHS_2010, time_unit="year")
    with pytest.raises(UnitMismatchError):
        model.conditional_expected_transactions(5, 1, 1, 6, time_unit="month")

