"""clvlib.analysis.ml_clv: the two holdout forecasts, checked against independent computations, and CDNOW."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

from clvlib.analysis import ml_clv, prediction_metrics
from clvlib.analysis.ml_features import order_features
from clvlib.models.noncontractual import BetaGeoNBD, GammaGamma
from clvlib.transactions import calibration_holdout_split, calibration_summary

CAL_END, END = "2024-12-31", "2025-12-31"


@pytest.fixture(scope="module")
def shop(dataset):
    split = calibration_holdout_split(dataset.orders, CAL_END, END, time_unit="week")
    features = order_features(dataset.orders, CAL_END).loc[split.index]
    return split, features, ml_clv.holdout_value(split)


def test_holdout_value_is_the_sum_of_each_customers_holdout_orders(dataset, shop):
    split, _, actual = shop
    orders = dataset.orders
    late = orders[(orders["order_date"] > CAL_END) & orders["customer_id"].isin(split.index)]
    by_hand = late.groupby("customer_id")["order_value"].sum().reindex(split.index, fill_value=0.0)
    np.testing.assert_allclose(actual.to_numpy(), by_hand.to_numpy())


def test_model_forecast_is_expected_purchases_times_expected_spend(shop):
    split, _, _ = shop
    cal = calibration_summary(split)
    bgnbd = BetaGeoNBD("week").fit(cal)
    gg = GammaGamma().fit(cal["frequency"], cal["monetary_value"])
    purchases = bgnbd.conditional_expected_purchases(split["duration_holdout"], cal["frequency"], cal["recency"], cal["T"])
    spend = gg.conditional_expected_order_value(cal["frequency"], cal["monetary_value"])
    np.testing.assert_allclose(ml_clv.model_holdout_value(split).to_numpy(), purchases * spend, rtol=1e-6)


def test_learned_forecast_is_seeded_and_out_of_fold(shop):
    _, features, actual = shop
    first = ml_clv.learned_holdout_value(features, actual, seed=1)
    pd.testing.assert_series_equal(first, ml_clv.learned_holdout_value(features, actual, seed=1))
    # A customer's own holdout value never reaches their own forecast: only other folds train it.
    planted = actual.copy()
    planted.iloc[7] = 1e6
    assert ml_clv.learned_holdout_value(features, planted, seed=1).iloc[7] == pytest.approx(first.iloc[7])


def test_learned_forecast_recovers_a_planted_signal(shop):
    _, features, _ = shop
    rng = np.random.default_rng(0)
    target = pd.Series(0.5 * features["total_value"].to_numpy() * rng.gamma(20, 1 / 20, len(features)),
                       index=features.index)
    predicted = ml_clv.learned_holdout_value(features, target, seed=0)
    assert prediction_metrics.spearman_rank_correlation(target, predicted) > 0.95
    assert abs(predicted.sum() / target.sum() - 1) < 0.05


def test_learned_forecast_refuses_misaligned_customers(shop):
    _, features, actual = shop
    with pytest.raises(ValueError, match="same customers"):
        ml_clv.learned_holdout_value(features.iloc[1:], actual)


def test_missing_scikit_learn_is_explained(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn.ensemble", None)
    with pytest.raises(ModuleNotFoundError, match="pip install scikit-learn"):
        ml_clv.value_regressor()


def test_comparison_table_rows_are_the_metrics(shop):
    split, features, actual = shop
    model = ml_clv.model_holdout_value(split)
    naive = ml_clv.past_spend_holdout_value(features, 52.14)
    table = ml_clv.comparison_table(actual, {"model": model, "naive": naive})
    assert table.loc["model", "MAE"] == pytest.approx(prediction_metrics.mean_absolute_error(actual, model))
    assert table.loc["naive", "Spearman"] == pytest.approx(prediction_metrics.spearman_rank_correlation(actual, naive))
    with pytest.raises(ValueError, match="same customers"):
        ml_clv.comparison_table(actual, {"short": model.iloc[1:]})


@pytest.mark.network
def test_cdnow_comparison_on_the_fhl_split(cdnow_loader):
    """Fader, Hardie & Lee (2005): 2,357 customers, 39 + 39 weeks; both forecasts on the same customers."""
    orders = cdnow_loader("sample")
    split = calibration_holdout_split(orders, "1997-09-30", "1998-06-30", time_unit="week")
    assert len(split) == 2357 and split["duration_holdout"].iloc[0] == pytest.approx(39.0)
    actual = ml_clv.holdout_value(split)
    late = orders[orders["order_date"] > "1997-09-30"]
    assert actual.sum() == pytest.approx(late.loc[late["customer_id"].isin(split.index), "order_value"].sum())
    features = order_features(orders, "1997-09-30").loc[split.index]
    table = ml_clv.comparison_table(actual, {"BG/NBD x Gamma-Gamma": ml_clv.model_holdout_value(split),
                                             "gradient boosting": ml_clv.learned_holdout_value(features, actual)})
    # both rank customers far better than chance, and neither total is off by more than a fifth
    assert (table["Spearman"] > 0.3).all() and (table["top 10% lift"] > 3).all()
    assert ((table["total predicted / actual"] - 1).abs() < 0.2).all()


def test_winners_and_sentences_read_the_table_the_right_way_round():
    table = pd.DataFrame({"MAE": [5.0, 6.0], "RMSE": [9.0, 8.0], "Spearman": [0.5, 0.5], "top 10% lift": [3.0, 2.0],
                          "total predicted / actual": [1.0, 1.1]}, index=["m", "ml"])
    winners = ml_clv.metric_winners(table, "m", "ml")
    assert winners["better"].to_dict() == {"MAE": "m", "RMSE": "ml", "Spearman": "tie", "top 10% lift": "m"}
    assert ml_clv.verdict_sentence(winners) == ("m is better on 2 of 4 scores: MAE (5.00 vs 6.00), top 10% lift (3.00 vs 2.00); "
                                                "ml is better on 1 of 4 scores: RMSE (8.00 vs 9.00); they tie on Spearman.")
    gaps = pd.DataFrame({"difference": [2.0], "lower_95": [0.5], "upper_95": [3.5]}, index=["MAE"])
    assert ml_clv.gap_sentence(gaps, "m", "ml") == "ml's MAE is lower by 2.00 (95% interval 0.50 to 3.50)."
