"""clvlib.analysis.linkage: normalising the key, linking with duplicates and blanks reported, the match rate."""

from __future__ import annotations

import pandas as pd
import pytest

from clvlib.analysis import linkage as lk
from clvlib.data import load_truth
from clvlib.data.simulate import TRUE_WORLD, simulate_world

# By hand: S1 and S2 are one person (a comeback), S3 has no key, S4 has nobody in the shop;
# C1 writes the key in upper case with a space and has a guest order; C2 and C3 are one
# person's two accounts; C4 never gives an e-mail.
SUBS = pd.DataFrame({"customer_id": ["S1", "S2", "S3", "S4"],
                     "email_hash": ["aa11", "AA11 ", "", "dd44"]})
ORDERS = pd.DataFrame({"customer_id": ["C1", "C1", "C2", "C3", "C4", "C4"],
                       "email_hash": [" AA11", None, "bb22", "BB22", "", None]})


def test_normalise_key_trims_and_lowers_and_blanks_are_missing():
    out = lk.normalise_key(pd.Series(["  AbC ", "abc", "   ", None, "x\t"]))
    assert out.iloc[:2].tolist() == ["abc", "abc"] and out.iloc[2:4].isna().all() and out.iloc[4] == "x"


def test_link_tables_by_hand():
    linkage = lk.link_tables(SUBS, ORDERS)
    assert linkage.pairs.to_dict("list") == {"person_key": ["aa11", "aa11"], "subscriber_id": ["S1", "S2"],
                                             "shop_customer_id": ["C1", "C1"]}
    report = linkage.report
    assert report.loc["subscriptions"].to_dict() == {"records": 4, "without_key": 1, "several_keys": 0,
                                                     "sharing_a_key": 2, "linked": 2, "unlinked": 2}
    assert report.loc["orders"].to_dict() == {"records": 4, "without_key": 1, "several_keys": 0,
                                              "sharing_a_key": 2, "linked": 1, "unlinked": 3}
    # Nothing dropped: every record is in the linkage, keyed or not.
    assert sorted(linkage.records["subscriptions"]["record_id"]) == ["S1", "S2", "S3", "S4"]
    assert sorted(linkage.records["orders"]["record_id"].unique()) == ["C1", "C2", "C3", "C4"]


def test_a_record_with_two_keys_is_counted_and_keeps_both():
    orders = pd.DataFrame({"customer_id": ["C1", "C1"], "email_hash": ["aa11", "ee55"]})
    linkage = lk.link_tables(SUBS, orders)
    assert linkage.report.loc["orders", "several_keys"] == 1
    assert set(linkage.records["orders"]["person_key"]) == {"aa11", "ee55"}


def test_match_rate_by_hand():
    rate = lk.match_rate(lk.link_tables(SUBS, ORDERS))
    # 2 of the 3 keyed subscriber records link; 3 of 4 shop records carry a key.
    assert rate["observed_rate"] == pytest.approx(2 / 3)
    assert rate["match_rate"] == pytest.approx((2 / 3) / (3 / 4))
    assert rate["match_rate_all_records"] == pytest.approx(2 / 4)
    low, high = lk.wilson_interval(2, 3)
    assert rate["lower"] == pytest.approx(low / 0.75) and rate["upper"] == pytest.approx(min(1.0, high / 0.75))


def test_wilson_interval_against_a_hand_calculation():
    # Wilson (1927) for 10/100 at 95%: centre (0.1 + z^2/200) / (1 + z^2/100), z = 1.959964.
    low, high = lk.wilson_interval(10, 100)
    assert (round(low, 4), round(high, 4)) == (0.0552, 0.1744)


def test_without_a_key_column_the_error_names_the_table_and_column():
    with pytest.raises(ValueError, match="orders table has no email_hash column"):
        lk.link_tables(SUBS, ORDERS.drop(columns="email_hash"))
    assert not lk.has_key(ORDERS.drop(columns="email_hash")) and lk.has_key(ORDERS)


