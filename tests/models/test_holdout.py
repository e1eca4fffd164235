"""The BG/NBD forecast checks (holdout by frequency, repeat-purchase tracking) against
per-customer brute-force sums on a small order log crafted by hand (issue 17).

Every expected value is computed here from the paper's own formulas (Fader, Hardie & Lee
2005, "Counting Your Customers the Easy Way", Marketing Science 24(2): eq. 9 for E[X(t)],
eq. 10 for E[Y(t) | x, t_x, T]) written in their original, un-transformed form, with each
customer's x, t_x and T read off the log below by hand, not from clvlib's summary.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import hyp2f1

from clvlib.models.noncontractual import BetaGeoNBD
from clvlib.models.noncontractual.holdout import holdout_by_frequency, repeat_purchase_tracking
from clvlib.transactions import calibration_holdout_split

# FHL (2005) CDNOW estimates, weeks.
R, ALPHA, A, B = 0.243, 4.414, 0.793, 2.426
MODEL = BetaGeoNBD.from_params({"r": R, "alpha": ALPHA, "a": A, "b": B}, time_unit="week")

CAL_END, OBS_END = "2024-03-03", "2024-04-14"  # holdout: 42 days = 6 weeks
# Customer, date: same-day orders are one transaction (a's two orders on 14 Jan, d's on 18 Feb).
LOG = [
    ("a", "2024-01-07"), ("a", "2024-01-14"), ("a", "2024-01-14"), ("a", "2024-02-11"), ("a", "2024-03-10"),
    ("b", "2024-01-14"), ("b", "2024-01-28"), ("b", "2024-03-03"), ("b", "2024-03-04"), ("b", "2024-04-14"),
    ("c", "2024-02-04"), ("c", "2024-03-24"),
    ("d", "2024-02-18"), ("d", "2024-02-18"),
    ("e", "2024-01-07"), ("e", "2024-01-21"), ("e", "2024-02-04"), ("e", "2024-02-18"), ("e", "2024-03-03"),
    ("f", "2024-03-10"), ("f", "2024-03-17"),  # first bought after the calibration end: not in the cohort
]
# By hand from LOG, in weeks (days / 7): x repeat transactions in calibration, t_x first to
# last calibration transaction, T first transaction to CAL_END, holdout transactions.
HAND = pd.DataFrame(
    {
        "x": [2, 2, 0, 0, 4],
        "t_x": [35 / 7, 49 / 7, 0.0, 0.0, 56 / 7],
        "T": [56 / 7, 49 / 7, 28 / 7, 14 / 7, 56 / 7],
        "holdout": [1, 2, 1, 0, 0],
        "first": pd.to_datetime(["2024-01-07", "2024-01-14", "2024-02-04", "2024-02-18", "2024-01-07"]),
    },
    index=list("abcde"),
)


def _orders():
    frame = pd.DataFrame(LOG, columns=["customer_id", "order_date"])
    return frame.assign(order_date=pd.to_datetime(frame["order_date"]), order_value=10.0)


def _eq9(t):
    """FHL (2005) eq. 9: E[X(t)] = (a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))]."""
    t = float(t)
    return (A + B - 1) / (A - 1) * (1 - (ALPHA / (ALPHA + t)) ** R * hyp2f1(R, B, A + B - 1, t / (ALPHA + t)))


def _eq10(t, x, t_x, big_t):
    """FHL (2005) eq. 10: E[Y(t) | x, t_x, T], the paper's form (as in test_bgnbd_gammagamma.py)."""
    head = (A + B + x - 1) / (A - 1) * (
        1 - ((ALPHA + big_t) / (ALPHA + big_t + t)) ** (R + x) * hyp2f1(R + x, B + x, A + B + x - 1, t / (ALPHA + big_t + t))
    )
    return head / (1 + (x > 0) * A / (B + x - 1) * ((ALPHA + big_t) / (ALPHA + t_x)) ** (R + x))


def test_the_split_reads_the_crafted_log_as_worked_out_by_hand():
    """The inputs of the two checks below, so a failure there points at the forecast, not the split."""
    split = calibration_holdout_split(_orders(), CAL_END, OBS_END)
    assert split.index.tolist() == list("abcde")
    np.testing.assert_array_equal(split["frequency_cal"], HAND["x"])
    np.testing.assert_allclose(split["recency_cal"], HAND["t_x"], rtol=1e-12)
    np.testing.assert_allclose(split["T_cal"], HAND["T"], rtol=1e-12)
    np.testing.assert_array_equal(split["frequency_holdout"], HAND["holdout"])
    assert (split["duration_holdout"] == 6.0).all()


