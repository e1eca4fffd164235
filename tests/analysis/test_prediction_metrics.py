"""clvlib.analysis.prediction_metrics: every score against a value worked out by hand or by brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from clvlib.analysis import prediction_metrics as pm

ACTUAL = np.array([0.0, 10.0, 0.0, 30.0, 5.0])
PREDICTED = np.array([1.0, 8.0, 2.0, 20.0, 5.0])


def test_mae_and_rmse_by_hand():
    # errors: 1, 2, 2, 10, 0
    assert pm.mean_absolute_error(ACTUAL, PREDICTED) == pytest.approx(15 / 5)
    assert pm.root_mean_squared_error(ACTUAL, PREDICTED) == pytest.approx(np.sqrt(109 / 5))


def test_spearman_is_pearson_on_average_ranks():
    # actual ranks (ties averaged): 0,0 -> 1.5; 5 -> 3; 10 -> 4; 30 -> 5. predicted ranks: 1, 4, 2, 5, 3
    ra = np.array([1.5, 4, 1.5, 5, 3])
    rp = np.array([1, 4, 2, 5, 3])
    assert pm.spearman_rank_correlation(ACTUAL, PREDICTED) == pytest.approx(np.corrcoef(ra, rp)[0, 1])


def test_top_share_lift_counts_ties_at_the_cut_pro_rata():
    # top 40% of 5 = 2 slots; predictions 9, 7, 7, 7, 1 -> the 9 plus 1/3 of each 7
    actual = np.array([10.0, 0.0, 3.0, 6.0, 1.0])
    predicted = np.array([9.0, 7.0, 7.0, 7.0, 1.0])
    top_mean = (10 + (0 + 3 + 6) / 3) / 2
    assert pm.top_share_lift(actual, predicted, 0.4) == pytest.approx(top_mean / actual.mean())
    # row order does not matter
    order = [3, 0, 4, 2, 1]
    assert pm.top_share_lift(actual[order], predicted[order], 0.4) == pytest.approx(top_mean / actual.mean())


def test_top_decile_lift_of_a_perfect_and_of_a_constant_forecast():
    actual = np.arange(1.0, 21.0)  # 20 customers; top 10% = the 2 largest
    assert pm.top_share_lift(actual, actual) == pytest.approx(((20 + 19) / 2) / actual.mean())
    assert pm.top_share_lift(actual, np.ones(20)) == pytest.approx(1.0)


def test_calibration_by_decile_by_hand():
    table = pm.calibration_by_decile(ACTUAL, PREDICTED, n_bins=5)
    # one customer per bin, ordered by prediction: 1, 2, 5, 8, 20
    np.testing.assert_allclose(table["mean_predicted"], [1, 2, 5, 8, 20])
    np.testing.assert_allclose(table["mean_actual"], [0, 0, 5, 10, 30])
    assert table["n_customers"].sum() == 5


def test_auc_is_the_share_of_correctly_ordered_pairs_ties_half():
    rng = np.random.default_rng(3)
    labels = rng.integers(0, 2, 40)
    scores = rng.integers(0, 6, 40).astype(float)  # many ties
    pairs = [(s1 > s0) + 0.5 * (s1 == s0) for (y1, s1), (y0, s0)
             in itertools.product(zip(labels, scores, strict=True), repeat=2) if y1 == 1 and y0 == 0]
    assert pm.area_under_roc(labels, scores) == pytest.approx(np.mean(pairs))


def test_lift_table_by_hand():
    labels = [1, 1, 0, 1, 0, 0, 0, 0, 1, 0]
    scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0]
    table = pm.lift_table(labels, scores, n_bins=5)
    np.testing.assert_allclose(table["share_of_events_caught"], [0.5, 0.75, 0.75, 0.75, 1.0])
    np.testing.assert_allclose(table["event_rate"], [1.0, 0.5, 0.0, 0.0, 0.5])
    np.testing.assert_allclose(table["lift"], [2.5, 1.25, 0.0, 0.0, 1.25])


def test_value_scores_row():
    row = pm.value_scores(ACTUAL, PREDICTED)
    assert row["total predicted / actual"] == pytest.approx(36 / 45)
    assert list(row) == ["MAE", "RMSE", "Spearman", "top 10% lift", "total predicted / actual"]


@pytest.mark.parametrize(("call", "message"), [
    (lambda: pm.mean_absolute_error([1, 2], [1]), "one value per customer"),
    (lambda: pm.mean_absolute_error([1, np.nan], [1, 2]), "missing or infinite"),
    (lambda: pm.area_under_roc([1, 1], [0.2, 0.3]), "all the same"),
    (lambda: pm.area_under_roc([1, 2], [0.2, 0.3]), "0/1"),
    (lambda: pm.top_share_lift([1, 2], [1, 2], share=0), "between 0 and 1"),
])
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_error_difference_interval_is_a_paired_bootstrap():
    rng = np.random.default_rng(5)
    actual = rng.gamma(1.0, 50.0, 60)
    first, second = actual + rng.normal(0, 5, 60), actual + rng.normal(0, 20, 60)
    table = pm.error_difference_interval(actual, first, second, n_boot=200, seed=9)
    # the same resamples, drawn and scored one by one
    draws = np.random.default_rng(9).integers(0, 60, size=(200, 60))
    mae = [np.abs(actual[d] - first[d]).mean() - np.abs(actual[d] - second[d]).mean() for d in draws]
    rmse = [np.sqrt(((actual[d] - first[d]) ** 2).mean()) - np.sqrt(((actual[d] - second[d]) ** 2).mean()) for d in draws]
    np.testing.assert_allclose(table.loc["MAE", ["lower_95", "upper_95"]], np.quantile(mae, [0.025, 0.975]))
    np.testing.assert_allclose(table.loc["RMSE", ["lower_95", "upper_95"]], np.quantile(rmse, [0.025, 0.975]))
    assert table.loc["MAE", "difference"] == pytest.approx(pm.mean_absolute_error(actual, first)
                                                           - pm.mean_absolute_error(actual, second))
    assert table.loc["MAE", "upper_95"] < 0  # the far better forecast is better beyond noise
    same = pm.error_difference_interval(actual, first, first, n_boot=50)
    assert (same.to_numpy() == 0).all()
