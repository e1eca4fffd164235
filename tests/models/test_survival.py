"""Tests for clvlib.models.survival: durations, Kaplan-Meier, parametric fits, Cox, logit, value.

Recovery tests compare estimates with the simulator's truth: data/truth holds every
subscriber's uncensored lifetime (paid months), which no analyst would ever see.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import betaln

from clvlib.analysis import lifetimes
from clvlib.core.calendar import calendar_months_between
from clvlib.core.units import TimeUnit, UnitMismatchError, convert_rate
from clvlib.data import load_truth
from clvlib.data.simulate import TRUE_WORLD, simulate_world
from clvlib.models import survival as sv

COVARIATES = ["channel", "plan", "promo_signup", "age_years"]


@pytest.fixture(scope="module")
def durations(dataset):
    return lifetimes.durations_from_subscriptions(dataset.subscriptions, dataset.analysis_date)


@pytest.fixture(scope="module")
def with_truth(durations):
    return durations.merge(load_truth().subscriptions, on="customer_id", validate="one_to_one")


def _toy(tenures, churned, **extra):
    return pd.DataFrame({"tenure_months": np.asarray(tenures, dtype=float), "churned": churned, **extra})


def _true_rmst_population(alpha: float, beta: float, horizon: int) -> float:
    """E[min(L, H)] = sum_{t<H} S(t) with S(t) = B(alpha, beta + t) / B(alpha, beta), mixed over promo."""
    def rmst(b):
        t = np.arange(horizon)
        return float(np.exp(betaln(alpha, b + t) - betaln(alpha, b)).sum())

    share = TRUE_WORLD.promo_share
    return (1 - share) * rmst(beta) + share * rmst(beta * TRUE_WORLD.promo_churn_beta_factor)


# --------------------------------------------------------------------------- durations


def test_durations_one_row_per_customer_with_all_columns(dataset, durations):
    subs = dataset.subscriptions
    assert len(durations) == len(subs)
    assert list(durations.columns[:4]) == ["customer_id", "tenure_months", "churned", "observed_months"]
    for col in ("plan", "channel", "monthly_revenue", "promo_signup", "age_years", "signup_date"):
        assert col in durations.columns
    assert durations["churned"].dtype == bool
    assert durations["churned"].sum() == subs["cancel_date"].notna().sum()
    assert (durations["tenure_months"] >= 0).all()
    assert (durations["tenure_months"] <= durations["observed_months"] + 1e-12).all()
    assert durations.attrs["time_unit"] == "month"


def test_durations_match_true_lifetimes(with_truth):
    """Cancellations fall on monthly anniversaries: tenure = the true number of paid months
    exactly; an active customer's true lifetime is longer than their tenure (censoring)."""
    churned = with_truth[with_truth["churned"]]
    active = with_truth[~with_truth["churned"]]
    assert (churned["tenure_months"] == churned["lifetime_months"]).all()
    assert (active["lifetime_months"] > active["tenure_months"]).all()


@settings(max_examples=20, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.dates(min_value=pd.Timestamp("2000-01-01").date(), max_value=pd.Timestamp("2030-12-31").date()),
            st.integers(min_value=0, max_value=120),
            st.integers(min_value=0, max_value=27),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_calendar_months_are_whole_on_anniversaries(cases):
    """Signup + k monthly anniversaries (31 Jan + 1 month = end of Feb) is exactly k months;
    up to 27 days later it is still k and a fraction."""
    start = pd.Series(pd.to_datetime([c[0] for c in cases]))
    months = np.array([c[1] for c in cases])
    end = pd.Series([s + pd.DateOffset(months=int(k)) for s, k in zip(start, months, strict=True)])
    assert (calendar_months_between(start, end).to_numpy() == months).all()
    later = calendar_months_between(start, end + pd.to_timedelta([c[2] for c in cases], unit="D")).to_numpy()
    assert ((months <= later) & (later < months + 1)).all()


def test_durations_cancel_after_analysis_date_counts_as_active():
    subs = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "signup_date": pd.to_datetime(["2025-01-10", "2025-01-10"]),
            "cancel_date": pd.to_datetime(["2025-04-10", "2025-09-10"]),
            "plan": ["basic", "premium"],
        }
    )
    d = lifetimes.durations_from_subscriptions(subs, "2025-06-10")
    assert d["churned"].tolist() == [True, False]
    assert d["tenure_months"].tolist() == [3.0, 5.0]
    assert d["plan"].tolist() == ["basic", "premium"]


