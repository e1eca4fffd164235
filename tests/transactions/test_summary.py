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
        (lambda d: d.assign(order_value=[10, None, 20, 30, 7, 3]), "missing, infinite or not numbers"),
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


# --------------------------------------------------------------------------- messages users read
# Each bad input gets one sentence naming the column, how many rows and the first examples
# (at most three, in file order), and what to do. The full text is asserted: it is what a
# user reads instead of a pandas traceback.
@pytest.mark.parametrize(
    "mutate, message",
    [
        (
            lambda d: d.drop(columns="order_value"),
            "The orders table has no order_value column; its columns are: customer_id, order_date. "
            "Pass customer_col=, date_col= or value_col= to name yours.",
        ),
        (lambda d: d.iloc[0:0], "The orders table is empty (no rows): there is nothing to analyse."),
        (
            lambda d: d.assign(order_value=[10, -5, 20, -30, 7, 3]),
            "2 orders have a negative order_value; for example customer_id='a', order_date=2024-01-01 00:00:00, "
            "order_value=-5; customer_id='a', order_date=2024-01-22 18:30:00, order_value=-30. Returns and refunds "
            "are not purchases: net them against their orders or drop them before summarising.",
        ),
        (
            lambda d: d.assign(order_value=[10, None, 20, "x", 7, 3]),
            "2 values in 'order_value' are missing, infinite or not numbers; for example customer_id='a', "
            "order_date=2024-01-01 00:00:00, order_value=None; customer_id='a', order_date=2024-01-22 18:30:00, "
            "order_value='x'.",
        ),
        (
            lambda d: d.assign(order_value=[10, float("inf"), 20, "-inf", 7, 3]),
            "2 values in 'order_value' are missing, infinite or not numbers; for example customer_id='a', "
            "order_date=2024-01-01 00:00:00, order_value=inf; customer_id='a', order_date=2024-01-22 18:30:00, "
            "order_value='-inf'.",
        ),
        (
            lambda d: d.assign(order_date=["2024-01-01", "soon", "2024-01-02", "later", "2024-01-02", "2024-01-02"]),
            "2 values in 'order_date' are not dates; for example customer_id='a', order_date='soon', "
            "order_value=5.0; customer_id='a', order_date='later', order_value=30.0. Parse them with "
            "pandas.to_datetime first.",
        ),
        (
            lambda d: d.assign(customer_id=["a", "", "a", " ", "b", "c"]),
            "2 orders have no customer_id; for example customer_id='', order_date=2024-01-01 00:00:00, "
            "order_value=5.0; customer_id=' ', order_date=2024-01-22 18:30:00, order_value=30.0. "
            "Every order needs a customer.",
        ),
        (  # pandas' own string dtype, not object
            lambda d: d.assign(customer_id=pd.array(["a", "", "a", "a", "b", "c"], dtype="string")),
            "1 orders have no customer_id; for example customer_id='', order_date=2024-01-01 00:00:00, "
            "order_value=5.0. Every order needs a customer.",
        ),
        (  # numeric ids with a gap
            lambda d: d.assign(customer_id=[1.0, np.nan, 1.0, 1.0, 2.0, 3.0]),
            "1 orders have no customer_id; for example customer_id=nan, order_date=2024-01-01 00:00:00, "
            "order_value=5.0. Every order needs a customer.",
        ),
        (
            lambda d: d.assign(order_date=pd.to_datetime([None, "2024-01-02", None, *["2024-01-02"] * 3])),
            "2 orders have no order_date; for example customer_id='a', order_date=NaT, order_value=10.0; "
            "customer_id='a', order_date=NaT, order_value=20.0.",
        ),
    ],
)
def test_bad_input_gets_the_whole_plain_english_sentence(mutate, message):
    with pytest.raises(ValueError) as err:
        summarize_transactions(mutate(TOY.copy()), "2024-01-29")
    assert str(err.value) == message


