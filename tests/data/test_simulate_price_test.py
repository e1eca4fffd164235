"""The price test file: `make data` rebuilds it byte for byte, its truth matches, and bad files are named.

The experiment (data/experiments/) is written by clvlib.data.simulate_price_test with a
random stream of its own, so the main data's generator never moves it.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from clvlib.data import DATA_DIR, DataValidationError
from clvlib.data.price_test import arm_problems, load_price_test, load_price_test_truth
from clvlib.data.simulate_price_test import (
    DEFAULT_SEED,
    TRUE_PRICE_TEST,
    PriceTestTruth,
    main,
    simulate_price_test,
    write_price_test,
)

EXPERIMENT_FILES = ["experiments/price_test.csv", "experiments/truth/price_test_truth.json"]


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    out = tmp_path_factory.mktemp("data")
    write_price_test(out)
    return out


@pytest.mark.parametrize("relative", EXPERIMENT_FILES)
def test_make_data_rebuilds_the_price_test_byte_for_byte(rebuilt, relative):
    assert (rebuilt / relative).read_bytes() == (DATA_DIR / relative).read_bytes(), (
        f"data/{relative} differs from a fresh `make data`; rebuild and commit it"
    )


def test_the_command_line_writes_both_files(tmp_path, capsys):
    main(["--out", str(tmp_path)])
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.*")) == sorted(EXPERIMENT_FILES)
    assert capsys.readouterr().out.count("wrote ") == 2


def test_the_truth_file_holds_the_simulator_parameters():
    truth = load_price_test_truth()
    assert truth["seed"] == DEFAULT_SEED
    assert truth["churn_multiplier"] == TRUE_PRICE_TEST.churn_multiplier
    arms = truth["arms"]
    assert arms["higher_price"]["mean_churn_monthly"] == pytest.approx(
        TRUE_PRICE_TEST.churn_multiplier * arms["control"]["mean_churn_monthly"])
    a, b = arms["higher_price"]["alpha"], arms["higher_price"]["beta"]
    assert a / (a + b) == pytest.approx(arms["higher_price"]["mean_churn_monthly"])  # beta' does what it says
    assert 1.16 ** truth["churn_price_elasticity"] == pytest.approx(truth["churn_multiplier"])


def test_the_public_table_agrees_with_each_subscribers_true_lifetime():
    table, truth = simulate_price_test(TRUE_PRICE_TEST, seed=5, n_subscribers=400)
    cancelled = table["cancel_date"].notna()
    months = (table["cancel_date"].dt.year - table["signup_date"].dt.year) * 12 + (
        table["cancel_date"].dt.month - table["signup_date"].dt.month)
    assert (months[cancelled] == truth.loc[cancelled, "lifetime_months"]).all()
    assert (table.loc[cancelled, "cancel_date"] <= pd.Timestamp(TRUE_PRICE_TEST.analysis_date)).all()
    assert table["monthly_revenue"].where(table["arm"] == "control").dropna().eq(25.0).all()


def test_the_arms_are_randomised_and_the_seed_matters():
    table = load_price_test()
    share = (table["arm"] == "higher_price").mean()
    assert abs(share - 0.5) < 3 * (0.25 / len(table)) ** 0.5  # a fair coin
    by_month = table.groupby(table["signup_date"].dt.to_period("M"))["arm"].apply(lambda a: (a == "higher_price").mean())
    assert by_month.between(0.35, 0.65).all()  # assignment does not drift over the test
    a = simulate_price_test(TRUE_PRICE_TEST, seed=1, n_subscribers=100)[0]
    b = simulate_price_test(TRUE_PRICE_TEST, seed=2, n_subscribers=100)[0]
    assert not a.equals(b)


def test_the_simulated_effect_is_what_the_truth_says():
    """Per-subscriber truth: the arms' mean churn probabilities differ by the multiplier (large sample)."""
    big = PriceTestTruth(n_subscribers=60_000)
    table, truth = simulate_price_test(big, seed=11)
    mean_churn = truth["churn_prob_monthly"].groupby(table["arm"]).mean()
    assert mean_churn["higher_price"] / mean_churn["control"] == pytest.approx(big.churn_multiplier, rel=0.03)


def _write(tmp_path, rows: str):
    path = tmp_path / "test.csv"
    path.write_text("customer_id,signup_date,cancel_date,plan,monthly_revenue,channel,arm\n" + rows, encoding="utf-8")
    return path


def test_a_file_without_arms_is_refused_naming_file_and_column(tmp_path):
    path = tmp_path / "no_arm.csv"
    path.write_text("customer_id,signup_date,cancel_date,plan,monthly_revenue,channel\n"
                    "a,2025-01-01,,basic,15,search\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        load_price_test(path)
    assert "no_arm.csv" in str(info.value) and "column 'arm': is missing" in str(info.value)


def test_every_arm_problem_is_reported_at_once(tmp_path):
    path = _write(tmp_path, "a,2025-01-01,,basic,15,search,A\nb,2025-01-02,,basic,16,search,A\n"
                            "c,2025-01-03,,basic,20,search,B\nd,2025-01-04,,basic,25,search,C\n"
                            "e,2025-01-05,,basic,25,search,\n")
    with pytest.raises(DataValidationError) as info:
        load_price_test(path)
    text = str(info.value)
    assert "is blank in 1 row" in text and "customer_id e" in text
    assert "has 3 different values (A, B, C)" in text
    assert "arm 'A' has more than one monthly_revenue (15, 16)" in text


def test_bad_dates_are_caught_by_the_subscriptions_checks(tmp_path):
    path = _write(tmp_path, "a,2025-13-01,,basic,15,search,A\nb,2025-01-02,,basic,20,search,B\n")
    with pytest.raises(DataValidationError, match="signup_date"):
        load_price_test(path)


def test_a_clean_two_arm_file_has_no_problems():
    table = pd.DataFrame({"customer_id": ["a", "b"], "arm": [" A", "B"], "monthly_revenue": [10.0, 12.0]})
    assert arm_problems(table, "x.csv") == []


def test_the_truth_file_is_json_with_sorted_keys():
    text = (DATA_DIR / EXPERIMENT_FILES[1]).read_text()
    assert json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n" == text