@pytest.mark.parametrize(
    "subs, match",
    [
        (pd.DataFrame(columns=["customer_id", "signup_date", "cancel_date"]), "empty"),
        (pd.DataFrame({"customer_id": ["a"], "signup_date": [None], "cancel_date": [None]}), "signup_date is missing"),
        (pd.DataFrame({"customer_id": ["a"], "signup_date": ["2026-03-01"], "cancel_date": [None]}), "after the analysis date"),
        (pd.DataFrame({"customer_id": ["a"], "signup_date": ["2025-03-01"], "cancel_date": ["2025-01-01"]}), "before their signup"),
        (pd.DataFrame({"customer_id": ["a", "a"], "signup_date": ["2025-03-01"] * 2, "cancel_date": [None] * 2}), "more than once"),
        (pd.DataFrame({"customer_id": ["a"], "signup_date": ["2025-03-01"]}), "no cancel_date"),
    ],
)
def test_durations_bad_input_raises_clear_error(subs, match):
    with pytest.raises(ValueError, match=match):
        lifetimes.durations_from_subscriptions(subs, "2025-12-31")


@pytest.mark.parametrize(
    "table, match",
    [
        (_toy([], []), "empty"),
        (_toy([1.0, -2.0], [True, False]), "negative"),
        (_toy([1.0, np.nan], [True, False]), "missing"),
        (pd.DataFrame({"tenure_months": [1.0]}), "churned"),
    ],
)
def test_fitting_bad_durations_raises(table, match):
    with pytest.raises(ValueError, match=match):
        sv.fit_kaplan_meier(table)


def test_durations_in_other_units_are_refused():
    table = _toy([1.0, 2.0], [True, False])
    table.attrs["time_unit"] = "week"
    with pytest.raises(UnitMismatchError):
        sv.fit_kaplan_meier(table)


# --------------------------------------------------------------------------- recovery: KM vs naive


@pytest.mark.parametrize("horizon_months", [12, 24, 36])
def test_km_rmst_recovers_true_lifetime_by_channel_naive_misses(with_truth, horizon_months):
    """On the embedded data, KM's RMST equals the true mean of min(lifetime, horizon) per
    channel within 4%; both naive estimators miss by more than 10% (they are biased low)."""
    tolerance = 0.04
    kms = sv.fit_kaplan_meier(with_truth, by="channel")
    for channel, group in with_truth.groupby("channel"):
        truth = group["lifetime_months"].clip(upper=horizon_months).mean()
        estimate = sv.restricted_mean_lifetime_months(kms[channel], horizon_months)
        dropped = lifetimes.naive_mean_lifetime_dropping_censored(group, horizon_months)
        as_churned = lifetimes.naive_mean_lifetime_censored_as_churned(group, horizon_months)
        assert estimate == pytest.approx(truth, rel=tolerance), channel
        assert dropped < truth * (1 - 0.10), channel
        assert as_churned < truth * (1 - 0.10), channel


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_km_rmst_recovers_truth_on_simulated_worlds(seed):
    """Fresh half-size worlds: KM within 8% of the true mean lifetime to 24 months in every
    channel; the naive estimators miss by more than 15% everywhere."""
    horizon, tolerance = 24, 0.08
    world = simulate_world(TRUE_WORLD, seed=seed, scale=0.5)
    d = lifetimes.durations_from_subscriptions(world["subscriptions"], TRUE_WORLD.analysis_date)
    d = d.merge(world["subscriptions_truth"], on="customer_id")
    table = lifetimes.lifetime_estimates_compared(d, horizon, by="channel")
    truth = d.assign(capped=d["lifetime_months"].clip(upper=horizon)).groupby("channel")["capped"].mean()
    error = (table["kaplan_meier_rmst"] / truth - 1).abs()
    assert (error < tolerance).all(), error
    for naive in ("dropping_censored", "censored_as_churned"):
        miss = (table[naive] / truth - 1).abs()
        assert (miss > 0.15).all(), (naive, miss)


def test_km_recovers_population_truth_from_true_parameters(durations):
    """Against the true Beta(alpha, beta) churn parameters (not just this sample): the
    population E[min(L, 24)] per channel is recovered within 7%."""
    horizon = 24
    kms = sv.fit_kaplan_meier(durations, by="channel")
    for name, ch in TRUE_WORLD.channels.items():
        truth = _true_rmst_population(ch.churn_alpha, ch.churn_beta, horizon)
        assert sv.restricted_mean_lifetime_months(kms[name], horizon) == pytest.approx(truth, rel=0.07), name


