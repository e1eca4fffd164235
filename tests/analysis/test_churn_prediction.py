"""clvlib.analysis.churn_prediction: the time split leaks nothing, Cox's probability by hand, the ranked list."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clvlib.analysis import churn_prediction as cp
from clvlib.analysis import prediction_metrics
from clvlib.analysis.lifetimes import durations_from_subscriptions
from clvlib.models.survival import fit_cox

COVARIATES = ["channel", "plan", "promo_signup", "age_years"]
TEST_CUTOFF, HORIZON, DATA_END = "2025-06-30", 6, "2025-12-31"


@pytest.fixture(scope="module")
def split(dataset):
    return cp.time_split(dataset.subscriptions, TEST_CUTOFF, HORIZON, DATA_END, COVARIATES)


def test_training_snapshot_is_one_horizon_earlier_and_labelled_up_to_the_test_cutoff(split):
    assert split.train.attrs["cutoff"] == "2024-12-31" and split.train.attrs["horizon_end"] == TEST_CUTOFF
    assert split.test.attrs["horizon_end"] == DATA_END
    assert list(split.X_test.columns) == list(split.X_train.columns)
    assert "tenure_months" in split.X_train.columns and "cancel_date" not in split.train.columns


def test_nothing_after_the_test_cutoff_reaches_the_training_data(dataset, split):
    """The leakage test: rewrite every cancellation after the test cut-off; training rows and labels stay."""
    subs = dataset.subscriptions.copy()
    later = subs["cancel_date"] > TEST_CUTOFF
    subs.loc[later, "cancel_date"] = pd.Timestamp(DATA_END)
    moved = cp.time_split(subs, TEST_CUTOFF, HORIZON, DATA_END, COVARIATES)
    pd.testing.assert_frame_equal(moved.X_train, split.X_train)
    pd.testing.assert_frame_equal(moved.train, split.train)
    pd.testing.assert_frame_equal(moved.X_test, split.X_test)  # test features are as of the cut-off too
    with_cox = cp.cox_churn_probability(subs, moved)
    pd.testing.assert_series_equal(with_cox, cp.cox_churn_probability(dataset.subscriptions, split))


def test_incomplete_labels_are_refused(dataset):
    with pytest.raises(ValueError, match="labels would be incomplete.*2025-06-30"):
        cp.time_split(dataset.subscriptions, "2025-09-30", HORIZON, DATA_END, COVARIATES)


def test_cox_probability_is_one_minus_the_survival_ratio(dataset, split):
    probability = cp.cox_churn_probability(dataset.subscriptions, split)
    known = dataset.subscriptions[dataset.subscriptions["signup_date"] <= TEST_CUTOFF]
    cox = fit_cox(durations_from_subscriptions(known, TEST_CUTOFF), COVARIATES, baselines=split.baselines)
    rows = [100, 500, 900]
    test = split.test.iloc[rows]
    X = pd.get_dummies(test[COVARIATES].astype({"channel": str, "plan": str}), prefix_sep="=", dtype=float)
    X = X.reindex(columns=cox.params_.index, fill_value=0.0)
    curves = cox.predict_survival_function(X)  # unconditional S(t | x), one column per subscriber

    def survival(column, months):
        s = curves.iloc[:, column]
        return float(s[s.index <= months].iloc[-1]) if (s.index <= months).any() else 1.0

    tenure = test["tenure_months"].to_numpy()
    by_hand = [1 - survival(j, tenure[j] + HORIZON) / survival(j, tenure[j]) for j in range(len(rows))]
    np.testing.assert_allclose(probability.iloc[rows].to_numpy(), by_hand, rtol=1e-9)


def test_both_rankings_beat_chance_on_the_simulated_subscribers(dataset, split):
    """The simulator makes channel, promo and plan drive churn: both models must find it."""
    labels = split.test["cancelled_within"].to_numpy()
    for probability in (cp.classifier_churn_probability(split), cp.cox_churn_probability(dataset.subscriptions, split)):
        assert probability.between(0, 1).all()
        assert prediction_metrics.area_under_roc(labels, probability) > 0.6


def test_classifier_is_seeded(split):
    pd.testing.assert_series_equal(cp.classifier_churn_probability(split, seed=2), cp.classifier_churn_probability(split, seed=2))


def test_at_risk_list_is_ranked_with_revenue_at_risk(split):
    probability = cp.classifier_churn_probability(split)
    top = cp.at_risk_list(split, probability, top=10)
    assert len(top) == 10 and top["churn_probability"].is_monotonic_decreasing
    assert top["churn_probability"].iloc[0] == pytest.approx(probability.max())
    np.testing.assert_allclose(top["revenue_at_risk_monthly"], top["churn_probability"] * top["monthly_revenue"])
    assert cp.churn_rate(split) == pytest.approx(split.test["cancelled_within"].mean())


def test_early_usage_reaches_the_classifier_only_once_measured_and_helps(dataset):
    """The simulator ties early app logins to each subscriber's true churn: the classifier must gain from them."""
    usage = ("app_logins_first_30d",)
    if usage[0] not in dataset.subscriptions.columns:
        pytest.skip("the embedded data have no early-usage column yet")
    with_usage = cp.time_split(dataset.subscriptions, TEST_CUTOFF, HORIZON, DATA_END, COVARIATES, usage)
    recent = (pd.Timestamp(TEST_CUTOFF) - with_usage.test["customer_id"].map(
        dataset.subscriptions.set_index("customer_id")["signup_date"])).dt.days < 30
    assert with_usage.X_test.loc[recent.to_numpy(), usage[0]].isna().all()
    assert with_usage.X_test.loc[~recent.to_numpy(), usage[0]].notna().all()
    labels = with_usage.test["cancelled_within"]
    auc_with = prediction_metrics.area_under_roc(labels, cp.classifier_churn_probability(with_usage))
    without = cp.without_usage(with_usage)
    assert list(without.X_test.columns) == list(cp.time_split(dataset.subscriptions, TEST_CUTOFF, HORIZON, DATA_END,
                                                              COVARIATES).X_test.columns)
    auc_without = prediction_metrics.area_under_roc(labels, cp.classifier_churn_probability(without))
    assert auc_with > auc_without + 0.02
