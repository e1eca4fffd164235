"""Predictive CLV against a brute-force discounted sum over the model's own step (issue 17).

clvlib.analysis.predictive_clv documents the value as

    CLV = sum_k  (E[Y(k) | history] - E[Y(k-1) | history]) * E[M | spend history] * margin / (1 + d)^k

with steps of one model period, the last one cut at the horizon, and d the annual rate
compounded down to the period. The tests below compute that sum plainly, step by step,
with the conditional expectation written as the paper's eq. 10 (Fader, Hardie & Lee 2005,
Marketing Science 24(2)) and the spend as eq. 5 of Fader, Hardie & Lee (2005, JMR 42(4)),
so they share no code with the function under test. Discounting one period too early
moves a weekly CLV by about 0.2 % and a monthly one by 0.8 %: the tolerance is 1e-9.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import hyp2f1

from clvlib.analysis.predictive_clv import customer_lifetime_value
from clvlib.models.noncontractual import BetaGeoNBD, GammaGamma

BG = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}  # FHL 2005, CDNOW, weeks
GG = {"p": 6.25, "q": 3.74, "gamma": 15.44}  # Fader & Hardie 2013, CDNOW
DAYS = {"week": 7.0, "month": 365.25 / 12}


def _summary(unit):
    """Five histories, in the unit's periods: a one-time buyer, a recent and a lapsed repeat
    buyer, a heavy buyer, and one whose last purchase is at T."""
    frame = pd.DataFrame(
        {"frequency": [0, 2, 2, 9, 1], "recency": [0.0, 30.43, 8.0, 35.0, 20.0], "T": [38.86, 38.86, 38.86, 39.0, 20.0],
         "monetary_value": [0.0, 22.35, 40.0, 12.5, 300.0]},
        index=pd.Index(list("vwxyz"), name="customer_id"),
    )
    if unit == "month":
        frame[["recency", "T"]] = frame[["recency", "T"]] / 4.0  # same shapes, fewer periods
    frame.attrs["time_unit"] = unit
    return frame


def _eq10(t, x, t_x, big_t, r, alpha, a, b):
    """E[Y(t) | x, t_x, T], FHL (2005) eq. 10 in the paper's form."""
    head = (a + b + x - 1) / (a - 1) * (
        1 - ((alpha + big_t) / (alpha + big_t + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + big_t + t))
    )
    return head / (1 + (x > 0) * a / (b + x - 1) * ((alpha + big_t) / (alpha + t_x)) ** (r + x))


def _brute_force_clv(row, horizon, unit, margin, annual_rate):
    """Step k = 1, 2, ...: the purchases expected in (k-1, k] (the last step ends at the
    horizon), times the expected spend and the margin, discounted from the end of the step."""
    d = (1 + annual_rate) ** (DAYS[unit] / 365.25) - 1  # compound rate per model period
    p, q, gamma = GG["p"], GG["q"], GG["gamma"]
    x, mbar = row["frequency"], row["monetary_value"]
    spend = (q - 1) / (p * x + q - 1) * gamma * p / (q - 1) + p * x / (p * x + q - 1) * mbar
    total, previous, k = 0.0, 0.0, 1
    while k - 1 < horizon:
        end = min(k, horizon)
        cumulative = _eq10(end, x, row["recency"], row["T"], **BG)
        total += (cumulative - previous) * spend * margin / (1 + d) ** end
        previous, k = cumulative, k + 1
    return total


@pytest.mark.parametrize(
    "unit, horizon",
    [("week", 52), ("week", 13.5), ("month", 12), ("month", 2.25)],
)
def test_clv_is_the_discounted_sum_of_each_steps_expected_margin(unit, horizon):
    bgnbd = BetaGeoNBD.from_params(BG, time_unit=unit)
    gg = GammaGamma.from_params(GG, time_unit=unit)
    summary = _summary(unit)
    clv = customer_lifetime_value(bgnbd, gg, summary, horizon, unit, margin_rate=0.3, discount_rate_annual=0.10)
    expected = [_brute_force_clv(row, horizon, unit, 0.3, 0.10) for _, row in summary.iterrows()]
    np.testing.assert_allclose(clv["clv"], expected, rtol=1e-9)
    np.testing.assert_allclose(
        clv["expected_purchases"], [_eq10(horizon, r.frequency, r.recency, r.T, **BG) for r in summary.itertuples()],
        rtol=1e-9,
    )