def test_parametric_fit_tracks_km_inside_the_data_and_truth_beyond(with_truth):
    """The AIC-chosen monthly-billing model's expected lifetime to 36 months is within 3% of
    KM and of the truth; extrapolated to 60 months it is within 8% of the true mean of
    min(lifetime, 60) - a horizon no customer has been observed for."""
    choice = sv.fit_parametric(with_truth)
    km = sv.fit_kaplan_meier(with_truth)
    assert choice.best_name in choice.fits
    assert choice.summary["delta_aic"].min() == 0
    assert choice.summary.index[0] == choice.best_name
    best = choice.best
    truth36 = with_truth["lifetime_months"].clip(upper=36).mean()
    truth60 = with_truth["lifetime_months"].clip(upper=60).mean()
    rmst36 = sv.restricted_mean_lifetime_months(best, 36)
    assert rmst36 == pytest.approx(sv.restricted_mean_lifetime_months(km, 36), rel=0.03)
    assert rmst36 == pytest.approx(truth36, rel=0.03)
    assert sv.restricted_mean_lifetime_months(best, 60) == pytest.approx(truth60, rel=0.08)
    # A single constant churn rate (exponential) is the worst description of these customers.
    assert choice.summary.index[-1] == "exponential"


def test_monthly_billing_matches_km_better_than_continuous_fit(durations):
    """S(1) (share still paying after the first month) from the monthly-billing fit is
    within 0.02 of Kaplan-Meier; treating anniversary dates as exact times is off by more."""
    km_s1 = sv.survival_curve(sv.fit_kaplan_meier(durations), [1]).item()
    monthly = sv.fit_parametric(durations, candidates=("loglogistic",)).best
    continuous = sv.fit_parametric(durations, candidates=("loglogistic",), billing="continuous").best
    assert abs(sv.survival_curve(monthly, [1]).item() - km_s1) < 0.02
    assert abs(sv.survival_curve(continuous, [1]).item() - km_s1) > 0.03


# --------------------------------------------------------------------------- closed forms


def test_rmst_of_exponential_equals_closed_form():
    """Continuous exponential with scale lam: RMST(H) = lam (1 - exp(-H / lam))."""
    rng = np.random.default_rng(3)
    t = rng.exponential(10.0, size=4000)
    censor = rng.uniform(0, 40, size=t.size)
    d = _toy(np.minimum(t, censor), t <= censor)
    fitter = sv.fit_parametric(d, candidates=("exponential",), billing="continuous").best
    lam = fitter.lambda_
    for horizon in (5, 12, 60):
        assert sv.restricted_mean_lifetime_months(fitter, horizon) == pytest.approx(lam * (1 - math.exp(-horizon / lam)), rel=1e-6)
    assert lam == pytest.approx(10.0, rel=0.05)


def test_monthly_exponential_is_geometric_with_closed_form():
    """Paid months ~ Geometric(p) (constant monthly churn p): the monthly-billing
    exponential fit recovers p within 5% and RMST(H) = (1 - (1 - p)^H) / p exactly."""
    p, horizon = 0.08, 24
    rng = np.random.default_rng(5)
    lifetime = rng.geometric(p, size=5000).astype(float)
    censor = rng.uniform(0, 30, size=lifetime.size)
    observed = lifetime <= censor
    d = _toy(np.where(observed, lifetime, censor), observed)
    fitter = sv.fit_parametric(d, candidates=("exponential",)).best
    p_hat = 1 - math.exp(-1 / fitter.lambda_)
    assert p_hat == pytest.approx(p, rel=0.05)
    assert sv.restricted_mean_lifetime_months(fitter, horizon) == pytest.approx((1 - (1 - p_hat) ** horizon) / p_hat, rel=1e-9)
    km = sv.fit_kaplan_meier(d)
    assert sv.restricted_mean_lifetime_months(km, horizon) == pytest.approx((1 - (1 - p) ** horizon) / p, rel=0.03)


