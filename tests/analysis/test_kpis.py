"""clvlib.analysis.kpis, kpi_text and kpi_models: period KPIs, their change, the words and the model figures."""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import pandas as pd
import pytest

from clvlib.analysis import acquisition, kpi_models, kpi_text, kpis, materiality


@pytest.fixture
def subs():
    return pd.DataFrame({
        "customer_id": ["a", "b", "c", "d"],
        "signup_date": pd.to_datetime(["2025-01-10", "2025-11-20", "2025-12-05", "2025-06-01"]),
        "cancel_date": pd.to_datetime(["2025-12-10", None, "2025-12-20", "2025-11-15"]),
        "monthly_revenue": [15.0, 25.0, 40.0, 15.0],
    })


def test_subscription_kpis_by_hand(subs):
    k = kpis.subscription_kpis(subs, *kpis.period_bounds("2025-12-31"))
    # active on 30 Nov: a, b (d left 15 Nov); a cancelled in December -> churn 1/2
    assert k == {"active_subscribers": 1, "new_subscribers": 1, "cancellations": 2, "churn_rate": 0.5, "mrr": 25.0}


def test_periods_step_back_from_the_as_of_date():
    assert kpis.period_bounds("2025-03-31", 1, 1) == (pd.Timestamp("2025-01-31"), pd.Timestamp("2025-02-28"))
    assert kpis.period_bounds("2025-12-31", 3) == (pd.Timestamp("2025-09-30"), pd.Timestamp("2025-12-31"))
    with pytest.raises(ValueError, match="period_months"):
        kpis.period_bounds("2025-12-31", 0)
    with pytest.raises(ValueError, match="not a date"):
        kpis.period_bounds("last tuesday")


def test_change_table_and_undefined_values():
    changes = kpis.change_table({"active_subscribers": 110, "churn_rate": 0.05, "blended_cac": None},
                                {"active_subscribers": 100, "churn_rate": 0.07, "blended_cac": 50.0})
    assert changes.at["active_subscribers", "change"] == 10
    assert changes.at["active_subscribers", "relative_change"] == pytest.approx(0.1)
    assert kpi_text.format_change(changes.loc["churn_rate"]) == "-2.0 pts"
    assert changes.at["blended_cac", "change"] is None
    html = kpi_text.kpi_table_html(changes)
    assert 'data-kpi="blended_cac" data-value=""' in html and 'data-value="110"' in html
    assert "nan" not in html.lower() and "inf" not in html.lower()


def test_narrative_follows_the_numbers():
    up = kpis.change_table({"active_subscribers": 110, "mrr": 2000.0, "churn_rate": 0.05},
                           {"active_subscribers": 100, "mrr": 1800.0, "churn_rate": 0.07})
    text = " ".join(kpi_text.narrative(up, "2025-12-31", "2025-11-30"))
    assert "110 active subscribers, up 10.0% (+10)" in text and "down 2.0 pts" in text and "(better)" in text
    down = kpis.change_table({"active_subscribers": 90, "mrr": 1700.0, "churn_rate": 0.09},
                             {"active_subscribers": 100, "mrr": 1800.0, "churn_rate": 0.07})
    text = " ".join(kpi_text.narrative(down, "2025-12-31", "2025-11-30"))
    assert "down 10.0%" in text and "(worse)" in text


def test_headline_and_table_show_the_same_rounded_change_and_noise_is_not_judged():
    changes = materiality.mark_material(kpis.change_table(
        {"active_subscribers": 1651, "churn_rate": 0.075}, {"active_subscribers": 1650, "churn_rate": 0.07}))
    table = kpi_text.kpi_table_html(changes)
    text = " ".join(kpi_text.narrative(changes, "2025-12-31", "2025-11-30"))
    assert "&#9650; +0.06%</td>" in table and "up 0.06% (+1) since 30 Nov 2025, within normal variation" in text
    assert "up 0.5 pts from 7.0%, within normal variation" in text and "worse" not in text and "better" not in text