def test_holdout_by_frequency_predicted_is_the_per_customer_eq_10_averaged_by_group():
    """FHL (2005) Figure 4's predicted column: for each calibration frequency (the last row
    pooling ``max_frequency`` and more), the mean over its customers of E[Y(6 weeks) | x, t_x, T].

    a and b have the same x = 2 but different recency (5 and 7 weeks): the group mean is only
    right when each customer's own t_x is used. e (x = 4) is pooled into the "3+" row.
    """
    split = calibration_holdout_split(_orders(), CAL_END, OBS_END)
    table = holdout_by_frequency(MODEL, split, max_frequency=3)
    each = {c: _eq10(6.0, h["x"], h["t_x"], h["T"]) for c, h in HAND.iterrows()}
    assert table.index.tolist() == [0, 2, 3]
    assert table["n_customers"].tolist() == [2, 2, 1]
    np.testing.assert_allclose(table["actual"], [(1 + 0) / 2, (1 + 2) / 2, 0.0], rtol=1e-12)
    np.testing.assert_allclose(
        table["predicted"], [(each["c"] + each["d"]) / 2, (each["a"] + each["b"]) / 2, each["e"]], rtol=1e-9
    )
    # Recency matters here: a's forecast (last purchase 3 weeks before the end) is below b's (0 weeks).
    assert each["a"] < 0.9 * each["b"]


