"""Cohort tables, churn by tenure and the survivor counts fed to the sBG."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clvlib.analysis import cohorts
from clvlib.core import calendar
from clvlib.data import load_truth

ANALYSIS = pd.Timestamp("2024-06-30")


def _subs(rows):
    """rows: (customer_id, signup, cancel or None)."""
    return pd.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "signup_date": pd.to_datetime([r[1] for r in rows]),
            "cancel_date": pd.to_datetime([r[2] for r in rows]),
            "channel": ["a"] * len(rows),
        }
    )


def test_add_months_clips_to_month_end():
    out = calendar.add_months(pd.Series(pd.to_datetime(["2024-01-31", "2024-03-15"])), [1, 12])
    assert list(out.dt.strftime("%Y-%m-%d")) == ["2024-02-29", "2025-03-15"]


def test_whole_months_between_counts_anniversaries():
    start = pd.Series(pd.to_datetime(["2024-01-15", "2024-01-15", "2024-01-31", "2024-05-01"]))
    end = pd.Series(pd.to_datetime(["2024-03-14", "2024-03-15", "2024-02-29", "2024-04-01"]))
    assert calendar.whole_months_between(start, end).tolist() == [1, 2, 1, 0]


def test_customer_tenure_counts_paid_months():
    subs = _subs(
        [
            ("a", "2024-01-10", "2024-03-10"),  # cancels at 2nd anniversary: paid months 0, 1
            ("b", "2024-01-10", "2024-03-20"),  # cancels mid-month: paid for month 2 too
            ("c", "2024-01-10", None),  # active: anniversaries Feb..Jun 10 -> 6 payments
            ("d", "2024-06-20", "2024-06-20"),  # cancelled on the day: still paid once
        ]
    )
    tenure = cohorts.customer_tenure(subs, ANALYSIS).set_index("customer_id")
    assert tenure["paid_months"].to_dict() == {"a": 2, "b": 3, "c": 6, "d": 1}
    assert tenure["churned"].to_dict() == {"a": True, "b": True, "c": False, "d": True}


def test_paid_months_match_the_simulators_true_lifetimes(dataset):
    tenure = cohorts.customer_tenure(dataset.subscriptions, dataset.analysis_date)
    truth = load_truth().subscriptions
    merged = tenure.merge(truth, on="customer_id")
    done = merged[merged["churned"]]
    active = merged[~merged["churned"]]
    assert (done["paid_months"] == done["lifetime_months"]).all()
    assert (active["lifetime_months"] >= active["paid_months"]).all()


def test_retention_matrix_has_only_observed_cells():
    subs = _subs(
        [
            ("a", "2024-01-05", "2024-02-05"),
            ("b", "2024-01-25", None),
            ("c", "2024-05-02", None),
            ("d", "2024-05-30", "2024-06-15"),
        ]
    )
    long = cohorts.retention_matrix(subs, ANALYSIS)
    jan = long[long["cohort"] == pd.Period("2024-01", "M")].set_index("months_since_signup")
    # b's 5th anniversary (June 25) is observed; the 6th (July 25) is not: no cell for month 6.
    assert jan.index.max() == 5
    assert jan["active"].tolist() == [2, 1, 1, 1, 1, 1]
    may = long[long["cohort"] == pd.Period("2024-05", "M")].set_index("months_since_signup")
    # d signed up May 30: their first anniversary (June 30) is on the analysis date, observed.
    assert may["active"].tolist() == [2, 1]
    assert long["share_active"].notna().all()
    wide = cohorts.retention_table(long)
    assert np.isnan(wide.loc[pd.Period("2024-05", "M"), 2])  # not reached yet, not churn


def test_censored_customers_are_not_counted_as_churn(dataset):
    long = cohorts.retention_matrix(dataset.subscriptions, dataset.analysis_date)
    # Active counts never increase along a cohort, and never hit 0 just because data ends.
    for _, g in long.groupby("cohort"):
        assert (np.diff(g["active"].to_numpy()) <= 0).all()
    last = long.sort_values("months_since_signup").groupby("cohort").tail(1)
    assert (last["share_active"] > 0.05).all()


def test_churn_by_tenure_life_table():
    subs = _subs(
        [
            ("a", "2024-01-10", "2024-02-10"),  # T = 1
            ("b", "2024-01-10", "2024-03-10"),  # T = 2
            ("c", "2024-01-10", None),  # active, 6 payments: at risk at 1..5
            ("d", "2024-05-10", None),  # active, 2 payments: at risk at month 1 only
        ]
    )
    table = cohorts.churn_by_tenure(subs, ANALYSIS).set_index("months_since_signup")
    assert table.loc[1, "at_risk"] == 4 and table.loc[1, "churned"] == 1
    assert table.loc[2, "at_risk"] == 2 and table.loc[2, "churned"] == 1
    assert table.loc[3, "at_risk"] == 1 and table.loc[3, "churned"] == 0
    assert table.loc[1, "churn_rate"] == pytest.approx(0.25)
    assert table.loc[2, "survival"] == pytest.approx(0.75 * 0.5)


def test_churn_by_tenure_falls_with_tenure_on_embedded_data(dataset):
    table = cohorts.churn_by_tenure(dataset.subscriptions, dataset.analysis_date, min_at_risk=200)
    early = table.loc[table["months_since_signup"] <= 3, "churn_rate"].mean()
    late = table.loc[table["months_since_signup"].between(12, 24), "churn_rate"].mean()
    assert late < 0.7 * early  # heterogeneity: the leavers leave first


def test_churn_by_tenure_by_channel(dataset):
    table = cohorts.churn_by_tenure(dataset.subscriptions, dataset.analysis_date, by="channel")
    first = table[table["months_since_signup"] == 1].set_index("channel")["churn_rate"]
    assert first["referral"] < first["affiliate"]
    with pytest.raises(ValueError, match="not in subscriptions"):
        cohorts.churn_by_tenure(dataset.subscriptions, dataset.analysis_date, by="colour")


def test_cohort_survivors_stop_at_the_last_complete_month(dataset):
    surv = cohorts.cohort_survivors(dataset.subscriptions, dataset.analysis_date, "2023-01", "2023-06")
    # 2023-06 signups reach their 30th anniversary by 2025-12-31 at the latest.
    assert surv.index.max() == 30
    assert (np.diff(surv.to_numpy()) <= 0).all()
    subs = dataset.subscriptions
    n = int(subs["signup_date"].dt.to_period("M").between(pd.Period("2023-01", "M"), pd.Period("2023-06", "M")).sum())
    assert surv.iloc[0] == n
    with pytest.raises(ValueError, match="No customers"):
        cohorts.cohort_survivors(subs, dataset.analysis_date, "2030-01", "2030-02")


def test_lifetime_counts_count_every_customer_once(dataset):
    counts = cohorts.lifetime_counts(dataset.subscriptions, dataset.analysis_date)
    assert counts.to_numpy().sum() == len(dataset.subscriptions)
    assert counts.loc[0, "churned"] == 0
    cut = cohorts.lifetime_counts(dataset.subscriptions, dataset.analysis_date, max_months=6)
    assert cut.index.max() == 6
    assert cut.to_numpy().sum() == len(dataset.subscriptions)
    assert cut.loc[:6, "churned"].sum() == counts.loc[:6, "churned"].sum()


def test_bad_input():
    with pytest.raises(ValueError, match="no signup_date, cancel_date columns"):
        cohorts.customer_tenure(pd.DataFrame({"customer_id": ["a"]}), ANALYSIS)
    with pytest.raises(ValueError, match="no rows"):
        cohorts.customer_tenure(_subs([]), ANALYSIS)
    with pytest.raises(ValueError, match="after the analysis date"):
        cohorts.customer_tenure(_subs([("a", "2025-01-01", None)]), ANALYSIS)
