"""The P(alive) path of one customer (clvlib.models.noncontractual.alive_path): the model's own
probability_alive at each grid point, the jumps each model's story implies, the same
conventions as the customer summary, and plain-English refusals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clvlib.core.units import UnitMismatchError
from clvlib.models.base import NotFittedError
from clvlib.models.noncontractual import BetaGeoBetaBinom, BetaGeoNBD, ModifiedBetaGeoNBD, ParetoNBD
from clvlib.models.noncontractual.alive_path import alive_path, alive_path_from_dates
from clvlib.transactions import summarize_transactions

# Published CDNOW estimates (weeks): FHL 2005 (BG/NBD, Pareto/NBD), BTYDplus (MBG/NBD).
BGNBD = BetaGeoNBD.from_params({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}, time_unit="week")
MBGNBD = ModifiedBetaGeoNBD.from_params({"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614}, time_unit="week")
PARETO = ParetoNBD.from_params({"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}, time_unit="week")
MODELS = {"bgnbd": BGNBD, "mbgnbd": MBGNBD, "paretonbd": PARETO}
PURCHASES_WEEKS = [0.0, 3.0, 3.0, 7.5]  # the two purchases at week 3 are one


def _row(path: pd.DataFrame, time: float) -> pd.Series:
    (index,) = np.flatnonzero(np.isclose(path["time"], time))
    return path.iloc[index]


@pytest.mark.parametrize("name", MODELS)
def test_each_point_is_the_models_probability_alive_of_the_history_so_far(name):
    model = MODELS[name]
    path = alive_path(model, PURCHASES_WEEKS, end_time=20, time_unit="week", step=1)
    # history by hand: (time, repeat purchases so far, time of the latest purchase)
    for time, frequency, recency in [(0, 0, 0.0), (2, 0, 0.0), (3, 1, 3.0), (5, 1, 3.0), (7.5, 2, 7.5), (20, 2, 7.5)]:
        row = _row(path, time)
        assert (row["frequency"], row["recency"], row["T"]) == (frequency, recency, time)
        assert row["p_alive"] == pytest.approx(float(model.probability_alive(frequency, recency, time)), rel=1e-12)
    assert path["time"].tolist() == sorted(set(range(21)) | {7.5})
    assert path.loc[path["purchase"], "time"].tolist() == [0.0, 3.0, 7.5]
    assert path.attrs["time_unit"] == "week" and path.attrs["purchase_times"] == [0.0, 3.0, 7.5]


def test_bgnbd_path_is_one_before_the_first_repeat_and_lands_below_one_after_each():
    r, alpha, a, b = BGNBD.params_
    path = alive_path(BGNBD, PURCHASES_WEEKS, end_time=20, time_unit="week", step=0.5)
    assert (path.loc[path["time"] < 3, "p_alive"] == 1.0).all()
    # After the x-th repeat purchase the customer may leave at once with probability a/(a+b+x-1).
    assert _row(path, 3)["p_alive"] == pytest.approx((b + 1 - 1) / (a + b + 1 - 1), rel=1e-12)
    assert _row(path, 7.5)["p_alive"] == pytest.approx((b + 2 - 1) / (a + b + 2 - 1), rel=1e-12)
    assert _row(path, 7.5)["p_alive"] > _row(path, 7.0)["p_alive"]  # a jump up at the purchase
    falling = path[path["time"] >= 7.5]["p_alive"].to_numpy()
    assert np.all(np.diff(falling) < 0)  # silence lowers it


def test_paretonbd_path_returns_to_one_at_every_purchase_and_mbgnbd_starts_below_one():
    path = alive_path(PARETO, PURCHASES_WEEKS, end_time=20, time_unit="week")
    assert path.loc[path["purchase"], "p_alive"].tolist() == pytest.approx([1.0, 1.0, 1.0], abs=1e-12)
    assert (path.loc[~path["purchase"], "p_alive"] < 1).all()
    r, alpha, a, b = MBGNBD.params_
    mbg = alive_path(MBGNBD, PURCHASES_WEEKS, end_time=20, time_unit="week")
    assert _row(mbg, 0)["p_alive"] == pytest.approx(b / (a + b), rel=1e-12)
    assert _row(mbg, 3)["p_alive"] == pytest.approx((b + 1) / (a + b + 1), rel=1e-12)


def test_purchase_times_may_start_anywhere():
    shifted = alive_path(BGNBD, [110.0, 113.0, 117.5], end_time=130, time_unit="week")
    plain = alive_path(BGNBD, [0.0, 3.0, 7.5], end_time=20, time_unit="week")
    pd.testing.assert_frame_equal(shifted, plain)


def test_dates_merge_same_day_orders_and_end_on_the_customers_summary_row():
    orders = pd.DataFrame({
        "customer_id": ["c"] * 4,
        "order_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-22", "2024-02-19"]),
        "order_value": 10.0,
    })
    end = "2024-05-27"
    path = alive_path_from_dates(BGNBD, orders["order_date"], end, step=1)
    summary = summarize_transactions(orders, end, time_unit="week").loc["c"]
    last = path.iloc[-1]
    assert (last["frequency"], last["recency"], last["T"]) == (summary["frequency"], summary["recency"], summary["T"])
    assert (last["frequency"], last["recency"], last["T"]) == (2, 7.0, 21.0)  # 49 and 147 days / 7
    assert path.loc[path["purchase"], "date"].tolist() == list(pd.to_datetime(["2024-01-01", "2024-01-22", "2024-02-19"]))
    assert _row(path, 5)["date"] == pd.Timestamp("2024-02-05")
    assert last["p_alive"] == pytest.approx(float(BGNBD.probability_alive(2, 7.0, 21.0)), rel=1e-12)
    repeated_index = orders["order_date"].set_axis([7, 7, 7, 7])  # a column picked from a larger log
    pd.testing.assert_frame_equal(alive_path_from_dates(BGNBD, repeated_index, end, step=1), path)


def test_a_history_in_another_unit_is_refused():
    with pytest.raises(UnitMismatchError, match="fitted in weeks but the customer's purchase history is in months"):
        alive_path(BGNBD, [0, 1, 2], end_time=6, time_unit="month")


@pytest.mark.parametrize("call, message", [
    (lambda: alive_path(BGNBD, [0, "soon", None], 10, "week"),
     r"2 purchase times are missing or not finite numbers \(position 1: 'soon', position 2: None\)"),
    (lambda: alive_path(BGNBD, [], 10, "week"), "No purchase times"),
    (lambda: alive_path(BGNBD, [0, 12], 10, "week"), "end_time 10 is before the customer's last purchase at 12 weeks"),
    (lambda: alive_path(BGNBD, [0, 2], 10, "week", step=0), "step must be a positive number"),
    (lambda: alive_path(BGNBD, [0, 2], 10, "week", step="weekly"), "step must be a positive number of periods; got 'weekly'"),
    (lambda: alive_path(BGNBD, [0, 2], "later", "week"), "end_time must be a number of weeks; got 'later'"),
    (lambda: alive_path(BGNBD, [0, 2], 1e9, "week"), "use a larger step"),
    (lambda: alive_path_from_dates(BGNBD, ["2024-01-01", "next tuesday"], "2024-06-01"),
     "1 values in 'order_date' are not dates; for example .*'next tuesday'"),
    (lambda: alive_path_from_dates(BGNBD, ["2024-01-01", "2024-07-01"], "2024-06-01"),
     "1 orders are after the observation end 2024-06-01; for example .*2024-07-01"),
    (lambda: alive_path_from_dates(BGNBD, ["2024-01-01"], "someday"), "end_date 'someday' is not a date"),
    (lambda: alive_path_from_dates(BGNBD, [], "2024-06-01"), "No order dates"),
])
def test_bad_input_gets_a_plain_english_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_models_without_a_continuous_time_probability_alive_are_refused():
    bgbb = BetaGeoBetaBinom.from_params({"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783}, time_unit="year")
    with pytest.raises(TypeError, match="BG/BB counts discrete opportunities"):
        alive_path(bgbb, [0, 1], 5, "year")
    with pytest.raises(TypeError, match="needs a fitted model with probability_alive"):
        alive_path(object(), [0, 1], 5, "week")
    with pytest.raises(NotFittedError):
        alive_path(BetaGeoNBD(time_unit="week"), [0, 1], 5, "week")
