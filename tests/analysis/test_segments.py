"""clvlib.analysis.segments: RFM scores (with heavy ties), value tiers, Pareto curve, lifecycle, profiles."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clvlib.analysis import segments as sg
from clvlib.analysis import value_drivers

ANALYSIS_DATE = "2025-03-31"


def _orders(rows):
    frame = pd.DataFrame(rows, columns=["customer_id", "order_date", "order_value"])
    frame["order_date"] = pd.to_datetime(frame["order_date"])
    return frame


# Five customers whose RFM scores are worked out by hand in the test below.
HAND_ORDERS = _orders(
    [
        ("a", "2025-03-30", 10.0), ("a", "2025-03-01", 30.0),
        ("b", "2025-01-01", 5.0),
        ("c", "2025-03-20", 50.0), ("c", "2025-02-01", 50.0), ("c", "2025-01-10", 50.0),
        ("d", "2025-02-15", 8.0), ("d", "2025-02-20", 12.0),
        ("e", "2024-12-01", 100.0),
    ]
)


# --------------------------------------------------------------------------- RFM


def test_rfm_table_hand_example():
    rfm = sg.rfm_table(HAND_ORDERS, ANALYSIS_DATE)
    assert rfm["recency_days"].to_dict() == {"a": 1, "b": 89, "c": 11, "d": 39, "e": 120}
    assert rfm["frequency"].to_dict() == {"a": 2, "b": 1, "c": 3, "d": 2, "e": 1}
    assert rfm["monetary"].to_dict() == {"a": 20.0, "b": 5.0, "c": 50.0, "d": 10.0, "e": 100.0}
    assert rfm.at["e", "tenure_days"] == 120 and rfm.at["c", "tenure_days"] == 80
    assert sg.rfm_table(HAND_ORDERS, ANALYSIS_DATE, monetary="total").at["c", "monetary"] == 150.0


def test_rfm_scores_hand_example():
    """Worked by hand with score = 1 + floor(5 x share of customers strictly worse).

    R (fewer days is better): a 1 day has 4 of 5 worse -> 5; c 11 -> 4; d 39 -> 3; b 89 -> 2; e -> 1.
    F: b and e (1 order) have nobody below -> 1; a and d (2 orders) have 2 of 5 below -> 3; c -> 5.
    M: b 5 -> 1, d 10 -> 2, a 20 -> 3, c 50 -> 4, e 100 -> 5.
    """
    scores = sg.rfm_scores(sg.rfm_table(HAND_ORDERS, ANALYSIS_DATE))
    assert scores["r_score"].to_dict() == {"a": 5, "b": 2, "c": 4, "d": 3, "e": 1}
    assert scores["f_score"].to_dict() == {"a": 3, "b": 1, "c": 5, "d": 3, "e": 1}
    assert scores["m_score"].to_dict() == {"a": 3, "b": 1, "c": 4, "d": 2, "e": 5}
    assert scores["rfm_cell"].to_dict() == {"a": "5-3-3", "b": "2-1-1", "c": "4-5-4", "d": "3-3-2", "e": "1-1-5"}
    assert scores["rfm_total"].to_dict() == {"a": 11, "b": 4, "c": 13, "d": 8, "e": 7}
    names = sg.rfm_segment_names(scores)
    assert names.astype(str).to_dict() == {
        "a": "loyal", "b": "hibernating", "c": "champions", "d": "loyal", "e": "hibernating"
    }


def test_heavy_ties_hand_example():
    """Six of ten customers bought once: they all score 1 and scores 2 and 3 stay empty.

    2 orders: 6 of 10 below -> 1 + floor(3.0) = 4; 3: 7 below -> 4; 4: 8 -> 5; 5: 9 -> 5.
    """
    values = pd.Series([1, 1, 1, 1, 1, 1, 2, 3, 4, 5])
    assert sg.percentile_scores(values).tolist() == [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]
    # Row order does not matter (rank(method="first") would split the ties by position).
    shuffled = values.sample(frac=1.0, random_state=0)
    assert sg.percentile_scores(shuffled).sort_index().tolist() == [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]


def test_without_ties_scores_are_exact_quintiles():
    scores = sg.percentile_scores(pd.Series(np.arange(100.0)))
    assert scores.value_counts().sort_index().tolist() == [20] * 5
    assert scores.iloc[:20].eq(1).all() and scores.iloc[-20:].eq(5).all()


def test_recency_is_scored_with_fewer_days_better():
    scores = sg.percentile_scores(pd.Series([1, 100]), n_scores=2, higher_is_better=False)
    assert scores.tolist() == [2, 1]


def _brute_force_scores(values: list[float], n_scores: int, higher_is_better: bool) -> list[int]:
    sign = 1 if higher_is_better else -1
    n = len(values)
    return [1 + (n_scores * sum(sign * w < sign * v for w in values)) // n for v in values]


value_lists = st.one_of(
    st.lists(st.integers(0, 3), min_size=1, max_size=60),  # heavy ties, like order counts
    st.lists(st.sampled_from([0.0, 0.0, 0.0, 1.5, 2.5, 40.0]), min_size=1, max_size=60),
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=60),
)


@settings(max_examples=200, deadline=None)
@given(values=value_lists, n_scores=st.integers(2, 10), higher_is_better=st.booleans())
def test_percentile_scores_properties(values, n_scores, higher_is_better):
    series = pd.Series(values)
    scores = sg.percentile_scores(series, n_scores, higher_is_better)
    # In range.
    assert scores.between(1, n_scores).all()
    # Equal values get equal scores.
    assert (scores.groupby(series).nunique() == 1).all()
    # Monotone in the value (in the direction that counts as better).
    ordered = scores.iloc[np.argsort(series.to_numpy() * (1 if higher_is_better else -1), kind="stable")]
    assert (np.diff(ordered.to_numpy()) >= 0).all()
    # The worst value scores 1.
    worst = series.min() if higher_is_better else series.max()
    assert (scores[series == worst] == 1).all()
    # And it is the documented rule, computed independently.
    assert scores.tolist() == _brute_force_scores(values, n_scores, higher_is_better)


@settings(max_examples=50, deadline=None)
@given(n_groups=st.integers(1, 20), n_scores=st.integers(2, 10))
def test_distinct_values_fill_scores_evenly(n_groups, n_scores):
    values = pd.Series(np.arange(n_groups * n_scores, dtype=float))
    counts = sg.percentile_scores(values, n_scores).value_counts()
    assert (counts == n_groups).all() and len(counts) == n_scores


def test_percentile_scores_bad_input():
    with pytest.raises(ValueError, match="missing or not numbers"):
        sg.percentile_scores(pd.Series([1.0, None]))
    with pytest.raises(ValueError, match="at least 2"):
        sg.percentile_scores(pd.Series([1.0]), n_scores=1)
    with pytest.raises(ValueError, match="no values"):
        sg.percentile_scores(pd.Series([], dtype=float))


@pytest.mark.parametrize(
    "orders, kwargs, message",
    [
        (HAND_ORDERS.drop(columns="order_value"), {}, "no order_value column"),
        (HAND_ORDERS.assign(order_value=-1.0), {}, "negative"),
        (HAND_ORDERS, {"analysis_date": "2025-03-15"}, "after the analysis date"),
        (HAND_ORDERS, {"monetary": "median"}, "monetary must be"),
        (HAND_ORDERS.iloc[:0], {}, "empty"),
    ],
)
def test_rfm_table_bad_input(orders, kwargs, message):
    kwargs = {"analysis_date": ANALYSIS_DATE, **kwargs}
    with pytest.raises(ValueError, match=message):
        sg.rfm_table(orders, **kwargs)


# --------------------------------------------------------------------------- value


def test_pareto_curve_and_top_share_hand_example():
    values = [5, 50, 10, 30, 5]
    curve = sg.pareto_curve(values)
    assert curve["customer_share"].tolist() == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert curve["value_share"].round(10).tolist() == [0.0, 0.5, 0.8, 0.9, 0.95, 1.0]
    assert sg.top_share_of_value(values, 0.2) == pytest.approx(0.5)
    assert sg.top_share_of_value(values, 0.3) == pytest.approx(0.65)


def test_gini():
    assert sg.gini_coefficient([3, 3, 3, 3]) == pytest.approx(0.0)
    assert sg.gini_coefficient([0, 0, 0, 1]) == pytest.approx(0.75)  # (n - 1) / n: all in one hand


@pytest.mark.parametrize("values, message", [([1, -2], "negative"), ([0, 0], "All"), ([1, None], "missing")])
def test_value_functions_refuse_bad_values(values, message):
    with pytest.raises(ValueError, match=message):
        sg.pareto_curve(values)


def test_value_tiers_hand_example_and_ties():
    tiers = sg.value_tiers(pd.Series(np.arange(10.0, 0.0, -1.0)))
    assert tiers.astype(str).tolist() == ["top 20%"] * 2 + ["20%-50%"] * 3 + ["bottom 50%"] * 5
    assert list(tiers.cat.categories) == ["top 20%", "20%-50%", "bottom 50%"]
    # Three customers tied across the 20% boundary share the higher tier.
    tied = sg.value_tiers(pd.Series([9.0, 7, 7, 7, 5, 4, 3, 2, 1, 0]))
    assert tied.astype(str).tolist()[:4] == ["top 20%"] * 4
    with pytest.raises(ValueError, match="increasing shares"):
        sg.value_tiers([1, 2, 3], cutoffs=(0.5, 0.2))
    with pytest.raises(ValueError, match="labels"):
        sg.value_tiers([1, 2, 3], cutoffs=(0.5,), labels=["only one"])


# --------------------------------------------------------------------------- lifecycle


LIFECYCLE_CASES = pd.DataFrame(
    [
        # tenure_days, recency_days, probability_alive, expected
        (30, 30, 0.9, "new"),
        (30, 30, 0.1, "new"),  # the first rule wins
        (400, 10, 0.9, "active"),
        (400, 10, 0.4, "at risk"),  # P(alive) below 0.5
        (400, 200, 0.9, "at risk"),  # no order for more than 120 days
        (400, 10, 0.1, "lapsed"),  # P(alive) below 0.2
        (600, 600, 1.0, "lapsed"),  # a one-time buyer: P(alive) = 1 under BG/NBD, yet long gone
    ],
    columns=["tenure_days", "recency_days", "probability_alive", "expected"],
)


def test_lifecycle_stages_hand_cases():
    stages = sg.lifecycle_stages(LIFECYCLE_CASES)
    assert stages.astype(str).tolist() == LIFECYCLE_CASES["expected"].tolist()
    assert list(stages.cat.categories) == ["new", "active", "at risk", "lapsed"]


def test_lifecycle_thresholds_are_parameters():
    stages = sg.lifecycle_stages(LIFECYCLE_CASES, new_within_days=0, at_risk_after_days=1000, lapsed_after_days=1000,
                                 at_risk_below=0.3, lapsed_below=0.05)
    assert stages.astype(str).tolist() == ["active", "at risk", "active", "active", "active", "at risk", "active"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"at_risk_below": 0.1, "lapsed_below": 0.2}, "lapsed_below <= at_risk_below"),
        ({"at_risk_after_days": 400, "lapsed_after_days": 300}, "at_risk_after_days <= lapsed_after_days"),
        ({"new_within_days": -1}, "new_within_days"),
    ],
)
def test_lifecycle_bad_thresholds(kwargs, message):
    with pytest.raises(ValueError, match=message):
        sg.lifecycle_stages(LIFECYCLE_CASES, **kwargs)


def test_lifecycle_needs_probabilities():
    with pytest.raises(ValueError, match="between 0 and 1"):
        sg.lifecycle_stages(LIFECYCLE_CASES.assign(probability_alive=1.5))
    with pytest.raises(ValueError, match="probability_alive"):
        sg.lifecycle_stages(LIFECYCLE_CASES.drop(columns="probability_alive"))


# --------------------------------------------------------------------------- profiles and the model


def test_segment_profiles_hand_example():
    customers = pd.DataFrame(
        {"tier": ["x", "x", "y", "y", "y"], "clv": [10.0, 30.0, 20.0, 20.0, 20.0], "churn_risk": [0.1, 0.3, 0.5, 0.5, 0.8]}
    )
    profiles = sg.segment_profiles(customers, "tier")
    assert profiles["customers"].tolist() == [2, 3]
    assert profiles["share_of_customers"].tolist() == pytest.approx([0.4, 0.6])
    assert profiles["mean_value"].tolist() == pytest.approx([20.0, 20.0])
    assert profiles["share_of_value"].tolist() == pytest.approx([0.4, 0.6])
    assert profiles["mean_churn_risk"].tolist() == pytest.approx([0.2, 0.6])
    with pytest.raises(ValueError, match="no nope"):
        sg.segment_profiles(customers, "nope")


def test_early_behaviour_hand_example():
    orders = _orders([("a", "2025-01-01", 10.0), ("a", "2025-01-31", 20.0), ("a", "2025-03-02", 5.0),
                      ("b", "2025-02-01", 7.0)]).assign(channel=["web", "web", "web", "tv"])
    early = value_drivers.early_behaviour(orders, window_days=56)
    assert early.loc["a"].to_dict() == {"first_order_value": 10.0, "orders_in_window": 2, "spend_in_window": 30.0,
                                        "channel": "web"}
    assert early.at["b", "orders_in_window"] == 1


def _synthetic_customers(n=3000, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    channel = rng.choice(["web", "tv", "radio"], size=n)
    high = rng.random(n) < 1 / (1 + np.exp(-(-1.0 + 1.0 * x)))
    return pd.DataFrame({"x": x, "channel": channel}, index=[f"c{i}" for i in range(n)]), pd.Series(high, index=[f"c{i}" for i in range(n)])


def test_high_value_logit_recovers_a_known_effect():
    features, high = _synthetic_customers()
    model = value_drivers.high_value_logit(features, high, ["x", "channel"])
    x_row = model.odds_ratios.loc["x"]
    assert x_row["ci_lower"] < np.e < x_row["ci_upper"] and x_row["p_value"] < 1e-6
    # Channel had no effect in the simulation: its intervals straddle 1.
    channel_rows = model.odds_ratios.loc[model.odds_ratios.index.str.startswith("channel=")]
    assert ((channel_rows["ci_lower"] < 1) & (channel_rows["ci_upper"] > 1)).all()
    assert model.customers_used == 3000 and 0 < model.share_high_value < 1


def test_high_value_logit_bad_input():
    features, high = _synthetic_customers(n=400)
    with pytest.raises(ValueError, match="predicts the outcome perfectly"):
        value_drivers.high_value_logit(features, features["x"] > 0, ["x"])
    with pytest.raises(ValueError, match="same group"):
        value_drivers.high_value_logit(features, pd.Series(True, index=features.index), ["x"])
    with pytest.raises(ValueError, match="same value for everyone"):
        value_drivers.high_value_logit(features.assign(k=1.0), high, ["x", "k"])
    with pytest.raises(ValueError, match="no high_value flag"):
        value_drivers.high_value_logit(features, high.iloc[:10], ["x"])


# --------------------------------------------------------------------------- on the embedded data


@pytest.fixture(scope="module")
def embedded_customers(dataset):
    from clvlib.analysis.predictive_clv import customer_lifetime_value
    from clvlib.models.noncontractual import BetaGeoNBD, GammaGamma
    from clvlib.transactions import summarize_transactions

    ds = dataset
    summary = summarize_transactions(ds.orders, ds.analysis_date, time_unit="week")
    bgnbd = BetaGeoNBD(time_unit="week").fit(summary)
    gg = GammaGamma().fit(summary["frequency"], summary["monetary_value"])
    clv = customer_lifetime_value(bgnbd, gg, summary, horizon=104, horizon_unit="week", margin_rate=0.3,
                                  discount_rate_annual=0.1)
    return sg.rfm_scores(sg.rfm_table(ds.orders, ds.analysis_date)).join(clv).join(summary[["frequency"]].add_prefix("repeat_"))


def test_embedded_one_time_buyers_have_p_alive_one_yet_most_are_lapsed(embedded_customers):
    c = embedded_customers
    one_timers = c[c["repeat_frequency"] == 0]
    assert (one_timers["probability_alive"] == 1).all()
    stages = sg.lifecycle_stages(c)
    assert (stages[one_timers.index] == "lapsed").mean() > 0.9  # caught by the recency rule


def test_embedded_value_is_concentrated_and_tiers_match_the_curve(embedded_customers):
    clv = embedded_customers["clv"]
    top = sg.top_share_of_value(clv, 0.2)
    tiers = sg.value_tiers(clv)
    assert 0.5 < top < 1.0
    assert clv[tiers == "top 20%"].sum() / clv.sum() == pytest.approx(top, abs=0.01)
    # High RFM totals go with far higher predicted value (the relation is convex, not linear).
    total = embedded_customers["rfm_total"]
    assert clv[total >= 13].mean() > 10 * clv[total <= 6].mean()