def test_orders_after_the_end_and_unreadable_dates_get_the_whole_sentence():
    with pytest.raises(ValueError) as err:
        summarize_transactions(TOY, "2024-01-21")
    assert str(err.value) == (
        "2 orders are after the observation end 2024-01-21; for example customer_id='a', "
        "order_date=2024-01-22 18:30:00, order_value=30.0; customer_id='c', order_date=2024-01-29 00:00:00, "
        "order_value=3.0. Move the observation end, or drop them first: "
        "orders[orders['order_date'] <= observation_end]."
    )
    with pytest.raises(ValueError) as err:
        summarize_transactions([1, 2], "2024-01-29")
    assert str(err.value) == (
        "orders must be a pandas DataFrame, not list. Pass customer_col=, date_col= or value_col= to name yours."
    )
    with pytest.raises(ValueError) as err:
        summarize_transactions(TOY, "not a date")
    assert str(err.value) == "observation end 'not a date' is not a date: use YYYY-MM-DD, e.g. 2025-12-31."
    with pytest.raises(ValueError) as err:
        calibration_holdout_split(TOY, "not a date", "2024-01-29")
    assert str(err.value) == "calibration end 'not a date' is not a date: use YYYY-MM-DD, e.g. 2025-12-31."


def test_split_errors_give_the_dates_and_the_remedy():
    with pytest.raises(ValueError) as err:
        calibration_holdout_split(TOY, "2024-01-29", "2024-01-29")  # equal: the holdout is empty
    assert str(err.value) == (
        "The calibration end 2024-01-29 must be before the observation end 2024-01-29: "
        "the holdout period would be empty."
    )
    with pytest.raises(ValueError) as err:
        calibration_holdout_split(TOY, "2023-12-31", "2024-01-29")
    assert str(err.value) == "No order is on or before the calibration end 2023-12-31: choose a later calibration end."
    # One day later, a's first order (1 Jan) is ON the calibration end: it is calibration.
    first_day = calibration_holdout_split(TOY, "2024-01-01", "2024-01-29")
    assert first_day.index.tolist() == ["a"] and first_day["frequency_holdout"].tolist() == [2]


def test_dates_in_any_readable_form_or_time_zone_give_the_same_summary():
    """Mixed text formats are each read as the date they spell; zoned timestamps count by
    their local calendar day (a 23:30 order in New York is that day's, not the next UTC day's)."""
    expected = summarize_transactions(TOY, "2024-01-29", time_unit="day")
    text = TOY.assign(order_date=["2024-01-01", "1 Jan 2024", "2024/01/15", "Jan 22, 2024 6:30 PM", "2024-01-08", "29.01.2024"])
    pd.testing.assert_frame_equal(summarize_transactions(text, "2024-01-29", time_unit="day"), expected)
    zoned = TOY.assign(order_date=TOY["order_date"].dt.tz_localize("America/New_York") + pd.Timedelta(hours=5))
    pd.testing.assert_frame_equal(summarize_transactions(zoned, "2024-01-29", time_unit="day"), expected)


def test_day_numbers_count_from_1970_and_survive_sub_day_times():
    from clvlib.transactions.summary import to_day_number

    assert to_day_number("1970-01-01") == 0
    assert to_day_number("2024-01-29 23:59") == 19751  # 54 years of 365 days + 13 leap days + 28
    assert to_day_number(pd.Timestamp("1969-12-31 12:00")) == -1


def test_split_by_hand_with_one_holdout_purchase_and_no_value_column():
    """a: calibration 1 Jan (15), holdout 15 Jan (20) only, with the observation end on the 15th;
    b: calibration only. A single holdout transaction's mean is itself, in days here."""
    early = TOY[TOY["order_date"] <= "2024-01-15"]
    split = calibration_holdout_split(early, "2024-01-14", "2024-01-15", time_unit="day")
    assert split["frequency_holdout"].tolist() == [1, 0]
    np.testing.assert_allclose(split["monetary_value_holdout"], [20.0, 0.0])
    np.testing.assert_allclose(split["duration_holdout"], [1.0, 1.0])
    assert split.attrs == {"time_unit": "day", "calibration_end": "2024-01-14", "observation_end": "2024-01-15"}
    bare = calibration_holdout_split(TOY.drop(columns="order_value"), "2024-01-14", "2024-01-29", value_col=None)
    assert list(bare.columns) == ["frequency_cal", "recency_cal", "T_cal", "frequency_holdout", "duration_holdout"]
    assert bare["frequency_holdout"].tolist() == [2, 0]
    cal = calibration_summary(bare)
    assert list(cal.columns) == ["frequency", "recency", "T"] and cal.attrs == bare.attrs
    assert summarize_transactions(TOY.drop(columns="order_value"), "2024-01-29", value_col=None).attrs == {
        "time_unit": "week",
        "observation_end": "2024-01-29",
    }


