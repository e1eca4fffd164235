"""BG/NBD: what users read when their histories are wrong, how identical histories are
compressed, and the likelihood the fit maximises, against values worked out by hand.

The paper's formulas, the fit on simulated truth and the CLV combination are tested in
test_bgnbd_gammagamma.py; the published CDNOW numbers in test_bgnbd_reference.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import hyp2f1

from clvlib.core.units import UnitMismatchError
from clvlib.models.noncontractual import BetaGeoNBD
from clvlib.models.noncontractual import bgnbd as bg
from clvlib.models.noncontractual.bgnbd import compress_histories, histories_table
from tests.models.finite_differences import central_difference_gradient

PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}  # FHL (2005), CDNOW, weeks


# ------------------------------------------------------------------ bad histories
def _message(*args) -> str:
    with pytest.raises(ValueError) as caught:
        compress_histories(*args)
    return str(caught.value)


def test_every_problem_in_the_histories_is_listed_in_one_message():
    """One bad row of each kind: the user learns all five problems at once, in one sentence."""
    x = [1.5, 2, 2, 0, 3]
    t_x = [1.0, -1.0, 12.0, 4.0, 2.0]
    T = [10.0, 10.0, 10.0, 10.0, 10.0]
    assert _message(x, t_x, T, [1, 1, 1, 1, -2]) == (
        "Invalid customer histories: frequency must be a whole number of repeat purchases, 0 or more; "
        "recency must be 0 or more; recency cannot exceed T (the last purchase is before the observation end); "
        "recency must be 0 for customers with no repeat purchase; weights must be 0 or more."
    )
    assert _message([-1, 2], [0.0, 3.0], [5.0, 5.0]) == (
        "Invalid customer histories: frequency must be a whole number of repeat purchases, 0 or more."
    )
    assert _message([0, 2], [3.0, 3.0], [5.0, 5.0]) == (
        "Invalid customer histories: recency must be 0 for customers with no repeat purchase."
    )
    # 1.5 T is far past the end, whatever rounding slack is allowed.
    assert _message([1, 2], [1.0, 7.5], [5.0, 5.0]).endswith("recency cannot exceed T (the last purchase is before the observation end).")


def test_histories_on_every_boundary_are_valid():
    """No repeat purchase (x = 0, t_x = 0), one repeat purchase, a last purchase on the last day
    (t_x = T, and T up to rounding), a fractional and a zero weight: all legitimate."""
    T = 10.0
    x = [0, 1, 1, 2, 3]
    t_x = [0.0, 0.0, 0.5, T, T * (1 + 1e-12)]   # float noise from a unit conversion is not "after the end"
    table = compress_histories(x, t_x, [T] * 5, [1.0, 0.5, 1.0, 0.0, 2.0])
    assert table["frequency"].tolist() == [0.0, 1.0, 1.0, 3.0]    # the zero-weight row stands for nobody
    assert table["n_customers"].tolist() == [1.0, 0.5, 1.0, 2.0]


def test_missing_values_and_mismatched_lengths_are_named():
    assert _message([1, np.nan], [1.0, 2.0], [3.0, 4.0]) == "frequency has 1 missing or infinite values."
    assert _message([1, 2], [np.inf, 2.0], [3.0, 4.0]) == "recency has 1 missing or infinite values."
    assert _message([1, 2], [1.0, 2.0], [3.0, np.nan]) == "T has 1 missing or infinite values."
    assert _message([1, 2], [1.0, 2.0], [3.0, 4.0], [1.0, np.nan]) == "weights has 1 missing or infinite values."
    same_length = "frequency, recency and T must have the same length (one value per customer)."
    assert _message([1, 2, 3], [1.0, 2.0], [3.0, 4.0]) == same_length
    assert _message([1, 2], [1.0, 2.0], [3.0, 4.0, 5.0]) == same_length
    assert _message([1, 2], [1.0, 2.0], [3.0, 4.0], [1.0]) == "weights must have one value per row of frequency/recency/T."


def test_fit_says_what_to_pass():
    with pytest.raises(ValueError) as caught:
        BetaGeoNBD("week").fit([1, 2], [1.0, 2.0])
    assert str(caught.value) == "Pass recency and T along with frequency (or a summary DataFrame)."
    with pytest.raises(ValueError) as caught:
        BetaGeoNBD("week").fit(pd.DataFrame({"frequency": [1, 2], "T": [3.0, 4.0]}))
    assert str(caught.value) == (
        "The customer summary given to BetaGeoNBD has no column recency (it has frequency, T). "
        "For a calibration/holdout split use clvlib.transactions.calibration_summary(split) first."
    )
    with pytest.raises(ValueError) as caught:
        BetaGeoNBD("week").fit([0, 0, 0], [0.0, 0.0, 0.0], [10.0, 20.0, 30.0])
    assert str(caught.value) == (
        "No customer made a repeat purchase, so nothing tells the model how often people buy or when "
        "they drop out. Use a longer calibration period or more customers."
    )
    # Everybody bought every week without fail: the optimiser runs off, and the message says why.
    with pytest.raises(ValueError) as caught:
        BetaGeoNBD("week").fit([10, 10, 10, 10], [10.0] * 4, [10.0] * 4)
    assert str(caught.value).startswith("The BG/NBD fit did not settle: ")
    assert str(caught.value).endswith(
        "The data do not pin the model down (too few customers, or too few with repeat purchases); "
        "use more customers or a longer calibration period."
    )


def test_the_smallest_customer_base_that_can_be_fitted():
    """Two customers, one of whom bought again once, pass the checks (the fit itself may then
    say the data are too few); the table keeps both."""
    model = BetaGeoNBD("week")
    table = histories_table(model, [1, 0], [2.0, 0.0], [5.0, 5.0], None, "BG/NBD")
    assert table["n_customers"].tolist() == [1.0, 1.0] and table["frequency"].tolist() == [0.0, 1.0]
    one_repeat_each = histories_table(model, [1, 1, 0], [2.0, 3.0, 0.0], [5.0, 5.0, 5.0], None, "BG/NBD")
    assert one_repeat_each["n_customers"].sum() == 3


# ------------------------------------------------------------------ compression
def test_identical_histories_are_counted_once_with_their_weights():
    """A crafted log with neighbours differing in x only, in t_x only and in T only, repeats in
    shuffled order, a fractional weight and a history nobody has (weight 0). Expected table by hand,
    sorted by (frequency, recency, T)."""
    x = [2, 0, 2, 1, 2, 0, 2, 2, 3, 1]
    t_x = [5.0, 0.0, 5.0, 5.0, 5.0, 0.0, 6.0, 5.0, 4.0, 5.0]
    T = [10.0, 8.0, 12.0, 10.0, 10.0, 8.0, 12.0, 10.0, 9.0, 10.0]
    w = [1.0, 2.0, 0.5, 1.0, 3.0, 1.0, 1.0, 2.0, 0.0, 0.25]
    expected = pd.DataFrame({
        "frequency": [0.0, 1.0, 2.0, 2.0, 2.0],
        "recency": [0.0, 5.0, 5.0, 5.0, 6.0],
        "T": [8.0, 10.0, 10.0, 12.0, 12.0],
        "n_customers": [2.0 + 1.0, 1.0 + 0.25, 1.0 + 3.0 + 2.0, 0.5, 1.0],
    })
    pd.testing.assert_frame_equal(compress_histories(x, t_x, T, w), expected)
    unweighted = compress_histories(x, t_x, T)
    assert unweighted["n_customers"].tolist() == [2.0, 2.0, 3.0, 1.0, 1.0, 1.0]   # (3, 4, 9) counts once


def test_a_fit_on_eight_customers_records_what_it_found():
    """Eight customers, five distinct histories: the recorded log-likelihood is the per-customer sum
    at the estimates, the estimates are a maximum (zero slope), standard errors exist, sizes and
    unit are the data's."""
    x = np.array([0, 1, 1, 2, 2, 3, 0, 5])
    t_x, T = np.array([0.0, 2.0, 2.0, 8.0, 8.0, 3.0, 0.0, 9.0]), np.full(8, 10.0)
    model = BetaGeoNBD("week").fit(x, t_x, T)
    assert model.n_histories_ == 5 and model.n_customers_ == 8 and model.n_obs_ == 8
    assert model.time_unit_.value == "week"
    params = model.params_.to_numpy()
    assert model.log_likelihood_ == pytest.approx(float(bg.log_likelihood_per_customer(params, x, t_x, T).sum()), rel=1e-12)
    _, grad = bg.log_likelihood_and_gradient(params, x, t_x, T)
    assert np.max(np.abs(grad * params)) < 1e-5
    # Eight customers pin down the purchase rate (r, alpha) but hardly the dropout (a, b), whose
    # standard errors are undefined here; r's and alpha's come from the Hessian.
    std_error = model.summary["std_error"].to_numpy()
    assert np.all(np.isfinite(std_error[:2])) and np.all(std_error[:2] > 0)


