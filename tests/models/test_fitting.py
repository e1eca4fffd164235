"""The shared fitting machinery (clvlib.models.fitting), checked on likelihoods solved by hand.

Most tests use two independent exponential rates: n1 customers with total waiting time S1
(rate a) and n2 with S2 (rate b),

    LL(a, b) = n1 ln a - a S1 + n2 ln b - b S2,

whose maximum is a = n1 / S1, b = n2 / S2 exactly, whose Hessian is diag(-n1 / a^2, -n2 / b^2),
so the standard errors are a / sqrt(n1), b / sqrt(n2), and the covariance of (ln a, ln b) is
diag(1 / n1, 1 / n2). A wrong optimiser, step, sign or scale moves these known numbers.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

from clvlib.models import fitting
from clvlib.models.contractual import ShiftedBetaGeometric


def _rates(n1: float, s1: float, n2: float, s2: float):
    """value_and_grad of LL(a, b) = n1 ln a - a S1 + n2 ln b - b S2 (maximum at n1/S1, n2/S2)."""

    def value_and_grad(params):
        a, b = params
        return n1 * np.log(a) - a * s1 + n2 * np.log(b) - b * s2, np.array([n1 / a - s1, n2 / b - s2])

    return value_and_grad


def _one(ll_of_log, dll_dlog):
    """value_and_grad of a one-parameter LL written in x = ln a (dLL/da = dLL/dx / a)."""

    def value_and_grad(params):
        x = float(np.log(params[0]))
        return ll_of_log(x), np.array([dll_dlog(x) / params[0]])

    return value_and_grad


class _Rates:
    """What log_parameter_covariance reads from a fitted model: its estimates and its LL.

    (Not a FittedModel subclass: tests/models/test_model_contract.py would find it and ask for a recipe.)
    """

    def __init__(self, params, value_and_grad):
        self.params_ = pd.Series(params, index=["a", "b"], dtype=float)
        self._value_and_grad = value_and_grad


# --------------------------------------------------------------------------- the optimiser


@pytest.mark.parametrize("n", [0.3, 30.0, 3e6], ids=["LL below 1", "30 customers", "3 million customers"])
def test_the_maximum_is_found_to_eight_digits_whatever_the_size_of_the_data(n):
    """a = n / (4 n) = 0.25, b = 2n / (2n / 40) = 40, from several starts and from one.

    The objective is scaled by the log-likelihood at the first start, so the same tolerances
    give the same precision for a fraction of a customer (|LL| < 1) and for 3 million.
    """
    value_and_grad = _rates(n, 4 * n, 2 * n, 2 * n / 40)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a fit warns about nothing (an optimiser option misspelt would)
        several = fitting.maximize_log_likelihood(value_and_grad, [[0.0, 0.0], [1.0, 3.0]], ["a", "b"], "Test")
    np.testing.assert_allclose(several, [0.25, 40.0], rtol=1e-7)
    one = fitting.maximize_log_likelihood(value_and_grad, np.array([2.0, -1.0]), ["a", "b"], "Test")
    np.testing.assert_allclose(one, [0.25, 40.0], rtol=1e-7)


def _two_hills(x):
    return np.exp(-((x + 2) ** 2)) + 2 * np.exp(-((x - 2) ** 2))


def _two_hills_slope(x):
    return -2 * (x + 2) * np.exp(-((x + 2) ** 2)) - 4 * (x - 2) * np.exp(-((x - 2) ** 2))


@pytest.mark.parametrize("starts", [[[-2.5], [2.5]], [[2.5], [-2.5]]], ids=["global second", "global first"])
def test_the_best_of_several_starts_is_kept(starts):
    """LL(x) = exp(-(x+2)^2) + 2 exp(-(x-2)^2), x = ln a: a local maximum (height 1) near x = -2
    and the global one (height 2) near x = +2. From x = -2.5 alone the fit ends on the local
    hill; whichever order the starts come in, the global maximum is returned."""
    value_and_grad = _one(_two_hills, _two_hills_slope)
    local = fitting.maximize_log_likelihood(value_and_grad, [-2.5], ["a"], "Test")
    assert np.log(local[0]) == pytest.approx(-2.0, abs=1e-4)  # the trap is real
    best = fitting.maximize_log_likelihood(value_and_grad, starts, ["a"], "Test")
    top = optimize.brentq(_two_hills_slope, 1.5, 2.5, xtol=1e-14)  # the slope's root on the high hill
    assert np.log(best[0]) == pytest.approx(top, abs=1e-6)


def test_of_equally_good_starts_the_first_is_kept():
    """LL(x) = -(|x| - 1)^2 outside [-1, 1] and 0 on it, x = ln a: a plateau. Both starts sit on it
    (slope 0, LL 0 exactly), so neither is better and the first (a model's preferred start) wins."""

    def ll(x):
        return -(max(abs(x) - 1.0, 0.0) ** 2)

    def dll(x):
        return -2.0 * np.sign(x) * max(abs(x) - 1.0, 0.0)

    for first, second in ((-0.5, 0.5), (0.5, -0.5)):
        kept = fitting.maximize_log_likelihood(_one(ll, dll), [[first], [second]], ["a"], "Test")
        assert kept[0] == np.exp(first)


def test_a_region_where_the_likelihood_is_undefined_is_stepped_around():
    """LL(a) = 2 ln a - a for a < 3 and undefined (-inf) beyond: the maximum is a = 2 exactly.

    From a = exp(-3) the first trial step of L-BFGS-B lands at the upper bound, where the LL is
    -inf; the fit must back off and still find a = 2, not stop where the step failed."""

    def value_and_grad(params):
        a = params[0]
        if a >= 3.0:
            return -np.inf, np.array([np.nan])
        return 2.0 * np.log(a) - a, np.array([2.0 / a - 1.0])

    for start in (-3.0, 0.0, -10.0):
        assert fitting.maximize_log_likelihood(value_and_grad, [start], ["a"], "Test")[0] == pytest.approx(2.0, rel=1e-6)


def _runs_off(towards_zero: tuple[bool, ...]):
    """LL(params) = sum of -p (runs to zero) or -1/p (runs to infinity): no interior maximum."""
    signs = np.array([1.0 if z else -1.0 for z in towards_zero])

    def value_and_grad(params):
        p = np.asarray(params, dtype=float)
        terms = np.where(signs > 0, -p, -1.0 / p)
        grad = np.where(signs > 0, -1.0, 1.0 / p**2)
        return float(terms.sum()), grad

    return value_and_grad


SETTLE_HINT = (
    "The data do not pin the model down (too few customers, or too few with repeat purchases); "
    "use more customers or a longer calibration period."
)


@pytest.mark.parametrize(
    "towards_zero, which, where",
    [((False,), "a", "infinity"), ((True,), "a", "zero"), ((True, True), "a, b", "zero"),
     ((False, False), "a, b", "infinity")],
)
def test_a_parameter_that_runs_off_is_named_in_plain_words(towards_zero, which, where):
    names = ["a", "b"][: len(towards_zero)]
    with pytest.raises(ValueError) as caught:
        fitting.maximize_log_likelihood(_runs_off(towards_zero), [0.0] * len(names), names, "Test")
    assert str(caught.value) == f"The Test fit did not settle: {which} ran off towards {where}. {SETTLE_HINT}"


def test_only_the_parameter_that_runs_off_is_named():
    """b runs to infinity while a has its maximum at exp(-0.5): only b is named."""

    def value_and_grad(params):
        a, b = params
        return -((np.log(a) + 0.5) ** 2) - 1.0 / b, np.array([-2.0 * (np.log(a) + 0.5) / a, 1.0 / b**2])

    with pytest.raises(ValueError) as caught:
        fitting.maximize_log_likelihood(value_and_grad, [0.0, 0.0], ["a", "b"], "Test")
    assert str(caught.value) == f"The Test fit did not settle: b ran off towards infinity. {SETTLE_HINT}"


def test_a_model_whose_edge_means_something_stops_exactly_at_the_bound():
    """raise_at_edge=False (the sBG, whose edge is constant churn): b stops at exp(upper bound)
    exactly, a = n1 / S1 = 0.25 is still found."""

    def value_and_grad(params):
        a, b = params
        return 3.0 * np.log(a) - 12.0 * a - 1.0 / b, np.array([3.0 / a - 12.0, 1.0 / b**2])

    params = fitting.maximize_log_likelihood(
        value_and_grad, [[0.0, 0.0], [1.0, 3.0]], ["a", "b"], "Test", log_bounds=(-8.0, 12.0), raise_at_edge=False
    )
    assert params[1] == np.exp(12.0)
    assert params[0] == pytest.approx(0.25, rel=1e-7)


@pytest.mark.parametrize(
    "bounds, optimum, where",
    [((-0.5, 3.0), 0.0, "zero"), ((-3.0, 1.5), 0.8, "infinity"), ((3.0, 6.0), 3.5, "zero"),
     ((1.0, 6.0), 5.5, "infinity")],
)
def test_the_direction_named_is_the_side_of_the_bound(bounds, optimum, where):
    """Within 1 of a bound counts as the edge, whatever the sign of ln a: with bounds (-0.5, 3) a
    maximum at ln a = 0 is near the lower bound (towards zero), with (-3, 1.5) one at 0.8 is near
    the upper bound (towards infinity); 3.5 is near the lower of (3, 6), 5.5 the upper of (1, 6)."""
    value_and_grad = _one(lambda x: -((x - optimum) ** 2), lambda x: -2.0 * (x - optimum))
    with pytest.raises(ValueError) as caught:
        fitting.maximize_log_likelihood(value_and_grad, [optimum], ["a"], "Test", log_bounds=bounds)
    assert str(caught.value) == f"The Test fit did not settle: a ran off towards {where}. {SETTLE_HINT}"


@pytest.mark.parametrize("optimum", [-3.5, 3.5, -4.0, 4.0])
def test_a_maximum_more_than_one_log_unit_inside_the_bounds_is_accepted(optimum):
    """With bounds (-5, 5) on ln a, "at the edge" means within 1 of a bound, exclusive: a maximum
    at ln a = +-3.5 is interior, and so is one exactly at +-4 (the start, where the slope is 0)."""
    value_and_grad = _one(lambda x: -((x - optimum) ** 2), lambda x: -2.0 * (x - optimum))
    start = [optimum] if abs(optimum) == 4.0 else [0.0]
    params = fitting.maximize_log_likelihood(value_and_grad, start, ["a"], "Test", log_bounds=(-5.0, 5.0))
    assert np.log(params[0]) == pytest.approx(optimum, abs=1e-6)


def test_a_fit_that_fails_says_it_did_not_converge():
    """A gradient that contradicts the likelihood (its sign flipped for a > 0.25): the line search
    fails far from a stationary point, and the fit says so instead of returning a guess."""

    def value_and_grad(params):
        a = params[0]
        slope = 30.0 / a - 120.0  # LL = 30 ln a - 120 a
        return 30.0 * np.log(a) - 120.0 * a, np.array([abs(slope) + 5.0])

    with pytest.raises(ValueError, match=r"^The Test fit did not converge \(.+\)\.$"):
        fitting.maximize_log_likelihood(value_and_grad, [0.0], ["a"], "Test")


def test_a_likelihood_with_rounding_noise_is_accepted_next_to_its_maximum():
    """LL = 30 ln a - 120 a + 0.5 ln b plus a wiggle of 1e-8 (rounding noise, as in a sum over
    millions of customers). Next to the maximum the noise beats the gain, so the line search
    gives up (L-BFGS-B: "ABNORMAL") with a's slope ~1e-8: the fit is accepted, a = 30/120.
    b has no maximum; with raise_at_edge=False it stops at its bound, where its slope still
    points outwards (4e-3 on the scaled objective) and does not count against convergence."""

    def value_and_grad(params):
        a, b = params
        ll = 30.0 * np.log(a) - 120.0 * a + 0.5 * np.log(b)
        return float(ll + 1e-8 * np.sin(1e9 * a)), np.array([30.0 / a - 120.0, 0.5 / b])

    params = fitting.maximize_log_likelihood(
        value_and_grad, [0.0, 0.0], ["a", "b"], "Test", log_bounds=(-8.0, 12.0), raise_at_edge=False
    )
    assert params[0] == pytest.approx(0.25, rel=1e-6)
    assert params[1] == np.exp(12.0)


# --------------------------------------------------------------------------- the penalizer


def test_the_penalty_pulls_a_rate_towards_one_by_the_closed_form():
    """Penalised, one rate: maximise n ln a - a S - c n (ln a)^2. Its slope in x = ln a is
    n - S e^x - 2 c n x = 0; with n = 10, S = 40 (a = 0.25 unpenalised) and c = 0.1 the root is
    found by bisection below; the penalised fit lands on it, between 0.25 and 1."""
    n, s, c = 10.0, 40.0, 0.1

    def value_and_grad(params):
        a = params[0]
        return n * np.log(a) - a * s, np.array([n / a - s])

    penalized = fitting.penalized(value_and_grad, c, n)
    lo, hi = np.log(0.25), 0.0
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if n - s * np.exp(mid) - 2 * c * n * mid > 0 else (lo, mid)
    fitted = fitting.maximize_log_likelihood(penalized, [0.0], ["a"], "Test")[0]
    assert fitted == pytest.approx(np.exp(lo), rel=1e-7)
    assert 0.25 < fitted < 1.0
    value, grad = penalized(np.array([0.5]))
    assert value == pytest.approx(n * np.log(0.5) - 0.5 * s - c * n * np.log(0.5) ** 2, rel=1e-14)
    assert grad[0] == pytest.approx(n / 0.5 - s - 2 * c * n * np.log(0.5) / 0.5, rel=1e-14)


def test_no_penalty_is_the_likelihood_itself():
    value_and_grad = _rates(30.0, 120.0, 60.0, 1.5)
    assert fitting.penalized(value_and_grad, 0.0, 90) is value_and_grad
    # coef 1 is a penalty like any other: 1 * 90 customers * (ln 2)^2 off the LL at a = b = 2
    value, _ = fitting.penalized(value_and_grad, 1.0, 90)(np.array([2.0, 2.0]))
    assert value == pytest.approx(value_and_grad([2.0, 2.0])[0] - 90 * 2 * np.log(2.0) ** 2, rel=1e-14)


@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf")])
def test_a_penalizer_that_is_not_a_number_0_or_more_is_refused(bad):
    with pytest.raises(ValueError) as caught:
        fitting.penalized(_rates(1, 1, 1, 1), bad, 10)
    assert str(caught.value) == f"penalizer_coef must be a number 0 or more (0.001 to 0.1 is usual); got {bad!r}."


# --------------------------------------------------------------------------- standard errors


def test_hessian_is_the_symmetrised_derivative_of_the_gradient():
    """gradient(p) = M p + p^3 (elementwise), M not symmetric: the Hessian is (M + M')/2 + diag(3 p^2)."""
    m = np.array([[1.0, 2.0], [-4.0, 0.5]])
    params = np.array([0.5, 2.0])
    hessian = fitting.hessian_from_gradient(lambda p: m @ p + p**3, params.copy())
    expected = (m + m.T) / 2 + np.diag(3 * params**2)
    np.testing.assert_allclose(hessian, expected, rtol=1e-8, atol=0)
    np.testing.assert_array_equal(params, [0.5, 2.0])  # the caller's parameters are left alone


def test_hessian_step_is_relative_to_the_parameter():
    """The step is h = 1e-5 p; central differences of a cubic are off by h^2: at p = 1e-3 that is
    1e-16 against the derivative 3 p^2 = 3e-6 (a relative 3e-11). A step not scaled with p
    (1e-5, say) would be off by a relative 3e-5."""
    hessian = fitting.hessian_from_gradient(lambda p: p**3, np.array([1e-3]))
    assert hessian[0, 0] == pytest.approx(3e-6, rel=1e-8)


def test_hessian_at_a_zero_parameter_uses_the_floor_step():
    """At p = 0 the step is 1e-5 * 1e-8: the cubic's derivative 3 p^2 = 0 is found to 1e-26."""
    hessian = fitting.hessian_from_gradient(lambda p: p**3 + 2.0 * p, np.array([0.0]))
    assert hessian[0, 0] == pytest.approx(2.0, abs=1e-12)


def test_standard_errors_are_the_closed_form_ones():
    """se(a) = a / sqrt(n1), se(b) = b / sqrt(n2): 0.25 / sqrt(30) and 40 / sqrt(60)."""
    value_and_grad = _rates(30.0, 120.0, 60.0, 1.5)
    params = np.array([0.25, 40.0])
    np.testing.assert_allclose(
        fitting.covariance_matrix(value_and_grad, params), np.diag([0.25**2 / 30, 40.0**2 / 60]), rtol=1e-6, atol=1e-12
    )
    np.testing.assert_allclose(
        fitting.standard_errors(value_and_grad, params), [0.25 / np.sqrt(30), 40.0 / np.sqrt(60)], rtol=1e-6
    )


def test_whole_number_parameters_are_differenced_as_floats():
    """At a = 1, b = 2 given as the integers [1, 2] (n1 = S1 = 30, n2 = 60, S2 = 30): the steps
    1e-5 and 2e-5 must not be rounded away; se = 1 / sqrt(30), 2 / sqrt(60)."""
    se = fitting.standard_errors(_rates(30.0, 30.0, 60.0, 30.0), [1, 2])
    np.testing.assert_allclose(se, [1 / np.sqrt(30), 2 / np.sqrt(60)], rtol=1e-6)


def test_a_saddle_or_a_flat_direction_has_no_standard_errors():
    """LL = a b (a saddle): -H = [[0, -1], [-1, 0]], its inverse has 0 on the diagonal, which is no
    variance at all: NaN, not 0. LL = a (flat in b): H singular, NaN for both."""
    saddle = fitting.standard_errors(lambda p: (p[0] * p[1], np.array([p[1], p[0]])), np.array([1.0, 2.0]))
    assert np.isnan(saddle).all()
    flat = fitting.standard_errors(lambda p: (p[0], np.array([1.0, 0.0])), np.array([1.0, 2.0]))
    assert np.isnan(flat).all()
    # One direction curved, one a valley the wrong way round: only the second is NaN.
    mixed = fitting.standard_errors(lambda p: (0.0, np.array([-p[0] / 0.5, p[1]])), np.array([1.0, 1.0]))
    assert mixed[0] == pytest.approx(np.sqrt(0.5), rel=1e-8) and np.isnan(mixed[1])


def test_log_parameter_covariance_is_one_over_the_counts():
    """Var(ln a) = Var(a) / a^2 = 1 / n1: diag(1/30, 1/60), the delta method on the closed form."""
    covariance = fitting.log_parameter_covariance(_Rates([0.25, 40.0], _rates(30.0, 120.0, 60.0, 1.5)))
    np.testing.assert_allclose(covariance, np.diag([1 / 30, 1 / 60]), rtol=1e-6, atol=1e-12)


def test_log_parameter_covariance_keeps_the_correlation():
    """LL = -(x^2 + y^2 + x y)/2 in x = ln a, y = ln b at x = y = 0: the information in (x, y) is
    [[1, 1/2], [1/2, 1]], so Cov(x, y) = its inverse, [[4/3, -2/3], [-2/3, 4/3]]."""

    def value_and_grad(params):
        x, y = np.log(params)
        dx, dy = -(x + y / 2), -(y + x / 2)
        return -(x * x + y * y + x * y) / 2, np.array([dx / params[0], dy / params[1]])

    model = _Rates([1.0, 1.0], value_and_grad)
    expected = np.array([[4.0, -2.0], [-2.0, 4.0]]) / 3
    np.testing.assert_allclose(fitting.log_parameter_covariance(model), expected, rtol=1e-6)


def test_log_parameter_covariance_needs_a_fit_on_data():
    known = ShiftedBetaGeometric.from_params({"alpha": 0.704, "beta": 1.182}, time_unit="year")
    unfitted = _Rates([0.25, 40.0], _rates(30.0, 120.0, 60.0, 1.5))
    unfitted.params_ = None
    never_fitted = ShiftedBetaGeometric("year")  # no params_, no log-likelihood at all
    for model, name in ((known, "ShiftedBetaGeometric"), (unfitted, "_Rates"), (never_fitted, "ShiftedBetaGeometric")):
        with pytest.raises(ValueError) as caught:
            fitting.log_parameter_covariance(model)
        assert str(caught.value) == (
            f"This {name} has no parameter uncertainty: it was not fitted on data (built with from_params or "
            "loaded from a file). Fit it on customer histories first."
        )


@pytest.mark.parametrize(
    "gradient",
    [lambda p: np.array([p[1], p[0]]), lambda p: np.array([1.0, 0.0])],
    ids=["saddle", "flat"],
)
def test_log_parameter_covariance_refuses_a_flat_direction(gradient):
    model = _Rates([1.0, 2.0], lambda p: (0.0, gradient(p)))
    with pytest.raises(ValueError) as caught:
        fitting.log_parameter_covariance(model)
    assert str(caught.value) == (
        "The _Rates fit has a flat direction (its Hessian is not negative definite), so its parameter "
        "uncertainty is undefined; use more customers or a penalizer."
    )


# --------------------------------------------------------------------------- tables and inputs


def test_summary_table_is_the_wald_interval_in_floats():
    """estimate +- 1.959964 se (the 97.5 % normal quantile), floats even from whole numbers."""
    table = fitting.summary_table(pd.Series([2, 40], index=["a", "b"]), [1, 5])
    assert table.index.name == "parameter" and list(table.index) == ["a", "b"]
    assert list(table.columns) == ["estimate", "std_error", "lower_95", "upper_95"]
    assert table.dtypes.tolist() == [np.dtype("float64")] * 4
    np.testing.assert_allclose(table["lower_95"], [2 - 1.959963984540054, 40 - 5 * 1.959963984540054], rtol=1e-15)
    np.testing.assert_allclose(table["upper_95"], [2 + 1.959963984540054, 40 + 5 * 1.959963984540054], rtol=1e-15)


def test_dot_is_the_sum_of_products():
    assert fitting.dot(np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0])) == 32.0