def test_as_of_view_forgets_the_future(dataset):
    ds = dataset
    view = kpis.as_of_view(ds, "2025-06-30")
    day = pd.Timestamp("2025-06-30")
    assert view.analysis_date == day
    assert (view.subscriptions["signup_date"] <= day).all() and (view.orders["order_date"] <= day).all()
    assert (view.subscriptions["cancel_date"].dropna() <= day).all()
    # someone who cancelled later was active on the day
    later = ds.subscriptions[(ds.subscriptions["signup_date"] <= day) & (ds.subscriptions["cancel_date"] > day)]
    assert view.subscriptions.set_index("customer_id").loc[later["customer_id"], "cancel_date"].isna().all()
    assert len(ds.orders) > len(view.orders)  # the input is untouched
    with pytest.raises(ValueError, match="after the data's analysis date"):
        kpis.as_of_view(ds, "2026-01-31")


def test_history_ends_on_the_as_of_date_and_matches_period_kpis(dataset):
    ds = dataset
    history = kpis.kpi_history(ds, "2025-12-31", n_periods=3)
    assert list(history.index) == [pd.Timestamp(d) for d in ("2025-10-31", "2025-11-30", "2025-12-31")]
    last = kpis.period_kpis(ds, *kpis.period_bounds("2025-12-31"))
    assert history.iloc[-1].to_dict() == pytest.approx(last)


def test_model_kpis_on_the_embedded_data_rank_channels_and_split_the_shop_into_stages(dataset):
    view = kpis.as_of_view(dataset)
    figures, channels, mix = kpi_models.model_kpis(
        view, gross_margin_rate=0.4, discount_rate_annual=0.1, horizon_months=36, clv_model="weibull",
        cac_window_months=12,
    )
    assert set(figures) == {"clv_new_subscriber", "shop_value_12m", "shop_active_share"}
    # The new-subscriber value is a subscriber-weighted mix of the channels' values.
    assert channels["clv"].min() < figures["clv_new_subscriber"] < channels["clv"].max()
    assert channels["cac"].astype(float).idxmin() == "affiliate"
    assert channels["ltv_to_cac"].astype(float).idxmax() == "referral"
    assert abs(mix.sum() - 1) < 1e-9 and figures["shop_active_share"] == mix["active"]
    assert figures["shop_value_12m"] > 0 and 0.2 < mix.attrs["top_20_share_of_value"] <= 1


def test_the_reports_channel_figures_are_lesson_06s(dataset):
    """One number per concept: with its defaults the report's LTV:CAC, payback and interval are lesson 06's calls."""
    view = kpis.as_of_view(dataset)
    _, channels, _ = kpi_models.model_kpis(view, gross_margin_rate=0.4, discount_rate_annual=0.1, horizon_months=36,
                                           bootstrap_replicates=200)
    horizon = min(36, acquisition.longest_common_horizon_months(dataset.subscriptions, dataset.analysis_date))
    lesson = acquisition.ltv_to_cac(dataset.subscriptions, dataset.marketing_spend, dataset.analysis_date, 0.4, 0.1,
                                    horizon)
    assert channels.attrs["horizon_months"] == horizon
    _, report_default, _ = kpi_models.model_kpis(view, gross_margin_rate=0.4, discount_rate_annual=0.1,
                                                 horizon_months=36, cac_window_months=120)  # the notebook's default
    pd.testing.assert_series_equal(report_default["cac"], channels["cac"])
    pd.testing.assert_series_equal(channels["ltv_to_cac"].astype(float), lesson["ltv_to_cac"].astype(float))
    pd.testing.assert_series_equal(channels["clv"], lesson["clv"])  # each channel's value of a new subscriber
    curves = acquisition.payback_curves(dataset.subscriptions, dataset.analysis_date, 0.4, 0.1, horizon)
    payback = acquisition.payback_table(curves, acquisition.cac_by_channel(dataset.marketing_spend,
                                                                           dataset.subscriptions))
    pd.testing.assert_series_equal(channels["payback_months"], payback["payback_months"])
    boot = acquisition.bootstrap_ltv_to_cac(dataset.subscriptions, dataset.marketing_spend, dataset.analysis_date,
                                            0.4, 0.1, horizon, n_boot=200)
    pd.testing.assert_series_equal(channels["ltv_to_cac_lower"], boot.summary["ltv_to_cac_lower"])