@pytest.mark.parametrize("discount_rate_annual", [0.0, 0.10, 0.35])
@pytest.mark.parametrize("horizon_months", [1, 12, 36])
def test_discounted_lifetime_equals_brute_force_sum(durations, discount_rate_annual, horizon_months):
    km = sv.fit_kaplan_meier(durations)
    sf = km.survival_function_.iloc[:, 0]
    monthly = (1 + discount_rate_annual) ** (1 / 12) - 1
    brute = 0.0
    for t in range(horizon_months):
        s_t = sf[sf.index <= t].iloc[-1]  # step function, value at t
        brute += s_t / (1 + monthly) ** t
    assert sv.discounted_expected_lifetime_months(km, discount_rate_annual, horizon_months) == pytest.approx(brute, rel=1e-12)
    # the same from the survival-function table itself
    assert sv.discounted_expected_lifetime_months(km.survival_function_, discount_rate_annual, horizon_months) == pytest.approx(brute, rel=1e-12)
    assert monthly == pytest.approx(convert_rate(discount_rate_annual, "year", "month"))


def test_undiscounted_lifetime_equals_rmst_on_anniversary_data(durations):
    """With no discounting, sum_t S(t) is the area under the monthly step curve = RMST."""
    km = sv.fit_kaplan_meier(durations)
    assert sv.discounted_expected_lifetime_months(km, 0.0, 36) == pytest.approx(sv.restricted_mean_lifetime_months(km, 36), rel=1e-9)


@settings(max_examples=25, deadline=None)
@given(low=st.floats(0.0, 0.5), high=st.floats(0.0, 0.5), horizon=st.integers(2, 30))
def test_discounted_lifetime_falls_with_discount_rate(low, high, horizon):
    low, high = sorted((low, high))
    d = _toy([1, 2, 2, 3, 5, 8, 13, 30, 31], [True] * 7 + [False, False])
    km = sv.fit_kaplan_meier(d)
    at_low = sv.discounted_expected_lifetime_months(km, low, horizon)
    at_high = sv.discounted_expected_lifetime_months(km, high, horizon)
    assert at_high <= at_low + 1e-12
    assert 1.0 <= at_low <= horizon


# --------------------------------------------------------------------------- Cox and logit


def test_cox_finds_true_directions(durations):
    """TRUE_WORLD: promo signups churn faster (Beta's beta x 0.55); referral and search
    retain better than social, which retains better than affiliate."""
    cox = sv.fit_cox(durations, COVARIATES, baselines={"channel": "affiliate"})
    assert cox.time_unit_ is TimeUnit.MONTH
    assert cox.baselines_ == {"channel": "affiliate", "plan": "basic"}
    coef = cox.params_
    assert coef["promo_signup"] > 0
    assert max(coef["channel=referral"], coef["channel=search"]) < coef["channel=social"] < 0
    # no true effect of plan or age: their intervals include 0 hazard change
    summary = cox.summary
    for name in ("plan=premium", "plan=standard", "age_years"):
        assert summary.loc[name, "coef lower 95%"] < 0 < summary.loc[name, "coef upper 95%"], name


def test_proportional_hazards_check_is_a_tidy_table(durations):
    """Heterogeneity makes channel hazards converge with tenure, so the test flags channels."""
    cox = sv.fit_cox(durations, COVARIATES, baselines={"channel": "affiliate"})
    table = sv.check_proportional_hazards(cox, durations)
    assert list(table.columns) == ["covariate", "time_transform", "test_statistic", "p_value", "proportional"]
    assert set(table["covariate"]) == set(cox.params_.index)
    assert table["p_value"].between(0, 1).all()
    assert table["proportional"].dtype == bool
    flagged = set(table.loc[~table["proportional"], "covariate"])
    assert {"channel=search", "channel=referral"} <= flagged


def test_logistic_regression_finds_true_directions_and_excludes_recent_signups(durations):
    result = sv.churn_logistic_regression(durations, COVARIATES, within_months=6, baselines={"channel": "affiliate"})
    odds = result.odds_ratios
    assert list(odds.columns) == ["odds_ratio", "ci_lower", "ci_upper", "p_value"]
    assert (odds["ci_lower"] <= odds["odds_ratio"]).all() and (odds["odds_ratio"] <= odds["ci_upper"]).all()
    assert odds.loc["promo_signup", "ci_lower"] > 1
    assert odds.loc["channel=referral", "ci_upper"] < 1
    assert odds.loc["channel=search", "ci_upper"] < 1
    assert result.customers_used == int((durations["observed_months"] >= 6).sum())
    assert result.customers_used + result.customers_excluded == len(durations)
    assert result.result.nobs == result.customers_used