# ------------------------------------------------------------------ the likelihood the fit uses
@pytest.mark.parametrize("params", [(0.243, 4.414, 0.793, 2.426), (1.7, 0.6, 2.5, 0.8)])
def test_the_compressed_likelihood_is_the_sum_over_customers(params):
    """The fast path (grouped by x and T, weighted) equals the per-customer log-likelihood of
    FHL eq. 6 (itself checked term by term against the paper) summed customer by customer."""
    x = np.array([0, 0, 1, 1, 2, 4, 4, 7, 0, 1])
    t_x = np.array([0.0, 0.0, 3.0, 3.0, 9.5, 20.0, 11.0, 30.0, 0.0, 38.0])
    T = np.array([39.0, 12.0, 39.0, 20.0, 39.0, 39.0, 25.0, 31.0, 39.0, 38.0])
    w = np.array([3.0, 1.0, 2.0, 1.0, 1.0, 0.5, 1.0, 2.0, 4.0, 1.0])
    per_customer = bg.log_likelihood_per_customer(params, x, t_x, T)
    value, _ = bg.log_likelihood_and_gradient(np.array(params), x, t_x, T, w)
    assert value == pytest.approx(float(w @ per_customer), rel=1e-12)
    value_1, _ = bg.log_likelihood_and_gradient(np.array(params), x, t_x, T)
    assert value_1 == pytest.approx(float(per_customer.sum()), rel=1e-12)