def test_period_bounds_around_every_month_end_of_a_leap_year():
    """As of a month's last day: whole calendar months (each bound a month end, by pd.offsets.MonthEnd).
    As of any other day: calendar-month steps clipped to month ends, as pd.DateOffset does them."""
    days = pd.date_range("2024-01-01", "2025-01-01")
    for day in days[(days.day >= 28) | (days.day == 1)]:  # where clipping to a month end can matter
        for period_months, back in ((1, 0), (1, 1), (3, 1)):
            if day.is_month_end:
                expected = (day - pd.offsets.MonthEnd((back + 1) * period_months),
                            day - pd.offsets.MonthEnd(back * period_months) if back else day)
            else:
                expected = (day - pd.DateOffset(months=(back + 1) * period_months),
                            day - pd.DateOffset(months=back * period_months))
            assert kpis.period_bounds(day, period_months, back) == expected, (day, period_months, back)


def test_spend_counts_the_months_that_start_inside_the_period():
    spend = pd.DataFrame({"month": pd.PeriodIndex(["2025-10", "2025-11", "2025-12", "2026-01"], freq="M"),
                          "spend": [1.0, 10.0, 100.0, 1000.0]})
    # (2025-10-31, 2025-12-31]: November and December start inside; October started before.
    assert kpis.spend_in_period(spend, "2025-10-31", "2025-12-31") == 110.0
    # (2025-11-15, 2025-12-15]: only December 1 falls inside.
    assert kpis.spend_in_period(spend, "2025-11-15", "2025-12-15") == 100.0


def test_kpi_table_colours_a_material_change_by_whether_up_is_good_news():
    changes = kpis.change_table(
        {"active_subscribers": 110, "churn_rate": 0.09, "marketing_spend": 900.0, "mrr": 2000.0},
        {"active_subscribers": 100, "churn_rate": 0.07, "marketing_spend": 800.0, "mrr": 2000.0},
    )
    rows = {name: row for name, row in zip(changes.index, kpi_text.kpi_table_html(changes).split("<tr id=")[1:],
                                           strict=True)}
    assert '<td class="good">&#9650; +10.0%</td>' in rows["active_subscribers"]  # more subscribers: good
    assert '<td class="bad">&#9650; +2.0 pts</td>' in rows["churn_rate"]  # more churn: bad
    assert '<td class="neutral">&#9650; +12.5%</td>' in rows["marketing_spend"]  # spend: neither
    assert '<td class=""> +0.00%</td>' in rows["mrr"]  # unchanged: no arrow, no colour, two decimals


@pytest.mark.parametrize("now, before, tone", [(105, 100, "neutral"), (93, 100, "neutral"), (160, 100, "good"),
                                               (60, 100, "bad")])
def test_a_count_inside_its_poisson_noise_is_grey_and_a_large_change_is_coloured(now, before, tone):
    changes = kpis.change_table({"new_subscribers": now, "cancellations": before},
                                {"new_subscribers": before, "cancellations": now})
    html = kpi_text.kpi_table_html(materiality.mark_material(changes))
    assert f'<td class="{tone}">' in html.split('id="kpi-new_subscribers"')[1].split("</tr>")[0]
    # cancellations move the other way, and fewer cancellations is good news: the same tone
    assert f'<td class="{tone}">' in html.split('id="kpi-cancellations"')[1].split("</tr>")[0]


def test_churn_is_judged_by_its_binomial_noise_when_the_counts_are_known():
    changes = kpis.change_table({"churn_rate": 0.10}, {"churn_rate": 0.08})
    assert kpi_text.change_tone(materiality.mark_material(changes), "churn_rate") == "bad"  # 2 pts, no counts
    small = materiality.mark_material(changes, churn_counts=(10, 100, 8, 100))  # 10/100 vs 8/100: noise
    large = materiality.mark_material(changes, churn_counts=(1000, 10000, 800, 10000))
    assert kpi_text.change_tone(small, "churn_rate") == "neutral" and kpi_text.change_tone(large, "churn_rate") == "bad"


def test_money_follows_the_currency_in_table_and_sentences():
    changes = kpis.change_table({"mrr": 1234.5, "marketing_spend": 500.0, "blended_cac": 61.9},
                                {"mrr": 1000.0, "marketing_spend": 400.0, "blended_cac": 50.0})
    html = kpi_text.kpi_table_html(changes, money="EUR")
    text = " ".join(kpi_text.narrative(changes, "2025-12-31", "2025-11-30", money="EUR"))
    assert "€1,234" in html and "€61.90" in html and "$" not in html
    assert "€500" in text and "€61.90 per new subscriber" in text and "$" not in text