def test_logistic_regression_without_the_eligibility_rule_would_be_biased(durations):
    """Why recent signups are excluded: counting them as 'stayed' understates churn."""
    eligible = durations["observed_months"] >= 6
    churn6 = durations["churned"] & (durations["tenure_months"] <= 6)
    assert churn6[eligible].mean() > churn6.mean() + 0.03


def test_logistic_regression_degenerate_inputs(durations):
    with pytest.raises(ValueError, match="No customer signed up"):
        sv.churn_logistic_regression(durations, ["plan"], within_months=60)
    everyone = _toy([1.0, 2.0, 3.0], [True] * 3, observed_months=[10.0] * 3, plan=["a", "b", "a"])
    with pytest.raises(ValueError, match="nothing to explain"):
        sv.churn_logistic_regression(everyone, ["plan"], within_months=6)


# --------------------------------------------------------------------------- value by segment


def test_lifetime_value_by_segment(durations):
    table = lifetimes.lifetime_value_by_segment(durations, "channel", margin_rate=0.4, discount_rate_annual=0.1, horizon_months=36)
    assert table.index.name == "channel"
    assert sorted(table.index) == sorted(TRUE_WORLD.channels)
    for col in ("customers", "monthly_margin", "expected_lifetime_months", "discounted_lifetime_months", "clv"):
        assert col in table.columns
    assert table["customers"].sum() == len(durations)
    assert np.allclose(table["clv"], table["monthly_margin"] * table["discounted_lifetime_months"])
    margin = durations.groupby("channel")["monthly_revenue"].mean() * 0.4
    assert np.allclose(table["monthly_margin"], margin.reindex(table.index))
    assert (table["discounted_lifetime_months"] < table["expected_lifetime_months"]).all()
    # the channel ranking the truth implies: referral > search > social > affiliate
    assert list(table["clv"].sort_values(ascending=False).index) == ["referral", "search", "social", "affiliate"]
    km = sv.fit_kaplan_meier(durations[durations["channel"] == "search"])
    assert table.loc["search", "expected_lifetime_months"] == pytest.approx(sv.restricted_mean_lifetime_months(km, 36))


def test_lifetime_value_parametric_extrapolates_where_km_refuses(durations):
    with pytest.raises(ValueError, match="beyond the data"):
        lifetimes.lifetime_value_by_segment(durations, "plan", 0.4, 0.1, horizon_months=60)
    table = lifetimes.lifetime_value_by_segment(durations, "plan", 0.4, 0.1, horizon_months=60, model="loglogistic")
    short = lifetimes.lifetime_value_by_segment(durations, "plan", 0.4, 0.1, horizon_months=36, model="loglogistic")
    assert (table["clv"] > short["clv"]).all()
    assert (table["model"] == "loglogistic").all()


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"margin_rate": 40}, "between 0 and 1"),
        ({"model": "cox"}, "Unknown model"),
        ({"by": "colour"}, "no column 'colour'"),
    ],
)
def test_lifetime_value_bad_arguments(durations, kwargs, match):
    args = {"by": "channel", "margin_rate": 0.4, "discount_rate_annual": 0.1, "horizon_months": 12, **kwargs}
    with pytest.raises(ValueError, match=match):
        lifetimes.lifetime_value_by_segment(durations, **args)


# --------------------------------------------------------------------------- degenerate cases


def test_everyone_churned_km_is_the_plain_average():
    """No censoring: KM is the empirical curve and RMST the mean of min(tenure, H); the naive
    estimators are then right too."""
    d = _toy([1, 2, 2, 5, 9], [True] * 5)
    km = sv.fit_kaplan_meier(d)
    expected = np.minimum(d["tenure_months"], 10).mean()
    assert sv.restricted_mean_lifetime_months(km, 10) == pytest.approx(expected)
    assert lifetimes.naive_mean_lifetime_dropping_censored(d, 10) == pytest.approx(expected)
    assert lifetimes.naive_mean_lifetime_censored_as_churned(d, 10) == pytest.approx(expected)
    assert sv.median_lifetime_months(km) == 2.0  # S(2) = 2/5: half have left by month 2
    # S reaches 0, so any horizon is fine
    assert sv.restricted_mean_lifetime_months(km, 100) == pytest.approx(d["tenure_months"].mean())
    assert np.isfinite(sv.fit_parametric(d).best.AIC_)


