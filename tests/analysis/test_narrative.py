"""clvlib.analysis.narrative and materiality: each rule fires on a crafted table and stays silent on its control."""

from __future__ import annotations

import pandas as pd
import pytest

from clvlib.analysis import kpis, materiality, narrative


def _changes(now: dict, before: dict) -> pd.DataFrame:
    return materiality.mark_material(kpis.change_table(now, before))


# --------------------------------------------------------------------------- materiality


def test_poisson_rule_by_hand():
    # 130 vs 100: given 230 events, P(X >= 130 | Binomial(230, 1/2)) * 2 = 0.055 -> noise; 135 vs 100: 0.027 -> material
    assert not materiality.counts_differ(130, 100) and materiality.counts_differ(135, 100)
    assert not materiality.counts_differ(0, 0)
    with pytest.raises(ValueError, match="negative"):
        materiality.counts_differ(-1, 3)


def test_threshold_rule_for_money_and_stocks():
    changes = _changes({"mrr": 1049.0, "active_subscribers": 950}, {"mrr": 1000.0, "active_subscribers": 1000})
    assert not changes.at["mrr", "material"]  # +4.9%: below 5%
    assert changes.at["active_subscribers", "material"]  # -5.0%
    undefined = _changes({"blended_cac": None}, {"blended_cac": 50.0})
    assert not undefined.at["blended_cac", "material"]


def test_the_rule_is_stated_with_its_numbers():
    rule = materiality.materiality_rule(threshold=0.1, confidence=0.9)
    assert "at least 10%" in rule and "90% range of Poisson noise" in rule and "2 points for shares" in rule


# --------------------------------------------------------------------------- narrative rules


def test_cac_rule_fires_when_spend_moves_and_says_what_happened_to_cac():
    fired = narrative.cac_moved(_changes(
        {"marketing_spend": 7820.0, "new_subscribers": 78, "blended_cac": 100.26},
        {"marketing_spend": 10000.0, "new_subscribers": 90, "blended_cac": 111.11}))
    assert fired == ("Marketing spend fell 21.8% and new subscribers fell 13.3% (within normal variation), "
                     "so each new subscriber cost $100, 9.8% cheaper than the period before.")
    quiet = _changes({"marketing_spend": 10100.0, "new_subscribers": 91, "blended_cac": 110.99},
                     {"marketing_spend": 10000.0, "new_subscribers": 90, "blended_cac": 111.11})
    assert narrative.cac_moved(quiet) is None


CHANNELS = pd.DataFrame({
    "ltv_to_cac": [2.5, 1.6, 0.8], "cac": [60.0, 35.0, 90.0], "payback_months": [9.0, 14.0, None],
    "ltv_to_cac_lower": [2.1, 1.3, 0.6], "ltv_to_cac_upper": [2.9, 1.9, 1.0],
}, index=["referral", "affiliate", "search"])


def test_payback_rule_names_who_pays_back_and_where_the_next_dollar_goes():
    text = narrative.channel_payback(CHANNELS, 36)
    assert text == ("Referral and affiliate pay back within the 36-month horizon (referral after 9, affiliate after 14 "
                    "months); search does not. The next dollar does most in referral (LTV:CAC 2.5:1, 90% interval "
                    "2.1–2.9; clearly ahead of affiliate).")
    overlapping = CHANNELS.assign(ltv_to_cac_upper=[2.9, 2.3, 1.0], ltv_to_cac_lower=[1.5, 1.3, 0.6])
    assert "not clearly ahead of affiliate" in narrative.channel_payback(overlapping, 36)
    every = narrative.channel_payback(CHANNELS.assign(payback_months=[9.0, 14.0, 30.0]), 36)
    assert every.startswith("Every channel pays back its acquisition cost within the 36-month horizon")
    assert narrative.channel_payback(CHANNELS.assign(ltv_to_cac=[None, None, None]), 36) is None


def test_crossing_rule_fires_only_when_a_line_is_crossed():
    moved = CHANNELS.assign(previous_ltv_to_cac=[2.5, 0.9, 0.8])
    assert narrative.channel_crossed(moved) == "Since the previous period affiliate rose above 1:1 (0.9 to 1.6)."
    up3 = CHANNELS.assign(ltv_to_cac=[3.2, 1.6, 0.8], previous_ltv_to_cac=[2.9, 1.5, 0.7])
    assert narrative.channel_crossed(up3) == "Since the previous period referral rose above 3:1 (2.9 to 3.2)."
    assert narrative.channel_crossed(CHANNELS.assign(previous_ltv_to_cac=[2.4, 1.5, 0.9])) is None


def test_concentration_rule():
    assert narrative.value_concentration(0.85) == ("The top 20% of web-shop customers hold 85% of their expected "
                                                   "value: keeping them matters more than winning back the rest.")
    assert narrative.value_concentration(0.35) is None and narrative.value_concentration(None) is None


def test_riskiest_group_rule():
    churn = pd.DataFrame({"churned": [150, 100], "at_risk": [1000, 1000]}, index=["promotion sign-ups", "others"])
    assert narrative.riskiest_group(churn) == ("Promotion sign-ups churn 1.5× as fast as the rest (15.0% against "
                                               "10.0% a month): the first place to look for lost value.")
    even = churn.assign(churned=[110, 100])  # 1.1x: not worth a headline
    assert narrative.riskiest_group(even) is None
    assert narrative.riskiest_group(churn.iloc[:1]) is None


def test_no_new_shop_customers_rule():
    first_orders = pd.Series(pd.to_datetime(["2024-01-05", "2024-03-03"]))
    assert narrative.no_new_shop_customers(first_orders, "2025-12-31").startswith(
        "No new web-shop customer since 3 Mar 2024:")
    assert narrative.no_new_shop_customers(first_orders, "2024-05-01") is None  # 59 days: still acquiring


def test_what_this_means_keeps_the_rules_that_fired():
    assert narrative.what_this_means(["a.", None, "b."]) == ["a.", "b."]
