"""Levers on the fitted models: each gain checked against a hand calculation or a brute-force sum."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clvlib.analysis import levers
from clvlib.analysis.predictive_clv import customer_lifetime_value
from clvlib.models.contractual.sbg import ShiftedBetaGeometric
from clvlib.models.noncontractual import BetaGeoNBD, GammaGamma

MODEL = ShiftedBetaGeometric.from_params({"alpha": 1.2, "beta": 8.0}, time_unit="month")
D = 0.01  # per month


def _brute_force_residual(model, renewals: int, d: float, months: int = 4000) -> float:
    """Sum over future payments of S(t) / S(n - 1) / (1 + d)^(t - n), n = renewals + 1 (DERL by hand)."""
    n = renewals + 1
    t = np.arange(n, n + months)
    return float(np.sum(model.survival(t) / model.survival(n - 1) / (1 + d) ** (t - n)))


@pytest.fixture
def base():
    return pd.DataFrame({"renewals": [0, 3, 12], "monthly_revenue": [15.0, 25.0, 40.0],
                         "monthly_margin": [6.0, 10.0, 16.0]}, index=pd.Index(["a", "b", "c"], name="customer_id"))


def test_a_churn_multiplier_scales_new_subscriber_churn_and_keeps_alpha():
    for m in (0.5, 0.8, 1.0, 1.3):
        changed = levers.with_churn_multiplier(MODEL, m)
        assert changed.mean_churn_ == pytest.approx(m * MODEL.mean_churn_)
        assert changed.alpha_ == MODEL.alpha_
    assert levers.with_churn_multiplier(MODEL, 1.0).beta_ == pytest.approx(MODEL.beta_)
    with pytest.raises(ValueError, match="to 100 % or more"):
        levers.with_churn_multiplier(MODEL, 1 / MODEL.mean_churn_)


def test_retention_points_lower_first_renewal_churn_by_exactly_those_points():
    m = levers.retention_points_multiplier(MODEL, 0.03)
    changed = levers.with_churn_multiplier(MODEL, m)
    assert 1 - changed.retention_rate(1) == pytest.approx(1 - MODEL.retention_rate(1) - 0.03)
    with pytest.raises(ValueError, match="Write 2 percentage points as 0.02"):
        levers.retention_points_multiplier(MODEL, 2)


def test_subscriber_values_are_margin_times_the_brute_force_residual_lifetime(base):
    values = levers.subscriber_values(MODEL, base, D)
    expected = [m * _brute_force_residual(MODEL, n, D) for n, m in zip(base["renewals"], base["monthly_margin"], strict=True)]
    assert values.to_numpy() == pytest.approx(expected, rel=1e-6)


def test_a_price_rise_without_churn_response_adds_its_revenue_to_margin(base):
    before, after = levers.price_lever(MODEL, base, D, price_change_share=0.10, churn_multiplier=1.0)
    # margin 0.4 x revenue becomes 0.4 x revenue + 0.1 x revenue: value x 0.5 / 0.4
    assert (after / before).to_numpy() == pytest.approx(np.full(3, 0.5 / 0.4))


def test_a_churn_response_eats_into_a_price_rise_and_can_reverse_it(base):
    before, no_response = levers.price_lever(MODEL, base, D, 0.10, 1.0)
    _, mild = levers.price_lever(MODEL, base, D, 0.10, 1.2)
    _, harsh = levers.price_lever(MODEL, base, D, 0.10, 2.5)
    assert (mild < no_response).all() and mild.sum() > before.sum() > harsh.sum()


def test_raising_retention_raises_every_value_and_new_customers_most_in_share(base):
    before, after = levers.retention_lever(MODEL, base, D, 0.03)
    gain_share = (after / before - 1).to_numpy()
    assert (gain_share > 0).all() and gain_share[0] > gain_share[-1]  # the loyal already churn little


def test_active_base_takes_active_subscribers_with_their_renewals():
    subs = pd.DataFrame({
        "customer_id": ["x", "y", "z"], "signup_date": pd.to_datetime(["2025-01-10", "2025-06-10", "2025-03-01"]),
        "cancel_date": pd.to_datetime([None, None, "2025-05-01"]), "monthly_revenue": [15.0, 25.0, 40.0]})
    base = levers.active_base(subs, "2025-12-31", 0.4)
    assert base.index.tolist() == ["x", "y"]
    assert base["renewals"].tolist() == [11, 6]  # 12 and 7 payments so far
    assert base["monthly_margin"].tolist() == [6.0, 10.0]


def test_the_break_even_churn_multiplier_makes_the_price_gain_zero(base):
    m = levers.break_even_churn_multiplier(MODEL, base, D, 0.10)
    before, after = levers.price_lever(MODEL, base, D, 0.10, m)
    assert after.sum() == pytest.approx(before.sum(), rel=1e-8)
    _, worse = levers.price_lever(MODEL, base, D, 0.10, m * 1.05)
    assert worse.sum() < before.sum()
    assert levers.break_even_churn_multiplier(MODEL, base, D, 0.20) > m  # a bigger rise tolerates more churn
    with pytest.raises(ValueError, match="for a price rise"):
        levers.break_even_churn_multiplier(MODEL, base, D, -0.1)


def test_new_subscriber_value_is_margin_times_del():
    assert levers.new_subscriber_value(MODEL, 10.0, D) == pytest.approx(10 * MODEL.discounted_expected_lifetime(D))


@pytest.fixture(scope="module")
def shop():
    rng = np.random.default_rng(4)
    n = 400
    summary = pd.DataFrame({"frequency": rng.poisson(2, n).astype(float)})
    summary["T"] = 52.0
    summary["recency"] = np.where(summary["frequency"] > 0, rng.uniform(1, 52, n), 0.0)
    summary["monetary_value"] = np.where(summary["frequency"] > 0, rng.gamma(6, 5, n), 0.0)
    summary.attrs["time_unit"] = "week"
    bgnbd = BetaGeoNBD.from_params({"r": 0.75, "alpha": 5.0, "a": 0.65, "b": 2.8}, time_unit="week")
    gg = GammaGamma.from_params({"p": 6.0, "q": 4.0, "gamma": 15.0}, time_unit="week")
    return bgnbd, gg, summary


def test_order_value_uplift_scales_every_customers_clv_by_exactly_that(shop):
    before, after = levers.order_value_lever(*shop, 52, "week", 0.4, 0.1, uplift=0.15)
    assert (after / before).to_numpy() == pytest.approx(np.full(len(before), 1.15))


def test_frequency_uplift_is_the_fitted_model_on_a_faster_clock(shop):
    bgnbd, gg, summary = shop
    before, same = levers.frequency_lever(*shop, 52, "week", 0.4, 0.1, uplift=0.0)
    assert same.to_numpy() == pytest.approx(before.to_numpy())
    _, after = levers.frequency_lever(*shop, 52, "week", 0.4, 0.0, uplift=0.25)
    # undiscounted: expected purchases in 52 weeks at 1.25x the rate = fitted model's in 65 weeks
    purchases = bgnbd.conditional_expected_purchases(65.0, summary["frequency"], summary["recency"], summary["T"])
    spend = gg.conditional_expected_order_value(summary["frequency"], summary["monetary_value"])
    assert after.to_numpy() == pytest.approx(0.4 * purchases * spend, rel=1e-9)
    plain = customer_lifetime_value(bgnbd, gg, summary, 52, "week", 0.4, 0.0)["clv"]
    assert (after > plain).all() and (after < 1.25 * plain + 1e-9).all()  # some customers drop out sooner too


def test_the_faster_clock_matches_a_simulation_of_faster_buyers():
    """New customers (x = 0, T = 0 in the limit): simulate BG/NBD with rates x 1.5 and count purchases."""
    bgnbd = BetaGeoNBD.from_params({"r": 0.75, "alpha": 5.0, "a": 0.65, "b": 2.8}, time_unit="week")
    rng = np.random.default_rng(0)
    n, weeks, speed = 40_000, 30.0, 1.5
    lam = rng.gamma(0.75, 1 / 5.0, n) * speed
    p = rng.beta(0.65, 2.8, n)
    count = np.zeros(n)
    t = np.zeros(n)
    alive = np.ones(n, dtype=bool)
    while alive.any():
        t[alive] += rng.exponential(1 / lam[alive])
        buys = alive & (t <= weeks)
        count[buys] += 1
        alive = buys & (rng.random(n) >= p)
    expected = bgnbd.expected_purchases(weeks * speed)
    assert count.mean() == pytest.approx(float(expected), rel=0.03)


def test_lever_row_and_table():
    before, after = pd.Series([10.0, 20.0]), pd.Series([12.0, 26.0])
    row = levers.lever_row("x", before, after, 5.0, bounds=(pd.Series([11.0, 21.0]), pd.Series([13.0, 30.0])))
    assert (row["gain_per_customer_lower"], row["gain_per_customer_upper"]) == (1.0, 6.5)
    assert row["net_gain_total"] == 8.0 - 10.0
    table = levers.lever_table([row, levers.lever_row("y", before, after, 0.0)])
    assert table.index.tolist() == ["y", "x"] and table["pays"].tolist() == [True, False]
    with pytest.raises(ValueError, match="same customers"):
        levers.lever_row("z", before, after.set_axis([5, 6]), 1.0)