def test_nobody_churned_has_documented_answers():
    d = _toy([3.0, 5.5, 8.2, 12.0], [False] * 4, channel=["a", "a", "b", "b"], observed_months=[3.0, 5.5, 8.2, 12.0])
    km = sv.fit_kaplan_meier(d)
    assert sv.restricted_mean_lifetime_months(km, 12) == pytest.approx(12.0)  # S = 1 throughout
    assert sv.median_lifetime_months(km) == math.inf  # median not reached
    with pytest.raises(ValueError, match="beyond the data"):
        sv.restricted_mean_lifetime_months(km, 24)
    with pytest.raises(ValueError, match="Nobody has churned"):
        sv.fit_parametric(d)
    with pytest.raises(ValueError, match="Nobody has churned"):
        sv.fit_cox(d, ["channel"])
    with pytest.raises(ValueError, match="Nobody has churned"):
        lifetimes.naive_mean_lifetime_dropping_censored(d)
    assert lifetimes.naive_mean_lifetime_censored_as_churned(d) == pytest.approx(d["tenure_months"].mean())


def test_km_refuses_horizon_beyond_data_but_allows_last_partial_month():
    d = _toy([1.0, 4.0, 10.4], [True, True, False])
    km = sv.fit_kaplan_meier(d)
    assert sv.restricted_mean_lifetime_months(km, 11) > 0  # nobody can churn before the 11th anniversary
    with pytest.raises(ValueError, match="parametric"):
        sv.restricted_mean_lifetime_months(km, 12)
    with pytest.raises(ValueError, match="beyond the data"):
        sv.discounted_expected_lifetime_months(km, 0.1, 13)
    with pytest.raises(ValueError, match="positive"):
        sv.restricted_mean_lifetime_months(km, 0)
    with pytest.raises(ValueError, match="whole number"):
        sv.discounted_expected_lifetime_months(km, 0.1, 6.5)


def test_fitters_carry_months_and_refuse_other_units(durations):
    km = sv.fit_kaplan_meier(durations)
    groups = sv.fit_kaplan_meier(durations, by="plan")
    assert km.time_unit_ is TimeUnit.MONTH
    assert all(f.time_unit_ is TimeUnit.MONTH for f in groups.values())
    assert sorted(groups) == ["basic", "premium", "standard"]
    weekly = sv.fit_kaplan_meier(durations)
    weekly.time_unit_ = TimeUnit.WEEK
    with pytest.raises(UnitMismatchError):
        sv.restricted_mean_lifetime_months(weekly, 12)
    with pytest.raises(UnitMismatchError):
        sv.discounted_expected_lifetime_months(weekly, 0.1, 12)
    table = km.survival_function_.copy()
    table.attrs["time_unit"] = "week"
    with pytest.raises(UnitMismatchError):
        sv.discounted_expected_lifetime_months(table, 0.1, 12)
    bare = type(km)().fit(durations["tenure_months"], durations["churned"])
    with pytest.raises(ValueError, match="no time unit"):
        sv.median_lifetime_months(bare)


def test_median_lifetime_by_plan(durations):
    for name, km in sv.fit_kaplan_meier(durations, by="plan").items():
        median = sv.median_lifetime_months(km)
        assert median == float(int(median)), name  # anniversaries: whole months
        assert sv.survival_curve(km, [median]).item() <= 0.5 < sv.survival_curve(km, [median - 1]).item()


def test_unknown_parametric_model_and_constant_covariate(durations):
    with pytest.raises(ValueError, match="choose from"):
        sv.fit_parametric(durations, candidates=("gompertz",))
    with pytest.raises(ValueError, match="same value for everyone"):
        sv.fit_cox(durations.assign(country="NZ"), ["channel", "country"])
    with pytest.raises(ValueError, match="no colour column"):
        sv.fit_cox(durations, ["colour"])


# --------------------------------------------------------------------------- helpers for the lesson


def test_km_max_horizon_and_summary(durations):
    assert sv.km_max_horizon_months(durations) == 36  # signups from January 2023 to December 2025
    assert sv.km_covers_horizon(durations, 36, by="channel")
    assert not sv.km_covers_horizon(durations, 37)
    recent = durations[durations["signup_date"] >= "2025-01-01"]
    assert sv.km_max_horizon_months(recent, by="plan") == 12
    summary = lifetimes.lifetime_summary(sv.fit_kaplan_meier(durations, by="channel"), 24)
    assert summary["customers"].sum() == len(durations)
    assert summary["churned"].sum() == durations["churned"].sum()
    assert summary["expected_lifetime_months"].between(1, 24).all()