# --------------------------------------------------------------------------- period boundaries (issue 17)


@pytest.mark.parametrize(
    "as_of, period_months, current, previous",
    [
        # Quarter on quarter: the previous quarter ends where the current one starts.
        ("2025-12-31", 3, ("2025-09-30", "2025-12-31"), ("2025-06-30", "2025-09-30")),
        ("2025-05-31", 3, ("2025-02-28", "2025-05-31"), ("2024-11-30", "2025-02-28")),
        ("2024-05-15", 3, ("2024-02-15", "2024-05-15"), ("2023-11-15", "2024-02-15")),
        # Year on year, across a leap day.
        ("2025-12-31", 12, ("2024-12-31", "2025-12-31"), ("2023-12-31", "2024-12-31")),
        ("2024-02-29", 12, ("2023-02-28", "2024-02-29"), ("2022-02-28", "2023-02-28")),
        # Month on month as of a 30-day month's end: June is (31 May, 30 Jun], May is (30 Apr, 31 May].
        ("1998-06-30", 1, ("1998-05-31", "1998-06-30"), ("1998-04-30", "1998-05-31")),
        ("2024-02-29", 1, ("2024-01-31", "2024-02-29"), ("2023-12-31", "2024-01-31")),
        ("2024-04-15", 1, ("2024-03-15", "2024-04-15"), ("2024-02-15", "2024-03-15")),
    ],
)
def test_quarter_on_quarter_and_year_on_year_periods_by_hand(as_of, period_months, current, previous):
    """Periods are ``(start, end]``; worked out on a calendar. Contiguous and not overlapping:
    every day belongs to exactly one of the two periods the executive report compares."""
    assert kpis.period_bounds(as_of, period_months) == tuple(map(pd.Timestamp, current))
    assert kpis.period_bounds(as_of, period_months, periods_back=1) == tuple(map(pd.Timestamp, previous))


BOUNDARY_SUBS = pd.DataFrame({
    "customer_id": ["s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8"],
    "signup_date": pd.to_datetime(["2025-06-01", "2025-06-01", "2025-06-01", "2025-11-30", "2025-12-01",
                                   "2025-12-31", "2026-01-01", "2025-06-01"]),
    "cancel_date": pd.to_datetime(["2025-11-30", "2025-12-01", "2025-12-31", None, None, None, None, "2026-01-01"]),
    "monthly_revenue": [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0],
})


def test_events_on_the_first_and_last_day_of_a_period_by_hand():
    """December 2025 as of 2025-12-31 is the period (2025-11-30, 2025-12-31]; a subscriber is
    active at the end of a day when signed up on or before it and not cancelled on or before it.

    s1 cancels on 30 Nov (the start day): not active at the start, not a December cancellation.
    s2 cancels on 1 Dec (the first day of the period), s3 on 31 Dec (the as-of day): both active
    at the start, both December cancellations, s3 no longer active at the end.
    s4 signs up on 30 Nov: active at the start, not new. s5 (1 Dec) and s6 (31 Dec, the as-of
    day) are new and active at the end; s7 (1 Jan) is outside; s8 cancels after the end.
    Active at the start: s2, s3, s4, s8 (4); churned among them: s2, s3 (1/2).
    Active at the end: s4, s5, s6, s8: MRR 8 + 16 + 32 + 128 = 184.
    """
    ids = BOUNDARY_SUBS["customer_id"]
    assert ids[kpis.active_at(BOUNDARY_SUBS, "2025-11-30")].tolist() == ["s2", "s3", "s4", "s8"]
    assert ids[kpis.active_at(BOUNDARY_SUBS, "2025-12-01")].tolist() == ["s3", "s4", "s5", "s8"]
    assert ids[kpis.active_at(BOUNDARY_SUBS, "2025-12-31")].tolist() == ["s4", "s5", "s6", "s8"]
    k = kpis.subscription_kpis(BOUNDARY_SUBS, *kpis.period_bounds("2025-12-31"))
    assert k == {"active_subscribers": 4, "new_subscribers": 2, "cancellations": 2, "churn_rate": 0.5, "mrr": 184.0}


