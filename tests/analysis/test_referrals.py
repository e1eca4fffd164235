"""clvlib.analysis.referrals: a referred customer's value credited to the referrer, on a hand-made table."""

from __future__ import annotations

import pandas as pd
import pytest

from clvlib.analysis.referrals import referral_credit, referral_summary
from clvlib.data import load_truth

# A referred B and C; B referred D; E came through referral but the code was lost; F names
# a referrer who is not in the table (an export cut by date).
SUBS = pd.DataFrame({
    "customer_id": ["A", "B", "C", "D", "E", "F"],
    "channel": ["search", "referral", "referral", "referral", "referral", "referral"],
    "referrer_id": [None, "A", " A ", "B", "", "Z"],
})
VALUE = pd.Series({"A": 300.0, "B": 120.0, "C": 80.0, "D": 50.0, "E": 30.0, "F": 10.0})


def test_credit_by_hand():
    credit = referral_credit(SUBS, VALUE)
    assert credit.table.to_dict("index") == {
        "A": {"own_value": 300.0, "referred_customers": 2.0, "referred_value": 200.0, "value_with_referrals": 500.0},
        "B": {"own_value": 120.0, "referred_customers": 1.0, "referred_value": 50.0, "value_with_referrals": 170.0},
    }
    assert credit.unattributed == ["E"]
    assert credit.unknown_referrers == ["Z"] and credit.unknown_referrer_value == 10.0
    assert credit.referred_customers == 4  # B, C, D, F: every row with a referrer id


def test_summary_by_hand():
    summary = referral_summary(referral_credit(SUBS, VALUE), VALUE)
    assert summary["referrers"] == 2 and summary["referred_customers"] == 4
    assert summary["referred_value"] == 260.0
    assert summary["referred_share_of_value"] == pytest.approx(260 / 590)
    assert summary["mean_credit_per_referrer"] == 125.0 and summary["unattributed_customers"] == 1


def test_a_customer_without_a_value_is_refused_by_name():
    with pytest.raises(ValueError, match="no entry for 1 customers.*F"):
        referral_credit(SUBS, VALUE.drop("F"))
    with pytest.raises(ValueError, match="no referrer_id column"):
        referral_credit(SUBS.drop(columns="referrer_id"), VALUE)


def test_on_the_embedded_data_credit_goes_to_the_true_referrers(dataset):
    subs = dataset.subscriptions
    credit = referral_credit(subs, pd.Series(1.0, index=subs["customer_id"]))  # value 1: credit counts customers
    truth = load_truth().referrals
    shown = truth[truth["customer_id"].isin(subs.loc[subs["referrer_id"].notna(), "customer_id"])]
    assert credit.table["referred_value"].to_dict() == shown["referrer_id"].value_counts().to_dict()
    lost = set(truth["customer_id"]) - set(shown["customer_id"])
    assert set(credit.unattributed) == lost and credit.unknown_referrers == []
