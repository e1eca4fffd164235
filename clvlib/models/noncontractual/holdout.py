"""Checking a BG/NBD forecast against what customers did afterwards.

Two views from Fader, Hardie & Lee (2005):

* :func:`holdout_by_frequency`: customers grouped by how many repeat purchases they
  made in the calibration period; for each group, the mean number of purchases in the
  holdout period, actual versus predicted (their Figure 4);
* :func:`repeat_purchase_tracking`: total repeat purchases of the cohort period by
  period, actual versus expected, incremental and cumulative (their Figures 2 and 3). The
  expectation needs no customer history at all: a customer who first bought at time s
  is expected to have made E[X(t - s)] repeat purchases by time t.

Example
-------
>>> from clvlib.data import load_dataset
>>> from clvlib.models.noncontractual import BetaGeoNBD
>>> from clvlib.transactions import calibration_holdout_split, calibration_summary
>>> from clvlib.models.noncontractual.holdout import holdout_by_frequency
>>> orders = load_dataset().orders
>>> split = calibration_holdout_split(orders, "2024-12-31", "2025-12-31")
>>> model = BetaGeoNBD("week").fit(calibration_summary(split))
>>> table = holdout_by_frequency(model, split, max_frequency=5)
>>> list(table.columns)
['n_customers', 'actual', 'predicted']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clvlib.core.units import check_same_unit
from clvlib.models.base import check_fitted
from clvlib.models.noncontractual.bgnbd import BetaGeoNBD
from clvlib.transactions.summary import customer_days, to_day_number


def holdout_by_frequency(model: BetaGeoNBD, split: pd.DataFrame, max_frequency: int = 7) -> pd.DataFrame:
    """Mean holdout purchases by calibration frequency: actual and predicted.

    ``split`` comes from :func:`clvlib.btyd.calibration_holdout_split`. Customers with
    ``max_frequency`` or more calibration purchases share the last row (labelled
    ``max_frequency``; plots show it as "7+").
    """
    check_fitted(model)
    unit = split.attrs.get("time_unit")
    if unit is not None:
        check_same_unit(model.time_unit_, unit, what="calibration/holdout split")
    predicted = model.conditional_expected_purchases(
        split["duration_holdout"], split["frequency_cal"], split["recency_cal"], split["T_cal"]
    )
    table = pd.DataFrame(
        {
            "frequency_cal": np.minimum(split["frequency_cal"].to_numpy(), max_frequency),
            "actual": split["frequency_holdout"].to_numpy(float),
            "predicted": predicted,
        }
    )
    out = table.groupby("frequency_cal").agg(
        n_customers=("actual", "size"), actual=("actual", "mean"), predicted=("predicted", "mean")
    )
    out.attrs.update(time_unit=model.time_unit_.value, max_frequency=max_frequency)
    return out


def repeat_purchase_tracking(
    model: BetaGeoNBD,
    orders: pd.DataFrame,
    calibration_end,
    observation_end,
    customer_col: str = "customer_id",
    date_col: str = "order_date",
) -> pd.DataFrame:
    """Repeat purchases per period by the calibration cohort, actual and expected.

    The cohort is every customer whose first purchase is on or before
    ``calibration_end``; periods (of the model's unit) count from the cohort's first
    purchase day. Same-day purchases are merged as in the summary. Columns:
    ``period_start`` (date), ``actual``, ``expected`` (incremental), ``actual_cumulative``,
    ``expected_cumulative``. ``.attrs['calibration_periods']`` is the number of periods in
    the calibration window (draw the split there).
    """
    check_fitted(model)
    unit = model.time_unit_
    days = customer_days(orders, observation_end, customer_col, date_col, value_col=None)
    cal_day, end_day = to_day_number(calibration_end), to_day_number(observation_end)
    code, day = days.code, days.day
    is_first = np.r_[True, code[1:] != code[:-1]]
    first_day_of = day[is_first]  # customers appear in code order, first day first
    cohort = first_day_of <= cal_day
    if not cohort.any():
        raise ValueError("No customer made a first purchase before the calibration end.")
    start_day = int(first_day_of[cohort].min())
    n_periods = int(np.ceil((end_day - start_day + 1) / unit.days))
    in_cohort = cohort[code]
    repeat_days = day[~is_first & in_cohort]
    period = np.floor((repeat_days - start_day) / unit.days).astype(int)  # 0-based
    actual = np.bincount(period, minlength=n_periods)[:n_periods].astype(float)

    first_days, counts = np.unique(first_day_of[cohort], return_counts=True)
    offsets = (first_days - start_day) / unit.days  # when each group was acquired
    ends = np.arange(1, n_periods + 1, dtype=float)
    # Cap at the observation end so a final partial period is not over-predicted.
    ends = np.minimum(ends, (end_day - start_day + 1) / unit.days)
    age = np.clip(ends[:, None] - offsets[None, :], 0.0, None)
    expected_cumulative = model.expected_purchases(age) @ counts
    out = pd.DataFrame(
        {
            "period_start": pd.to_datetime(start_day + np.arange(n_periods) * unit.days, unit="D").floor("D"),
            "actual": actual,
            "expected": np.diff(np.r_[0.0, expected_cumulative]),
            "actual_cumulative": np.cumsum(actual),
            "expected_cumulative": expected_cumulative,
        },
        index=pd.RangeIndex(1, n_periods + 1, name=unit.value),
    )
    out.attrs.update(
        time_unit=unit.value,
        calibration_periods=(cal_day - start_day + 1) / unit.days,
        n_customers=int(cohort.sum()),
    )
    return out