def test_quarterly_history_counts_every_event_in_exactly_one_quarter():
    """Four quarters as of 2025-12-31 split 2025 into (.., 03-31], (.., 06-30], (.., 09-30],
    (.., 12-31]. Events sit on the first and last day of quarters; the counts by hand, and the
    four quarters add up to the year (period_months=12) for every flow KPI."""
    subs = pd.DataFrame({
        "customer_id": ["q1", "q2", "q3", "q4", "q5", "q6"],
        "signup_date": pd.to_datetime(["2024-12-31", "2025-01-01", "2025-03-31", "2025-04-01", "2025-09-30", "2025-10-01"]),
        "cancel_date": pd.to_datetime(["2025-03-31", "2025-04-01", "2025-09-30", "2025-10-01", "2025-12-31", None]),
        "monthly_revenue": [10.0, 10.0, 10.0, 10.0, 10.0, 10.0],
    })
    orders = pd.DataFrame({"customer_id": ["q1", "q2", "q3", "q4"],
                           "order_date": pd.to_datetime(["2024-12-31", "2025-01-01", "2025-06-30", "2025-07-01"]),
                           "order_value": [1.0, 2.0, 4.0, 8.0]})
    spend = pd.DataFrame({"month": pd.PeriodIndex(["2024-12", "2025-01", "2025-04", "2025-07", "2025-10"], freq="M"),
                          "spend": [1.0, 10.0, 100.0, 1000.0, 10000.0]})
    ds = SimpleNamespace(subscriptions=subs, orders=orders, marketing_spend=spend)
    history = kpis.kpi_history(ds, "2025-12-31", n_periods=4, period_months=3)
    assert list(history.index) == [pd.Timestamp(d) for d in ("2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31")]
    assert history["new_subscribers"].tolist() == [2, 1, 1, 1]  # q2 q3 | q4 | q5 | q6
    assert history["cancellations"].tolist() == [1, 1, 1, 2]  # q1 | q2 | q3 | q4 q5
    assert history["active_subscribers"].tolist() == [2, 2, 2, 1]  # q2 q3 | q3 q4 | q4 q5 | q6
    assert history["shop_orders"].tolist() == [1, 1, 1, 0] and history["shop_revenue"].tolist() == [2.0, 4.0, 8.0, 0.0]
    assert history["marketing_spend"].tolist() == [10.0, 100.0, 1000.0, 10000.0]
    year = kpis.period_kpis(ds, *kpis.period_bounds("2025-12-31", 12))
    for flow in ("new_subscribers", "cancellations", "shop_orders", "shop_revenue", "marketing_spend"):
        assert history[flow].sum() == year[flow], flow
    # Quarter on quarter, as notebook 07 computes it: Q3 is the previous quarter, not an overlap.
    previous = kpis.period_kpis(ds, *kpis.period_bounds("2025-12-31", 3, periods_back=1))
    assert previous == pytest.approx(history.iloc[2].to_dict())


def test_change_table_takes_a_label_for_another_shop_horizon():
    current, previous = {"shop_value_12m": 120.0}, {"shop_value_12m": 100.0}
    table = kpis.change_table(current, previous, labels={"shop_value_12m": "Expected web-shop margin, next 24 months"})
    assert table.loc["shop_value_12m", "label"] == "Expected web-shop margin, next 24 months"
    assert kpis.change_table(current, previous).loc["shop_value_12m", "label"] == kpis.KPI_INFO["shop_value_12m"][0]


def test_churn_counts_are_the_numbers_behind_the_churn_rate_on_period_boundaries():
    """December 2025 on BOUNDARY_SUBS (see the test above): at risk s2, s3, s4, s8 (active at the
    end of 30 Nov; s1 cancelled that day); s2 (1 Dec) and s3 (31 Dec) cancelled inside the period."""
    start, end = kpis.period_bounds("2025-12-31")
    assert kpis.churn_counts(BOUNDARY_SUBS, start, end) == (2, 4)
    assert kpis.subscription_kpis(BOUNDARY_SUBS, start, end)["churn_rate"] == 2 / 4
    # Dates as text, as a report's parameters give them; November: at risk s1, s2, s3, s8 (s4 signs up
    # on its last day); s1 cancels on 30 Nov, its last day -> 1 of 4.
    assert kpis.churn_counts(BOUNDARY_SUBS, "2025-10-31", "2025-11-30") == (1, 4)
    # A cancellation after the end is not counted, one before the start is not at risk.
    assert kpis.churn_counts(BOUNDARY_SUBS, "2026-01-01", "2026-01-31") == (0, 4)  # s4 s5 s6 s7; s8 left 1 Jan


