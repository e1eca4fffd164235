"""clvlib.analysis.ml_features: features by hand, and no information from after the cut-off (no leakage)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clvlib.analysis.ml_features import order_features, subscriber_snapshot

CAL_END = "2024-12-31"


def _orders():
    return pd.DataFrame({
        "customer_id": ["a", "a", "a", "b", "a", "c"],
        "order_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-12-20", "2024-06-01", "2025-02-01", "2025-03-01"]),
        "order_value": [10.0, 5.0, 40.0, 7.0, 99.0, 50.0],
        "channel": ["search", "tv", "tv", "social", "tv", "search"],
    })


def test_order_features_by_hand():
    f = order_features(_orders(), CAL_END, time_unit="week", recent_periods=4)
    assert list(f.index) == ["a", "b"]  # c first bought after the calibration end
    a = f.loc["a"]
    assert a["frequency"] == 1 and a["recency"] == pytest.approx(354 / 7) and a["T"] == pytest.approx(365 / 7)
    assert a["periods_since_last"] == pytest.approx(11 / 7)
    assert a["first_order_value"] == 15.0  # same-day orders are one purchase
    assert a["total_value"] == 55.0 and a["largest_day_value"] == 40.0 and a["monetary_value"] == 40.0
    assert a["recent_purchases"] == 1 and f.loc["b", "recent_purchases"] == 0
    # the first row of the first day decides the channel
    assert [c for c in f.columns if c.startswith("channel=")] == ["channel=search", "channel=social"]
    assert a["channel=search"] == 1.0 and a["channel=social"] == 0.0 and f.loc["b", "channel=social"] == 1.0


def test_order_features_ignore_everything_after_the_calibration_end():
    """The leakage test: change, delete and add holdout orders; the features must not move."""
    orders = _orders()
    before = order_features(orders, CAL_END)
    late = orders["order_date"] > CAL_END
    perturbed = orders.copy()
    perturbed.loc[late, "order_value"] *= 100
    perturbed.loc[late, "channel"] = "radio"
    extra = pd.DataFrame({"customer_id": ["b", "b", "z"], "order_date": pd.to_datetime(["2025-01-01"] * 3),
                          "order_value": [500.0, 1.0, 3.0], "channel": ["radio"] * 3})
    for changed in (perturbed, orders[~late], pd.concat([orders, extra], ignore_index=True)):
        pd.testing.assert_frame_equal(order_features(changed, CAL_END), before)


def test_order_features_ignore_holdout_orders_on_real_sized_data(dataset):
    orders = dataset.orders
    before = order_features(orders, CAL_END)
    late = (orders["order_date"] > CAL_END).to_numpy()
    shuffled = orders.copy()
    rng = np.random.default_rng(0)
    shuffled.loc[late, "order_value"] = rng.permutation(shuffled.loc[late, "order_value"].to_numpy()) * 3
    shuffled.loc[late, "customer_id"] = rng.permutation(shuffled.loc[late, "customer_id"].to_numpy())
    pd.testing.assert_frame_equal(order_features(shuffled, CAL_END), before)


def test_bad_order_input_is_named():
    orders = _orders().assign(order_value=[10.0, -5.0, 40.0, 7.0, 99.0, 50.0])
    with pytest.raises(ValueError, match="negative order_value"):
        order_features(orders, CAL_END)


def _subs():
    return pd.DataFrame({
        "customer_id": ["s1", "s2", "s3", "s4", "s5"],
        "signup_date": pd.to_datetime(["2024-01-15", "2024-03-01", "2024-05-01", "2024-02-01", "2024-08-01"]),
        "cancel_date": pd.to_datetime(["2024-05-20", "2024-07-31", None, "2024-06-15", None]),
        "plan": ["basic", "premium", "basic", "basic", "premium"],
        "monthly_revenue": [15.0, 40.0, 15.0, 15.0, 40.0],
    })


def test_subscriber_snapshot_by_hand():
    snap = subscriber_snapshot(_subs(), "2024-05-31", horizon_months=2)
    # s1 left before the cut-off, s5 signed up after it
    assert list(snap["customer_id"]) == ["s2", "s3", "s4"]
    # s2 leaves on 07-31 (= cut-off + 2 months: inside), s4 on 06-15, s3 never
    assert list(snap["cancelled_within"]) == [1, 0, 1]
    # calendar months: 03-01 to 05-01 is 2, then 30 of May's 31 days (the project's convention)
    np.testing.assert_allclose(snap["tenure_months"], [2 + 30 / 31, 30 / 31, 3 + 30 / 31])
    assert list(snap.columns) == ["customer_id", "tenure_months", "plan", "monthly_revenue", "cancelled_within"]
    assert snap.attrs["horizon_end"] == "2024-07-31"


def test_subscriber_snapshot_features_ignore_the_future():
    """Move every cancellation after the cut-off anywhere later, add later signups: the features stay."""
    subs = _subs()
    before = subscriber_snapshot(subs, "2024-05-31", 2)
    later = subs.copy()
    later.loc[later["cancel_date"] > "2024-05-31", "cancel_date"] = pd.Timestamp("2030-01-01")
    extra = pd.DataFrame({"customer_id": ["s9"], "signup_date": pd.to_datetime(["2024-06-01"]),
                          "cancel_date": pd.to_datetime(["2024-06-02"]), "plan": ["basic"], "monthly_revenue": [15.0]})
    after = subscriber_snapshot(pd.concat([later, extra], ignore_index=True), "2024-05-31", 2)
    features = ["customer_id", "tenure_months", "plan", "monthly_revenue"]
    pd.testing.assert_frame_equal(after[features], before[features])
    assert after["cancelled_within"].sum() == 0  # only the label looked ahead


def test_subscriber_snapshot_refuses_a_leaking_attribute():
    with pytest.raises(ValueError, match="hand the model the answer"):
        subscriber_snapshot(_subs(), "2024-05-31", 2, attributes=["plan", "cancel_date"])


def test_early_usage_is_blank_until_it_was_measured():
    """app_logins_first_30d exists only 30 days after signup: before that, using it would be leakage."""
    subs = _subs().assign(app_logins_first_30d=[3.0, 9.0, 1.0, 4.0, 7.0])
    subs.loc[2, "signup_date"] = pd.Timestamp("2024-05-10")  # 21 days before the cut-off
    snap = subscriber_snapshot(subs, "2024-05-31", 2, attributes=["plan", "app_logins_first_30d"])
    assert snap.set_index("customer_id")["app_logins_first_30d"].to_dict() == pytest.approx(
        {"s2": 9.0, "s3": np.nan, "s4": 4.0}, nan_ok=True)
    changed = subs.assign(app_logins_first_30d=[3.0, 9.0, 25.0, 4.0, 7.0])
    pd.testing.assert_frame_equal(subscriber_snapshot(changed, "2024-05-31", 2, ["plan", "app_logins_first_30d"]), snap)