def test_customer_days_reads_the_standard_columns_by_default():
    """The building block under both summaries: one entry per (customer, day), days since
    1970-01-01, the day's total spend; a's two orders on 1 Jan are one day worth 15."""
    from clvlib.transactions.summary import customer_days

    days = customer_days(TOY, "2024-01-29")
    assert days.customers.tolist() == ["a", "b", "c"] and days.customers.name == "customer_id"
    assert days.code.tolist() == [0, 0, 0, 1, 2]
    assert days.day.tolist() == [19723, 19737, 19744, 19730, 19751]  # 2024-01-01 is day 19723
    assert days.value.tolist() == [15.0, 20.0, 30.0, 7.0, 3.0]


def test_customer_days_sorts_ids_merges_later_same_day_orders_and_keeps_free_orders():
    """Ids listed out of order come back sorted; a same-day pair that is not the log's first
    (customer, day) is still one day; zero and sub-unit values are purchases, not "negative";
    dates before 1970 (negative day numbers) are read as themselves."""
    from clvlib.transactions.summary import customer_days

    orders = _orders(
        [
            ("z", "2024-01-03", 0.0),  # a free sample is a purchase
            ("m", "1965-06-01", 0.5),
            ("z", "2024-01-05", 2.0),
            ("z", "2024-01-05", 3.0),  # same day: one transaction worth 5
            ("m", "2024-01-01", 1.0),
        ]
    )
    days = customer_days(orders, "2024-01-31")
    assert days.customers.tolist() == ["m", "z"]
    assert days.code.tolist() == [0, 0, 1, 1]
    assert days.day.tolist() == [-1675, 19723, 19725, 19727]  # 1965-06-01 is 1675 days before 1970
    assert days.value.tolist() == [0.5, 1.0, 0.0, 5.0]
    s = summarize_transactions(orders, "2024-01-31", time_unit="day")
    assert s.index.tolist() == ["m", "z"] and s["frequency"].tolist() == [1, 1]
    np.testing.assert_allclose(s["recency"], [19723 + 1675, 2.0])
    np.testing.assert_allclose(s["monetary_value"], [1.0, 5.0])


def test_an_unknown_periods_choice_gets_the_whole_sentence():
    with pytest.raises(ValueError) as err:
        summarize_transactions(TOY, "2024-01-29", periods="W")
    assert str(err.value) == (
        "periods must be 'fractional' (days / 7 for weeks, fractions kept) or 'calendar' "
        "(whole Monday-to-Sunday weeks or calendar months, as lifetimes' freq='W'/'M'); got 'W'."
    )


def test_period_numbers_are_whole_numbers_even_from_float_day_numbers():
    from clvlib.transactions.summary import period_number

    days = np.array([19723.0, 19751.0])  # 2024-01-01 (a Monday) and 2024-01-29
    for unit, expected in [("day", [19723, 19751]), ("week", [2818, 2822]), ("month", [648, 648]), ("year", [54, 54])]:
        got = period_number(days, unit)
        assert got.dtype == np.int64 and got.tolist() == expected


def test_counts_are_integers_in_both_summaries():
    """frequency is a count of transactions: shown as 2, not 2.0 (and usable as an index)."""
    assert summarize_transactions(TOY, "2024-01-29")["frequency"].dtype == np.int64
    split = calibration_holdout_split(TOY, "2024-01-14", "2024-01-29")
    assert split["frequency_cal"].dtype == np.int64 and split["frequency_holdout"].dtype == np.int64


def test_split_counts_holdout_days_not_weeks_by_default():
    """Fractional periods: two holdout orders on Monday and Tuesday of one week are two
    transactions (15 + 25, mean 20), as in the calibration summary."""
    orders = _orders([("a", "2024-01-01", 10.0), ("a", "2024-01-15", 15.0), ("a", "2024-01-16", 25.0)])
    split = calibration_holdout_split(orders, "2024-01-14", "2024-01-29", time_unit="week")
    assert split["frequency_holdout"].tolist() == [2]
    np.testing.assert_allclose(split["monetary_value_holdout"], [20.0])


def test_a_blank_customer_id_in_a_categorical_column_is_refused():
    """A category column (what read_csv(dtype="category") or a Parquet dictionary gives) once
    let a blank id through as a customer named ""."""
    orders = pd.DataFrame({
        "customer_id": pd.Categorical(["a", " ", "b"]),
        "order_date": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03"]),
        "order_value": [10.0, 20.0, 30.0],
    })
    with pytest.raises(ValueError, match=r"^1 orders have no customer_id; for example .*Every order needs a customer\.$"):
        summarize_transactions(orders, "2025-01-31", "week")
