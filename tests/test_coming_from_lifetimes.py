"""docs/coming_from_lifetimes.md: each behaviour difference the page claims, checked on clvlib.

The lifetimes side of each claim cites lifetimes 0.11.3's source (``lifetimes/utils.py``);
pymc-marketing's ``clv/utils.py`` copies the same code. Here we check clvlib's side, with
values computed by hand or by brute force.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clvlib.analysis.predictive_clv import customer_lifetime_value
from clvlib.core.units import UnitMismatchError
from clvlib.models.noncontractual import BetaGeoNBD, GammaGamma
from clvlib.transactions import calibration_holdout_split, summarize_transactions

PAGE = Path(__file__).resolve().parents[1] / "docs" / "coming_from_lifetimes.md"
# Fader, Hardie & Lee (2005), CDNOW, weeks; Fader & Hardie's Gamma-Gamma note (2013).
BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
GG = {"p": 6.25, "q": 3.74, "gamma": 15.44}

# a buys Monday 2024-01-01 (two orders), Wednesday 2024-01-03 and Monday 2024-01-15; b once.
ORDERS = pd.DataFrame({
    "customer_id": ["a", "a", "a", "a", "b"],
    "order_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-03", "2024-01-15", "2024-01-08"]),
    "order_value": [10.0, 5.0, 20.0, 30.0, 7.0],
})


@pytest.fixture(scope="module")
def models():
    return BetaGeoNBD.from_params(BGNBD, time_unit="week"), GammaGamma.from_params(GG, time_unit="week")


def test_same_day_orders_merge_but_same_week_days_stay_apart_and_time_is_fractional():
    """lifetimes floors dates to `freq` periods: with freq="W", a's Monday and Wednesday would be
    one transaction and recency whole weeks. clvlib merges a day, and measures days / 7."""
    summary = summarize_transactions(ORDERS, "2024-01-29", time_unit="week")
    a = summary.loc["a"]
    assert a["frequency"] == 2  # 01-01 (two orders, one day), 01-03, 01-15: two repeat days
    assert a["recency"] == pytest.approx(14 / 7) and a["T"] == pytest.approx(28 / 7)
    assert a["monetary_value"] == pytest.approx((20.0 + 30.0) / 2)  # mean of the repeat days, as in lifetimes
    assert summary.loc["b", "monetary_value"] == 0.0 and summary.loc["b", "T"] == pytest.approx(3.0)


def test_the_default_unit_is_the_week_and_the_summary_records_it():
    """lifetimes and pymc-marketing default to days ("D") and record nothing."""
    assert summarize_transactions(ORDERS, "2024-01-29").attrs["time_unit"] == "week"
    days = summarize_transactions(ORDERS, "2024-01-29", time_unit="day")
    assert days.attrs["time_unit"] == "day" and days.loc["a", "T"] == 28.0


def test_ids_are_the_index_sorted_and_kept_as_given():
    """Like lifetimes (index); pymc-marketing wants a customer_id column: reset_index() gives it."""
    shuffled = ORDERS.iloc[::-1].assign(customer_id=["z9", "z9", "a1", "a1", "a1"])
    summary = summarize_transactions(shuffled, "2024-01-29")
    assert summary.index.name == "customer_id" and list(summary.index) == ["a1", "z9"]
    assert list(summary.reset_index().columns[:4]) == ["customer_id", "frequency", "recency", "T"]


def test_calibration_holdout_columns_have_lifetimes_names():
    split = calibration_holdout_split(ORDERS, "2024-01-07", "2024-01-29", time_unit="week")
    assert list(split.columns) == ["frequency_cal", "recency_cal", "T_cal", "monetary_value_cal",
                                   "frequency_holdout", "monetary_value_holdout", "duration_holdout"]
    assert split.loc["a", "frequency_holdout"] == 1 and split.loc["a", "duration_holdout"] == pytest.approx(22 / 7)


def test_gamma_gamma_calls_lifetimes_v_gamma():
    assert GammaGamma.param_names == ("p", "q", "gamma")
    assert BetaGeoNBD.param_names == ("r", "alpha", "a", "b")


def test_a_horizon_in_another_unit_than_the_model_raises(models):
    """lifetimes' customer_lifetime_value takes `time` in months and assumes freq="D" unless told."""
    bgnbd, gg = models
    summary = summarize_transactions(ORDERS, "2024-01-29", time_unit="week")
    with pytest.raises(UnitMismatchError, match="weeks but the horizon is in months"):
        customer_lifetime_value(bgnbd, gg, summary, 12, "month", margin_rate=0.3, discount_rate_annual=0.1)
    daily = summarize_transactions(ORDERS, "2024-01-29", time_unit="day")
    with pytest.raises(UnitMismatchError):
        customer_lifetime_value(bgnbd, gg, daily, 52, "week", margin_rate=0.3, discount_rate_annual=0.1)


def test_discounting_is_annual_compounded_to_the_model_period_and_margin_is_explicit(models):
    """Brute force: weekly steps, each week's expected purchases discounted by
    (1.10)^(-k * 7 / 365.25); lifetimes discounts 30-day months at a monthly rate, on revenue."""
    bgnbd, gg = models
    summary = summarize_transactions(ORDERS, "2024-01-29", time_unit="week")
    clv = customer_lifetime_value(bgnbd, gg, summary, 10, "week", margin_rate=0.4, discount_rate_annual=0.10)
    x, t_x, big_t, m = summary.loc["a", ["frequency", "recency", "T", "monetary_value"]]
    cumulative = [float(bgnbd.conditional_expected_purchases(k, x, t_x, big_t)) for k in range(11)]
    weekly_rate = 1.10 ** (7 / 365.25) - 1
    expected = sum((cumulative[k] - cumulative[k - 1]) / (1 + weekly_rate) ** k for k in range(1, 11))
    spend = float(np.ravel(gg.conditional_expected_order_value([x], [m]))[0])
    assert clv.loc["a", "clv"] == pytest.approx(expected * spend * 0.4, rel=1e-12)
    assert clv.loc["a", "expected_purchases"] == pytest.approx(cumulative[10], rel=1e-12)
    revenue = customer_lifetime_value(bgnbd, gg, summary, 10, "week", margin_rate=1.0, discount_rate_annual=0.10)
    assert np.allclose(revenue["clv"] * 0.4, clv["clv"])  # lifetimes' number is margin_rate=1.0


def test_the_page_names_only_functions_that_exist():
    """Every `clvlib...` dotted name the page shows imports."""
    import importlib

    names = set(re.findall(r"`(clvlib(?:\.\w+)+)", PAGE.read_text(encoding="utf-8")))
    assert len(names) >= 8
    for name in sorted(names):
        module, _, attr = name.rpartition(".")
        try:
            target = importlib.import_module(name)
        except ModuleNotFoundError:
            target = getattr(importlib.import_module(module), attr, None)
        assert target is not None, f"{name} (named in {PAGE.name}) does not exist"
