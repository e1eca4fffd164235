"""clvlib.core.product_limit: one Kaplan-Meier routine, checked by hand, by brute force and against lifelines."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lifelines import KaplanMeierFitter

from clvlib.analysis import cohorts, lifetimes
from clvlib.core.product_limit import product_limit, step_values
from clvlib.models import survival


@pytest.fixture(scope="module")
def durations(dataset):
    return lifetimes.durations_from_subscriptions(dataset.subscriptions, dataset.analysis_date)


def test_hand_computed_example_with_ties_and_censoring():
    # Lifetimes 1, 2, 2 (one churned, one censored at 2), 3, 4 (censored).
    # t=1: 5 at risk, 1 leaves -> 4/5; t=2: 4 at risk (the censored 2 still counts), 1 leaves -> x 3/4;
    # t=3: 2 at risk, 1 leaves -> x 1/2; t=4: 1 at risk, nobody leaves.
    fit = product_limit([2, 1, 4, 2, 3], [False, True, False, True, True])  # any order
    assert fit.times.tolist() == [1, 2, 3, 4]
    assert fit.at_risk.tolist() == [5, 4, 2, 1]
    assert fit.deaths.tolist() == [1, 1, 1, 0]
    np.testing.assert_allclose(fit.survival, [4 / 5, 4 / 5 * 3 / 4, 4 / 5 * 3 / 4 / 2, 4 / 5 * 3 / 4 / 2], rtol=0, atol=1e-15)
    np.testing.assert_allclose(fit.hazard, [1 / 5, 1 / 4, 1 / 2, 0.0], rtol=0, atol=1e-15)
    # Read as a step curve: 1 before the first event, S(2) at 2.5, the last value beyond the data.
    np.testing.assert_allclose(step_values(fit.times, fit.survival, [0, 1, 2.5, 10]), [1.0, 0.8, 0.6, 0.3])


def test_equals_lifelines_on_the_embedded_subscriptions(durations):
    tenure = durations["tenure_months"].to_numpy(dtype=float)
    churned = durations["churned"].to_numpy(dtype=bool)
    fit = product_limit(tenure, churned)
    km = KaplanMeierFitter().fit(tenure, churned)
    table = km.event_table  # starts at t=0 (here someone signed up on the analysis date: tenure 0)
    assert fit.times[0] == 0.0
    assert fit.times.tolist() == table.index.tolist()
    assert fit.at_risk.tolist() == table["at_risk"].astype(int).tolist()
    assert fit.deaths.tolist() == table["observed"].astype(int).tolist()
    expected = km.survival_function_at_times(fit.times).to_numpy()
    np.testing.assert_allclose(fit.survival, expected, rtol=0, atol=1e-9)


def test_equals_lifelines_per_channel_read_at_whole_months(durations):
    months = np.arange(0, 36, dtype=float)
    for _, group in durations.groupby("channel"):
        tenure, churned = group["tenure_months"].to_numpy(dtype=float), group["churned"].to_numpy(dtype=bool)
        fit = product_limit(tenure, churned)
        km = KaplanMeierFitter().fit(tenure, churned)
        np.testing.assert_allclose(
            step_values(fit.times, fit.survival, months), km.survival_function_at_times(months).to_numpy(), atol=1e-9
        )


def test_weights_count_like_repeated_rows_and_rows_of_weights_are_independent_fits():
    rng = np.random.default_rng(3)
    tenure = rng.integers(0, 12, size=60).astype(float)
    churned = rng.random(60) < 0.6
    weights = rng.integers(0, 4, size=(5, 60))
    fits = product_limit(tenure, churned, weights)
    for row, w in enumerate(weights):
        repeated = product_limit(np.repeat(tenure, w), np.repeat(churned, w), times=fits.times)
        np.testing.assert_array_equal(fits.at_risk[row], repeated.at_risk)
        np.testing.assert_array_equal(fits.deaths[row], repeated.deaths)
        np.testing.assert_allclose(fits.survival[row], repeated.survival, rtol=0, atol=1e-15)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 15), st.booleans()), min_size=1, max_size=40),
)
def test_life_table_equals_a_brute_force_count(rows):
    """at_risk(k) = #{T >= k}, deaths(k) = #{T = k, churned}, S = product of (1 - d/n): counted one by one."""
    tenure = np.array([r[0] for r in rows], dtype=float)
    churned = np.array([r[1] for r in rows], dtype=bool)
    ks = np.arange(0, 17)
    fit = product_limit(tenure, churned, times=ks)
    surv = 1.0
    for i, k in enumerate(ks):
        n = sum(1 for t in tenure if t >= k)
        d = sum(1 for t, c in zip(tenure, churned, strict=True) if t == k and c)
        surv *= 1.0 - (d / n if n else 0.0)
        assert fit.at_risk[i] == n and fit.deaths[i] == d
        assert fit.survival[i] == pytest.approx(surv, abs=1e-12)


