"""P(X(t) = n), the calibration histogram of repeat purchases and its chi-square test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats
from scipy.special import betaln, gammaln
from test_bgnbd_reference import FHL_2005, calibration, cdnow_sample  # noqa: F401  (module fixtures)

from clvlib.core.units import UnitMismatchError
from clvlib.models.noncontractual import BetaGeoNBD, GammaGamma
from clvlib.models.noncontractual.goodness_of_fit import (
    bgnbd_pmf,
    chi_square_test,
    paretonbd_pmf,
    probability_of_n_purchases,
    repeat_purchase_histogram,
)

CDNOW = BetaGeoNBD.from_params(FHL_2005, time_unit="week")


def test_btyd_reference_probability_of_no_repeat_purchase_in_39_weeks():
    """R BTYD ``bgnbd.pmf(c(0.243, 4.414, 0.793, 2.426), t = 39, x = 0)`` = 0.5737864
    (Fader, Hardie & Lee 2005, eq. 8, at their CDNOW estimates)."""
    assert round(float(probability_of_n_purchases(CDNOW, 0, 39.0)), 7) == 0.5737864
    assert round(float(bgnbd_pmf(list(FHL_2005.values()), 0, 39.0)), 7) == 0.5737864


def _eq8_by_hand(r, alpha, a, b, n, t):
    """FHL (2005) eq. 8 written out with its finite sum over j (no negative binomial library)."""
    nb = [np.exp(gammaln(r + j) - gammaln(r) - gammaln(j + 1) + r * np.log(alpha / (alpha + t))
                 + j * np.log(t / (alpha + t))) for j in range(n + 1)]
    out = np.exp(betaln(a, b + n) - betaln(a, b)) * nb[n]
    if n > 0:
        out += np.exp(betaln(a + 1, b + n - 1) - betaln(a, b)) * (1 - sum(nb[:n]))
    return out


@pytest.mark.parametrize("n", [0, 1, 2, 5, 12])
@pytest.mark.parametrize("t", [0.5, 39.0, 78.0])
def test_pmf_equals_the_papers_formula_with_its_finite_sum(n, t):
    assert float(bgnbd_pmf(list(FHL_2005.values()), n, t)) == pytest.approx(
        _eq8_by_hand(*FHL_2005.values(), n, t), rel=1e-10
    )


@pytest.mark.parametrize("t", [1.0, 39.0, 78.0, 400.0])
def test_pmf_sums_to_one_and_its_mean_is_the_models_expected_purchases(t):
    n = np.arange(5000)
    pmf = probability_of_n_purchases(CDNOW, n, t)
    assert pmf.sum() == pytest.approx(1.0, abs=1e-10)
    assert n @ pmf == pytest.approx(float(CDNOW.expected_purchases(t)), rel=1e-9)


def test_pmf_broadcasts_and_is_a_point_mass_at_zero_for_no_time():
    table = probability_of_n_purchases(CDNOW, np.arange(3)[:, None], np.array([0.0, 39.0]))
    assert table.shape == (3, 2)
    np.testing.assert_array_equal(table[:, 0], [1.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="whole number"):
        bgnbd_pmf(list(FHL_2005.values()), 1.5, 39.0)
    with pytest.raises(ValueError, match="t must be"):
        bgnbd_pmf(list(FHL_2005.values()), 1, -1.0)


# Pareto/NBD at FHL's CDNOW estimates, and a case with alpha < beta (the other branch).
PARETO = [(0.553, 10.578, 0.606, 11.669), (0.553, 10.578, 0.606, 5.0), (2.0, 3.0, 1.5, 40.0)]


def _pareto_by_quadrature(r, alpha, s, beta, n, t):
    """Alive at t with n purchases, or died at tau < t after n of them (a 1-d integral over tau)."""
    alive = stats.nbinom.pmf(n, r, alpha / (alpha + t)) * (beta / (beta + t)) ** s
    died = integrate.quad(lambda tau: s / beta * (beta / (beta + tau)) ** (s + 1)
                          * stats.nbinom.pmf(n, r, alpha / (alpha + tau)), 0, t, epsabs=1e-14, epsrel=1e-12)[0]
    return alive + died


@pytest.mark.parametrize("params", PARETO)
def test_pareto_nbd_pmf_equals_the_integral_it_solves(params):
    for n in (0, 1, 3, 10):
        for t in (1.0, 39.0, 78.0):
            assert float(paretonbd_pmf(params, n, t)) == pytest.approx(_pareto_by_quadrature(*params, n, t), rel=1e-6, abs=1e-15)


@pytest.mark.parametrize("params", PARETO)
def test_pareto_nbd_pmf_sums_to_one_with_the_models_mean(params):
    """Mean against E[X(t)] = r beta / (alpha (s-1)) [1 - (beta/(beta+t))^(s-1)] (FHL's note, eq. 17)."""
    r, alpha, s, beta = params
    n = np.arange(100)  # the tail beyond 100 purchases in 10 weeks is below 1e-9 for all three
    pmf = paretonbd_pmf(params, n, 10.0)
    assert pmf.sum() == pytest.approx(1.0, abs=1e-8)
    mean = r * beta / (alpha * (s - 1)) * (1 - (beta / (beta + 10.0)) ** (s - 1))
    assert n @ pmf == pytest.approx(mean, rel=1e-7)


def test_pareto_nbd_pmf_says_when_it_cannot_be_evaluated():
    with pytest.raises(ValueError, match="cannot be evaluated for n as large as 399"):
        paretonbd_pmf(PARETO[2], np.arange(400), 39.0)


def test_a_model_without_a_count_distribution_says_so():
    spend = GammaGamma.from_params({"p": 6.25, "q": 3.74, "gamma": 15.44}, time_unit="week")
    with pytest.raises(TypeError, match="GammaGamma has no distribution of purchase counts"):
        probability_of_n_purchases(spend, 0, 39.0)
    with pytest.raises(UnitMismatchError):
        probability_of_n_purchases(CDNOW, 0, 9.0, time_unit="month")


@pytest.fixture(scope="module")
def small_summary():
    frequency = np.array([0, 0, 0, 1, 1, 2, 3, 4, 9, 0])
    return pd.DataFrame({"frequency": frequency, "recency": np.where(frequency > 0, 10.0, 0.0),
                         "T": [39.0, 30.0, 39.0, 20.0, 39.0, 12.0, 39.0, 35.0, 39.0, 5.0]})


def test_histogram_counts_customers_and_sums_each_customers_pmf(small_summary):
    table = repeat_purchase_histogram(CDNOW, small_summary, max_count=3)
    assert list(table.index) == [0, 1, 2, 3] and table.index.name == "repeat_purchases"
    assert table["actual"].tolist() == [4.0, 2.0, 1.0, 3.0]  # 3+ pools 3, 4 and 9
    # Row n: the sum over customers (each with their own T) of P(X(T_i) = n), one by one.
    by_customer = [sum(float(bgnbd_pmf(list(FHL_2005.values()), n, t)) for t in small_summary["T"]) for n in range(3)]
    np.testing.assert_allclose(table["expected"].iloc[:3], by_customer, rtol=1e-12)
    assert table["expected"].sum() == pytest.approx(10.0, abs=1e-12)
    assert table.attrs == {"time_unit": "week", "max_count": 3, "n_params": 4, "model": "BetaGeoNBD"}


def test_histogram_weights_by_n_customers_and_checks_its_inputs(small_summary):
    doubled = small_summary.assign(n_customers=2.0)
    pd.testing.assert_frame_equal(
        repeat_purchase_histogram(CDNOW, doubled, 3), 2 * repeat_purchase_histogram(CDNOW, small_summary, 3)
    )
    with pytest.raises(ValueError, match="max_count must be a whole number"):
        repeat_purchase_histogram(CDNOW, small_summary, max_count=0)
    with pytest.raises(ValueError, match="has no column T"):
        repeat_purchase_histogram(CDNOW, small_summary.drop(columns="T"))
    monthly = small_summary.copy()
    monthly.attrs["time_unit"] = "month"
    with pytest.raises(UnitMismatchError):
        repeat_purchase_histogram(CDNOW, monthly)


def test_chi_square_matches_scipy_on_the_same_table(small_summary):
    table = repeat_purchase_histogram(CDNOW, small_summary, max_count=7)
    result = chi_square_test(table, n_params=2)
    reference = stats.chisquare(table["actual"], table["expected"], ddof=2)
    assert result.statistic == pytest.approx(reference.statistic, rel=1e-12)
    assert result.p_value == pytest.approx(reference.pvalue, rel=1e-10)
    assert result.degrees_of_freedom == 8 - 1 - 2
    by_attrs = chi_square_test(table)  # the model's 4 parameters, from the table
    assert by_attrs.degrees_of_freedom == 3
    assert by_attrs.p_value == pytest.approx(stats.chisquare(table["actual"], table["expected"], ddof=4).pvalue)
    assert "degrees of freedom" in str(result)
    with pytest.raises(ValueError, match="no degrees of freedom"):
        chi_square_test(repeat_purchase_histogram(CDNOW, small_summary, max_count=3))


@pytest.mark.network
def test_cdnow_histogram_of_the_fitted_bgnbd(calibration):  # noqa: F811
    """FHL (2005) Figure 1: on the 39-week CDNOW calibration the BG/NBD's expected histogram
    tracks the actual one; 1,411 of 2,357 customers made no repeat purchase."""
    _, cal = calibration
    model = BetaGeoNBD("week").fit(cal)
    table = repeat_purchase_histogram(model, cal, max_count=7)
    assert table.loc[0, "actual"] == 1411 and table["actual"].sum() == 2357
    assert table["expected"].sum() == pytest.approx(2357)
    # The model fits the zero class closely (within 2%), as the paper's figure shows.
    assert table.loc[0, "expected"] == pytest.approx(1411, rel=0.02)
    result = chi_square_test(table)
    assert result.degrees_of_freedom == 3 and np.isfinite(result.statistic)
