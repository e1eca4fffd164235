"""The price test's estimate recovers the simulator's true churn multiplier, and its interval is honest.

The true effect is in data/experiments/truth/price_test_truth.json (written by `make data`);
the simulation check draws fresh tests from the same design and counts how often the 95 %
interval covers the truth.
"""

from __future__ import annotations

import numpy as np
import pytest

from clvlib.analysis.price_test import (
    arm_survival_curves,
    assumed_churn_effect,
    churn_multiplier_for_price,
    estimate_churn_effect,
    fit_arms,
)
from clvlib.data.price_test import load_price_test, load_price_test_truth
from clvlib.data.simulate_price_test import TRUE_PRICE_TEST, PriceTestTruth, simulate_price_test

ANALYSIS_DATE = TRUE_PRICE_TEST.analysis_date


@pytest.fixture(scope="module")
def effect():
    return estimate_churn_effect(load_price_test(), ANALYSIS_DATE)


def test_the_embedded_estimate_covers_the_true_multiplier(effect):
    truth = load_price_test_truth()
    assert effect.lower < truth["churn_multiplier"] < effect.upper, (effect.multiplier, effect.lower, effect.upper)
    assert effect.control_arm == "control" and effect.test_arm == "higher_price"
    assert effect.price_change_share == pytest.approx(truth["higher_price_dollars"] / truth["control_price_dollars"] - 1)
    low, high = effect.elasticity_interval
    assert low < truth["churn_price_elasticity"] < high


def test_each_arm_recovers_its_true_mean_churn_within_three_standard_errors(effect):
    truth = load_price_test_truth()["arms"]
    for arm, row in effect.arms.iterrows():
        z = (np.log(row["mean_churn"]) - np.log(truth[arm]["mean_churn_monthly"])) / row["mean_churn_log_se"]
        assert abs(z) < 3, (arm, z)


def test_the_interval_is_the_delta_method_one(effect):
    """Wald on the log scale: the estimate is the geometric middle, the half-width 1.96 x the pooled SE."""
    assert effect.multiplier == pytest.approx(np.sqrt(effect.lower * effect.upper))
    se = np.hypot(*effect.arms["mean_churn_log_se"])
    assert np.log(effect.upper / effect.lower) / 2 == pytest.approx(1.959964 * se, rel=1e-5)


def test_the_95_percent_interval_covers_about_95_percent_of_simulated_tests():
    """30 fresh tests from the embedded design (10-60 s): coverage near 0.95, width matching the spread."""
    truth = TRUE_PRICE_TEST
    results = np.array([
        (e.multiplier, e.lower, e.upper)
        for e in (estimate_churn_effect(simulate_price_test(truth, seed=seed)[0], ANALYSIS_DATE) for seed in range(30))
    ])
    covered = (results[:, 1] < truth.churn_multiplier) & (truth.churn_multiplier < results[:, 2])
    assert covered.sum() >= 26, covered.mean()  # an honest 95 % interval covers 25 or fewer times in 1.6 % of runs
    # The stated width matches the estimates' real spread (an interval too wide would always cover).
    stated_se = np.log(results[:, 2] / results[:, 1]).mean() / (2 * 1.96)
    assert 0.7 < stated_se / np.log(results[:, 0]).std() < 1.4


def test_no_effect_gives_an_interval_around_one():
    same = PriceTestTruth(churn_multiplier=1.0)
    effect = estimate_churn_effect(simulate_price_test(same, seed=3)[0], ANALYSIS_DATE)
    assert effect.lower < 1.0 < effect.upper


def test_the_arm_fits_follow_the_observed_survival(effect):
    curves = arm_survival_curves(load_price_test(), ANALYSIS_DATE)
    assert set(curves["arm"]) == {"control", "higher_price"}
    assert (curves["sbg"] - curves["survival"]).abs().max() < 0.03
    early = curves[curves["months_since_signup"] == 6].set_index("arm")["survival"]
    assert early["higher_price"] < early["control"]  # the higher price loses subscribers faster


def test_the_control_arm_can_be_named_and_a_wrong_name_is_refused():
    table = load_price_test()
    flipped = estimate_churn_effect(table, ANALYSIS_DATE, control_arm="higher_price")
    direct = estimate_churn_effect(table, ANALYSIS_DATE)
    assert flipped.multiplier == pytest.approx(1 / direct.multiplier)
    with pytest.raises(ValueError, match="control_arm 'treatment' is not an arm"):
        estimate_churn_effect(table, ANALYSIS_DATE, control_arm="treatment")
    with pytest.raises(ValueError, match="no column 'group'"):
        fit_arms(table, ANALYSIS_DATE, arm_column="group")


def test_an_effect_carried_to_another_price_change_goes_through_the_elasticity(effect):
    at_tested = churn_multiplier_for_price(effect, effect.price_change_share)
    assert at_tested == pytest.approx((effect.multiplier, effect.lower, effect.upper))
    estimate, low, high = churn_multiplier_for_price(effect, 0.05)
    assert estimate == pytest.approx(1.05 ** effect.elasticity)
    assert 1 < low < estimate < high < effect.multiplier  # a smaller rise, a smaller response


def test_an_assumed_effect_says_so_and_has_no_interval():
    effect = assumed_churn_effect(1.5, 0.10)
    assert effect.assumed and effect.multiplier == pytest.approx(1.1 ** 1.5)
    assert effect.elasticity == pytest.approx(1.5)
    assert churn_multiplier_for_price(effect, 0.2) == pytest.approx((1.2 ** 1.5,) * 3)
    with pytest.raises(ValueError, match="elasticity must be 0 or more"):
        assumed_churn_effect(-1.0)
