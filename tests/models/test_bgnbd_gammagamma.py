"""BG/NBD, Gamma-Gamma and predictive CLV: likelihood, gradient, formulas, recovery, units."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import betaln, gammaln, hyp2f1

from clvlib.analysis.predictive_clv import customer_lifetime_value
from clvlib.core.units import TimeUnit, UnitMismatchError, convert_periods
from clvlib.data import load_dataset, load_truth
from clvlib.data.simulate import TRUE_WORLD
from clvlib.models.base import NotFittedError
from clvlib.models.noncontractual import BetaGeoNBD, GammaGamma
from clvlib.models.noncontractual import bgnbd as bg
from clvlib.models.noncontractual import gammagamma as gam
from clvlib.models.noncontractual.bgnbd import compress_histories, probability_alive_grid
from clvlib.models.noncontractual.gammagamma import FreeOrdersWarning, frequency_spend_correlation
from clvlib.models.noncontractual.holdout import holdout_by_frequency, repeat_purchase_tracking
from clvlib.transactions import (
    calibration_holdout_split,
    calibration_summary,
    summarize_transactions,
)
from tests.models.finite_differences import central_difference_gradient


def simulate_bgnbd(n, r, alpha, a, b, T, seed):
    """Customer histories from the BG/NBD story exactly as Fader, Hardie & Lee (2005) tell it:
    alive at the first purchase (time 0), Poisson purchases while alive, a coin flip with
    probability p after each *repeat* purchase. Vectorised over customers."""
    rng = np.random.default_rng(seed)
    lam, p = rng.gamma(r, 1 / alpha, n), rng.beta(a, b, n)
    T = np.broadcast_to(np.asarray(T, dtype=float), (n,)).copy()
    x, t_x, clock = np.zeros(n), np.zeros(n), np.zeros(n)
    alive = np.ones(n, dtype=bool)
    while alive.any():
        idx = np.flatnonzero(alive)
        clock[idx] += rng.exponential(1 / lam[idx])
        bought = clock[idx] <= T[idx]
        alive[idx[~bought]] = False
        buyers = idx[bought]
        x[buyers] += 1
        t_x[buyers] = clock[buyers]
        alive[buyers[rng.random(len(buyers)) < p[buyers]]] = False
    return x, t_x, T


@pytest.fixture(scope="module")
def truth_histories():
    return simulate_bgnbd(20_000, TRUE_WORLD.bgnbd_r, TRUE_WORLD.bgnbd_alpha_weeks, TRUE_WORLD.bgnbd_a,
                          TRUE_WORLD.bgnbd_b, np.linspace(80, 104, 20_000), seed=11)


@pytest.fixture(scope="module")
def fitted(truth_histories):
    return BetaGeoNBD("week").fit(*truth_histories)


@pytest.fixture(scope="module")
def embedded_summary():
    ds = load_dataset({})
    return summarize_transactions(ds.orders, ds.analysis_date, time_unit="week")


# ------------------------------------------------------------------ likelihood
def test_log_likelihood_equals_the_papers_formula_term_by_term():
    """FHL (2005) eq. 6 evaluated directly (no log tricks) for moderate values."""
    params = (0.4, 3.0, 0.7, 2.5)
    r, alpha, a, b = params
    x = np.array([0, 1, 3, 7, 0, 2])
    t_x = np.array([0.0, 5.0, 20.0, 33.0, 0.0, 1.5])
    T = np.array([10.0, 30.0, 40.0, 35.0, 52.0, 3.0])
    common = np.exp(gammaln(r + x) - gammaln(r)) * alpha**r
    term1 = np.exp(betaln(a, b + x) - betaln(a, b)) * common / (alpha + T) ** (r + x)
    term2 = np.where(
        x > 0,
        np.exp(betaln(a + 1, b + np.maximum(x, 1) - 1) - betaln(a, b)) * common / (alpha + t_x) ** (r + x),
        0.0,
    )
    np.testing.assert_allclose(bg.log_likelihood_per_customer(params, x, t_x, T), np.log(term1 + term2), rtol=1e-12)


def test_log_likelihood_stays_finite_for_extreme_histories():
    ll = bg.log_likelihood_per_customer((0.2, 4.0, 0.8, 2.4), [2000, 0, 500], [990.0, 0.0, 3.0], [1000.0, 5000.0, 1000.0])
    assert np.all(np.isfinite(ll))


@pytest.mark.parametrize("params", [(0.24, 4.4, 0.79, 2.43), (1.3, 0.5, 3.0, 0.6), (0.05, 40.0, 0.2, 9.0)])
def test_bgnbd_gradient_matches_finite_differences(truth_histories, params):
    x, t_x, T = (v[:3000] for v in truth_histories)
    params = np.array(params)
    _, grad = bg.log_likelihood_and_gradient(params, x, t_x, T)
    numeric = central_difference_gradient(lambda p: bg.log_likelihood_and_gradient(p, x, t_x, T)[0], params)
    np.testing.assert_allclose(grad, numeric, rtol=1e-5)


def test_gamma_gamma_gradient_matches_finite_differences():
    rng = np.random.default_rng(3)
    x = rng.integers(1, 20, 500).astype(float)
    m = rng.gamma(5.0, 7.0, 500)
    params = np.array([4.0, 3.0, 12.0])
    _, grad = gam.log_likelihood_and_gradient(params, x, m)
    numeric = central_difference_gradient(lambda p: gam.log_likelihood_and_gradient(p, x, m)[0], params)
    np.testing.assert_allclose(grad, numeric, rtol=1e-5)


# ------------------------------------------------------------------ fitting
def test_recovers_true_bgnbd_parameters_from_the_bgnbd_story(fitted):
    """20,000 customers simulated from TRUE_WORLD's BG/NBD parameters (weeks).

    Tolerance: every estimate within 3 standard errors of the truth and within 12%.
    """
    truth = np.array([TRUE_WORLD.bgnbd_r, TRUE_WORLD.bgnbd_alpha_weeks, TRUE_WORLD.bgnbd_a, TRUE_WORLD.bgnbd_b])
    table = fitted.summary
    assert np.all(np.abs(table["estimate"] - truth) < 3 * table["std_error"]), table
    np.testing.assert_allclose(table["estimate"], truth, rtol=0.12)
    assert fitted.n_customers_ == 20_000
    assert fitted.time_unit_ is TimeUnit.WEEK


def test_recovers_true_bgnbd_parameters_on_the_embedded_orders(embedded_summary):
    """Tolerance: every estimate within 3 standard errors of data/truth/true_parameters.json."""
    params = load_truth().params
    truth = np.array([params["bgnbd_r"], params["bgnbd_alpha_weeks"], params["bgnbd_a"], params["bgnbd_b"]])
    table = BetaGeoNBD("week").fit(embedded_summary).summary
    assert np.all(np.abs(table["estimate"] - truth) < 3 * table["std_error"]), table


def test_recovers_true_gamma_gamma_parameters_on_the_embedded_orders(embedded_summary):
    """Tolerance: p, q, gamma within 3 standard errors; mean order value p*gamma/(q-1) within 5%."""
    params = load_truth().params
    truth = np.array([params["gg_p"], params["gg_q"], params["gg_gamma"]])
    gg = GammaGamma().fit(embedded_summary["frequency"], embedded_summary["monetary_value"])
    table = gg.summary
    assert np.all(np.abs(table["estimate"] - truth) < 3 * table["std_error"]), table
    true_mean = truth[0] * truth[2] / (truth[1] - 1)
    assert gg.mean_order_value_ == pytest.approx(true_mean, rel=0.05)
    assert gg.time_unit_ is TimeUnit.WEEK  # taken from the summary's attrs


def test_spend_is_independent_of_frequency_in_the_embedded_shop(embedded_summary):
    assert abs(frequency_spend_correlation(embedded_summary)) < 0.1


def test_compressed_and_per_customer_fits_agree(truth_histories):
    x, t_x, T = (np.round(v[:4000], 0) for v in truth_histories)  # rounding creates ties
    per_customer = BetaGeoNBD().fit(x, t_x, T)
    table = compress_histories(x, t_x, T)
    assert len(table) < 4000 and table["n_customers"].sum() == 4000
    compressed = BetaGeoNBD().fit(table)
    assert per_customer.n_histories_ == len(table)
    np.testing.assert_allclose(per_customer.params_, compressed.params_, rtol=1e-6)
    assert per_customer.log_likelihood_ == pytest.approx(compressed.log_likelihood_, rel=1e-10)


def test_fit_reaches_the_maximum(fitted, truth_histories):
    params = fitted.params_.to_numpy()
    _, grad = bg.log_likelihood_and_gradient(params, *truth_histories)
    assert np.max(np.abs(grad * params)) < 1e-2 * fitted.n_customers_ ** 0.5
    for i in range(4):
        nudged = params.copy()
        nudged[i] *= 1.01
        assert bg.log_likelihood_and_gradient(nudged, *truth_histories)[0] < fitted.log_likelihood_


# ------------------------------------------------------------------ predictions
def test_new_customer_conditional_expectation_equals_unconditional(fitted):
    t = np.array([1.0, 13.0, 52.0, 260.0])
    np.testing.assert_allclose(fitted.conditional_expected_purchases(t, 0, 0.0, 0.0), fitted.expected_purchases(t), rtol=1e-10)
    assert fitted.expected_purchases(0.0) == pytest.approx(0.0, abs=1e-12)


def test_pfaff_form_equals_the_papers_eq_10(fitted):
    r, alpha, a, b = fitted.params_
    x, t_x, T, t = np.array([0, 1, 4, 12]), np.array([0.0, 3.0, 30.0, 50.0]), np.array([20.0, 40.0, 60.0, 52.0]), 26.0
    paper = (
        (a + b + x - 1) / (a - 1)
        * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t)))
        / (1 + (x > 0) * a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x))
    )
    np.testing.assert_allclose(fitted.conditional_expected_purchases(t, x, t_x, T), paper, rtol=1e-9)


def test_unconditional_expectation_matches_simulation():
    """E[X(t)] (FHL eq. 9) against the mean of 200,000 simulated customers (5 standard errors)."""
    model = BetaGeoNBD.from_params({"r": 0.75, "alpha": 5.0, "a": 0.65, "b": 2.8}, time_unit="week")
    x, _, _ = simulate_bgnbd(200_000, 0.75, 5.0, 0.65, 2.8, 52.0, seed=5)
    assert model.expected_purchases(52.0) == pytest.approx(x.mean(), abs=5 * x.std() / np.sqrt(len(x)))


@settings(max_examples=200, deadline=None)
@given(
    x=st.integers(0, 200),
    T=st.floats(0.1, 500),
    frac_lo=st.floats(0, 1),
    frac_hi=st.floats(0, 1),
)
def test_probability_alive_is_a_probability_and_falls_with_the_recency_gap(fitted, x, T, frac_lo, frac_hi):
    lo, hi = sorted((frac_lo * T, frac_hi * T))
    if x == 0:
        lo = hi = 0.0
    p_lo, p_hi = fitted.probability_alive(x, lo, T), fitted.probability_alive(x, hi, T)
    assert 0.0 <= p_lo <= 1.0 and 0.0 <= p_hi <= 1.0
    # A later last purchase (smaller gap T - t_x) never makes the customer less likely alive.
    assert p_hi >= p_lo - 1e-12


def test_one_time_buyers_are_alive_with_probability_one(fitted):
    """Under BG/NBD dropout happens only after a repeat purchase (FHL 2005)."""
    np.testing.assert_array_equal(fitted.probability_alive([0, 0], [0.0, 0.0], [1.0, 400.0]), [1.0, 1.0])


def test_probability_alive_grid(fitted):
    grid = probability_alive_grid(fitted, T=52.0, max_frequency=10)
    assert grid.shape[0] == 11 and grid.attrs["time_unit"] == "week"
    assert grid.iloc[0, 0] == 1.0 and grid.iloc[0, 1:].isna().all()  # impossible histories blank
    assert grid.iloc[1:].notna().all().all()


# ------------------------------------------------------------------ bad input
def test_bad_inputs_to_bgnbd():
    with pytest.raises(ValueError, match="No customer made a repeat purchase"):
        BetaGeoNBD().fit([0, 0, 0], [0, 0, 0], [10, 20, 30])
    with pytest.raises(ValueError, match=r"^BG/NBD describes how customers differ, so it needs many customers; "
                                         r"got 1\. Fit it on the whole customer base\.$"):
        BetaGeoNBD().fit([3], [5.0], [10.0])
    with pytest.raises(ValueError, match="recency cannot exceed T"):
        BetaGeoNBD().fit([1, 2], [12.0, 3.0], [10.0, 10.0])
    with pytest.raises(ValueError, match="whole number"):
        BetaGeoNBD().fit([1.5, 2], [2.0, 3.0], [10.0, 10.0])
    with pytest.raises(ValueError, match="missing or infinite"):
        BetaGeoNBD().fit([1, np.nan], [2.0, 3.0], [10.0, 10.0])
    with pytest.raises(ValueError, match="recency must be 0"):
        BetaGeoNBD().fit([0, 2], [2.0, 3.0], [10.0, 10.0])
    with pytest.raises(NotFittedError, match=r"BetaGeoNBD\(\.\.\.\)\.fit\(summary\)"):
        BetaGeoNBD().probability_alive(1, 1.0, 2.0)
    with pytest.raises(ValueError, match="Unknown time unit"):
        BetaGeoNBD("fortnight")


def test_a_fit_the_data_cannot_pin_down_raises_instead_of_returning_nonsense():
    # Every customer bought every week without fail: nobody ever drops out, so a -> 0.
    with pytest.raises(ValueError, match="did not settle"):
        BetaGeoNBD().fit([10, 10, 10, 10], [10.0, 10.0, 10.0, 10.0], [10.0, 10.0, 10.0, 10.0])


def test_a_summary_in_another_unit_is_refused(embedded_summary):
    monthly = embedded_summary.copy()
    monthly.attrs["time_unit"] = "month"
    with pytest.raises(UnitMismatchError, match="weeks.*months"):
        BetaGeoNBD("week").fit(monthly)


def test_bad_inputs_to_gamma_gamma():
    with pytest.raises(ValueError, match="negative mean spend"):
        GammaGamma().fit([1, 2, 3], [10.0, -4.0, 5.0])
    with pytest.raises(ValueError, match="positive spend; found 1"), pytest.warns(FreeOrdersWarning):
        GammaGamma("week").fit([1, 2, 3], [10.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="found 1"):
        GammaGamma().fit([0, 0, 3], [0.0, 0.0, 5.0])
    with pytest.raises(ValueError, match="cannot tell the time unit"):
        GammaGamma().fit([1, 2, 3], [10.0, 4.0, 5.0])
    with pytest.raises(NotFittedError, match="GammaGamma"):
        GammaGamma().conditional_expected_order_value([1], [10.0])
    with pytest.raises(ValueError, match="too few"):
        frequency_spend_correlation(pd.DataFrame({"frequency": [0, 1], "monetary_value": [0.0, 3.0]}))


def test_both_models_take_a_summary_frame_or_arrays_with_weights(embedded_summary):
    """The same input forms for BG/NBD and Gamma-Gamma: a summary DataFrame, or arrays; a
    weight of 2 on a row is the same customer twice (identical likelihood, so identical fit)."""
    head = embedded_summary.head(2000)
    doubled = pd.concat([head, head.iloc[:500]])
    weights = np.r_[np.full(500, 2.0), np.ones(1500)]
    cols = ("frequency", "recency", "T")
    for model_class, columns, unit in ((BetaGeoNBD, cols, "week"), (GammaGamma, ("frequency", "monetary_value"), "week")):
        from_frame = model_class(unit).fit(doubled)
        from_arrays = model_class(unit).fit(*(doubled[c].to_numpy() for c in columns))
        weighted = model_class(unit).fit(head, weights=weights)
        weighted_arrays = model_class(unit).fit(*(head[c].to_numpy() for c in columns), weights=weights)
        for other in (from_arrays, weighted, weighted_arrays):
            np.testing.assert_allclose(other.params_, from_frame.params_, rtol=1e-6)
            assert other.log_likelihood_ == pytest.approx(from_frame.log_likelihood_, rel=1e-9)
        assert from_frame.n_obs_ == weighted.n_obs_
        assert from_frame.time_unit_ is TimeUnit.WEEK
    # an n_customers column is used as weights, as for BG/NBD
    counted = head.assign(n_customers=weights)
    np.testing.assert_allclose(GammaGamma("week").fit(counted).params_, GammaGamma("week").fit(doubled).params_, rtol=1e-6)


def test_gamma_gamma_refuses_a_summary_in_another_unit(embedded_summary):
    with pytest.raises(UnitMismatchError, match="months.*weeks"):
        GammaGamma(time_unit="month").fit(embedded_summary)
    with pytest.raises(ValueError, match="no column monetary_value"):
        GammaGamma().fit(embedded_summary.drop(columns="monetary_value"))


def test_gamma_gamma_shrinks_towards_the_population_mean(embedded_summary):
    gg = GammaGamma().fit(embedded_summary["frequency"], embedded_summary["monetary_value"])
    pop = gg.mean_order_value_
    few, many = gg.conditional_expected_order_value([1, 50], [pop * 3, pop * 3])
    assert pop < few < many < pop * 3  # more purchases seen -> trust the customer's own mean more
    assert gg.conditional_expected_order_value(0, 0.0)[0] == pytest.approx(pop)


# ------------------------------------------------------------------ CLV and units
@pytest.fixture(scope="module")
def clv_inputs(embedded_summary):
    model = BetaGeoNBD("week").fit(embedded_summary)
    gg = GammaGamma().fit(embedded_summary["frequency"], embedded_summary["monetary_value"])
    return model, gg, embedded_summary


def test_weekly_model_with_a_monthly_horizon_raises_instead_of_overstating(clv_inputs):
    """The 3.7x pitfall: 12 'months' fed to a weekly model would forecast 12 weeks or,
    converted the wrong way, 4.35x too many periods. It must raise, naming both units."""
    model, gg, summary = clv_inputs
    with pytest.raises(UnitMismatchError, match="fitted in weeks but the horizon is in months"):
        customer_lifetime_value(model, gg, summary, 12, "month", 0.3, 0.1)
    right = customer_lifetime_value(model, gg, summary, convert_periods(12, "month", "week"), "week", 0.3, 0.1)
    wrong_by_4 = customer_lifetime_value(model, gg, summary, 12 * 4.348, "week", 0.3, 0.1)
    assert right["clv"].sum() == pytest.approx(wrong_by_4["clv"].sum(), rel=0.01)


def test_clv_refuses_summaries_in_another_or_unknown_unit(clv_inputs):
    model, gg, summary = clv_inputs
    monthly = summary.copy()
    monthly.attrs["time_unit"] = "month"
    with pytest.raises(UnitMismatchError, match="weeks.*months"):
        customer_lifetime_value(model, gg, monthly, 52, "week", 0.3, 0.1)
    unknown = summary.copy()
    unknown.attrs = {}
    with pytest.raises(ValueError, match="does not record its time unit"):
        customer_lifetime_value(model, gg, unknown, 52, "week", 0.3, 0.1)
    gg_daily = GammaGamma(time_unit="day").fit(summary["frequency"].to_numpy(), summary["monetary_value"])
    with pytest.raises(UnitMismatchError, match="Gamma-Gamma"):
        customer_lifetime_value(model, gg_daily, summary, 52, "week", 0.3, 0.1)
    with pytest.raises(ValueError, match="margin_rate"):
        customer_lifetime_value(model, gg, summary, 52, "week", 30, 0.1)
    with pytest.raises(ValueError, match="horizon"):
        customer_lifetime_value(model, gg, summary, -1, "week", 0.3, 0.1)


def test_clv_without_discounting_is_purchases_times_spend_times_margin(clv_inputs):
    model, gg, summary = clv_inputs
    head = summary.head(300)
    clv = customer_lifetime_value(model, gg, head, 52, "week", 0.3, 0.0)
    expected = (
        model.conditional_expected_purchases(52, head["frequency"], head["recency"], head["T"])
        * gg.conditional_expected_order_value(head["frequency"], head["monetary_value"]) * 0.3
    )
    np.testing.assert_allclose(clv["clv"], expected, rtol=1e-9)
    discounted = customer_lifetime_value(model, gg, head, 52, "week", 0.3, 0.10)["clv"]
    assert np.all(discounted <= clv["clv"]) and np.all(discounted >= clv["clv"] / 1.10 - 1e-12)
    assert not clv.isna().any().any()


def test_clv_grows_with_the_horizon(clv_inputs):
    model, gg, summary = clv_inputs
    head = summary.head(200)
    short = customer_lifetime_value(model, gg, head, 26, "week", 0.3, 0.1)["clv"]
    long = customer_lifetime_value(model, gg, head, 104.5, "week", 0.3, 0.1)["clv"]
    assert np.all(long >= short) and long.sum() > short.sum()


# ------------------------------------------------------------------ validation tables
def test_holdout_and_tracking_tables_add_up():
    orders = load_dataset({}).orders
    split = calibration_holdout_split(orders, "2024-12-31", "2025-12-31")
    model = BetaGeoNBD("week").fit(calibration_summary(split))
    table = holdout_by_frequency(model, split, max_frequency=5)
    assert table.index.tolist() == [0, 1, 2, 3, 4, 5]
    assert table["n_customers"].sum() == len(split)
    assert (table["actual"] * table["n_customers"]).sum() == pytest.approx(split["frequency_holdout"].sum())
    track = repeat_purchase_tracking(model, orders, "2024-12-31", "2025-12-31")
    cohort_split = split  # the tracking cohort is the calibration cohort
    assert track["actual"].sum() == (cohort_split["frequency_cal"] + cohort_split["frequency_holdout"]).sum()
    assert np.all(np.diff(track["expected_cumulative"]) >= 0)
    assert track.attrs["n_customers"] == len(split)


def test_repeat_buyers_whose_orders_were_all_free_are_left_out_of_the_spend_fit_and_counted():
    """Free orders are purchases (CDNOW has 80 at $0.00): the spend model leaves out the one repeat
    buyer with mean spend 0, says so, and fits exactly as if that customer were not there."""
    x, m = [1, 2, 3, 4, 2, 1], [10.0, 0.0, 5.0, 7.5, 12.0, 8.0]
    note = (r"^1 repeat buyer whose repeat orders were all free \(mean spend 0\) is left out of the Gamma-Gamma fit, "
            r"which needs positive spend; BG/NBD still counts their purchases, and their expected spend is "
            r"pulled towards the average\.$")
    with pytest.warns(FreeOrdersWarning, match=note):
        model = GammaGamma("week").fit(x, m)
    without = GammaGamma("week").fit([1, 3, 4, 2, 1], [10.0, 5.0, 7.5, 12.0, 8.0])
    np.testing.assert_array_equal(model.params_, without.params_)
    assert model.n_obs_ == 5 and model.n_free_spend_excluded_ == 1 and without.n_free_spend_excluded_ == 0
    # Their expected spend is the closed form at mean 0: only the population part, weighted.
    p, q, g = model.params_
    assert model.conditional_expected_order_value([2], [0.0])[0] == pytest.approx((q - 1) / (2 * p + q - 1) * g * p / (q - 1))
    with pytest.warns(FreeOrdersWarning, match="3 repeat buyers"):
        GammaGamma("week").fit(x, m, weights=[1, 3, 1, 1, 1, 1])


# --------------------------------------------------------------------------- edges found by mutation testing

PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}


def test_reprs_say_whether_the_model_is_fitted():
    assert repr(BetaGeoNBD("week")) == "BetaGeoNBD(time_unit='week')"
    assert repr(BetaGeoNBD.from_params(PUBLISHED, time_unit="week")).startswith(
        "BetaGeoNBD(time_unit='week'): r=0.243, alpha=4.414, a=0.793, b=2.426"
    )
    assert repr(GammaGamma()) == "GammaGamma()"
    assert repr(GammaGamma.from_params({"p": 6.25, "q": 3.74, "gamma": 15.44}, time_unit="week")).startswith(
        "GammaGamma: p=6.250, q=3.740, gamma=15.440"
    )


def test_probability_alive_grid_covers_zero_to_T_and_blanks_impossible_histories():
    model = BetaGeoNBD.from_params(PUBLISHED, time_unit="week")
    grid = probability_alive_grid(model, T=40.0)
    assert grid.index.name == "frequency" and list(grid.index) == list(range(21))
    assert grid.columns.name == "recency"
    np.testing.assert_allclose(grid.columns, np.arange(41.0))          # 40 steps of T/40, T included
    assert grid.attrs == {"time_unit": "week", "T": 40.0}
    assert grid.loc[0, 0.0] == 1.0 and grid.loc[0, 1.0:].isna().all()   # x = 0 and t_x > 0 cannot happen
    assert (grid.dtypes == np.float64).all()                              # blanks are NaN, a heatmap draws them empty
    assert grid.loc[5, 30.0] == pytest.approx(model.probability_alive(5, 30.0, 40.0))
    fine = probability_alive_grid(model, T=2.0, max_frequency=3, recency_step=0.0005)
    assert list(fine.columns[:3]) == [0.0, 0.0, 0.001]                  # rounded to 3 decimals for display
    with pytest.raises(ValueError, match=r"^T must be positive: customers observed for some time\.$"):
        probability_alive_grid(model, T=0.0)
    assert probability_alive_grid(model, T=0.5).shape == (21, 41)       # under one period is fine


def test_saved_bgnbd_keeps_the_number_of_distinct_histories(fitted):
    restored = BetaGeoNBD.from_dict(fitted.to_dict())
    assert restored.n_histories_ == fitted.n_histories_ > 0
    assert BetaGeoNBD.from_params(PUBLISHED, time_unit="week").n_histories_ is None


def test_weighted_gradients_equal_repeating_the_histories():
    x, t_x, big_t = np.array([0.0, 2.0, 5.0]), np.array([0.0, 10.0, 30.0]), np.array([40.0, 40.0, 35.0])
    weights = np.array([3.0, 1.0, 2.0])
    params = np.array([0.3, 4.0, 0.8, 2.5])
    value_w, grad_w = bg.log_likelihood_and_gradient(params, x, t_x, big_t, weights)
    rep = np.repeat(np.arange(3), weights.astype(int))
    value_r, grad_r = bg.log_likelihood_and_gradient(params, x[rep], t_x[rep], big_t[rep])
    assert value_w == pytest.approx(value_r, rel=1e-12)
    np.testing.assert_allclose(grad_w, grad_r, rtol=1e-10)
    spend = np.array([0.0, 20.0, 35.0])
    gv_w, gg_w = gam.log_likelihood_and_gradient(np.array([6.0, 4.0, 15.0]), x[1:], spend[1:], weights[1:])
    gv_r, gg_r = gam.log_likelihood_and_gradient(np.array([6.0, 4.0, 15.0]), x[[1, 2, 2]], spend[[1, 2, 2]])
    assert gv_w == pytest.approx(gv_r, rel=1e-12)
    np.testing.assert_allclose(gg_w, gg_r, rtol=1e-10)


def test_frequency_spend_correlation_checks_and_value():
    table = pd.DataFrame({"frequency": [0, 1, 2, 3, 1], "monetary_value": [0.0, 10.0, 20.0, 25.0, 12.0]})
    repeat = table[table["frequency"] > 0]
    expected = np.corrcoef(repeat["frequency"], repeat["monetary_value"])[0, 1]
    assert frequency_spend_correlation(table) == pytest.approx(expected, rel=1e-12)
    three = pd.DataFrame({"frequency": [1, 2, 1], "monetary_value": [10.0, 20.0, 13.0]})
    assert -1 <= frequency_spend_correlation(three) <= 1                # three repeat buyers are enough
    with pytest.raises(ValueError, match=r"^The summary has no column monetary_value\.$"):
        frequency_spend_correlation(table[["frequency"]])
    with pytest.raises(ValueError, match=r"^The summary has no column frequency, monetary_value\.$"):
        frequency_spend_correlation(table[[]])
    with pytest.raises(ValueError, match="^Only 2 customers made a repeat purchase"):
        frequency_spend_correlation(three.iloc[:2])
    same = r"^Frequency or spend is the same for every repeat buyer: the correlation is undefined\.$"
    with pytest.raises(ValueError, match=same):
        frequency_spend_correlation(three.assign(frequency=1))
    with pytest.raises(ValueError, match=same):
        frequency_spend_correlation(three.assign(monetary_value=5.0))
    two_levels = pd.DataFrame({"frequency": [1, 2, 1, 2], "monetary_value": [10.0, 20.0, 10.0, 20.0]})
    assert frequency_spend_correlation(two_levels) == pytest.approx(1.0)


def test_gamma_gamma_uses_only_repeat_buyers_with_weight():
    """Customers without a repeat purchase, or with weight 0, carry no spend information: leaving
    them in or out gives the same fit."""
    rng = np.random.default_rng(7)
    x = rng.integers(1, 6, 300)
    nu = rng.gamma(3.0, 1 / 20.0, 300)                      # each buyer's spend rate (Gamma-Gamma story)
    m = rng.gamma(6.0 * x, 1 / nu) / x                      # mean of x Gamma(6, nu) order values
    w = np.ones(300)
    x_all = np.concatenate([[0, 0, 2], x])
    m_all = np.concatenate([[0.0, 0.0, 30.0], m])
    w_all = np.concatenate([[5.0, 1.0, 0.0], w])
    full = GammaGamma("week").fit(x_all, m_all, weights=w_all)
    only = GammaGamma("week").fit(x, m, weights=w)
    np.testing.assert_allclose(full.params_, only.params_, rtol=1e-8)
    assert full.n_obs_ == only.n_obs_ == 300


def test_gamma_gamma_needs_two_repeat_buyers_and_says_what_to_pass():
    with pytest.raises(ValueError, match="did not settle"):          # two pass the count check ...
        GammaGamma("week").fit([1, 2], [10.0, 25.0])                 # ... but cannot pin the model down
    with pytest.raises(ValueError, match=r"found 1\. Use a longer calibration period or more customers\.$"):
        GammaGamma("week").fit([0, 2], [0.0, 25.0])
    with pytest.raises(ValueError, match=r"^Pass monetary_value along with frequency \(or a summary DataFrame\)\.$"):
        GammaGamma("week").fit([1, 2])
    with pytest.raises(ValueError, match=r"^The customer summary given to GammaGamma has no column monetary_value"):
        GammaGamma("week").fit(pd.DataFrame({"frequency": [1, 2]}))


def test_expected_purchases_checks_the_unit_of_t():
    model = BetaGeoNBD.from_params(PUBLISHED, time_unit="week")
    with pytest.raises(UnitMismatchError, match="time t"):
        model.expected_purchases(12, time_unit="month")
    assert model.expected_purchases(39, time_unit="week") == pytest.approx(model.expected_purchases(39))


def test_bgnbd_unit_mismatch_messages_name_what_is_in_the_wrong_unit():
    ds = load_dataset()
    weekly = summarize_transactions(ds.orders, ds.analysis_date, time_unit="week")
    with pytest.raises(UnitMismatchError) as caught:
        BetaGeoNBD(time_unit="month").fit(weekly)
    assert str(caught.value) == (
        "The model was fitted in months but the customer summary is in weeks. Convert the customer "
        "summary to months (clvlib.core.units.convert_periods) or refit the model."
    )
    model = BetaGeoNBD.from_params({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}, time_unit="week")
    with pytest.raises(UnitMismatchError) as caught:
        model.expected_purchases(12, time_unit="month")
    assert str(caught.value).startswith("The model was fitted in weeks but the time t is in months.")
