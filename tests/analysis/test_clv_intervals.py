"""Per-customer CLV intervals from parameter uncertainty (clvlib.analysis.clv_intervals).

"True CLV" in the coverage test is the CLV that customer_lifetime_value gives with the *true*
BG/NBD and Gamma-Gamma parameters for each simulated customer's observed history: the expected
discounted margin under the truth. The intervals express parameter uncertainty only, so that is
what they should cover 90% of the time. ``simulate_world`` is this test's own simulator of the
BG/NBD story, written differently from tests/models/test_bgnbd_gammagamma.py on purpose: the
number of repeat purchases until dropping out is geometric, so x = min(K, N) with N the Poisson
count over (0, T], and t_x is the x-th of N uniform purchase times (a Beta order statistic).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clvlib.analysis.clv_intervals import (
    clv_draws,
    clv_intervals,
    coverage_in_world,
    draw_parameters,
    interval_coverage,
)
from clvlib.analysis.predictive_clv import customer_lifetime_value
from clvlib.models.fitting import log_parameter_covariance
from clvlib.models.noncontractual import BetaGeoNBD, GammaGamma

WEEKS_PER_MONTH = 365.25 / 12 / 7
BG_WEEKS = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}  # CDNOW (FHL 2005), weeks
BG_MONTHS = {**BG_WEEKS, "alpha": BG_WEEKS["alpha"] / WEEKS_PER_MONTH}
GG = {"p": 6.25, "q": 3.74, "gamma": 15.44}  # CDNOW (Fader & Hardie 2013)
CLV_WEEKS = {"horizon": 52, "horizon_unit": "week", "margin_rate": 0.3, "discount_rate_annual": 0.1}
CLV_MONTHS = {"horizon": 12, "horizon_unit": "month", "margin_rate": 0.3, "discount_rate_annual": 0.1}


def simulate_world(n, T, bg, unit, seed):
    """A customer summary (frequency, recency, T, monetary_value) from BG/NBD x Gamma-Gamma."""
    rng = np.random.default_rng(seed)
    lam, p = rng.gamma(bg["r"], 1 / bg["alpha"], n), rng.beta(bg["a"], bg["b"], n)
    T = np.broadcast_to(np.asarray(T, dtype=float), (n,))
    n_if_alive = rng.poisson(lam * T)
    x = np.minimum(rng.geometric(p), n_if_alive).astype(float)
    t_x = np.where(x > 0, T * rng.beta(np.maximum(x, 1), n_if_alive - x + 1), 0.0)
    nu = rng.gamma(GG["q"], 1 / GG["gamma"], n)
    spend = np.where(x > 0, rng.gamma(GG["p"] * np.maximum(x, 1), 1 / nu) / np.maximum(x, 1), 0.0)
    summary = pd.DataFrame({"frequency": x, "recency": t_x, "T": T, "monetary_value": spend})
    summary.attrs["time_unit"] = unit
    return summary


@pytest.fixture(scope="module")
def weekly():
    """3,000 customers acquired over two years (T in whole days): many distinct T per frequency,
    so the interpolation in T is exercised."""
    rng = np.random.default_rng(4)
    T = np.round(rng.uniform(1, 104, 3000) * 7) / 7
    summary = simulate_world(3000, T, BG_WEEKS, "week", seed=5)
    return summary, BetaGeoNBD("week").fit(summary), GammaGamma().fit(summary)


def test_each_draw_is_customer_lifetime_value_under_that_draws_parameters(weekly):
    summary, bgnbd, gg = weekly
    draws = clv_draws(bgnbd, gg, summary, n_draws=20, seed=2, **CLV_WEEKS)
    assert draws.values.shape == (3000, 20) and draws.bgnbd_params.shape == (20, 4)
    for j in (0, 7, 19):
        bg_j = BetaGeoNBD.from_params(draws.bgnbd_params[j], time_unit="week")
        gg_j = GammaGamma.from_params(draws.gamma_gamma_params[j], time_unit="week")
        direct = customer_lifetime_value(bg_j, gg_j, summary, **CLV_WEEKS)["clv"].to_numpy()
        np.testing.assert_allclose(draws.values[:, j], direct, rtol=1e-8)
    assert draws.index.equals(summary.index)


def test_draws_follow_the_asymptotic_normal_of_the_log_parameters(weekly):
    _, bgnbd, gg = weekly
    for model in (bgnbd, gg):
        covariance = log_parameter_covariance(model)
        # Its diagonal is the delta method applied to the summary's standard errors.
        summary = model.summary
        np.testing.assert_allclose(np.sqrt(np.diag(covariance)), summary["std_error"] / summary["estimate"], rtol=1e-6)
        logs = np.log(draw_parameters(model, 20_000, np.random.default_rng(0)))
        np.testing.assert_allclose(logs.mean(axis=0), np.log(model.params_.to_numpy()),
                                   atol=float(4 * np.sqrt(np.diag(covariance).max() / 20_000)))
        np.testing.assert_allclose(np.cov(logs.T), covariance, atol=float(0.06 * np.diag(covariance).max()))
    with pytest.raises(ValueError, match="not fitted on data"):
        log_parameter_covariance(BetaGeoNBD.from_params(BG_WEEKS, time_unit="week"))


def test_intervals_nest_by_level_and_bracket_the_point_estimate(weekly):
    summary, bgnbd, gg = weekly
    wide = clv_intervals(bgnbd, gg, summary, level=0.9, n_draws=200, seed=3, **CLV_WEEKS)
    narrow = clv_intervals(bgnbd, gg, summary, level=0.5, n_draws=200, seed=3, **CLV_WEEKS)
    assert list(wide.columns) == ["clv", "lower", "upper"] and wide.index.equals(summary.index)
    point = customer_lifetime_value(bgnbd, gg, summary, **CLV_WEEKS)["clv"]
    pd.testing.assert_series_equal(wide["clv"], point)
    assert (wide["lower"] <= narrow["lower"]).all() and (narrow["upper"] <= wide["upper"]).all()
    # The point estimate sits inside the 90% interval for nearly everyone.
    assert ((wide["lower"] <= wide["clv"]) & (wide["clv"] <= wide["upper"])).mean() > 0.95
    assert wide.attrs["level"] == 0.9 and wide.attrs["n_draws"] == 200
    again = clv_intervals(bgnbd, gg, summary, level=0.9, n_draws=200, seed=3, **CLV_WEEKS)
    pd.testing.assert_frame_equal(wide, again)  # seeded


def test_bad_arguments_are_refused_in_plain_english(weekly):
    summary, bgnbd, gg = weekly
    with pytest.raises(ValueError, match="level is a fraction"):
        clv_intervals(bgnbd, gg, summary, level=90, **CLV_WEEKS)
    with pytest.raises(ValueError, match="n_draws must be a whole number of at least 20"):
        clv_intervals(bgnbd, gg, summary, n_draws=5, **CLV_WEEKS)
    known = BetaGeoNBD.from_params(BG_WEEKS, time_unit="week")
    with pytest.raises(ValueError, match="no parameter uncertainty"):
        clv_intervals(known, gg, summary, **CLV_WEEKS)


N_WORLDS = 40


def test_ninety_percent_intervals_cover_the_true_clv_about_ninety_percent_of_the_time():
    """N_WORLDS seeded worlds of 1,500 customers (an 18-month cohort, months as periods). The
    customers of one world share the parameter draws, so worlds are the replications: the
    standard error of the mean coverage is at most sqrt(level (1-level) / N_WORLDS) (0.047 at
    90%, 0.079 at 50%) whatever the correlation within a world; we allow 3 of them. The 50%
    check fails intervals that are simply too wide, the 90% one intervals that are too narrow."""
    truth_bg = BetaGeoNBD.from_params(BG_MONTHS, time_unit="month")
    truth_gg = GammaGamma.from_params(GG, time_unit="month")
    shares = []
    for world in range(N_WORLDS):
        summary = simulate_world(1500, 18.0, BG_MONTHS, "month", seed=world)
        bgnbd, gg = BetaGeoNBD("month").fit(summary), GammaGamma().fit(summary)
        draws = clv_draws(bgnbd, gg, summary, n_draws=100, seed=10_000 + world, **CLV_MONTHS)
        true_clv = customer_lifetime_value(truth_bg, truth_gg, summary, **CLV_MONTHS)["clv"]
        shares.append(coverage_in_world(draws.values, true_clv, levels=(0.5, 0.9)))
    table = interval_coverage(pd.DataFrame(shares))
    for level in (0.5, 0.9):
        assert abs(table.loc[level, "coverage"] - level) < 3 * table.loc[level, "bound_std_error"], table
    assert table.loc[0.9, "n_worlds"] == N_WORLDS
