"""compare_models: the scores are the models' own numbers, and on simulated data the true model wins."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_bgnbd_reference import cdnow_sample  # noqa: F401  (module fixture)
from test_mbgnbd import simulate_histories

from clvlib.models.noncontractual.goodness_of_fit import chi_square_test, repeat_purchase_histogram
from clvlib.models.noncontractual.model_choice import compare_models
from clvlib.transactions import calibration_holdout_split, calibration_summary


def simulated_split(params, drop_at_first, seed, n=8000, holdout_weeks=52.0):
    """A calibration/holdout split of customers simulated from the (M)BG/NBD with known truth:
    calibration lengths of 26-52 whole weeks, then a 52-week holdout."""
    T = np.repeat(np.arange(26.0, 53.0), n // 27 + 1)[:n]
    x, t_x, T, x_holdout = simulate_histories(n, *params, T=T, seed=seed, drop_at_first=drop_at_first,
                                              holdout=holdout_weeks)
    split = pd.DataFrame({"frequency_cal": x, "recency_cal": t_x, "T_cal": T,
                          "frequency_holdout": x_holdout, "duration_holdout": holdout_weeks})
    split.attrs["time_unit"] = "week"
    return split


TWO = ("BG/NBD", "MBG/NBD")


@pytest.fixture(scope="module")
def mbgnbd_world():
    """Many customers gone right after their first purchase: a/(a+b) = 57%."""
    split = simulated_split((0.6, 8.0, 2.0, 1.5), drop_at_first=True, seed=2)
    return split, compare_models(split, candidates=TWO)


def test_the_table_holds_each_models_own_numbers(mbgnbd_world):
    split, comparison = mbgnbd_world
    table, cal = comparison.table, calibration_summary(split)
    for name, model in comparison.models.items():
        row = table.loc[name]
        forecast = model.conditional_expected_purchases(52.0, cal["frequency"], cal["recency"], cal["T"])
        error = forecast - split["frequency_holdout"].to_numpy()
        assert row["holdout_expected"] == pytest.approx(forecast.sum(), rel=1e-12)
        assert row["holdout_actual"] == split["frequency_holdout"].sum()
        assert row["holdout_error_pct"] == pytest.approx(100 * error.sum() / split["frequency_holdout"].sum())
        assert row["rmse_per_customer"] == pytest.approx(np.sqrt(np.mean(error**2)))
        assert row["mae_per_customer"] == pytest.approx(np.mean(np.abs(error)))
        chi = chi_square_test(repeat_purchase_histogram(model, cal, 7))
        assert (row["chi_square"], row["chi_square_dof"], row["chi_square_p"]) == (chi.statistic, 3, chi.p_value)
        assert row["log_likelihood"] == model.log_likelihood_ and row["note"] == ""
    assert table.attrs["ranked_on"] == ["chi-square", "aggregate", "per-customer RMSE"]
    assert table["mean_rank"].is_monotonic_increasing and comparison.best == table.index[0]


def test_the_mbgnbd_wins_when_customers_drop_out_at_their_first_purchase(mbgnbd_world):
    _, comparison = mbgnbd_world
    table = comparison.table
    assert comparison.best == "MBG/NBD"
    assert table.loc["MBG/NBD", "chi_square"] < table.loc["BG/NBD", "chi_square"]
    assert abs(table.loc["MBG/NBD", "holdout_error_pct"]) < abs(table.loc["BG/NBD", "holdout_error_pct"])


def test_the_bgnbd_wins_on_every_criterion_when_it_is_the_truth():
    comparison = compare_models(simulated_split((0.6, 8.0, 0.8, 2.5), drop_at_first=False, seed=1), candidates=TWO)
    table = comparison.table
    assert comparison.best == "BG/NBD"
    for column in ("chi_square", "rmse_per_customer"):
        assert table.loc["BG/NBD", column] < table.loc["MBG/NBD", column], column
    assert abs(table.loc["BG/NBD", "holdout_error_pct"]) < abs(table.loc["MBG/NBD", "holdout_error_pct"])


def test_bad_inputs_and_failed_fits_are_explained(mbgnbd_world):
    split, _ = mbgnbd_world
    with pytest.raises(ValueError, match="needs a calibration/holdout split with columns frequency_cal"):
        compare_models(calibration_summary(split))
    with pytest.raises(ValueError, match="Unknown candidate model 'GG/NBD'"):
        compare_models(split, candidates=("GG/NBD",))
    quiet = split.head(50).assign(frequency_cal=0, recency_cal=0.0)
    with pytest.raises(ValueError, match="None of BG/NBD, MBG/NBD could be fitted"):
        compare_models(quiet, candidates=TWO)


@pytest.mark.network
def test_cdnow_comparison(cdnow_sample):  # noqa: F811
    """The CDNOW sample, 39-week calibration and 39-week holdout (FHL 2005): every candidate is
    fitted, BG/NBD and MBG/NBD at their published parameters (FHL 2005; BTYDplus), and every
    row is scored against the same 1,882 holdout purchases (counted from the data)."""
    split = calibration_holdout_split(cdnow_sample, "1997-09-30", "1998-06-30", time_unit="week")
    comparison = compare_models(split)
    table = comparison.table
    assert set(TWO) <= set(table.index) and (table["note"] == "").all()
    assert table.loc["BG/NBD", "log_likelihood"] == pytest.approx(-9582.43, abs=0.01)
    np.testing.assert_array_equal(comparison.models["MBG/NBD"].params_.round(3), [0.525, 6.183, 0.891, 1.614])
    assert (table["holdout_actual"] == 1882).all()


def test_every_default_candidate_is_scored_on_chi_square_too():
    """Pareto/NBD's P(X(t)=n) takes one horizon per customer like the others, so chi-square stays a
    ranking criterion with all three default candidates (a NaN for one model would drop it for all)."""
    table = compare_models(simulated_split((0.6, 8.0, 0.8, 2.5), drop_at_first=False, seed=4, n=1500)).table
    assert set(table.index) == {"BG/NBD", "MBG/NBD", "Pareto/NBD"}
    assert table["chi_square"].notna().all(), table["note"].to_dict()
    assert table.attrs["ranked_on"][0] == "chi-square"