def test_cohort_churn_by_tenure_and_km_monthly_churn_are_the_same_numbers(dataset, durations):
    """The cohort life table (whole paid months) and Kaplan-Meier on calendar tenure agree on anniversary data."""
    table = cohorts.churn_by_tenure(dataset.subscriptions, dataset.analysis_date)
    km_churn = survival.monthly_churn_by_tenure(survival.fit_kaplan_meier(durations))
    common = table.set_index("months_since_signup")["churn_rate"].reindex(km_churn.index).dropna()
    assert len(common) >= 30
    np.testing.assert_allclose(common.to_numpy(), km_churn.loc[common.index].to_numpy(), rtol=0, atol=1e-9)
    survival_at = table.set_index("months_since_signup")["survival"]
    km = survival.fit_kaplan_meier(durations)
    np.testing.assert_allclose(
        survival_at.to_numpy(), survival.survival_curve(km, survival_at.index).to_numpy(), rtol=0, atol=1e-9
    )


def test_cohort_life_table_on_a_hand_example():
    # a: cancelled at the 2nd anniversary (paid 2); b: active, 3 anniversaries seen (paid 4, censored at 3);
    # c: cancelled at the 1st anniversary (paid 1).
    subs = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "signup_date": pd.to_datetime(["2025-01-10", "2025-01-10", "2025-01-10"]),
            "cancel_date": pd.to_datetime(["2025-03-10", None, "2025-02-10"]),
        }
    )
    table = cohorts.churn_by_tenure(subs, "2025-04-20")
    assert table["months_since_signup"].tolist() == [1, 2, 3]
    assert table["at_risk"].tolist() == [3, 2, 1]
    assert table["churned"].tolist() == [1, 1, 0]
    np.testing.assert_allclose(table["survival"], [2 / 3, 1 / 3, 1 / 3])


def test_each_plain_error_in_full():
    for durations, events, message in [
        ([1.0, 2.0], [True], "durations and events must be 1-D and of the same length (one entry per customer)."),
        ([[1.0], [2.0]], [[True], [False]], "durations and events must be 1-D and of the same length (one entry per customer)."),
        ([], [], "There are no lifetimes to estimate a survival curve from."),
        ([1.0, float("nan")], [True, False], "Every duration must be a number, 0 or more."),
        ([1.0, -0.5], [True, False], "Every duration must be a number, 0 or more."),
    ]:
        with pytest.raises(ValueError) as error:
            product_limit(durations, events)
        assert str(error.value) == message
    with pytest.raises(ValueError) as error:
        product_limit([1.0, 2.0], [True, False], weights=[[1, 2, 3]])
    assert str(error.value) == "weights must have one entry per customer (one row per replicate)."


def test_plain_errors():
    with pytest.raises(ValueError, match="same length"):
        product_limit([1.0, 2.0], [True])
    with pytest.raises(ValueError, match="no lifetimes"):
        product_limit([], [])
    with pytest.raises(ValueError, match="0 or more"):
        product_limit([1.0, -1.0], [True, False])
    with pytest.raises(ValueError, match="one entry per customer"):
        product_limit([1.0, 2.0], [True, False], weights=[1, 2, 3])


def test_database_and_object_columns_give_the_same_float_table():
    """Whole-month tenures, NUMERIC (Decimal) tenures and an object column of True/False all give float
    times and a float survival curve: the same numbers np.isfinite, rounding and plotting accept."""
    from decimal import Decimal

    expected = [3 / 4, 3 / 4 * 2 / 3, 3 / 4 * 2 / 3]  # t=1: 1 of 4 leaves; t=2: 1 of 3 at risk; t=3: none
    for tenure, churned in [
        (np.array([1, 2, 2, 3]), [True, False, True, False]),
        ([Decimal(1), Decimal(2), Decimal(2), Decimal(3)], [True, False, True, False]),
        ([1.0, 2.0, 2.0, 3.0], pd.Series([True, False, True, False], dtype=object)),
    ]:
        fit = product_limit(tenure, churned)
        assert fit.times.dtype == np.float64 and fit.times.tolist() == [1.0, 2.0, 3.0]
        assert fit.deaths.dtype.kind == "i" and fit.deaths.tolist() == [1, 1, 0]
        assert fit.survival.dtype == np.float64 and np.isfinite(fit.survival).all()
        np.testing.assert_allclose(fit.survival, expected, rtol=0, atol=1e-15)
    # A stored curve read back from a database (NUMERIC columns) reads as floats too.
    read = step_values([Decimal(1), Decimal(2)], [Decimal("0.8"), Decimal("0.6")], [Decimal(0), 1.5, 3])
    assert read.dtype == np.float64 and read.tolist() == [1.0, 0.8, 0.6]


def test_times_past_the_last_lifetime_keep_the_curve_flat_without_warnings():
    """Nobody is at risk after the longest lifetime: the hazard there is 0 (not 0/0), and numpy's
    invalid-division warning does not leak into the analyst's notebook."""
    import warnings

    # errstate: lifelines silences numpy's warnings process-wide (np.seterr); turn them back on here.
    with warnings.catch_warnings(), np.errstate(divide="warn", invalid="warn"):
        warnings.simplefilter("error")
        fit = product_limit([1.0, 2.0], [True, False], times=[1, 2, 3, 5])
        assert fit.times.dtype == np.float64 and fit.times.tolist() == [1.0, 2.0, 3.0, 5.0]
        assert fit.at_risk.tolist() == [2, 1, 0, 0]
        np.testing.assert_allclose(fit.hazard, [0.5, 0.0, 0.0, 0.0], rtol=0, atol=0)
        np.testing.assert_allclose(fit.survival, [0.5, 0.5, 0.5, 0.5], rtol=0, atol=0)