def test_monthly_churn_by_tenure_falls_with_tenure(durations):
    """Heterogeneity: the churn-prone leave first, so churn in months 1-3 is well above months 13-24."""
    km = sv.fit_kaplan_meier(durations)
    rate = sv.monthly_churn_by_tenure(km, 24)
    assert list(rate.index) == list(range(1, 25))
    assert rate.between(0, 1).all()
    assert rate.loc[1:3].mean() > 2 * rate.loc[13:24].mean()
    s = sv.survival_curve(km, [11, 12]).to_numpy()
    assert rate.loc[12] == pytest.approx(1 - s[1] / s[0])
    # it stops when nobody is left instead of dividing by zero
    short = sv.monthly_churn_by_tenure(sv.fit_kaplan_meier(_toy([1, 2, 2, 3], [True] * 4)), 10)
    assert list(short.index) == [1, 2, 3] and short.iloc[-1] == 1.0


def test_monthly_parametric_curve_steps_on_anniversaries(durations):
    fitter = sv.fit_parametric(durations, candidates=("weibull",)).best
    s = sv.survival_curve(fitter, [2.0, 2.5, 2.99, 3.0]).to_numpy()
    assert s[0] == s[1] == s[2] > s[3]
    assert fitter.billing_ == "monthly" and fitter.time_unit_ is TimeUnit.MONTH
    with pytest.raises(ValueError, match="billing"):
        sv.fit_parametric(durations, billing="weekly")


def test_survival_table_is_lifelines_curve_and_band_by_hand():
    """Four customers, one censored: S = 1, 3/4, 1/2 (censored at 2.5), 0 at 4 — as lifelines' own tables."""
    km = sv.fit_kaplan_meier(_toy([1, 2, 2.5, 4], [True, True, False, True]))
    table = sv.survival_table({"toy": km})
    assert table.index.names == ["curve", "months"]
    assert table.loc["toy", "survival"].to_dict() == pytest.approx({0.0: 1.0, 1.0: 0.75, 2.0: 0.5, 2.5: 0.5, 4.0: 0.0})
    band = km.confidence_interval_survival_function_
    np.testing.assert_allclose(table.loc["toy", "lower"], band.iloc[:, 0])
    np.testing.assert_allclose(table.loc["toy", "upper"], band.iloc[:, 1])
    with pytest.raises(ValueError, match="No fitted curves"):
        sv.survival_table({})


def test_churn_by_tenure_table_stacks_monthly_churn_per_group(durations):
    """The long table holds exactly monthly_churn_by_tenure for each channel, in the cohorts layout."""
    fitters = sv.fit_kaplan_meier(durations, by="channel")
    table = sv.churn_by_tenure_table(fitters, 24, by="channel")
    assert list(table.columns) == ["channel", "months_since_signup", "churn_rate"]
    for channel, km in fitters.items():
        rate = sv.monthly_churn_by_tenure(km, 24)
        rows = table[table["channel"] == channel]
        np.testing.assert_array_equal(rows["months_since_signup"], rate.index)
        np.testing.assert_allclose(rows["churn_rate"], rate.to_numpy(), rtol=0, atol=0)
    toy = sv.churn_by_tenure_table({"toy": sv.fit_kaplan_meier(_toy([1, 2, 2.5, 4], [True, True, False, True]))})
    # S(0..4) = 1, .75, .5, .5, 0: churn 1/4, then 1/3, then 0, then 1.
    assert toy["churn_rate"].tolist() == pytest.approx([0.25, 1 / 3, 0.0, 1.0])


def test_fitting_kaplan_meier_leaves_numpys_warning_settings_alone():
    """lifelines' KaplanMeierFitter.fit calls np.seterr(divide="ignore", ...): through clvlib it must
    not silence a user's divide-by-zero warnings for the rest of the session."""
    from clvlib.models.survival import kaplan_meier
    from clvlib.models.survival.parametric import _initial_points

    before = np.geterr()
    durations = pd.DataFrame({"tenure_months": [1.0, 2.0, 3.0, 5.0], "churned": [True, False, True, True]})
    kaplan_meier._kaplan_meier(durations, 0.05, "all")
    _initial_points(durations["tenure_months"].to_numpy(), durations["churned"].to_numpy())
    assert np.geterr() == before