@pytest.mark.parametrize(
    "values, expected",
    [([1, 2, 3], [1.0, 2.0, 3.0]), (["3", "4"], [3.0, 4.0]), (np.array([[0.5], [2.0]]), [0.5, 2.0]),
     ([True, False], [1.0, 0.0])],
)
def test_as_float_array_reads_numbers_in_any_form(values, expected):
    arr = fitting.as_float_array(values, "frequency")
    assert arr.dtype == np.float64
    np.testing.assert_array_equal(arr, expected)


@pytest.mark.parametrize(
    "values, message",
    [([], "frequency is empty: there are no customers to fit."),
     ([1.0, np.nan, np.inf], "frequency has 2 missing or infinite values."),
     (["3", "x", None, "4"], "frequency has 2 missing or infinite values.")],
)
def test_as_float_array_says_what_is_wrong(values, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        fitting.as_float_array(values, "frequency")


def test_a_single_customer_is_enough_for_as_float_array():
    np.testing.assert_array_equal(fitting.as_float_array([7], "T"), [7.0])


def test_summary_columns_names_the_missing_columns_and_takes_weights_from_n_customers():
    summary = pd.DataFrame({"frequency": [1, 2], "T": [10.0, 12.0], "n_customers": [3, 4]})
    (frequency, T), weights = fitting.summary_columns(summary, ("frequency", "T"), None, "BetaGeoNBD")
    assert frequency.tolist() == [1, 2] and T.tolist() == [10.0, 12.0] and weights.tolist() == [3, 4]
    given = np.array([1.0, 1.0])
    assert fitting.summary_columns(summary, ("T",), given, "BetaGeoNBD")[1] is given
    assert fitting.summary_columns(summary.drop(columns="n_customers"), ("T",), None, "BetaGeoNBD")[1] is None
    with pytest.raises(ValueError) as caught:
        fitting.summary_columns(summary, ("frequency", "recency", "age"), None, "BetaGeoNBD")
    assert str(caught.value) == (
        "The customer summary given to BetaGeoNBD has no column recency, age (it has frequency, T, n_customers)."
    )
    with pytest.raises(ValueError, match=r"\(it has frequency, T, n_customers\)\. Summarise first\.$"):
        fitting.summary_columns(summary, ("recency",), None, "BetaGeoNBD", " Summarise first.")
