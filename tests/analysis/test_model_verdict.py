"""The verdict on a model comparison: a material win, a tie that keeps the default, failed fits, a
holdout no model forecasts, and plain errors."""

from __future__ import annotations

import pandas as pd
import pytest

from clvlib.analysis.model_verdict import model_choice_verdict


def _table(rows):
    columns = ["holdout_actual", "holdout_error_pct", "rmse_per_customer", "chi_square_p", "mean_rank", "note"]
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns).rename_axis("model")


# The CDNOW comparison (clvlib, 39 + 39 weeks), rounded: Pareto/NBD first by a hair.
CDNOW_LIKE = _table({
    "Pareto/NBD": [1882.0, -11.503, 1.602848, float("nan"), 1.0, ""],
    "MBG/NBD": [1882.0, -16.221, 1.607183, 0.399, 2.5, ""],
    "BG/NBD": [1882.0, -12.146, 1.607982, 0.185, 2.5, ""],
})


def test_a_first_place_by_a_hair_is_a_tie_that_keeps_the_default():
    verdict = model_choice_verdict(CDNOW_LIKE, "CDNOW")
    assert (verdict.choice, verdict.material) == ("BG/NBD", False)
    assert verdict.sentences == [
        "On CDNOW, Pareto/NBD ranks first of 3 (mean rank 1.0).",
        "Holdout total: 1,882 repeat purchases; the forecasts miss it by -11.5% (Pareto/NBD), -16.2% (MBG/NBD), -12.1% (BG/NBD).",
        "Per-customer RMSE runs from 1.603 (Pareto/NBD) to 1.608 (BG/NBD), 0.3% apart: the models size individual customers alike.",
        "The calibration histogram of repeat purchases: MBG/NBD, BG/NBD not rejected at 5%.",
        "Every model under-forecasts the holdout total by more than 10%, so choosing among them does not close "
        "the gap: look for what none of them describes (a season, a promotion, a change in the business).",
        "Verdict: a tie. Pareto/NBD ranks first, but only +0.6 points closer on the total and +0.3% on per-customer "
        "RMSE than BG/NBD; keep BG/NBD, the simpler story to explain.",
    ]


def test_a_clear_win_on_the_total_switches_and_says_by_how_much():
    table = _table({
        "MBG/NBD": [500.0, 1.0, 2.0, 0.30, 1.0, ""],
        "BG/NBD": [500.0, -9.0, 2.01, 0.001, 2.0, ""],
    })
    verdict = model_choice_verdict(table, "the shop")
    assert (verdict.choice, verdict.material) == ("MBG/NBD", True)
    assert verdict.sentences[-1] == (
        "Verdict: use MBG/NBD: its holdout total is 8.0 points closer than BG/NBD's and its per-customer RMSE +0.5% better."
    )
    assert "BG/NBD rejected at 5% (p = 0.001)" in verdict.sentences[3]
    # Closer on the total but clearly worse per customer: not a material win.
    worse = table.assign(rmse_per_customer=[2.2, 2.0])
    assert model_choice_verdict(worse, "the shop").choice == "BG/NBD"
    # Just under the threshold (2.9 points) stays a tie; at 3 points it switches.
    assert model_choice_verdict(table.assign(holdout_error_pct=[1.0, -3.9]), "x").material is False
    assert model_choice_verdict(table.assign(holdout_error_pct=[1.0, -4.0]), "x").material is True


def test_the_default_first_and_failed_fits_are_said():
    table = _table({
        "BG/NBD": [100.0, 2.0, 1.0, 0.5, 1.0, ""],
        "Pareto/NBD": [float("nan")] * 5 + ["fit failed: s ran off towards zero"],
    })
    verdict = model_choice_verdict(table, "a small shop")
    assert verdict.choice == "BG/NBD" and verdict.sentences[-1] == "Verdict: use BG/NBD; it is also the default."
    assert "Not fitted: Pareto/NBD (fit failed: s ran off towards zero)." in verdict.sentences


def test_bad_tables_get_plain_errors():
    with pytest.raises(ValueError, match="no column mean_rank: pass compare_models"):
        model_choice_verdict(CDNOW_LIKE.drop(columns="mean_rank"), "x")
    with pytest.raises(ValueError, match="No model in the comparison table was fitted"):
        model_choice_verdict(CDNOW_LIKE.assign(note="fit failed"), "x")