def test_one_period_horizon_by_hand():
    """Horizon of one week: CLV = E[Y(1)] * E[M] * margin / (1 + d), d = 1.1^(7/365.25) - 1
    (0.18 % a week). Discounting from the start of the step instead would give 0.18 % more."""
    bgnbd = BetaGeoNBD.from_params(BG, time_unit="week")
    gg = GammaGamma.from_params(GG, time_unit="week")
    summary = _summary("week").loc[["w"]]
    clv = float(customer_lifetime_value(bgnbd, gg, summary, 1, "week", 0.3, 0.10)["clv"].iloc[0])
    spend = 375.875 / 15.24  # E[M | x = 2, mbar = 22.35]: see tests/models/test_gammagamma.py
    purchases = _eq10(1.0, 2, 30.43, 38.86, **BG)
    assert clv == pytest.approx(purchases * spend * 0.3 / 1.1 ** (7 / 365.25), rel=1e-10)
    assert clv != pytest.approx(purchases * spend * 0.3, rel=1e-4)


def _p_alive(x, t_x, big_t, r, alpha, a, b):
    """P(alive | x, t_x, T), FHL (2005) eq. 11: 1 / (1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))."""
    return 1 / (1 + (x > 0) * a / (b + x - 1) * ((alpha + big_t) / (alpha + t_x)) ** (r + x))


def _spend(x, mbar):
    """E[M | x, mbar], Fader, Hardie & Lee (2005, JMR) eq. 5."""
    p, q, gamma = GG["p"], GG["q"], GG["gamma"]
    return (q - 1) / (p * x + q - 1) * gamma * p / (q - 1) + p * x / (p * x + q - 1) * mbar


def test_every_column_is_each_customers_own_value_when_histories_repeat_in_any_order():
    """The function computes each distinct (x, t_x, T) once and hands it back to every customer
    who has it: with repeated histories in shuffled order, each row must still carry its own
    customer's P(alive), E[Y(h)], E[M] and CLV (a wrong mapping would swap customers' values).
    Horizon 26.5 weeks, margin 0.25, 8 % a year."""
    base = _summary("week")
    summary = base.loc[["y", "w", "v", "w", "z", "v", "x", "y"]].set_axis(
        pd.Index([f"c{i}" for i in range(8)], name="customer_id")
    )
    summary.loc["c3", "monetary_value"] = 60.0  # same (x, t_x, T) as c1, different spend
    summary.attrs["time_unit"] = "week"
    bgnbd = BetaGeoNBD.from_params(BG, time_unit="week")
    gg = GammaGamma.from_params(GG, time_unit="week")
    clv = customer_lifetime_value(bgnbd, gg, summary, 26.5, "week", margin_rate=0.25, discount_rate_annual=0.08)

    assert list(clv.columns) == ["probability_alive", "expected_purchases", "expected_order_value", "clv"]
    assert clv.index.equals(summary.index)
    rows = list(summary.itertuples())
    np.testing.assert_allclose(clv["probability_alive"], [_p_alive(r.frequency, r.recency, r.T, **BG) for r in rows], rtol=1e-9)
    np.testing.assert_allclose(
        clv["expected_purchases"], [_eq10(26.5, r.frequency, r.recency, r.T, **BG) for r in rows], rtol=1e-9
    )
    np.testing.assert_allclose(clv["expected_order_value"], [_spend(r.frequency, r.monetary_value) for r in rows], rtol=1e-12)
    np.testing.assert_allclose(
        clv["clv"], [_brute_force_clv(row, 26.5, "week", 0.25, 0.08) for _, row in summary.iterrows()], rtol=1e-9
    )
    assert clv.attrs == {"time_unit": "week", "horizon": 26.5, "margin_rate": 0.25, "discount_rate_annual": 0.08}


def test_edge_values_of_the_inputs_are_accepted_and_priced_right():
    """A horizon below one period (one step, cut at 0.4 weeks), a zero or a full margin, no
    discounting, and a negative rate above -1 are all valid: each CLV is the brute-force sum."""
    bgnbd = BetaGeoNBD.from_params(BG, time_unit="week")
    gg = GammaGamma.from_params(GG, time_unit="week")
    summary = _summary("week")
    for horizon, margin, rate in [(0.4, 0.3, 0.10), (8, 0.0, 0.10), (8, 1.0, 0.0), (8, 0.5, -0.5)]:
        clv = customer_lifetime_value(bgnbd, gg, summary, horizon, "week", margin_rate=margin, discount_rate_annual=rate)
        expected = [_brute_force_clv(row, horizon, "week", margin, rate) for _, row in summary.iterrows()]
        np.testing.assert_allclose(clv["clv"], expected, rtol=1e-9, atol=0.0)
    # With no discounting the CLV is exactly E[Y(8)] * E[M] * margin (margin 1 here).
    undiscounted = customer_lifetime_value(bgnbd, gg, summary, 8, "week", 1.0, 0.0)
    np.testing.assert_allclose(
        undiscounted["clv"], undiscounted["expected_purchases"] * undiscounted["expected_order_value"], rtol=1e-12
    )


