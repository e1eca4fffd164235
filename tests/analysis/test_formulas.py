"""Closed-form CLV formulas: worked examples, input checks and properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clvlib.analysis import formulas
from clvlib.core.units import convert_rate

# --------------------------------------------------------------------------- worked examples


def test_simple_clv_reproduces_the_1200_dollar_example():
    """$100 a purchase x 4 purchases a year x 3 years = $1,200."""
    assert formulas.simple_clv(100, 4, 3) == 1200.0


def test_margin_clv_and_profit_times_retention_agree():
    revenue = formulas.simple_clv(100, 4, 3)
    margin = formulas.margin_clv(100, 4, 3, gross_margin_rate=0.4)
    assert margin == pytest.approx(0.4 * revenue)
    # Same customer seen as annual profit ($160) x retention time (3 years).
    assert formulas.profit_times_retention_clv(100 * 4 * 0.4, 3) == pytest.approx(margin)


def test_expected_lifetime_is_one_over_churn():
    assert formulas.expected_lifetime_periods(0.75) == pytest.approx(4.0)
    assert formulas.expected_lifetime_periods(0.0) == pytest.approx(1.0)


def test_present_value_end_of_period_and_first_payment_now():
    flows = [100.0, 100.0, 100.0]
    end = formulas.present_value(flows, discount_rate_annual=0.10)
    assert end == pytest.approx(100 / 1.1 + 100 / 1.1**2 + 100 / 1.1**3)
    now = formulas.present_value(flows, 0.10, first_payment_now=True)
    assert now == pytest.approx(end * 1.1)


def test_present_value_converts_an_annual_rate_to_months():
    flows = np.full(12, 10.0)
    d_month = convert_rate(0.10, "year", "month")
    expected = sum(10.0 / (1 + d_month) ** t for t in range(1, 13))
    assert formulas.present_value(flows, 0.10, period="month") == pytest.approx(expected)
    # Twelve monthly payments of $10, the last a year away, are worth more than $120 / 1.1.
    assert formulas.present_value(flows, 0.10, period="month") > 120 / 1.1


def test_retention_formula_variants_differ_by_the_first_payment():
    without = formulas.retention_clv(100, 0.8, 0.10)
    with_first = formulas.retention_clv(100, 0.8, 0.10, include_first_payment=True)
    assert without == pytest.approx(100 * 0.8 / (1 + 0.10 - 0.8))
    assert with_first == pytest.approx(100 + without)


@pytest.mark.parametrize("include_first", [False, True])
def test_retention_formula_equals_long_truncated_sum(include_first):
    closed = formulas.retention_clv(40, 0.9, 0.01, include_first_payment=include_first)
    long_sum = formulas.retention_clv_truncated(40, 0.9, 0.01, 2000, include_first_payment=include_first)
    short_sum = formulas.retention_clv_truncated(40, 0.9, 0.01, 10, include_first_payment=include_first)
    assert long_sum == pytest.approx(closed, rel=1e-9)
    assert short_sum < 0.9 * closed  # a short horizon visibly misses the tail


def test_retention_clv_is_vectorised():
    values = formulas.retention_clv(np.array([10.0, 20.0]), np.array([0.5, 0.9]), 0.0)
    assert values == pytest.approx([10.0, 180.0])


def test_payback_periods():
    assert formulas.payback_periods(120, 10) == pytest.approx(12.0)
    n = formulas.payback_periods(120, 10, retention_rate=0.95)
    q = 0.95
    assert 10 * (1 - q**n) / (1 - q) == pytest.approx(120)
    assert math.isinf(formulas.payback_periods(300, 10, retention_rate=0.95))
    assert formulas.payback_periods(0, 10) == 0.0
    # Discounting makes payback slower.
    assert formulas.payback_periods(120, 10, 0.95, discount_rate=0.01) > n


def test_sensitivity_ranks_inputs_for_a_tornado_chart():
    table = formulas.sensitivity(
        formulas.retention_clv,
        {"margin_per_period": 100.0, "retention_rate": 0.8, "discount_rate": 0.10},
        change=0.10,
    )
    assert list(table.index) == ["retention_rate", "margin_per_period", "discount_rate"]
    assert (table["swing"].diff().dropna() <= 0).all()
    margin = table.loc["margin_per_period"]
    assert margin["change_high"] == pytest.approx(0.1 * margin["base_clv"])
    assert table.loc["discount_rate", "change_high"] < 0 < table.loc["discount_rate", "change_low"]


def test_sensitivity_explains_an_invalid_move():
    with pytest.raises(ValueError, match="retention_rate"):
        formulas.sensitivity(formulas.retention_clv, {"margin_per_period": 1.0, "retention_rate": 0.95,
                                                      "discount_rate": 0.1}, change=0.10)


def test_trap_of_averages():
    # Half the customers stay 95% of the time, half 50%.
    trap = formulas.clv_of_average_vs_average_clv([10, 10], [0.95, 0.50], discount_rate=0.0)
    assert trap["clv_of_average_customer"] == pytest.approx(10 / (1 - 0.725))
    assert trap["average_clv"] == pytest.approx((10 / 0.05 + 10 / 0.5) / 2)
    assert trap["ratio"] > 3


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: formulas.simple_clv(-1, 4, 3), "average_order_value"),
        (lambda: formulas.simple_clv(100, float("nan"), 3), "purchases_per_year"),
        (lambda: formulas.margin_clv(100, 4, 3, 1.5), "gross_margin_rate"),
        (lambda: formulas.retention_clv(100, 1.0, 0.1), "retention_rate"),
        (lambda: formulas.retention_clv(100, -0.1, 0.1), "retention_rate"),
        (lambda: formulas.retention_clv(100, 0.5, -1.0), "discount_rate"),
        (lambda: formulas.retention_clv(100, 0.9, -0.5), "never converges"),
        (lambda: formulas.present_value([1, 2], -2.0), "discount_rate_annual"),
        (lambda: formulas.retention_clv_truncated(1, 0.5, 0.1, 0), "n_periods"),
        (lambda: formulas.payback_periods(-5, 10), "acquisition_cost"),
        (lambda: formulas.sensitivity(formulas.retention_clv, {}), "empty"),
    ],
)
def test_bad_input_raises_a_clear_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# --------------------------------------------------------------------------- properties

margins = st.floats(min_value=0.01, max_value=1_000)
retentions = st.floats(min_value=0.0, max_value=0.98)
discounts = st.floats(min_value=0.0, max_value=0.5)
bump = st.floats(min_value=1e-3, max_value=0.5)


@settings(max_examples=200, deadline=None)
@given(m=margins, r=retentions, d=discounts, dr=bump, first=st.booleans())
def test_clv_increases_with_retention(m, r, d, dr, first):
    r2 = min(r + dr, 0.99)
    assert r2 > r
    assert formulas.retention_clv(m, r2, d, first) > formulas.retention_clv(m, r, d, first)


@settings(max_examples=200, deadline=None)
@given(m=margins, r=st.floats(min_value=0.01, max_value=0.98), d=discounts, dm=bump, first=st.booleans())
def test_clv_increases_with_margin(m, r, d, dm, first):
    assert formulas.retention_clv(m * (1 + dm), r, d, first) > formulas.retention_clv(m, r, d, first)


@settings(max_examples=200, deadline=None)
@given(m=margins, r=st.floats(min_value=0.01, max_value=0.98), d=discounts, dd=bump, first=st.booleans())
def test_clv_decreases_with_the_discount_rate(m, r, d, dd, first):
    assert formulas.retention_clv(m, r, d + dd, first) < formulas.retention_clv(m, r, d, first)


@settings(max_examples=200, deadline=None)
@given(flows=st.lists(st.floats(min_value=0.01, max_value=1e4), min_size=1, max_size=30), d=discounts, dd=bump)
def test_present_value_decreases_with_the_discount_rate(flows, d, dd):
    assert formulas.present_value(flows, d + dd) < formulas.present_value(flows, d)


@settings(max_examples=100, deadline=None)
@given(m=margins, r=st.floats(min_value=0.0, max_value=0.95), d=discounts, first=st.booleans())
def test_closed_form_equals_long_truncated_sum(m, r, d, first):
    closed = formulas.retention_clv(m, r, d, first)
    truncated = formulas.retention_clv_truncated(m, r, d, 3000, first)
    assert truncated == pytest.approx(closed, rel=1e-9, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(
    aov=st.floats(min_value=1, max_value=500),
    freq=st.floats(min_value=0.5, max_value=50),
    years=st.floats(min_value=0.5, max_value=20),
    g=st.floats(min_value=0.05, max_value=0.95),
)
def test_simple_formulas_scale_linearly(aov, freq, years, g):
    assert formulas.simple_clv(2 * aov, freq, years) == pytest.approx(2 * formulas.simple_clv(aov, freq, years))
    assert formulas.margin_clv(aov, freq, years, g) < formulas.simple_clv(aov, freq, years)


def test_sensitivity_with_explicit_ranges():
    churn = 0.08
    table = formulas.sensitivity(
        formulas.retention_clv,
        {"margin_per_period": 10.0, "retention_rate": 1 - churn, "discount_rate": 0.008},
        change=0.10,
        ranges={"retention_rate": (1 - churn * 1.1, 1 - churn * 0.9)},
    )
    row = table.loc["retention_rate"]
    assert row["low_value"] == pytest.approx(0.912) and row["high_value"] == pytest.approx(0.928)
    assert row["clv_high"] > row["base_clv"] > row["clv_low"]
    with pytest.raises(ValueError, match="not in inputs"):
        formulas.sensitivity(formulas.retention_clv, {"margin_per_period": 1.0, "retention_rate": 0.5,
                                                      "discount_rate": 0.1}, ranges={"churn": (0, 1)})


# --------------------------------------------------------------------------- edges found by mutation testing
# `make mutate` plants small bugs in formulas.py; each test below catches at least one that the
# tests above let through (a message naming the wrong argument, a boundary moved by one, a branch
# never reached). See tests/mutation/kill_rate.py.


@pytest.mark.parametrize(
    "call, argument",
    [
        (lambda: formulas.simple_clv(-1, 4, 3), "average_order_value"),
        (lambda: formulas.simple_clv(100, -4, 3), "purchases_per_year"),
        (lambda: formulas.simple_clv(100, 4, -3), "lifespan_years"),
        (lambda: formulas.margin_clv(100, 4, 3, -0.4), "gross_margin_rate"),
        (lambda: formulas.profit_times_retention_clv(-160, 3), "annual_profit"),
        (lambda: formulas.profit_times_retention_clv(160, -3), "retention_time_years"),
        (lambda: formulas.retention_clv(-100, 0.8, 0.1), "margin_per_period"),
        (lambda: formulas.retention_clv_truncated(-100, 0.8, 0.1, 5), "margin_per_period"),
        (lambda: formulas.payback_periods(-120, 10), "acquisition_cost"),
        (lambda: formulas.payback_periods(120, -10), "margin_per_period"),
        (lambda: formulas.clv_of_average_vs_average_clv([-10], [0.5], 0.1), "margin_per_period"),
        (lambda: formulas.present_value([100], float("nan")), "discount_rate_annual"),
    ],
)
def test_each_message_starts_with_the_argument_at_fault(call, argument):
    """The analyst reads which argument is wrong first, spelled as in the signature."""
    with pytest.raises(ValueError, match=rf"^{argument} must be"):
        call()


def test_a_retention_rate_of_one_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="A retention rate of 1 means customers never leave and the value is infinite"):
        formulas.expected_lifetime_periods(1.0)


def test_missing_cash_flows_are_refused_in_plain_words():
    with pytest.raises(ValueError, match=r"^cash_flows must be numbers \(no missing values\)\.$"):
        formulas.present_value([100, float("nan")], 0.1)


def test_a_sum_that_never_converges_is_refused_even_at_exactly_r_equal_one_plus_d():
    """r = 0.5, d = -0.5: 1 + d - r = 0 exactly, the sum of 1^t diverges."""
    with pytest.raises(ValueError, match=r"^The discount rate is so negative that the sum never converges \(need r < 1 \+ d\)\.$"):
        formulas.retention_clv(100, 0.5, -0.5)


def test_a_margin_rate_of_exactly_one_keeps_all_revenue():
    assert formulas.margin_clv(100, 4, 3, gross_margin_rate=1.0) == 1200.0


def test_truncated_sum_of_one_period_is_the_first_discounted_margin_by_default():
    """n_periods = 1 is allowed; without include_first_payment the one margin is at t = 1."""
    assert formulas.retention_clv_truncated(100, 0.8, 0.25, n_periods=1) == pytest.approx(100 * 0.8 / 1.25, rel=1e-12)
    assert formulas.retention_clv_truncated(100, 0.8, 0.25, 1, include_first_payment=True) == 100.0


def _paid_back_after(n_periods, margin, q):
    """Expected discounted margin of the first n periods (first at acquisition): m (1 - q^n) / (1 - q)."""
    return margin * n_periods if q == 1 else margin * (1 - q**n_periods) / (1 - q)


@pytest.mark.parametrize(
    "cac, margin, retention, discount",
    [
        (1, 10, None, 0.0),           # cost 1: a tenth of the first period
        (120, 1, None, 0.0),          # margin 1: 120 periods
        (120, 10, 0.99, -0.05),       # q = 0.99 / 0.95 > 1: a negative rate beating churn
        (120, 10, 0.999995, 0.0),     # q a hair below 1: the log formula, not cost / margin
        (120, 10, 0.95, 0.01),
    ],
)
def test_payback_is_where_expected_discounted_margin_reaches_the_cost(cac, margin, retention, discount):
    n = formulas.payback_periods(cac, margin, retention, discount)
    q = (1.0 if retention is None else retention) / (1 + discount)
    assert 0 < n < float("inf")
    assert _paid_back_after(n, margin, q) == pytest.approx(cac, rel=1e-9)


def test_payback_with_no_margin_never_happens_and_with_no_cost_is_immediate():
    assert formulas.payback_periods(120, 0) == float("inf")
    assert formulas.payback_periods(0, 10) == 0.0


@pytest.mark.parametrize("change", [0.0, 1.0, 1.5, -0.1])
def test_sensitivity_change_must_be_strictly_between_zero_and_one(change):
    with pytest.raises(ValueError, match=r"^change must be a fraction between 0 and 1 \(0\.10 = \+-10%\)"):
        formulas.sensitivity(formulas.retention_clv, {"margin_per_period": 100, "retention_rate": 0.8, "discount_rate": 0.1}, change)


def test_sensitivity_messages_name_the_problem():
    with pytest.raises(ValueError, match=r"^inputs is empty: pass the formula's inputs as a dict of name -> value\.$"):
        formulas.sensitivity(formulas.retention_clv, {})
    with pytest.raises(ValueError, match=r"^ranges names input\(s\) churn, x that are not in inputs\.$"):
        formulas.sensitivity(formulas.simple_clv, {"average_order_value": 100}, ranges={"x": (1, 2), "churn": (0, 1)})
    inputs = {"margin_per_period": 100, "retention_rate": 0.95, "discount_rate": 0.1}
    with pytest.raises(ValueError, match=r"^Moving retention_rate by \+-10% gives an invalid input"):
        formulas.sensitivity(formulas.retention_clv, inputs)
    with pytest.raises(ValueError, match=r"^Moving retention_rate to 0\.9 and 1\.2 gives an invalid input"):
        formulas.sensitivity(formulas.retention_clv, inputs, ranges={"retention_rate": (0.9, 1.2)})


def test_sensitivity_skips_switches_but_moves_every_number_after_them():
    inputs = {"include_first_payment": True, "margin_per_period": 100, "retention_rate": 0.8, "discount_rate": 0.1}
    table = formulas.sensitivity(formulas.retention_clv, inputs, change=0.2)
    assert set(table.index) == {"margin_per_period", "retention_rate", "discount_rate"}
    assert table.attrs["change"] == 0.2
    row = table.loc["margin_per_period"]
    base = formulas.retention_clv(100, 0.8, 0.1, include_first_payment=True)
    assert row["base_value"] == 100
    assert row["base_clv"] == pytest.approx(base)
    assert row["clv_low"] == pytest.approx(0.8 * base) and row["clv_high"] == pytest.approx(1.2 * base)
    assert row["change_low"] == pytest.approx(-0.2 * base) and row["change_high"] == pytest.approx(0.2 * base)
    assert row["swing"] == pytest.approx(0.4 * base)


def test_trap_of_averages_edges():
    with pytest.raises(ValueError, match=r"^Pass at least one customer's margin and retention rate\.$"):
        formulas.clv_of_average_vs_average_clv([], [], 0.1)
    with pytest.raises(ValueError, match=r"^Pass at least one customer's margin and retention rate\.$"):
        formulas.clv_of_average_vs_average_clv([], [0.5], 0.1)
    one = formulas.clv_of_average_vs_average_clv([10], [0.5], 0.0)          # one customer: no trap
    assert one["ratio"] == 1.0 and one["average_clv"] == pytest.approx(20.0)
    assert formulas.clv_of_average_vs_average_clv([0, 0], [0.9, 0.1], 0.0)["ratio"] == 1.0
    small = formulas.clv_of_average_vs_average_clv([0.01, 0.01], [0.95, 0.5], 0.0)  # CLVs below 1
    assert small["clv_of_average_customer"] < 1
    assert small["ratio"] == pytest.approx(small["average_clv"] / small["clv_of_average_customer"], rel=1e-12)
    assert small["ratio"] > 3


def test_formulas_return_plain_floats_for_scalars_and_float_arrays_for_arrays():
    assert type(formulas.simple_clv(100, 4, 3)) is float
    assert type(formulas.expected_lifetime_periods(0.75)) is float
    assert formulas.simple_clv(np.array([100, 200]), 4, 3).dtype == np.float64


def test_decimal_inputs_from_a_database_driver_are_accepted():
    """Database drivers return NUMERIC columns as decimal.Decimal; the formulas take them."""
    from decimal import Decimal

    assert formulas.simple_clv(Decimal("100"), 4, 3) == 1200.0
    assert formulas.expected_lifetime_periods(Decimal("0.75")) == 4.0
    assert formulas.present_value([Decimal("100"), Decimal("100")], 0.0) == 200.0


def test_a_cost_equal_to_the_whole_lifetimes_margin_never_pays_back_quietly():
    """Exactly at the cap m / (1 - q) the cumulative margin only approaches the cost: never, and
    without numpy's divide-by-zero warning leaking out of the formula."""
    import warnings

    # errstate: lifelines' Kaplan-Meier fitter silences numpy's divide warnings process-wide
    # (np.seterr), so a test run after it would not see the warning this one looks for.
    with warnings.catch_warnings(), np.errstate(divide="warn", invalid="warn"):
        warnings.simplefilter("error")
        assert formulas.payback_periods(20.0, 10.0, retention_rate=0.5) == math.inf  # cap 10 / 0.5
        assert formulas.payback_periods(19.999, 10.0, retention_rate=0.5) < math.inf


def test_retention_clv_refuses_a_retention_rate_of_one_with_the_whole_reason():
    with pytest.raises(ValueError) as caught:
        formulas.retention_clv(10.0, 1.0, 0.1)
    assert str(caught.value) == (
        "retention_rate must be at least 0 and below 1 (0.8 = 80% of customers stay each period); got 1.0. "
        "A retention rate of 1 means customers never leave and the value is infinite."
    )


def test_whole_number_inputs_give_money_as_floats():
    """A table of whole-dollar inputs must not come back as integers (a later division or a
    currency format would then behave differently from the same table typed with decimals)."""
    values = formulas.simple_clv(np.array([100, 50]), np.array([4, 2]), 3)
    assert values.dtype == np.float64 and values.tolist() == [1200.0, 300.0]
    assert isinstance(formulas.simple_clv(100, 4, 3), float)