def test_combined_value_sums_a_persons_records_and_silo_view_shows_what_each_misses():
    linkage = lk.link_tables(SUBS, ORDERS)
    people = lk.combined_value(linkage, pd.Series({"S1": 100.0, "S2": 50.0, "S3": 7.0, "S4": 9.0}),
                               pd.Series({"C1": 30.0, "C2": 1.0, "C3": 1.0, "C4": 1.0}))
    assert people.loc["aa11"].to_dict() == {"subscription_value": 150.0, "shop_value": 30.0, "combined_value": 180.0,
                                            "subscriber_records": 2, "shop_records": 1}
    view = lk.silo_view(people)
    assert view.loc["web shop sees", "share_missed"] == pytest.approx(150 / 180)
    with pytest.raises(ValueError, match="no entry for 1 linked records"):
        lk.combined_value(linkage, pd.Series({"S1": 1.0}), pd.Series({"C1": 1.0}))


# --------------------------------------------------------------------------- the embedded data


def _true_pairs(people: pd.DataFrame, keyed: set[str]) -> set[tuple[str, str]]:
    subs = people[people["customer_id"].str.startswith("S") & people["customer_id"].isin(keyed)]
    shop = people[people["customer_id"].str.startswith("C") & people["customer_id"].isin(keyed)]
    both = subs.merge(shop, on="person_id", suffixes=("_s", "_c"))
    return set(zip(both["customer_id_s"], both["customer_id_c"], strict=True))


def test_linkage_finds_exactly_the_true_links_among_keyed_records(dataset):
    truth = load_truth()
    linkage = lk.link_tables(dataset.subscriptions, dataset.orders)
    keyed = {r for side in linkage.records.values() for r in side.dropna()["record_id"]}
    found = set(zip(linkage.pairs["subscriber_id"], linkage.pairs["shop_customer_id"], strict=True))
    assert found == _true_pairs(truth.people, keyed)


def test_match_rate_recovers_the_true_match_rate(dataset):
    truth = load_truth().params["linkage"]["true_match_rate"]
    rate = lk.match_rate(lk.link_tables(dataset.subscriptions, dataset.orders))
    assert rate["lower"] <= truth <= rate["upper"], (rate, truth)
    assert rate["match_rate"] == pytest.approx(truth, abs=0.005)
    # Ignoring the invisible partners (shop accounts with no e-mail) is biased low; all records, lower still.
    assert rate["match_rate_all_records"] < rate["observed_rate"] < rate["match_rate"]


def test_without_normalising_the_key_most_upper_case_links_are_lost(dataset):
    exact = dataset.subscriptions.dropna(subset=["email_hash"]).merge(
        dataset.orders.dropna(subset=["email_hash"]).drop_duplicates("customer_id"), on="email_hash")
    linkage = lk.link_tables(dataset.subscriptions, dataset.orders)
    assert exact["customer_id_x"].nunique() < 0.75 * linkage.report.loc["subscriptions", "linked"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_interval_covers_the_true_rate_in_other_worlds(seed):
    world = simulate_world(TRUE_WORLD, seed=seed, scale=0.3)
    subs = world["subscriptions"].assign(email_hash=world["subscriptions"]["email_hash"].replace("", None))
    rate = lk.match_rate(lk.link_tables(subs, world["orders"]))
    assert rate["lower"] <= world["links"]["true_match_rate"] <= rate["upper"]


def test_comebacks_by_hand():
    subs = SUBS.assign(signup_date=pd.to_datetime(["2024-01-01", "2024-06-01", "2024-01-01", "2024-01-01"]),
                       cancel_date=pd.to_datetime(["2024-03-01", None, None, None]))
    comebacks = lk.subscriber_comebacks(lk.link_tables(subs, ORDERS), subs)
    assert comebacks.to_dict("index") == {"aa11": {"records": 2, "first_signup": pd.Timestamp("2024-01-01"),
                                                   "last_signup": pd.Timestamp("2024-06-01"), "came_back": True}}
    overlapping = subs.assign(cancel_date=pd.to_datetime(["2024-09-01", None, None, None]))
    assert not lk.subscriber_comebacks(lk.link_tables(overlapping, ORDERS), overlapping)["came_back"].iloc[0]


def test_key_quality_counts_the_mess_of_the_embedded_shop(dataset):
    quality = lk.key_quality(dataset.orders)
    assert quality["rows"] == len(dataset.orders)
    assert quality["distinct_normalised"] < quality["distinct_as_written"]
    assert quality["distinct_normalised"] == lk.normalise_key(dataset.orders["email_hash"]).nunique()
