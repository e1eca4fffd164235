"""Keeping against winning, and value at stake: hand calculations on a known sBG."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clvlib.analysis import retention_targeting as rt
from clvlib.analysis.levers import subscriber_values
from clvlib.models.contractual.sbg import ShiftedBetaGeometric

MODEL = ShiftedBetaGeometric.from_params({"alpha": 1.0, "beta": 9.0}, time_unit="month")
D = 0.01


def _value_if_kept_by_hand(renewals: int, margin: float, months: int = 4000) -> float:
    """Given they make renewal n + 1: the payments from then on, discounted to that renewal."""
    n = renewals + 1
    t = np.arange(n, n + months)
    return margin * float(np.sum(MODEL.survival(t) / MODEL.survival(n) / (1 + D) ** (t - n)))


def test_keep_vs_win_by_hand():
    table = rt.keep_vs_win(MODEL, cac=60.0, monthly_margin=10.0, discount_rate_monthly=D,
                           offer_cost=4.0, churn_cut_share=0.25, renewals=[0, 5])
    churn = np.array([1 / 10, 1 / 15])  # alpha / (alpha + beta + n) for this sBG
    assert table["churn_next"].to_numpy() == pytest.approx(churn)
    assert table["cost_to_keep"].to_numpy() == pytest.approx(4.0 / (0.25 * churn))
    assert table["cac_per_cost_to_keep"].to_numpy() == pytest.approx(60.0 * 0.25 * churn / 4.0)
    assert table["value_if_kept"].to_numpy() == pytest.approx([_value_if_kept_by_hand(n, 10.0) for n in (0, 5)], rel=1e-6)
    assert table["value_new"].iloc[0] == pytest.approx(10.0 * MODEL.discounted_expected_lifetime(D))
    assert table["net_win"].iloc[0] == pytest.approx(table["value_new"].iloc[0] - 60.0)


def test_keeping_the_loyal_costs_more_per_customer_kept():
    table = rt.keep_vs_win(MODEL, 60.0, 10.0, D, 4.0, 0.25, renewals=range(0, 40, 6))
    assert table["cost_to_keep"].is_monotonic_increasing
    with pytest.raises(ValueError, match="churn_cut_share"):
        rt.keep_vs_win(MODEL, 60.0, 10.0, D, 4.0, 30)


@pytest.fixture
def base():
    return pd.DataFrame({"renewals": [0, 2, 30, 30], "monthly_margin": [6.0, 16.0, 16.0, 6.0],
                         "monthly_revenue": [15.0, 40.0, 40.0, 15.0]}, index=list("abcd"))


def test_value_at_stake_is_churn_times_value_if_kept_and_clv_is_the_levers_value(base):
    stake = rt.value_at_stake(MODEL, base, D)
    assert stake["clv"].to_numpy() == pytest.approx(subscriber_values(MODEL, base, D).to_numpy())
    assert stake.loc["b", "value_at_stake"] == pytest.approx((1 / 12) * _value_if_kept_by_hand(2, 16.0), rel=1e-6)


def test_targeting_by_value_at_stake_beats_targeting_the_loyal(base):
    stake = rt.value_at_stake(MODEL, base, D)
    table = rt.targeting_comparison(stake, share_contacted=0.25, offer_cost=2.0, churn_cut_share=0.5)
    assert table["contacted"].eq(1).all()
    best, loyal, everyone = (table.loc[r] for r in rt.TARGETING_RULES)
    assert stake["value_at_stake"].idxmax() == "b" and stake["clv"].idxmax() == "c"
    assert best["value_saved"] == pytest.approx(0.5 * stake.loc["b", "value_at_stake"])
    assert loyal["value_saved"] == pytest.approx(0.5 * stake.loc["c", "value_at_stake"])
    assert everyone["value_saved"] == pytest.approx(0.5 * stake["value_at_stake"].mean())
    assert best["value_saved_per_dollar"] > loyal["value_saved_per_dollar"]
    assert loyal["cost_per_customer_kept"] == pytest.approx(2.0 / (0.5 * stake.loc["c", "churn_next"]))
