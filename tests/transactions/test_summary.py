"""Transactions -> frequency / recency / T / monetary value, and the calibration/holdout split."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clvlib.transactions import (
    calibration_holdout_split,
    calibration_summary,
    summarize_transactions,
)


def _orders(rows):
    return pd.DataFrame(rows, columns=["customer_id", "order_date", "order_value"]).assign(
        order_date=lambda d: pd.to_datetime(d["order_date"], format="ISO8601")
    )


TOY = _orders(
    [
        ("a", "2024-01-01", 10.0),
        ("a", "2024-01-01", 5.0),  # same day: one transaction worth 15
        ("a", "2024-01-15", 20.0),
        ("a", "2024-01-22 18:30", 30.0),  # time of day is ignored
        ("b", "2024-01-08", 7.0),
        ("c", "2024-01-29", 3.0),  # first purchase on the observation end
    ]
)


def test_hand_computed_weekly_summary():
    s = summarize_transactions(TOY, "2024-01-29", time_unit="week")
    assert s.index.tolist() == ["a", "b", "c"]
    assert s.index.name == "customer_id"
    assert s["frequency"].tolist() == [2, 0, 0]
    np.testing.assert_allclose(s["recency"], [3.0, 0.0, 0.0])
    np.testing.assert_allclose(s["T"], [4.0, 3.0, 0.0])
    # Mean of the repeat transactions only (20 and 30); 0 where there is no repeat.
    np.testing.assert_allclose(s["monetary_value"], [25.0, 0.0, 0.0])
    assert s.attrs["time_unit"] == "week"
    assert s.attrs["observation_end"] == "2024-01-29"


def test_time_units_scale_recency_and_t_with_fractions():
    day = summarize_transactions(TOY, "2024-01-29", time_unit="day")
    month = summarize_transactions(TOY, "2024-01-29", time_unit="month")
    np.testing.assert_allclose(day["T"], [28.0, 21.0, 0.0])
    np.testing.assert_allclose(month["T"], day["T"] / (365.25 / 12))
    assert month.attrs["time_unit"] == "month"
    b = summarize_transactions(TOY.iloc[[0, 2]], "2024-01-29", time_unit="week")
    np.testing.assert_allclose(b["recency"], [2.0])
    fractional = summarize_transactions(TOY, "2024-01-31", time_unit="week")
    np.testing.assert_allclose(fractional["T"], [30 / 7, 23 / 7, 2 / 7])


def test_without_a_value_column_there_is_no_monetary_value():
    s = summarize_transactions(TOY.drop(columns="order_value"), "2024-01-29", value_col=None)
    assert list(s.columns) == ["frequency", "recency", "T"]


def test_custom_column_names_and_string_dates():
    renamed = TOY.rename(columns={"customer_id": "cust", "order_date": "when", "order_value": "amount"})
    renamed["when"] = renamed["when"].dt.strftime("%Y-%m-%d")
    s = summarize_transactions(renamed, "2024-01-29", customer_col="cust", date_col="when", value_col="amount")
    assert s.index.name == "cust"
    assert s["frequency"].tolist() == [2, 0, 0]


def test_a_single_customer_is_summarised():
    """Documented behaviour: one customer gives one row (fitting a model on it is refused)."""
    s = summarize_transactions(TOY[TOY.customer_id == "a"], "2024-01-29")
    assert len(s) == 1 and s["frequency"].iloc[0] == 2


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d.drop(columns="order_value"), "no order_value column"),
        (lambda d: d.iloc[0:0], "empty"),
        (lambda d: d.assign(order_value=[10, -5, 20, 30, 7, 3]), "negative order_value"),
        (lambda d: d.assign(order_value=[10, None, 20, 30, 7, 3]), "missing or not numbers"),
        (lambda d: d.assign(order_date=["2024-01-01", "soon", *["2024-01-02"] * 4]), "not dates"),
        (lambda d: d.assign(customer_id=["a", "", "a", "a", "b", "c"]), "no customer_id"),
        (lambda d: d.assign(customer_id=["a", None, "a", "a", "b", "c"]), "no customer_id"),
        (lambda d: d.assign(order_date=pd.to_datetime([None, *["2024-01-02"] * 5])), "no order_date"),
    ],
)
def test_bad_input_gets_a_clear_error(mutate, message):
    with pytest.raises(ValueError, match=message):
        summarize_transactions(mutate(TOY.copy()), "2024-01-29")


def test_orders_after_the_observation_end_are_an_error_not_silently_dropped():
    with pytest.raises(ValueError, match=r"2 orders are after the observation end 2024-01-21.*drop them"):
        summarize_transactions(TOY, "2024-01-21")


def test_not_a_dataframe_and_bad_end_date():
    with pytest.raises(ValueError, match="DataFrame"):
        summarize_transactions([1, 2], "2024-01-29")
    with pytest.raises(ValueError, match="date"):
        summarize_transactions(TOY, "not a date")


# --------------------------------------------------------------------------- split
def test_split_matches_two_summaries_of_the_same_orders():
    split = calibration_holdout_split(TOY, "2024-01-14", "2024-01-29", time_unit="week")
    # c first bought after the calibration end: not in the calibration cohort.
    assert split.index.tolist() == ["a", "b"]
    cal = summarize_transactions(TOY[TOY.order_date <= "2024-01-14"], "2024-01-14")
    pd.testing.assert_frame_equal(calibration_summary(split), cal, check_like=True)
    assert split["frequency_holdout"].tolist() == [2, 0]
    np.testing.assert_allclose(split["monetary_value_holdout"], [25.0, 0.0])
    np.testing.assert_allclose(split["duration_holdout"], [15 / 7, 15 / 7])
    assert split.attrs == {
        "time_unit": "week",
        "calibration_end": "2024-01-14",
        "observation_end": "2024-01-29",
    }


def test_split_rejects_a_calibration_end_after_the_observation_end():
    with pytest.raises(ValueError, match="must be before the observation end"):
        calibration_holdout_split(TOY, "2024-02-01", "2024-01-29")
    with pytest.raises(ValueError, match="No order is on or before the calibration end"):
        calibration_holdout_split(TOY, "2023-12-01", "2024-01-29")


def _naive_summary(orders: pd.DataFrame, end: pd.Timestamp, unit_days: float) -> pd.DataFrame:
    """A slow, obviously-correct per-customer loop to check the vectorised code against."""
    rows = {}
    for cid, group in orders.groupby("customer_id"):
        by_day = group.groupby(group["order_date"].dt.normalize())["order_value"].sum().sort_index()
        days = list(by_day.index)
        repeat = by_day.iloc[1:]
        rows[cid] = {
            "frequency": len(days) - 1,
            "recency": (days[-1] - days[0]).days / unit_days,
            "T": (end - days[0]).days / unit_days,
            "monetary_value": float(repeat.mean()) if len(repeat) else 0.0,
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "customer_id"
    return out


order_rows = st.lists(
    st.tuples(
        st.sampled_from(["u", "v", "w", "x", "y"]),
        st.integers(0, 60),  # day offset
        st.floats(0, 500, allow_nan=False).map(lambda v: round(v, 2)),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(order_rows, st.sampled_from(["day", "week", "month"]), st.integers(0, 30))
def test_vectorised_summary_equals_a_per_customer_loop(rows, unit, cal_offset):
    start = pd.Timestamp("2024-03-01")
    orders = pd.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "order_date": [start + pd.Timedelta(days=r[1]) for r in rows],
            "order_value": [r[2] for r in rows],
        }
    )
    end = start + pd.Timedelta(days=60)
    unit_days = {"day": 1.0, "week": 7.0, "month": 365.25 / 12}[unit]
    fast = summarize_transactions(orders, end, time_unit=unit)
    slow = _naive_summary(orders, end, unit_days)
    pd.testing.assert_frame_equal(fast, slow, check_dtype=False, rtol=1e-9)

    # Split: calibration = summary of early orders; calibration + holdout = full frequency.
    cal_end = start + pd.Timedelta(days=cal_offset)
    early = orders[orders.order_date <= cal_end]
    if early.empty:
        return
    split = calibration_holdout_split(orders, cal_end, end, time_unit=unit)
    pd.testing.assert_frame_equal(
        calibration_summary(split), _naive_summary(early, cal_end, unit_days), check_dtype=False, rtol=1e-9
    )
    total = split["frequency_cal"] + split["frequency_holdout"]
    assert (total == fast.loc[split.index, "frequency"]).all()