def test_the_gradient_of_a_few_hand_picked_histories_matches_finite_differences():
    """Mixed histories (repeaters and one-time buyers, several T) where every gradient term counts."""
    x = np.array([0.0, 0.0, 1.0, 2.0, 6.0])
    t_x = np.array([0.0, 0.0, 1.0, 30.0, 12.0])
    T = np.array([40.0, 8.0, 40.0, 35.0, 40.0])
    w = np.array([2.0, 1.0, 1.0, 3.0, 1.0])
    params = np.array([0.7, 3.0, 1.4, 2.2])
    _, grad = bg.log_likelihood_and_gradient(params, x, t_x, T, w)
    numeric = central_difference_gradient(lambda p: bg.log_likelihood_and_gradient(p, x, t_x, T, w)[0], params)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6)


# ------------------------------------------------------------------ forecasts
@pytest.mark.parametrize("params", [PUBLISHED, {"r": 1.7, "alpha": 0.6, "a": 2.5, "b": 0.8}])
def test_forecasts_from_known_parameters_equal_the_papers_printed_formulas(params):
    """FHL (2005) eq. 9 (E[X(t)]), eq. 10 (E[Y(t) | x, t_x, T]) and P(alive), written as printed in
    the paper (hypergeometric argument t/(alpha+t), not clvlib's Pfaff form with -t/alpha), for
    a < 1 and a > 1 and histories with no, one and many repeat purchases, the last one on day T."""
    model = BetaGeoNBD.from_params(params, time_unit="week")
    r, alpha, a, b = (params[k] for k in ("r", "alpha", "a", "b"))
    t = np.array([0.5, 13.0, 52.0, 260.0])
    eq_9 = (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, t / (alpha + t)))
    np.testing.assert_allclose(model.expected_purchases(t), eq_9, rtol=1e-10)
    assert float(model.expected_purchases(0.0)) == 0.0
    x = np.array([0.0, 0.0, 1.0, 1.0, 3.0, 12.0, 12.0])
    t_x = np.array([0.0, 0.0, 2.0, 30.0, 36.0, 10.0, 39.0])
    T = np.array([5.0, 39.0, 39.0, 30.0, 39.0, 39.0, 39.0])
    odds_dead = np.where(x > 0, a / (b + np.maximum(x, 1) - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x), 0.0)
    np.testing.assert_allclose(model.probability_alive(x, t_x, T), 1 / (1 + odds_dead), rtol=1e-12)
    for horizon in (1.0, 39.0):
        eq_10 = (
            (a + b + x - 1) / (a - 1)
            * (1 - ((alpha + T) / (alpha + T + horizon)) ** (r + x)
               * hyp2f1(r + x, b + x, a + b + x - 1, horizon / (alpha + T + horizon)))
            / (1 + odds_dead)
        )
        np.testing.assert_allclose(model.conditional_expected_purchases(horizon, x, t_x, T), eq_10, rtol=1e-10)