def test_a_period_nobody_was_active_at_the_start_of_has_no_churn_rate():
    """Churn is a share of those at risk: with nobody active at the start it is undefined (None), not 0 or NaN."""
    start, end = kpis.period_bounds("2025-05-31")  # before every signup of BOUNDARY_SUBS
    assert kpis.churn_counts(BOUNDARY_SUBS, start, end) == (0, 0)
    assert kpis.subscription_kpis(BOUNDARY_SUBS, start, end) == {
        "active_subscribers": 0, "new_subscribers": 0, "cancellations": 0, "churn_rate": None, "mrr": 0.0}


def test_a_period_must_end_after_it_starts():
    with pytest.raises(ValueError) as error:
        kpis.subscription_kpis(BOUNDARY_SUBS, "2025-12-31", "2025-12-31")
    assert str(error.value) == "The period must end after it starts (got 2025-12-31 to 2025-12-31)."
    one_day = kpis.subscription_kpis(BOUNDARY_SUBS, "2025-12-30", "2025-12-31")  # (30 Dec, 31 Dec]: s3 leaves, s6 joins
    assert (one_day["new_subscribers"], one_day["cancellations"], one_day["churn_rate"]) == (1, 1, 1 / 4)


EMPTY_SUBS = pd.DataFrame({"customer_id": pd.Series([], dtype=object), "signup_date": pd.to_datetime([]),
                           "cancel_date": pd.to_datetime([]), "monthly_revenue": pd.Series([], dtype=float)})
EMPTY_ORDERS = pd.DataFrame({"customer_id": pd.Series([], dtype=object), "order_date": pd.to_datetime([]),
                             "order_value": pd.Series([], dtype=float)})
EMPTY_SPEND = pd.DataFrame({"month": pd.PeriodIndex([], freq="M"), "spend": pd.Series([], dtype=float)})


def test_empty_tables_are_a_quiet_period_not_an_error():
    """A period with no events is valid: every count is 0, every sum 0.0, churn undefined."""
    start, end = kpis.period_bounds("2025-12-31")
    assert kpis.active_at(EMPTY_SUBS, end).tolist() == []
    assert kpis.churn_counts(EMPTY_SUBS, start, end) == (0, 0)
    assert kpis.subscription_kpis(EMPTY_SUBS, start, end) == {
        "active_subscribers": 0, "new_subscribers": 0, "cancellations": 0, "churn_rate": None, "mrr": 0.0}
    assert kpis.shop_kpis(EMPTY_ORDERS, start, end) == {"shop_revenue": 0.0, "shop_orders": 0, "shop_buyers": 0}
    assert kpis.spend_in_period(EMPTY_SPEND, start, end) == 0.0


_HINT = "Load it with clvlib.data.load_dataset."


@pytest.mark.parametrize("function, table, frame, dropped, expected", [
    (kpis.active_at, "subscriptions", BOUNDARY_SUBS, "cancel_date",
     "The subscriptions table has no cancel_date column; its columns are: customer_id, signup_date, monthly_revenue."),
    (kpis.churn_counts, "subscriptions", BOUNDARY_SUBS, "signup_date",
     "The subscriptions table has no signup_date column; its columns are: customer_id, cancel_date, monthly_revenue."),
    (kpis.subscription_kpis, "subscriptions", BOUNDARY_SUBS, "monthly_revenue",
     "The subscriptions table has no monthly_revenue column; its columns are: customer_id, signup_date, cancel_date."),
    (kpis.shop_kpis, "orders", EMPTY_ORDERS, "customer_id",
     "The orders table has no customer_id column; its columns are: order_date, order_value."),
    (kpis.spend_in_period, "marketing_spend", EMPTY_SPEND, "spend",
     "The marketing_spend table has no spend column; its columns are: month."),
])
def test_a_table_without_a_needed_column_is_named_with_the_columns_it_has(function, table, frame, dropped, expected):
    """The user reads which table lacks which column, what it has instead, and how to load it properly."""
    args = ("2025-12-31",) if function is kpis.active_at else ("2025-11-30", "2025-12-31")
    with pytest.raises(ValueError) as error:
        function(frame.drop(columns=dropped), *args)
    assert str(error.value) == f"{expected} {_HINT}"