def test_repeat_purchase_tracking_is_the_sum_of_each_customers_eq_9_from_their_own_first_day():
    """FHL (2005) Figures 2-3: by the end of week k after the cohort's first purchase day,
    customer i (first purchase s_i weeks after that day) is expected to have made
    E[X(k - s_i)] repeat purchases (0 before they were acquired); the cohort's expectation is
    the sum over customers, brute force here with dates. The observation end is included:
    2024-01-07 to 2024-04-14 is 99 days, so the 15th week is cut after its first day.
    """
    track = repeat_purchase_tracking(MODEL, _orders(), CAL_END, OBS_END)
    start = pd.Timestamp("2024-01-07")
    end_exclusive = pd.Timestamp(OBS_END) + pd.Timedelta(days=1)
    n_weeks = 15  # 2024-01-07 .. 2024-04-14 is 99 days: 14 whole weeks and one day
    assert len(track) == n_weeks and track.attrs["n_customers"] == 5
    assert track["period_start"].iloc[-1] == start + pd.Timedelta(weeks=14)
    assert track.attrs["calibration_periods"] == pytest.approx(57 / 7)  # 2024-01-07 .. 2024-03-03

    cumulative = []
    for k in range(1, n_weeks + 1):
        period_end = min(start + pd.Timedelta(weeks=k), end_exclusive)
        total = 0.0
        for first in HAND["first"]:
            age_weeks = (period_end - first).days / 7
            total += _eq9(age_weeks) if age_weeks > 0 else 0.0
        cumulative.append(total)
    np.testing.assert_allclose(track["expected_cumulative"], cumulative, rtol=1e-9)
    np.testing.assert_allclose(track["expected"], np.diff(np.r_[0.0, cumulative]), rtol=1e-9, atol=1e-12)

    # Actual: repeat transaction days of the cohort (f excluded), by week since 2024-01-07.
    repeats = ["2024-01-14", "2024-02-11", "2024-03-10",  # a (14 Jan counted once)
               "2024-01-28", "2024-03-03", "2024-03-04", "2024-04-14",  # b
               "2024-03-24",  # c; d's second order is the same day as its first
               "2024-01-21", "2024-02-04", "2024-02-18", "2024-03-03"]  # e
    weeks = [(pd.Timestamp(d) - start).days // 7 for d in repeats]
    np.testing.assert_array_equal(track["actual"], np.bincount(weeks, minlength=n_weeks))


def test_holdout_by_frequency_records_its_settings_and_default_pooling():
    """Default pooling is "7+" (FHL's Figure 4); the table says so, and its unit, in .attrs.
    With everyone below 7 the default table has one row per frequency: 0, 2 and 4."""
    split = calibration_holdout_split(_orders(), CAL_END, OBS_END)
    table = holdout_by_frequency(MODEL, split)
    assert table.attrs == {"time_unit": "week", "max_frequency": 7}
    assert table.index.tolist() == [0, 2, 4] and table["n_customers"].tolist() == [2, 2, 1]
    assert holdout_by_frequency(MODEL, split, max_frequency=3).attrs == {"time_unit": "week", "max_frequency": 3}
    # A split that does not record its unit is taken as it is (the model's unit).
    unlabelled = split.copy()
    unlabelled.attrs = {}
    pd.testing.assert_frame_equal(holdout_by_frequency(MODEL, unlabelled), table)


def test_holdout_by_frequency_refuses_a_split_in_another_unit_or_an_unfitted_model():
    from clvlib.core.units import UnitMismatchError
    from clvlib.models.base import NotFittedError

    daily = calibration_holdout_split(_orders(), CAL_END, OBS_END, time_unit="day")
    with pytest.raises(UnitMismatchError) as err:
        holdout_by_frequency(MODEL, daily)
    assert str(err.value) == (
        "The model was fitted in weeks but the calibration/holdout split is in days. Convert the "
        "calibration/holdout split to weeks (clvlib.core.units.convert_periods) or refit the model."
    )
    with pytest.raises(NotFittedError, match="This BetaGeoNBD is not fitted yet"):
        holdout_by_frequency(BetaGeoNBD("week"), calibration_holdout_split(_orders(), CAL_END, OBS_END))
    with pytest.raises(NotFittedError, match="This BetaGeoNBD is not fitted yet"):
        repeat_purchase_tracking(BetaGeoNBD("week"), _orders(), CAL_END, OBS_END)


# A second log on the edges: the window 2024-01-01 .. 2024-02-25 is exactly 8 weeks (56
# days); q's first purchase is ON the calibration end (so q is in the cohort); the last
# three weeks hold no cohort repeat purchase (s's repeat on 24 Feb does not count: s first
# bought after the calibration end). Column names are the user's own.
EDGE_CAL_END, EDGE_OBS_END = "2024-01-21", "2024-02-25"
EDGE_LOG = [
    ("p", "2024-01-01"), ("p", "2024-01-10"), ("p", "2024-01-24"),
    ("q", "2024-01-21"), ("q", "2024-02-01"),
    ("r", "2024-01-05"),
    ("s", "2024-01-28"), ("s", "2024-02-24"),
]


def test_repeat_purchase_tracking_on_a_whole_number_of_weeks_with_quiet_last_weeks():
    orders = pd.DataFrame(EDGE_LOG, columns=["cust", "day"]).assign(day=lambda d: pd.to_datetime(d["day"]))
    track = repeat_purchase_tracking(MODEL, orders, EDGE_CAL_END, EDGE_OBS_END, customer_col="cust", date_col="day")
    start = pd.Timestamp("2024-01-01")
    assert track.index.tolist() == list(range(1, 9)) and track.index.name == "week"
    assert track["period_start"].tolist() == [start + pd.Timedelta(weeks=k) for k in range(8)]
    assert track.attrs == {"time_unit": "week", "calibration_periods": 3.0, "n_customers": 3}
    # Repeats: p on day 9 (week 1) and day 23 (week 3), q on day 31 (week 4); weeks are 0-based here.
    np.testing.assert_array_equal(track["actual"], [0, 1, 0, 1, 1, 0, 0, 0])
    assert track["actual"].dtype == float
    np.testing.assert_array_equal(track["actual_cumulative"], [0, 1, 1, 2, 3, 3, 3, 3])
    # Expected by the end of week k: p (first day 0), r (day 4), q (day 20) each E[X(k - s_i)].
    firsts_days = [0, 4, 20]
    cumulative = [sum(_eq9((7 * k - s) / 7) if 7 * k > s else 0.0 for s in firsts_days) for k in range(1, 9)]
    np.testing.assert_allclose(track["expected_cumulative"], cumulative, rtol=1e-9)
    np.testing.assert_allclose(track["expected"], np.diff(np.r_[0.0, cumulative]), rtol=1e-9)


def test_repeat_purchase_tracking_without_a_cohort_says_so():
    orders = pd.DataFrame(EDGE_LOG, columns=["customer_id", "order_date"]).assign(
        order_date=lambda d: pd.to_datetime(d["order_date"])
    )
    with pytest.raises(ValueError) as err:
        repeat_purchase_tracking(MODEL, orders, "2023-12-31", EDGE_OBS_END)
    assert str(err.value) == "No customer made a first purchase before the calibration end."
