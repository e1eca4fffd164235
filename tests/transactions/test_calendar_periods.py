"""Calendar-period summaries (periods="calendar"): whole Monday-to-Sunday weeks or calendar months,
one transaction per customer and period, as lifetimes' freq="W" / "M" (semantics in the module
docstring of clvlib.transactions.summary)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clvlib.models.noncontractual import BetaGeoNBD
from clvlib.transactions import calibration_holdout_split, summarize_transactions
from clvlib.transactions.summary import period_number, to_day_number

ORDERS = pd.DataFrame(
    {
        "customer_id": ["a", "a", "a", "a", "b", "b", "c"],
        "order_date": pd.to_datetime(
            ["2024-01-31", "2024-02-01", "2024-02-29", "2024-03-31", "2024-01-15", "2024-01-20", "2024-03-01"]
        ),
        "order_value": [10.0, 5.0, 20.0, 1.0, 7.0, 3.0, 4.0],
    }
)


def _table(frame, columns):
    return {c: frame[c].tolist() for c in columns}


def test_weekly_summary_by_hand_and_as_lifetimes_freq_w():
    """Weeks of Mon 29 Jan (a: Wed 31 + Thu 1 Feb merged, 10 + 5), Mon 26 Feb (a: 20), Mon 25 Mar
    (a: Sun 31 Mar, 1); b's Mon 15 and Sat 20 Jan are one week; c's Fri 1 Mar is in the week of 26 Feb;
    the end, Tue 30 Apr, is in the week of 29 Apr. lifetimes 0.11.3 with freq="W" prints the same
    frequency, recency, T and monetary_value (run on this table with pandas 1.5.3)."""
    s = summarize_transactions(ORDERS, "2024-04-30", time_unit="week", periods="calendar")
    assert _table(s, ["frequency", "recency", "T", "monetary_value"]) == {
        "frequency": [2, 0, 0],
        "recency": [8.0, 0.0, 0.0],
        "T": [13.0, 15.0, 9.0],
        "monetary_value": [10.5, 0.0, 0.0],  # (20 + 1) / 2: the first week's 15 is not a repeat
    }
    assert s.attrs == {"time_unit": "week", "observation_end": "2024-04-30", "periods": "calendar"}


def test_monthly_summary_by_hand_with_month_end_edges():
    """31 Jan and 1 Feb are one day but two months apart; 1 and 29 Feb (leap day) are one month.
    a: Jan 10 | Feb 5 + 20 | Mar 1 -> frequency 2, recency 2 months, repeat mean (25 + 1) / 2."""
    s = summarize_transactions(ORDERS, "2024-04-30", time_unit="month", periods="calendar")
    assert _table(s, ["frequency", "recency", "T", "monetary_value"]) == {
        "frequency": [2, 0, 0],
        "recency": [2.0, 0.0, 0.0],
        "T": [3.0, 3.0, 1.0],
        "monetary_value": [13.0, 0.0, 0.0],
    }
    # The end's month, not its day, counts: 31 March and 1 April are one T apart.
    march = summarize_transactions(ORDERS, "2024-03-31", time_unit="month", periods="calendar")
    april = summarize_transactions(ORDERS, "2024-04-01", time_unit="month", periods="calendar")
    assert march["T"].tolist() == [2.0, 2.0, 0.0]
    assert april["T"].tolist() == [3.0, 3.0, 1.0]
    edge = summarize_transactions(ORDERS.iloc[:2], "2024-02-01", time_unit="month", periods="calendar")
    assert _table(edge, ["frequency", "recency", "T", "monetary_value"]) == {
        "frequency": [1], "recency": [1.0], "T": [1.0], "monetary_value": [5.0]
    }
    # lifetimes' freq="M" gives recency 1.971 for a (60 days / 30.436875): fractional months, not whole.
    fractional = summarize_transactions(ORDERS, "2024-04-30", time_unit="month")
    assert fractional["frequency"].tolist() == [3, 1, 0]  # days, not months, are merged by default


def test_weekly_and_monthly_split_by_hand():
    """Calibration end Thu 15 Feb: a's 31 Jan + 1 Feb are one calibration week; its 29 Feb and 31 Mar
    are two holdout weeks; duration = week of 29 Apr - week of 12 Feb = 11 (lifetimes: the same)."""
    weekly = calibration_holdout_split(ORDERS, "2024-02-15", "2024-04-30", time_unit="week", periods="calendar")
    assert _table(weekly, weekly.columns) == {
        "frequency_cal": [0, 0], "recency_cal": [0.0, 0.0], "T_cal": [2.0, 4.0], "monetary_value_cal": [0.0, 0.0],
        "frequency_holdout": [2, 0], "monetary_value_holdout": [10.5, 0.0], "duration_holdout": [11.0, 11.0],
    }
    assert weekly.attrs["periods"] == "calendar"
    # Monthly, the February of a calibration end mid-month is shared: 1 Feb is calibration, 29 Feb holdout.
    monthly = calibration_holdout_split(ORDERS, "2024-02-15", "2024-04-30", time_unit="month", periods="calendar")
    assert _table(monthly, monthly.columns) == {
        "frequency_cal": [1, 0], "recency_cal": [1.0, 0.0], "T_cal": [1.0, 1.0], "monetary_value_cal": [5.0, 0.0],
        "frequency_holdout": [2, 0], "monetary_value_holdout": [10.5, 0.0], "duration_holdout": [2.0, 2.0],
    }
    # Ending the calibration on a month end leaves no shared month.
    clean = calibration_holdout_split(ORDERS, "2024-02-29", "2024-04-30", time_unit="month", periods="calendar")
    assert clean.loc["a", ["frequency_cal", "frequency_holdout", "duration_holdout"]].tolist() == [1.0, 1.0, 2.0]


def test_period_numbers_are_mondays_weeks_and_calendar_months():
    days = np.array([to_day_number(d) for d in ("1969-12-29", "1970-01-04", "1970-01-05", "2024-02-29", "2024-03-01")])
    assert period_number(days, "week").tolist() == [0, 0, 1, 2826, 2826]
    assert period_number(days, "month").tolist() == [-1, 0, 0, 649, 650]
    assert period_number(days, "year").tolist() == [-1, 0, 0, 54, 54]
    assert period_number(days, "day").tolist() == days.tolist()


def _brute_force(orders, end, freq):
    """A per-customer loop on pandas Periods: an implementation independent of the vectorised one."""
    rows = {}
    end_period = pd.Period(end, freq)
    for customer, group in orders.groupby("customer_id"):
        totals = group.groupby(group["order_date"].dt.to_period(freq))["order_value"].sum().sort_index()
        first, last = totals.index[0], totals.index[-1]
        frequency = len(totals) - 1
        rows[customer] = (frequency, (last - first).n, (end_period - first).n,
                          totals.iloc[1:].mean() if frequency else 0.0)
    return pd.DataFrame.from_dict(rows, orient="index", columns=["frequency", "recency", "T", "monetary_value"])


@pytest.mark.parametrize(("unit", "freq"), [("week", "W-SUN"), ("month", "M"), ("year", "Y")])
def test_vectorised_calendar_summary_equals_a_loop_over_pandas_periods(unit, freq):
    rng = np.random.default_rng(7)
    n = 3000
    orders = pd.DataFrame({
        "customer_id": rng.integers(0, 300, n),
        "order_date": pd.Timestamp("2022-12-25") + pd.to_timedelta(rng.integers(0, 800, n), unit="D"),
        "order_value": rng.gamma(2.0, 10.0, n).round(2),
    })
    end = "2025-03-06"
    got = summarize_transactions(orders, end, time_unit=unit, periods="calendar")
    expected = _brute_force(orders, end, freq)
    np.testing.assert_array_equal(got.index, expected.index)
    np.testing.assert_array_equal(got[["frequency", "recency", "T"]].to_numpy(), expected[["frequency", "recency", "T"]].to_numpy())
    np.testing.assert_allclose(got["monetary_value"], expected["monetary_value"], rtol=1e-12)
    # The split's calibration columns are the summary of the orders up to the calibration end.
    split = calibration_holdout_split(orders, "2024-06-30", end, time_unit=unit, periods="calendar")
    cal = summarize_transactions(orders[orders["order_date"] <= "2024-06-30"], "2024-06-30", unit, periods="calendar")
    np.testing.assert_array_equal(split["T_cal"], cal["T"])
    late = orders[orders["order_date"] > "2024-06-30"]
    holdout_periods = late.groupby("customer_id")["order_date"].apply(lambda d: d.dt.to_period(freq).nunique())
    np.testing.assert_array_equal(split["frequency_holdout"], holdout_periods.reindex(split.index, fill_value=0))
    assert split["duration_holdout"].iloc[0] == (pd.Period(end, freq) - pd.Period("2024-06-30", freq)).n


def test_calendar_days_are_the_fractional_day_summary():
    day = summarize_transactions(ORDERS, "2024-04-30", time_unit="day")
    calendar = summarize_transactions(ORDERS, "2024-04-30", time_unit="day", periods="calendar")
    pd.testing.assert_frame_equal(day, calendar, check_dtype=False)


def test_unknown_periods_is_a_plain_error_and_a_calendar_summary_fits():
    with pytest.raises(ValueError, match="periods must be 'fractional' .* or 'calendar'"):
        summarize_transactions(ORDERS, "2024-04-30", periods="W")
    with pytest.raises(ValueError, match="periods must be"):
        calibration_holdout_split(ORDERS, "2024-02-15", "2024-04-30", periods="monthly")


def test_a_model_fits_a_calendar_summary_of_the_shop(dataset):
    summary = summarize_transactions(dataset.orders, dataset.analysis_date, time_unit="week", periods="calendar")
    assert np.all(summary["recency"] == np.round(summary["recency"])) and np.all(summary["T"] == np.round(summary["T"]))
    exact = summarize_transactions(dataset.orders, dataset.analysis_date, time_unit="week")
    assert (summary["frequency"] <= exact["frequency"]).all() and (summary["frequency"] < exact["frequency"]).any()
    model = BetaGeoNBD("week").fit(summary)
    assert model.time_unit_.value == "week" and np.isfinite(model.log_likelihood_)
