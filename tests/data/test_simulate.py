"""The embedded data: `make data` rebuilds it byte for byte, and it teaches what the design says.

The teaching checks are computed from data/ and data/truth/ (what the simulator knew),
never from hard-coded numbers, so they keep holding if the true parameters are retuned
as long as the story stays the same.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from clvlib.data import DATA_DIR, load_dataset, load_truth
from clvlib.data.simulate import DEFAULT_SEED, TRUE_WORLD, simulate_world, write_embedded_data

COMMITTED = sorted(
    [p.relative_to(DATA_DIR) for p in DATA_DIR.glob("*.csv")]
    + [p.relative_to(DATA_DIR) for p in (DATA_DIR / "truth").iterdir() if p.is_file()]
)


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("data")
    write_embedded_data(out)
    return out


@pytest.fixture(scope="module")
def world() -> pd.DataFrame:
    """Subscribers with their true churn probability and true (uncensored) lifetime."""
    ds = load_dataset()
    truth = load_truth()
    subs = ds.subscriptions.merge(truth.subscriptions, on="customer_id", how="left", validate="1:1")
    assert subs["churn_prob_monthly"].notna().all(), "every subscriber must have a truth row"
    return subs


@pytest.fixture(scope="module")
def by_channel(world) -> pd.DataFrame:
    """Per channel: realised CAC (spend / subscribers), mean true churn, true LTV:CAC."""
    ds = load_dataset()
    margin = load_truth().params["gross_margin_rate"]
    subscribers = world.groupby("channel").size()
    spend = ds.marketing_spend.groupby("channel")["spend"].sum()
    true_ltv = margin * world["monthly_revenue"] * world["lifetime_months"]  # undiscounted, dollars
    table = pd.DataFrame(
        {
            "cac_dollars": spend / subscribers,
            "mean_churn_prob_monthly": world.groupby("channel")["churn_prob_monthly"].mean(),
            "mean_true_ltv_dollars": true_ltv.groupby(world["channel"]).mean(),
        }
    )
    table["ltv_to_cac"] = table["mean_true_ltv_dollars"] / table["cac_dollars"]
    return table


def test_committed_files_are_listed():
    """Guard the byte-for-byte test below against an empty glob."""
    names = {str(p) for p in COMMITTED}
    assert {"subscriptions.csv", "orders.csv", "marketing_spend.csv", "truth/true_parameters.json"} <= names


@pytest.mark.parametrize("relative", COMMITTED, ids=str)
def test_make_data_rebuilds_every_file_byte_for_byte(rebuilt, relative):
    """`make data` (= write_embedded_data) reproduces each committed file exactly."""
    new = (rebuilt / relative).read_bytes()
    old = (DATA_DIR / relative).read_bytes()
    assert new == old, f"data/{relative} differs from a fresh `make data`; rebuild and commit it"


def test_make_data_writes_no_file_that_is_not_committed(rebuilt):
    written = sorted(p.relative_to(rebuilt) for p in rebuilt.rglob("*") if p.is_file())
    assert written == COMMITTED


def test_true_parameters_match_the_simulator():
    params = json.loads((DATA_DIR / "truth" / "true_parameters.json").read_text())
    assert params["seed"] == DEFAULT_SEED
    assert params["gross_margin_rate"] == TRUE_WORLD.gross_margin_rate
    assert set(params["channels"]) == set(TRUE_WORLD.channels)


def test_another_seed_gives_another_world():
    """The seed matters (so byte-identity above is not a fixed file being copied)."""
    a = simulate_world(TRUE_WORLD, seed=1, scale=0.05)["subscriptions"]
    b = simulate_world(TRUE_WORLD, seed=2, scale=0.05)["subscriptions"]
    assert not a.equals(b)


def test_truth_is_consistent_with_the_public_data(world):
    """A cancel date is signup + the true lifetime in months; blank means that date is later."""
    analysis_date = pd.Timestamp(load_truth().params["analysis_date"])
    end = [s + pd.DateOffset(months=int(m)) for s, m in zip(world["signup_date"], world["lifetime_months"], strict=True)]
    end = pd.Series(pd.to_datetime(end), index=world.index)
    cancelled = world["cancel_date"].notna()
    assert (world.loc[cancelled, "cancel_date"] == end[cancelled]).all()
    assert (end[~cancelled] > analysis_date).all()


def test_channels_differ_in_cac(by_channel):
    cac = by_channel["cac_dollars"]
    assert cac.max() / cac.min() > 2, cac
    # The realised CAC ranks channels like the true CAC the simulator used.
    true_cac = pd.Series({k: v["cac_dollars"] for k, v in load_truth().params["channels"].items()})
    assert list(cac.sort_values().index) == list(true_cac.sort_values().index)


def test_channels_differ_in_mean_churn(by_channel):
    churn = by_channel["mean_churn_prob_monthly"]
    assert churn.max() / churn.min() > 2, churn


def test_cheapest_channel_is_not_the_most_valuable(by_channel):
    """The lesson of the acquisition notebook: low CAC does not mean best LTV:CAC."""
    cheapest = by_channel["cac_dollars"].idxmin()
    best = by_channel["ltv_to_cac"].idxmax()
    assert cheapest != best, by_channel
    # And not by a hair: the best channel beats the cheapest one clearly.
    assert by_channel.loc[best, "ltv_to_cac"] > 1.3 * by_channel.loc[cheapest, "ltv_to_cac"]


def test_a_fair_share_of_subscribers_is_censored(world):
    censored = world["cancel_date"].isna().mean()
    assert 0.20 <= censored <= 0.50, censored


def test_customers_differ_in_churn(world):
    """Heterogeneity: the spread of true churn is wide, so one constant rate is wrong."""
    churn = world["churn_prob_monthly"]
    assert churn.quantile(0.9) / churn.quantile(0.1) > 5


def test_promo_signups_churn_faster(world):
    promo = world.groupby("promo_signup")["churn_prob_monthly"].mean()
    assert promo[True] > promo[False]


def test_plans_differ_in_revenue(world):
    revenue = world.groupby("plan")["monthly_revenue"].agg(["min", "max"])
    assert (revenue["min"] == revenue["max"]).all(), "one price per plan"
    assert revenue["max"].nunique() == len(revenue) >= 3
    assert revenue["max"].max() / revenue["max"].min() >= 2


def test_shop_orders_match_their_truth():
    ds = load_dataset()
    truth = load_truth().orders
    assert set(ds.orders["customer_id"]) == set(truth["customer_id"])
    # Customers with a higher true purchase rate buy more often (BG/NBD story holds).
    counts = ds.orders.groupby("customer_id").size().rename("orders")
    joined = truth.set_index("customer_id").join(counts)
    top = joined["purchase_rate_per_week"] >= joined["purchase_rate_per_week"].quantile(0.8)
    assert joined.loc[top, "orders"].mean() > 2 * joined.loc[~top, "orders"].mean()


# --- issue 11: the shared e-mail key, referrers and early usage -------------------------------


def test_the_new_stream_leaves_every_older_column_as_it_was():
    """add_links draws from its own stream: the tables without it are the same, value for value."""
    from clvlib.data import simulate

    world = simulate_world(TRUE_WORLD, seed=5, scale=0.05)
    original = simulate.add_links
    try:
        simulate.add_links = lambda w, seed, analysis_date: w
        bare = simulate_world(TRUE_WORLD, seed=5, scale=0.05)
    finally:
        simulate.add_links = original
    for table in ("subscriptions", "orders", "marketing_spend", "subscriptions_truth", "orders_truth"):
        pd.testing.assert_frame_equal(world[table][bare[table].columns], bare[table])
    assert world["subscriptions"].columns[-3:].tolist() == ["email_hash", "referrer_id", "app_logins_first_30d"]


def test_people_truth_agrees_with_the_messy_keys():
    """Where a record carries an e-mail, its normalised hash is the hash of its true person."""
    from clvlib.data.simulate_links import email_hash

    ds, truth = load_dataset(), load_truth()
    person = truth.people.set_index("customer_id")["person_id"]
    for frame in (ds.subscriptions, ds.orders):
        keyed = frame.dropna(subset=["email_hash"])
        expected = keyed["customer_id"].map(person).map(email_hash)
        assert (keyed["email_hash"].str.strip().str.lower() == expected).all()
    # The mess is there to be cleaned: upper case in the shop, stray spaces in both, blanks in both.
    shop = ds.orders["email_hash"].dropna()
    assert shop.str.contains("[A-F]").mean() > 0.2
    assert ds.subscriptions["email_hash"].isna().mean() > 0.02 and ds.orders["email_hash"].isna().mean() > 0.02
    assert (shop != shop.str.strip()).any() and (ds.subscriptions["email_hash"].dropna().str.startswith(" ")).any()


def test_the_true_match_rate_is_the_share_of_subscribers_who_also_shop():
    truth = load_truth()
    people = truth.people
    shop_people = set(people.loc[people["customer_id"].str.startswith("C"), "person_id"])
    subs = people[people["customer_id"].str.startswith("S")]
    rate = subs["person_id"].isin(shop_people).mean()
    assert rate == pytest.approx(truth.params["linkage"]["true_match_rate"], abs=1e-12)
    assert 0.10 < rate < 0.30, rate
    # Comebacks (one person, two subscriber records) and second shop accounts exist.
    assert subs["person_id"].duplicated().sum() == truth.params["linkage"]["comeback_subscribers"] > 0


def test_loyal_subscribers_are_more_often_shop_customers_too(world):
    truth = load_truth()
    people = truth.people.set_index("customer_id")["person_id"]
    shop_people = set(people[people.index.str.startswith("C")])
    also_shop = world["customer_id"].map(people).isin(shop_people)
    churn = world["churn_prob_monthly"]
    assert churn[also_shop].mean() < 0.8 * churn[~also_shop].mean()


def test_referrers_signed_up_earlier_and_were_active_on_the_referral_day(world):
    truth = load_truth()
    ref = truth.referrals.merge(world[["customer_id", "signup_date"]], on="customer_id")
    has = ref[ref["referrer_id"] != ""]
    assert len(has) > 0.9 * len(ref)
    by_id = world.set_index("customer_id")
    referrer = by_id.loc[has["referrer_id"]]
    assert (referrer["signup_date"].to_numpy() < has["signup_date"].to_numpy()).all()
    still = referrer["cancel_date"].isna().to_numpy() | (referrer["cancel_date"].to_numpy() > has["signup_date"].to_numpy())
    assert still.all()
    # The public column is the truth with some codes lost, never a wrong referrer.
    shown = world.set_index("customer_id")["referrer_id"].reindex(ref["customer_id"])
    lost = shown.isna().to_numpy()
    assert 0 < lost.mean() < 0.15
    assert (shown[~lost].to_numpy() == ref["referrer_id"].to_numpy()[~lost]).all()
    assert world.loc[world["channel"] != "referral", "referrer_id"].isna().all()


def test_early_app_logins_fall_with_the_true_churn_probability(world):
    logins = world["app_logins_first_30d"]
    young = world["signup_date"] + pd.Timedelta(days=30) > pd.Timestamp(load_truth().params["analysis_date"])
    assert logins[young].isna().all() and logins[~young].notna().all()
    by_quintile = logins.groupby(pd.qcut(world["churn_prob_monthly"], 5), observed=True).mean()
    assert by_quintile.is_monotonic_decreasing and by_quintile.iloc[0] > 3 * by_quintile.iloc[-1], by_quintile
