"""The executive report's shop figures when the orders are another period's export (their own ``period_end``).

The shop KPIs and value models use the orders' own window; a dataset whose tables share one
window gives exactly what it gave before orders could have a period of their own.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from clvlib.analysis import kpi_models, kpi_text, kpis
from clvlib.data.sources import Dataset

SUBS_END = pd.Timestamp("2025-12-31")
ORDERS_END = pd.Timestamp("2024-12-31")  # the orders' export ends a year before the subscriptions


def _dataset(order_dates, period_ends) -> Dataset:
    subs = pd.DataFrame({
        "customer_id": ["s1", "s2", "s3"],
        "signup_date": pd.to_datetime(["2024-06-01", "2025-11-15", "2025-12-10"]),
        "cancel_date": pd.to_datetime([None, None, "2025-12-20"]),
        "monthly_revenue": [10.0, 20.0, 30.0],
    })
    orders = pd.DataFrame({"customer_id": ["o1", "o2", "o2", "o3", "o1"],
                           "order_date": pd.to_datetime(order_dates),
                           "order_value": [5.0, 7.0, 11.0, 13.0, 17.0]})
    spend = pd.DataFrame({"month": pd.PeriodIndex(["2025-11", "2025-12"], freq="M"), "spend": [100.0, 200.0]})
    return Dataset(subs, orders, spend, SUBS_END, files={}, is_embedded=False, period_ends=period_ends)


# December 2024 holds three orders worth 7 + 11 + 13 by o2 and o3; November 2024 one of 5 by o1.
OLD_ORDERS = ["2024-11-10", "2024-12-01", "2024-12-31", "2024-12-15", "2024-10-05"]


def test_the_shop_part_of_the_report_uses_the_orders_own_window():
    ds = _dataset(OLD_ORDERS, {"orders": ORDERS_END})
    now = kpis.as_of_view(ds)
    shop_as_of = kpis.orders_end(now, now.analysis_date)
    assert shop_as_of == ORDERS_END and now.period_end("orders") == ORDERS_END
    start, end = kpis.period_bounds(SUBS_END, 1)
    shop_now, shop_before = (kpis.period_bounds(shop_as_of, 1, periods_back=b) for b in (0, 1))
    before = kpis.as_of_view(ds, kpis.period_bounds(SUBS_END, 1, 1)[1], orders_as_of=shop_before[1])
    current = kpis.period_kpis(now, start, end, shop_now)
    previous = kpis.period_kpis(before, *kpis.period_bounds(SUBS_END, 1, 1), shop_before)
    # by hand: December 2024 and November 2024, not December / November 2025 (no orders: all zero)
    assert (current["shop_revenue"], current["shop_orders"], current["shop_buyers"]) == (31.0, 3, 2)
    assert (previous["shop_revenue"], previous["shop_orders"], previous["shop_buyers"]) == (5.0, 1, 1)
    assert current["new_subscribers"] == 1 and current["marketing_spend"] == 200.0  # subscriptions' window untouched
    assert {k: current[k] for k in ("shop_revenue", "shop_orders", "shop_buyers")} == kpis.shop_kpis(
        ds.orders, pd.Timestamp("2024-11-30"), ORDERS_END)
    assert before.orders["order_date"].max() == pd.Timestamp("2024-11-10")  # cut at the shop's previous end
    history = kpis.kpi_history(now, SUBS_END, n_periods=3)
    assert history["shop_orders"].tolist() == [1, 1, 3]  # Oct, Nov, Dec 2024
    assert history["shop_revenue"].tolist() == [17.0, 5.0, 31.0]
    text = kpi_text.narrative(kpis.change_table(current, previous), SUBS_END, "2025-11-30", shop_as_of=shop_as_of)
    assert "The web shop took $31.00 from 3 orders by 2 buyers" in " ".join(text)
    assert "Web-shop figures are for the period ending 31 Dec 2024, the end of the orders data." in text


def test_an_as_of_date_inside_the_orders_period_keeps_one_window():
    ds = _dataset(OLD_ORDERS, {"orders": ORDERS_END})
    with pytest.raises(ValueError, match="after the end of the orders' period 2024-12-31"):
        kpis.as_of_view(ds, orders_as_of="2025-01-31")
    ds_early = dataclasses.replace(ds, analysis_date=pd.Timestamp("2026-06-30"))
    view = kpis.as_of_view(ds_early, "2024-12-15")
    assert kpis.orders_end(view, view.analysis_date) == pd.Timestamp("2024-12-15")
    assert view.orders["order_date"].max() == pd.Timestamp("2024-12-15")


def test_tables_sharing_one_window_give_todays_numbers():
    shared = ["2025-11-10", "2025-12-01", "2025-12-31", "2025-12-15", "2025-10-05"]
    ds = _dataset(shared, {})
    now = kpis.as_of_view(ds)
    assert now.period_ends == {} and kpis.orders_end(now, SUBS_END) == SUBS_END
    start, end = kpis.period_bounds(SUBS_END)
    assert kpis.period_kpis(now, start, end) == kpis.period_kpis(now, start, end, kpis.period_bounds(SUBS_END))
    assert kpis.shop_kpis(now.orders, start, end) == {"shop_revenue": 31.0, "shop_orders": 3, "shop_buyers": 2}
    before = kpis.as_of_view(ds, "2025-11-30")
    assert before.orders["order_date"].max() == pd.Timestamp("2025-11-10")
    # the orders' own period_end equal to the analysis date changes nothing either
    same = kpis.as_of_view(_dataset(shared, {"orders": SUBS_END}))
    pd.testing.assert_frame_equal(same.orders, now.orders)
    changes = kpis.change_table(kpis.period_kpis(now, start, end), kpis.period_kpis(before, *kpis.period_bounds(SUBS_END, 1, 1)))
    assert not any("Web-shop figures are for" in s for s in kpi_text.narrative(changes, SUBS_END, "2025-11-30",
                                                                               shop_as_of=SUBS_END))


def test_shop_models_are_fitted_as_of_the_orders_period_end(dataset):
    """Orders moved 364 days (52 weeks) back with period_end moved alike: every shop model figure is unchanged."""
    shift = pd.Timedelta(days=364)
    moved = dataclasses.replace(dataset, orders=dataset.orders.assign(order_date=dataset.orders["order_date"] - shift),
                                period_ends={"orders": dataset.analysis_date - shift})
    settings = dict(gross_margin_rate=0.4, discount_rate_annual=0.1, horizon_months=36)
    figures, _, mix = kpi_models.model_kpis(kpis.as_of_view(dataset), **settings)
    figures_moved, _, mix_moved = kpi_models.model_kpis(kpis.as_of_view(moved), **settings)
    assert figures_moved["shop_value_12m"] == pytest.approx(figures["shop_value_12m"], rel=1e-9)
    assert figures_moved["shop_active_share"] == figures["shop_active_share"] and figures["shop_value_12m"] > 0
    pd.testing.assert_series_equal(mix_moved, mix)


# --------------------------------------------------------------------------- as-of views on boundaries (issue 17)


def _boundary_dataset(period_ends=None) -> Dataset:
    """Events on the as-of day 2025-06-30 and the day after; the data were extracted on 2025-12-31."""
    subs = pd.DataFrame({
        "customer_id": ["a", "b", "c", "d", "e"],
        "signup_date": pd.to_datetime(["2025-01-10", "2025-06-30", "2025-07-01", "2025-03-01", "2025-02-01"]),
        "cancel_date": pd.to_datetime(["2025-06-30", None, None, "2025-07-01", "2025-04-01"]),
        "monthly_revenue": [1.0, 2.0, 4.0, 8.0, 16.0],
    })
    orders = pd.DataFrame({"customer_id": ["a", "b", "a"],
                           "order_date": pd.to_datetime(["2025-06-30", "2025-07-01", "2025-01-15"]),
                           "order_value": [5.0, 7.0, 11.0]})
    spend = pd.DataFrame({"month": pd.PeriodIndex(["2025-06", "2025-07"], freq="M"), "spend": [100.0, 200.0]})
    return Dataset(subs, orders, spend, SUBS_END, files={}, is_embedded=False, period_ends=period_ends or {})


def test_as_of_view_keeps_what_happened_on_the_day_and_forgets_the_day_after():
    """As of the end of 30 June: b's signup and a's cancellation that day are known, so is the order
    that day; c's signup, d's cancellation (blanked: d was still active) and the order of 1 July are not."""
    ds = _boundary_dataset()
    view = kpis.as_of_view(ds, "2025-06-30")
    expected_subs = ds.subscriptions.iloc[[0, 1, 3, 4]].reset_index(drop=True)
    expected_subs["cancel_date"] = pd.to_datetime(["2025-06-30", None, None, "2025-04-01"])
    pd.testing.assert_frame_equal(view.subscriptions, expected_subs)
    pd.testing.assert_frame_equal(view.orders, ds.orders.iloc[[0, 2]].reset_index(drop=True))
    pd.testing.assert_frame_equal(view.marketing_spend, ds.marketing_spend.iloc[[0]])
    assert view.analysis_date == pd.Timestamp("2025-06-30") and view.period_ends == {}
    assert kpis.active_at(view.subscriptions, "2025-06-30").tolist() == [False, True, True, False]  # b and d
    # A spend month is known from its first day: July counts as of 1 July.
    assert kpis.as_of_view(ds, "2025-07-01").marketing_spend["spend"].tolist() == [100.0, 200.0]
    pd.testing.assert_frame_equal(ds.subscriptions, _boundary_dataset().subscriptions)  # the input is untouched


def test_as_of_view_defaults_to_the_analysis_date_and_names_impossible_dates():
    ds = _boundary_dataset()
    for as_of in (None, "", SUBS_END):  # an empty parameter cell means "the data's own date"
        view = kpis.as_of_view(ds, as_of)
        assert view.analysis_date == SUBS_END and len(view.subscriptions) == 5 and len(view.orders) == 3
    first_day = kpis.as_of_view(ds, "2025-01-10")  # the first signup's day: one subscriber to report
    assert first_day.subscriptions["customer_id"].tolist() == ["a"]
    with pytest.raises(ValueError) as error:
        kpis.as_of_view(ds, "2026-01-01")
    assert str(error.value) == ("The as-of date 2026-01-01 is after the data's analysis date 2025-12-31: "
                                "the data say nothing about it. Pick an earlier date or leave it empty.")
    with pytest.raises(ValueError) as error:
        kpis.as_of_view(ds, "2025-01-09")
    assert str(error.value) == "The as-of date 2025-01-09 is before the first signup (2025-01-10): nothing to report."
    nobody = dataclasses.replace(ds, subscriptions=ds.subscriptions.iloc[:0])
    with pytest.raises(ValueError) as error:
        kpis.as_of_view(nobody, "2025-06-30")
    assert str(error.value) == "The subscriptions table has no signups: nothing to report."


def test_an_earlier_orders_as_of_date_becomes_the_views_orders_period_end():
    """Tables sharing one window, the orders cut a month earlier on request (the previous shop period)."""
    ds = _boundary_dataset()
    view = kpis.as_of_view(ds, "2025-07-31", orders_as_of="2025-06-30")
    assert view.period_ends == {"orders": pd.Timestamp("2025-06-30")} and view.period_end("orders") == pd.Timestamp(
        "2025-06-30")
    assert view.orders["order_date"].tolist() == [pd.Timestamp("2025-06-30"), pd.Timestamp("2025-01-15")]
    assert kpis.orders_end(view, view.analysis_date) == pd.Timestamp("2025-06-30")
    same_day = kpis.as_of_view(ds, "2025-07-31", orders_as_of="2025-07-31")  # the view's own day: no own period
    assert same_day.period_ends == {} and len(same_day.orders) == 3
    assert kpis.as_of_view(ds, "2025-07-31", orders_as_of="").period_ends == {}  # an empty parameter: the default
    last_day = kpis.as_of_view(ds, orders_as_of=SUBS_END)  # the orders' last day itself is inside their period
    assert last_day.period_ends == {} and len(last_day.orders) == 3
    with pytest.raises(ValueError) as error:
        kpis.as_of_view(ds, orders_as_of="2026-01-01")
    assert str(error.value) == ("The orders' as-of date 2026-01-01 is after the end of the orders' period "
                                "2025-12-31: the orders say nothing about it.")
    # Another table's own period end is clipped to the view's day, and kept when earlier.
    other = kpis.as_of_view(_boundary_dataset({"marketing_spend": pd.Timestamp("2025-09-30")}), "2025-07-31")
    assert other.period_ends == {"marketing_spend": pd.Timestamp("2025-07-31")}
    early = kpis.as_of_view(_boundary_dataset({"marketing_spend": pd.Timestamp("2025-05-31")}), "2025-07-31")
    assert early.period_ends == {"marketing_spend": pd.Timestamp("2025-05-31")}


def test_as_of_view_cuts_orders_at_their_own_earlier_period_end_by_default():
    """An orders export ending before the as-of day (another period's file): with no
    orders_as_of, the view keeps the orders' own period end, not the as-of day."""
    ds = _dataset(OLD_ORDERS, {"orders": ORDERS_END})
    view = kpis.as_of_view(ds, SUBS_END)
    assert view.period_ends == {"orders": ORDERS_END}
    assert view.analysis_date == SUBS_END and len(view.orders) == 5
