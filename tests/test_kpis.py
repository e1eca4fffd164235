"""clvlib.analysis.kpis: period KPIs, their change, and the sentences built from them."""

from __future__ import annotations

import pandas as pd
import pytest

from clvlib.analysis import kpis
from clvlib.data import load_dataset


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
    assert kpis.format_change(changes.loc["churn_rate"]) == "-2.0 pts"
    assert changes.at["blended_cac", "change"] is None
    html = kpis.kpi_table_html(changes)
    assert 'data-kpi="blended_cac" data-value=""' in html and 'data-value="110"' in html
    assert "nan" not in html.lower() and "inf" not in html.lower()


def test_narrative_follows_the_numbers():
    up = kpis.change_table({"active_subscribers": 110, "mrr": 2000.0, "churn_rate": 0.05},
                           {"active_subscribers": 100, "mrr": 1800.0, "churn_rate": 0.07})
    text = " ".join(kpis.narrative(up, "2025-12-31", "2025-11-30"))
    assert "110 active subscribers, up 10.0%" in text and "down 2.0 points" in text and "(better)" in text
    down = kpis.change_table({"active_subscribers": 90, "mrr": 1700.0, "churn_rate": 0.09},
                             {"active_subscribers": 100, "mrr": 1800.0, "churn_rate": 0.07})
    text = " ".join(kpis.narrative(down, "2025-12-31", "2025-11-30"))
    assert "down 10.0%" in text and "(worse)" in text
    channels = pd.DataFrame({"cac": [35.0, 70.0], "ltv_cac": [1.5, 4.0]}, index=["affiliate", "referral"])
    text = " ".join(kpis.narrative(up, "2025-12-31", "2025-11-30", channels=channels))
    assert "Referral customers return the most" in text and "affiliate ($35.00 per customer)" in text


def test_as_of_view_forgets_the_future():
    ds = load_dataset()
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


def test_history_ends_on_the_as_of_date_and_matches_period_kpis():
    ds = load_dataset()
    history = kpis.kpi_history(ds, "2025-12-31", n_periods=3)
    assert list(history.index) == [pd.Timestamp(d) for d in ("2025-10-31", "2025-11-30", "2025-12-31")]
    last = kpis.period_kpis(ds, *kpis.period_bounds("2025-12-31"))
    assert history.iloc[-1].to_dict() == pytest.approx(last)


def test_model_kpis_on_the_embedded_data_rank_channels_and_split_the_shop_into_stages():
    view = kpis.as_of_view(load_dataset())
    figures, channels, mix = kpis.model_kpis(
        view, gross_margin_rate=0.4, discount_rate_annual=0.1, horizon_months=36, clv_model="weibull",
        cac_window_months=12,
    )
    assert set(figures) == {"clv_new_subscriber", "shop_value_12m", "shop_active_share"}
    # The new-subscriber value is a subscriber-weighted mix of the channels' values.
    assert channels["clv"].min() < figures["clv_new_subscriber"] < channels["clv"].max()
    assert channels["cac"].astype(float).idxmin() == "affiliate"
    assert channels["ltv_to_cac"].astype(float).idxmax() == "referral"
    assert abs(mix.sum() - 1) < 1e-9 and figures["shop_active_share"] == mix["active"]
    assert figures["shop_value_12m"] > 0