def _models(unit="week", gg_unit=None):
    return BetaGeoNBD.from_params(BG, time_unit=unit), GammaGamma.from_params(GG, time_unit=gg_unit or unit)


def _unit_message(fitted, what, other):
    return (
        f"The model was fitted in {fitted}s but the {what} is in {other}s. "
        f"Convert the {what} to {fitted}s (clvlib.core.units.convert_periods) or refit the model."
    )


def test_mixed_time_units_are_refused_naming_what_is_in_the_wrong_unit():
    from clvlib.core.units import UnitMismatchError

    weekly = _summary("week")
    bg, gg = _models("week")
    with pytest.raises(UnitMismatchError) as err:
        customer_lifetime_value(bg, gg, weekly, 12, "month", 0.3, 0.1)
    assert str(err.value) == _unit_message("week", "horizon", "month")
    with pytest.raises(UnitMismatchError) as err:
        customer_lifetime_value(bg, gg, _summary("month"), 12, "week", 0.3, 0.1)
    assert str(err.value) == _unit_message("week", "customer summary", "month")
    bg, gg = _models("week", gg_unit="month")
    with pytest.raises(UnitMismatchError) as err:
        customer_lifetime_value(bg, gg, weekly, 12, "week", 0.3, 0.1)
    assert str(err.value) == _unit_message("week", "Gamma-Gamma model's data", "month")


def test_a_summary_without_its_unit_or_columns_gets_the_full_explanation():
    bg, gg = _models()
    no_unit = _summary("week")
    no_unit.attrs = {}
    with pytest.raises(ValueError) as err:
        customer_lifetime_value(bg, gg, no_unit, 12, "week", 0.3, 0.1)
    assert str(err.value) == (
        "The customer summary does not record its time unit (summary.attrs['time_unit']); "
        "build it with clvlib.btyd.summarize_transactions, or set the attribute yourself."
    )
    for dropped, named in [(["recency", "T"], "recency, T"), (["frequency"], "frequency"), (["monetary_value"], "monetary_value")]:
        partial = _summary("week").drop(columns=dropped)
        with pytest.raises(ValueError) as err:
            customer_lifetime_value(bg, gg, partial, 12, "week", 0.3, 0.1)
        assert str(err.value) == (
            f"The summary has no column {named}; for a calibration/holdout split "
            "use clvlib.btyd.calibration_summary(split)."
        )


@pytest.mark.parametrize(
    "horizon, margin, rate, message",
    [
        (0, 0.3, 0.1, "The horizon must be a positive number of weeks, not 0."),
        (-4, 0.3, 0.1, "The horizon must be a positive number of weeks, not -4."),
        (float("inf"), 0.3, 0.1, "The horizon must be a positive number of weeks, not inf."),
        (float("nan"), 0.3, 0.1, "The horizon must be a positive number of weeks, not nan."),
        (12, 1.01, 0.1, "margin_rate is a fraction of revenue between 0 and 1, not 1.01."),
        (12, -0.1, 0.1, "margin_rate is a fraction of revenue between 0 and 1, not -0.1."),
        (12, 0.3, -1, "discount_rate_annual must be above -1 (e.g. 0.10), not -1."),
        (12, 0.3, -1.5, "discount_rate_annual must be above -1 (e.g. 0.10), not -1.5."),
    ],
)
def test_impossible_horizon_margin_or_rate_is_refused_in_plain_english(horizon, margin, rate, message):
    bg, gg = _models()
    with pytest.raises(ValueError) as err:
        customer_lifetime_value(bg, gg, _summary("week"), horizon, "week", margin, rate)
    assert str(err.value) == message


def test_unfitted_models_are_refused():
    from clvlib.models.base import NotFittedError

    bg, gg = _models()
    with pytest.raises(NotFittedError, match="This BetaGeoNBD is not fitted yet"):
        customer_lifetime_value(BetaGeoNBD("week"), gg, _summary("week"), 12, "week", 0.3, 0.1)
    with pytest.raises(NotFittedError, match="This GammaGamma is not fitted yet"):
        customer_lifetime_value(bg, GammaGamma(), _summary("week"), 12, "week", 0.3, 0.1)