def test_a_date_that_is_not_one_is_named_as_the_as_of_date():
    with pytest.raises(ValueError) as error:
        kpis.period_bounds("last tuesday")
    assert str(error.value) == "The as-of date 'last tuesday' is not a date: use YYYY-MM-DD, e.g. 2025-12-31."
    with pytest.raises(ValueError) as error:
        kpis.active_at(BOUNDARY_SUBS, None)
    assert str(error.value) == "The as-of date is missing: give a date such as 2025-12-31."


@pytest.mark.parametrize("period_months, periods_back, expected", [
    (0, 0, "period_months must be a whole number of months, at least 1 (got 0)."),
    (1.5, 0, "period_months must be a whole number of months, at least 1 (got 1.5)."),
    (1, -1, "periods_back must be 0 or more (got -1)."),
    (1, 0.5, "periods_back must be 0 or more (got 0.5)."),
])
def test_period_arguments_that_are_not_whole_months_are_refused(period_months, periods_back, expected):
    for as_of in ("2025-12-31", "2025-12-15"):  # both ways of stepping back (month end or not)
        with pytest.raises(ValueError) as error:
            kpis.period_bounds(as_of, period_months, periods_back)
        assert str(error.value) == expected


def test_the_default_period_is_the_latest_single_month():
    assert kpis.period_bounds("2025-12-31") == kpis.period_bounds("2025-12-31", 1, 0) == (
        pd.Timestamp("2025-11-30"), pd.Timestamp("2025-12-31"))
    assert kpis.period_bounds("2025-12-15") == (pd.Timestamp("2025-11-15"), pd.Timestamp("2025-12-15"))