def test_a_horizon_in_another_unit_is_refused_by_both_forecasts():
    """12 months fed to a weekly model would forecast 12 weeks: both forecasts refuse, saying what to do."""
    model = BetaGeoNBD.from_params(PUBLISHED, time_unit="week")
    message = ("The model was fitted in weeks but the time t is in months. Convert the time t to weeks "
               "(clvlib.core.units.convert_periods) or refit the model.")
    with pytest.raises(UnitMismatchError) as caught:
        model.expected_purchases(12, time_unit="month")
    assert str(caught.value) == message
    with pytest.raises(UnitMismatchError) as caught:
        model.conditional_expected_purchases(12, 2, 30.0, 39.0, time_unit="month")
    assert str(caught.value) == message
    same = model.conditional_expected_purchases(52, 2, 30.0, 39.0, time_unit="week")
    assert float(same) == float(model.conditional_expected_purchases(52, 2, 30.0, 39.0))


# ------------------------------------------------------------------ forecasts that cannot be computed
def test_a_forecast_the_hypergeometric_function_cannot_give_raises_in_plain_english():
    """a + b = 1 puts a pole in 2F1(.; .; a+b-1; .): no number is better than inf passed on to CLV."""
    model = BetaGeoNBD.from_params({"r": 0.5, "alpha": 2.0, "a": 0.5, "b": 0.5}, time_unit="week")
    message = ("The hypergeometric function in the BG/NBD forecast could not be evaluated for some customers "
               "(extreme parameters or horizon); try a shorter horizon.")
    with pytest.raises(ValueError) as caught:
        model.expected_purchases(10.0)
    assert str(caught.value) == message
    with pytest.raises(ValueError) as caught:   # one customer of two is enough to refuse
        model.conditional_expected_purchases(10.0, [2, 0], [1.0, 0.0], [5.0, 5.0])
    assert str(caught.value) == message


def test_a_model_saved_without_the_number_of_histories_loads():
    """Files saved before n_histories_ existed have no such entry: it loads as unknown (None)."""
    saved = BetaGeoNBD.from_params(PUBLISHED, time_unit="week").to_dict()
    saved["extra"] = {}
    assert BetaGeoNBD.from_dict(saved).n_histories_ is None
    saved["extra"] = {"n_histories": 17.0}
    assert BetaGeoNBD.from_dict(saved).n_histories_ == 17