def test_period_arithmetic_raises_no_pandas_warning():
    """A deprecation warning would print in the report notebook and turn into an error with the next pandas."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert kpis.period_bounds("2025-06-30", 3, 1) == (pd.Timestamp("2024-12-31"), pd.Timestamp("2025-03-31"))
        assert kpis.period_bounds("2025-06-15", 3, 1) == (pd.Timestamp("2024-12-15"), pd.Timestamp("2025-03-15"))


def test_the_table_is_checked_before_the_dates_and_a_wrong_object_is_named():
    """Passing the whole dataset instead of its subscriptions table is a likely slip: the message says so."""
    with pytest.raises(ValueError) as error:
        kpis.churn_counts(SimpleNamespace(subscriptions=BOUNDARY_SUBS), "2025-11-30", "2025-12-31")
    assert str(error.value) == f"subscriptions must be a pandas DataFrame, not SimpleNamespace. {_HINT}"
    with pytest.raises(ValueError) as error:  # a broken table and a broken date: the table is reported
        kpis.churn_counts(BOUNDARY_SUBS.drop(columns="cancel_date"), "30.11.2025?", "2025-12-31")
    assert str(error.value).startswith("The subscriptions table has no cancel_date column")


def test_change_table_row_by_row_with_missing_and_zero_values():
    """Rows follow KPI_INFO's order and skip what the current figures lack (cancellations here);
    a change needs both values, a relative change a non-zero previous value; None stays None, ints stay ints."""
    current = {"active_subscribers": 110, "new_subscribers": 0, "churn_rate": None, "mrr": 2000.0, "blended_cac": 50.0}
    previous = {"active_subscribers": 100, "new_subscribers": 0, "churn_rate": 0.05, "mrr": 0.0}
    table = kpis.change_table(current, previous)
    assert table.index.name == "kpi"
    assert list(table.columns) == ["label", "kind", "current", "previous", "change", "relative_change", "good_when_up"]
    info = kpis.KPI_INFO
    assert table.to_dict("index") == {
        "active_subscribers": {"label": "Active subscribers", "kind": "count", "current": 110, "previous": 100,
                               "change": 10, "relative_change": 10 / 100, "good_when_up": True},
        "new_subscribers": {"label": info["new_subscribers"][0], "kind": "count", "current": 0, "previous": 0,
                            "change": 0, "relative_change": None, "good_when_up": True},
        "churn_rate": {"label": "Churn in the period", "kind": "share", "current": None, "previous": 0.05,
                       "change": None, "relative_change": None, "good_when_up": False},
        "mrr": {"label": "Monthly recurring revenue", "kind": "money", "current": 2000.0, "previous": 0.0,
                "change": 2000.0, "relative_change": None, "good_when_up": True},
        "blended_cac": {"label": info["blended_cac"][0], "kind": "money", "current": 50.0, "previous": None,
                        "change": None, "relative_change": None, "good_when_up": False},
    }
    assert type(table.at["active_subscribers", "change"]) is int and table.at["churn_rate", "change"] is None
    drop = kpis.change_table({"mrr": 1500.0}, {"mrr": 2000.0})
    assert drop.at["mrr", "change"] == -500.0 and drop.at["mrr", "relative_change"] == -0.25


def test_the_default_history_is_twelve_months_indexed_by_period_end():
    ds = SimpleNamespace(subscriptions=BOUNDARY_SUBS, orders=EMPTY_ORDERS, marketing_spend=EMPTY_SPEND)
    history = kpis.kpi_history(ds, "2025-12-31")
    assert history.index.name == "period_end"
    assert list(history.index) == list(pd.date_range("2025-01-31", "2025-12-31", freq="ME"))
    # BOUNDARY_SUBS by month: s1 s2 s3 s8 join in June; s4 on 30 Nov; s5 s6 in December; s1 leaves on 30 Nov.
    assert history["new_subscribers"].tolist() == [0] * 5 + [4, 0, 0, 0, 0, 1, 2]
    assert history["cancellations"].tolist() == [0] * 10 + [1, 2]
    assert list(history.columns) == [*kpis.KPI_INFO][:10]  # every simple KPI, in KPI_INFO's order
    one = kpis.kpi_history(ds, "2025-12-31", n_periods=1)
    assert list(one.index) == [pd.Timestamp("2025-12-31")] and one["new_subscribers"].tolist() == [2]


@pytest.mark.parametrize("n_periods", [0, -1, 1.5, 2.0])
def test_a_history_needs_a_whole_number_of_periods(n_periods):
    ds = SimpleNamespace(subscriptions=BOUNDARY_SUBS, orders=EMPTY_ORDERS, marketing_spend=EMPTY_SPEND)
    with pytest.raises(ValueError) as error:
        kpis.kpi_history(ds, "2025-12-31", n_periods=n_periods)
    assert str(error.value) == f"n_periods must be 1 or more (got {n_periods!r})."


def test_a_spend_month_starting_on_a_period_boundary_belongs_to_the_period_it_starts_in():
    """(2025-11-01, 2025-12-01]: November starts on the excluded start day, December on the included end day."""
    spend = pd.DataFrame({"month": pd.PeriodIndex(["2025-11", "2025-12"], freq="M"), "spend": [10.0, 100.0]})
    assert kpis.spend_in_period(spend, "2025-11-01", "2025-12-01") == 100.0
    assert kpis.spend_in_period(spend, "2025-10-31", "2025-11-30") == 10.0


def test_blended_cac_is_the_periods_spend_per_new_subscriber():
    """December on BOUNDARY_SUBS: s5 and s6 are new, December's spend is 300 -> 150 per new subscriber.
    November: s4 is new (signed up on 30 Nov), spend 40 -> 40. January 2026: s7 new, no spend -> 0.0.
    A month with nobody new has no CAC (None, not a division by zero)."""
    spend = pd.DataFrame({"month": pd.PeriodIndex(["2025-10", "2025-11", "2025-12"], freq="M"),
                          "spend": [7.0, 40.0, 300.0]})
    ds = SimpleNamespace(subscriptions=BOUNDARY_SUBS, orders=EMPTY_ORDERS, marketing_spend=spend)
    december = kpis.period_kpis(ds, *kpis.period_bounds("2025-12-31"))
    assert (december["new_subscribers"], december["marketing_spend"], december["blended_cac"]) == (2, 300.0, 150.0)
    assert kpis.period_kpis(ds, *kpis.period_bounds("2025-11-30"))["blended_cac"] == 40.0
    assert kpis.period_kpis(ds, *kpis.period_bounds("2026-01-31"))["blended_cac"] == 0.0
    october = kpis.period_kpis(ds, *kpis.period_bounds("2025-10-31"))
    assert (october["new_subscribers"], october["marketing_spend"], october["blended_cac"]) == (0, 7.0, None)
    assert list(december) == [*kpis.KPI_INFO][:10]
