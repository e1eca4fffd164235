"""The figure functions keep the rules of clvlib.plots, and draw the numbers they are given.

Every public function of every clvlib.plots module is found by introspection, so a new figure
cannot skip the checks: it is named plot_*, takes an ``ax`` and returns it (or, for a figure of
several panels annotated ``-> Figure``, the Figure of the Axes it was given). Each function gets
a small table built here (``CALLS``); a new figure without one fails
``test_every_figure_has_a_small_example``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import clvlib.plots  # noqa: E402
from clvlib.analysis.acquisition import RULE_OF_THUMB_LTV_TO_CAC  # noqa: E402
from clvlib.plots._style import PALETTE  # noqa: E402
from clvlib.plots.acquisition import plot_ltv_to_cac  # noqa: E402
from clvlib.plots.data_tour import plot_signups_by_month, plot_spend_by_channel  # noqa: E402
from clvlib.plots.executive import plot_ltv_to_cac_bars  # noqa: E402
from clvlib.plots.forest import plot_forest  # noqa: E402
from clvlib.plots.survival import plot_rmst_area, plot_survival_curves  # noqa: E402


def _figure_functions():
    """(module name, function) for every public function defined in a clvlib.plots module."""
    found = []
    for info in pkgutil.iter_modules(clvlib.plots.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"clvlib.plots.{info.name}")
        for name, obj in inspect.getmembers(module, inspect.isfunction):
            if obj.__module__ == module.__name__ and not name.startswith("_"):
                found.append((info.name, obj))
    return found


FUNCTIONS = _figure_functions()
IDS = [f"{module}.{fn.__name__}" for module, fn in FUNCTIONS]


def _returns(function) -> str:
    """'Axes' or 'Figure' as the function's return annotation says (string or class)."""
    annotation = inspect.signature(function).return_annotation
    return getattr(annotation, "__name__", annotation)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# --------------------------------------------------------------------------- small tables

MONTHS = pd.period_range("2025-01", periods=3, freq="M")
CHANNELS = ["search", "social"]


def _monthly() -> pd.DataFrame:
    """cac_by_channel_month's shape: two channels, three months, one month without signups."""
    return pd.DataFrame({
        "month": list(MONTHS) * 2,
        "channel": ["search"] * 3 + ["social"] * 3,
        "spend": pd.array([100.0, 80.0, 90.0, 50.0, 40.0, 60.0], dtype="Float64"),
        "new_customers": [4, 2, 3, 1, 0, 2],
        "cac": pd.array([25.0, 40.0, 30.0, 50.0, None, 30.0], dtype="Float64"),
        "cac_defined": [True, True, True, True, False, True],
    })


def _survival_table() -> pd.DataFrame:
    curves = {
        "plan A": pd.DataFrame({"survival": [1.0, 0.5, 0.25], "lower": [1.0, 0.4, 0.1], "upper": [1.0, 0.6, 0.4]},
                               index=[0.0, 1.0, 3.0]),
        "plan B": pd.DataFrame({"survival": [1.0, 0.8], "lower": [1.0, 0.7], "upper": [1.0, 0.9]}, index=[0.0, 2.0]),
    }
    return pd.concat(curves, names=["curve", "months"])


def _ratios() -> pd.DataFrame:
    return pd.DataFrame({"estimate": [2.0, 0.5, 1.1], "lower_95": [1.5, 0.3, 0.8], "upper_95": [2.7, 0.8, 1.4]},
                        index=["promo", "referral", "age"])


def _tracking() -> pd.DataFrame:
    table = pd.DataFrame({"actual": [3.0, 4.0, 2.0], "expected": [2.5, 3.5, 3.0]}, index=pd.Index([1, 2, 3], name="week"))
    table = table.assign(actual_cumulative=table["actual"].cumsum(), expected_cumulative=table["expected"].cumsum())
    table.attrs.update(time_unit="week", calibration_periods=2)
    return table


def _scores() -> pd.DataFrame:
    return pd.DataFrame({"r_score": [1, 2, 3, 3], "f_score": [1, 1, 2, 3], "m_score": [2, 2, 3, 1]})


CALLS = {
    # function name -> (positional arguments, keyword arguments) without ax
    "plot_signups_by_month": ((_monthly(),), {}),
    "plot_order_values": ((pd.DataFrame({"order_value": [10.0, 12.0, 30.0, 200.0]}),), {}),
    "plot_spend_by_channel": ((_monthly(),), {}),
    "plot_tornado": ((pd.DataFrame({"base_clv": [100.0, 100.0], "change_low": [-30.0, -10.0],
                                    "change_high": [40.0, 12.0]}, index=["retention_rate", "discount_rate"]),), {}),
    "plot_discounted_cash_flows": (([100.0, 100.0, 100.0], [1 / 1.1, 1 / 1.21, 1 / 1.331]), {}),
    "plot_truncated_sum_convergence": ((pd.Series([10.0, 18.0, 24.0], index=[1, 2, 3]), 40.0), {}),
    "plot_clv_distribution": (([50.0, 80.0, 200.0], 110.0, 90.0), {}),
    "plot_retention_heatmap": ((pd.DataFrame([[1.0, 0.8, 0.7], [1.0, 0.9, np.nan]], index=MONTHS[:2],
                                             columns=[0, 1, 2]),), {}),
    "plot_churn_by_tenure": ((pd.DataFrame({"months_since_signup": [1, 2, 3], "churn_rate": [0.2, 0.1, 0.05]}),), {}),
    "plot_retention_projections": ((pd.DataFrame({"actual": [100.0, 70.0, 55.0], "sbg": [100.0, 72.0, 56.0],
                                        "constant_churn": [100.0, 70.0, 49.0],
                                        "in_calibration": [True, True, False]}),), {}),
    "plot_retention_rate_curves": (([1, 2, 3], {"sBG": np.array([0.8, 0.85, 0.88]),
                                                "constant": np.full(3, 0.84)}), {}),
    "plot_value_by_tenure": ((pd.DataFrame({"sBG": [100.0, 150.0], "constant churn": [100.0, 100.0]}, index=[0, 3]),), {}),
    "plot_survival_curves": ((_survival_table(),), {}),
    "plot_rmst_area": ((_survival_table().loc[["plan A"]], 2.0), {}),
    "plot_lifetime_estimates": ((pd.DataFrame({"dropping_censored": [5.0, 6.0], "censored_as_churned": [7.0, 8.0],
                                               "kaplan_meier_rmst": [9.0, 11.0]}, index=CHANNELS),), {}),
    "plot_clv_by_segment": ((pd.DataFrame({"clv": [120.0, 90.0], "monthly_margin": [10.0, 9.0],
                                           "discounted_lifetime_months": [12.0, 10.0]}, index=CHANNELS),), {}),
    "plot_customer_timelines": ((pd.DataFrame({
        "customer_id": ["a", "b"], "signup_date": pd.to_datetime(["2025-01-01", "2025-02-01"]),
        "cancel_date": pd.to_datetime(["2025-03-01", None]), "churned": [True, False]}), "2025-06-30"), {}),
    "plot_holdout_by_frequency": ((pd.DataFrame({"actual": [0.2, 0.8], "predicted": [0.25, 0.7]}, index=[0, 1]),), {}),
    "plot_cumulative_tracking": ((_tracking(),), {}),
    "plot_incremental_tracking": ((_tracking(),), {}),
    "plot_probability_alive": ((pd.DataFrame([[1.0, np.nan], [0.3, 0.9]], index=[0, 1], columns=[0.0, 10.0]),), {}),
    "plot_repeat_purchase_histogram": ((pd.DataFrame({"actual": [60.0, 25.0, 15.0], "expected": [58.0, 27.0, 15.0]}),), {}),
    "plot_alive_path": ((pd.DataFrame({"time": [0.0, 1.0, 2.0, 3.0], "frequency": [0, 0, 1, 1],
                                       "p_alive": [1.0, 0.9, 0.75, 0.7],
                                       "purchase": [True, False, True, False]}),), {}),
    "plot_score_counts": ((_scores(),), {}),
    "plot_rfm_grid": ((pd.crosstab(_scores()["r_score"], _scores()["f_score"]),), {}),
    "plot_pareto_curve": ((pd.DataFrame({"customer_share": [0.0, 0.5, 1.0], "value_share": [0.0, 0.8, 1.0]}),), {}),
    "plot_segment_profiles": ((pd.DataFrame({"share_of_customers": [0.3, 0.7], "share_of_value": [0.6, 0.4],
                                             "mean_value": [200.0, 57.0], "mean_churn_risk": [0.1, 0.4]},
                                            index=["loyal", "new"]),), {}),
    "plot_cac_by_month": ((_monthly(),), {}),
    "plot_ltv_to_cac": ((pd.DataFrame({"ltv_to_cac": [4.0, 1.5], "ltv_to_cac_lower": [3.0, 1.0],
                                       "ltv_to_cac_upper": [5.0, 2.0]}, index=CHANNELS),), {}),
    "plot_cac_vs_clv": ((pd.DataFrame({"cac": [30.0, 50.0], "clv": [120.0, 60.0]}, index=CHANNELS),), {}),
    "plot_payback_curves": ((pd.DataFrame({"channel": ["search"] * 3, "months": [1, 2, 3],
                                           "cumulative_discounted_margin": [10.0, 20.0, 30.0]}),
                             pd.DataFrame({"cac": [20.0], "payback_months": [2]}, index=["search"])), {}),
    "plot_ltv_to_cac_by_horizon": ((pd.DataFrame({"channel": ["search"] * 3, "months": [1, 2, 3],
                                                  "ltv_to_cac": [0.5, 1.0, 1.5]}),), {}),
    "plot_budget_scenario": ((pd.DataFrame({"spend_baseline": [100.0, 50.0, 150.0], "spend_scenario": [120.0, 30.0, 150.0],
                                            "value_minus_spend_baseline": [80.0, 10.0, 90.0],
                                            "value_minus_spend_scenario": [90.0, 5.0, 95.0]},
                                           index=CHANNELS + ["total"]),), {}),
    "plot_kpi_trends": ((pd.DataFrame({"active_subscribers": [100, 110], "mrr": [1000.0, 1100.0],
                                       "new_subscribers": [20, 25], "cancellations": [10, 15],
                                       "shop_revenue": [500.0, 600.0]},
                                      index=pd.to_datetime(["2025-01-31", "2025-02-28"])),), {}),
    "plot_ltv_to_cac_bars": ((pd.DataFrame({"ltv_to_cac": [4.0, 1.5], "cac": [30.0, 50.0]}, index=CHANNELS),), {}),
    "plot_segment_shares": ((pd.DataFrame({"share": [0.6, 0.4], "previous_share": [0.5, 0.5]}, index=["active", "lapsed"]),
                             "Share by stage"), {}),
    "plot_forest": ((_ratios(),), {}),
    "plot_stage_counts": ((pd.DataFrame({"acquired": [5, 2], "lapsed": [0, 3]}, index=pd.to_datetime(["2024-01-31", "2024-02-29"])),), {}),
    "plot_stage_flows": ((pd.DataFrame([[3, 1], [0, 2]], index=["acquired", "lapsed"], columns=["acquired", "lapsed"]),), {}),
    "plot_silo_view": ((pd.DataFrame({"mean_value": [100.0, 40.0, 140.0]}, index=["subs", "shop", "both"]),), {}),
    "plot_referral_credit": ((pd.DataFrame({"own_value": [100.0, 50.0], "referred_value": [80.0, 20.0]}, index=["S1", "S2"]),), {}),
    "plot_clv_interval_coverage": ((pd.DataFrame({"coverage": [0.49, 0.88], "std_error": [0.02, 0.01]},
                                                 index=pd.Index([0.5, 0.9], name="level")),), {}),
    "plot_lever_gains": ((pd.DataFrame({"gain_per_customer": [12.0, 3.0], "cost_per_customer": [5.0, 1.0],
                                        "gain_per_customer_lower": [8.0, np.nan],
                                        "gain_per_customer_upper": [15.0, np.nan]}, index=["price", "frequency"]),), {}),
    "plot_price_test_survival": ((pd.DataFrame({"arm": ["a", "a", "b", "b"], "months_since_signup": [1, 2, 1, 2],
                                                "survival": [0.9, 0.8, 0.85, 0.7],
                                                "sbg": [0.9, 0.81, 0.84, 0.71]}),), {}),
    "plot_keep_vs_win": ((pd.DataFrame({"cost_to_keep": [100.0, 300.0], "cac": [65.0, 65.0]}, index=[0, 12]),), {}),
    "plot_targeting": ((pd.DataFrame({"value_saved_per_dollar": [1.6, 1.2]}, index=["at stake", "loyal"]),), {}),
    "plot_calibration_by_decile": (({"model": pd.DataFrame({"mean_predicted": [1.0, 5.0], "mean_actual": [1.5, 4.0]})},), {}),
    "plot_lift_chart": (({"model": pd.DataFrame({"share_contacted": [0.5, 1.0], "share_of_events_caught": [0.8, 1.0]})},), {}),
    "plot_monitoring": ((pd.DataFrame({"period_end": pd.to_datetime(["2025-01-31", "2025-02-28"]),
                                       "predicted_frozen": [100.0, 90.0], "predicted_refitted": [100.0, 95.0],
                                       "lower_95": [80.0, 71.0], "upper_95": [120.0, 109.0], "actual": [98, 130],
                                       "outside_band": [False, True]}),), {}),
}

# Multi-panel figures: the grid of Axes they draw on.
PANELS = {"plot_score_counts": (1, 3), "plot_kpi_trends": (2, 2)}


# --------------------------------------------------------------------------- the rules


def test_the_plots_package_is_found():
    assert {"survival", "retention", "forest", "segments", "executive"} <= {m for m, _ in FUNCTIONS}
    assert len(FUNCTIONS) >= 30


@pytest.mark.parametrize(("module", "function"), FUNCTIONS, ids=IDS)
def test_figure_functions_are_named_plot_and_take_an_ax(module, function):
    assert function.__name__.startswith("plot_"), f"clvlib.plots.{module}.{function.__name__}: name it plot_<what>"
    assert "ax" in inspect.signature(function).parameters, f"{function.__name__} takes no ax"
    assert _returns(function) in ("Axes", "Figure"), (
        f"{function.__name__}: annotate -> Axes, or -> Figure for several panels"
    )


def test_every_figure_has_a_small_example():
    assert sorted(fn.__name__ for _, fn in FUNCTIONS) == sorted(CALLS)


@pytest.mark.parametrize(("module", "function"), FUNCTIONS, ids=IDS)
def test_draws_on_the_given_ax_and_returns_it(module, function):
    args, kwargs = CALLS[function.__name__]
    if _returns(function) == "Figure":
        fig, axes = plt.subplots(*PANELS[function.__name__])
        assert function(*args, ax=axes, **kwargs) is fig
        assert all(ax.has_data() for ax in np.ravel(axes))
    else:
        fig, ax = plt.subplots()
        assert function(*args, ax=ax, **kwargs) is ax
        assert ax.has_data()
        assert len(fig.axes) <= 2  # the given Axes (and at most its colour bar): no stray figure


@pytest.mark.parametrize(("module", "function"), FUNCTIONS, ids=IDS)
def test_without_an_ax_a_new_figure_is_made(module, function):
    args, kwargs = CALLS[function.__name__]
    result = function(*args, **kwargs)
    assert isinstance(result, Figure if _returns(function) == "Figure" else Axes)


# --------------------------------------------------------------------------- the numbers drawn


def test_survival_curves_draw_the_table_as_steps_with_bands():
    table = _survival_table()
    ax = plot_survival_curves(table)
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"plan A", "plan B"}
    np.testing.assert_array_equal(lines["plan A"].get_xdata(), [0.0, 1.0, 3.0])
    np.testing.assert_array_equal(lines["plan A"].get_ydata(), [1.0, 0.5, 0.25])
    assert lines["plan A"].get_drawstyle() == "steps-post"
    assert len(ax.collections) == 2  # one band per curve
    assert ax.get_xlim() == (0.0, 3.0)
    assert ax.get_ylim() == (0.0, 1.02)


def test_survival_curves_draw_the_observed_curve_as_black_points():
    table = pd.concat({"actual": pd.Series([100.0, 60.0]), "model": pd.Series([100.0, 65.0])}, names=["curve", "t"])
    ax = plot_survival_curves(table.to_frame("survival"), observed="actual", steps=False, share=False, fitted_on=(0, 1))
    actual = next(line for line in ax.get_lines() if line.get_label() == "actual")
    assert actual.get_linestyle() == "None" and actual.get_marker() == "o"
    assert to_hex(actual.get_color()) == "#000000"
    assert ax.get_ylabel() == "customers still active"


def test_survival_table_without_survival_column_is_refused_in_plain_english():
    with pytest.raises(ValueError, match="'survival' column"):
        plot_survival_curves(pd.DataFrame({"S": [1.0]}))


def _polygon_area(vertices: np.ndarray) -> float:
    x, y = vertices[:, 0], vertices[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))))


def test_rmst_area_shades_exactly_the_restricted_mean():
    # S = 1 on [0, 1), 0.5 on [1, 3): the area up to 2 months is 1 x 1 + 0.5 x 1 = 1.5 months.
    ax = plot_rmst_area(_survival_table().loc[["plan A"]], horizon_months=2.0)
    (area,) = ax.collections
    assert _polygon_area(area.get_paths()[0].vertices) == pytest.approx(1.5)


def test_forest_plot_puts_the_first_row_on_top_and_colours_by_interval():
    ax = plot_forest(_ratios(), xlabel="hazard ratio")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["age", "referral", "promo"]
    dots = ax.collections[-1]
    np.testing.assert_array_equal(dots.get_offsets()[:, 0], [1.1, 0.5, 2.0])
    colours = [to_hex(c) for c in dots.get_facecolors()]
    assert colours == [to_hex("grey"), PALETTE[2], PALETTE[3]]  # includes 1, below 1, above 1
    assert ax.get_xscale() == "log"


def test_forest_plot_names_missing_columns():
    with pytest.raises(ValueError, match="no odds_ratio column"):
        plot_forest(_ratios(), estimate="odds_ratio")


def test_signups_and_spend_are_the_monthly_table_drawn():
    ax = plot_signups_by_month(_monthly())
    heights = sorted(int(p.get_height()) for p in ax.patches)
    # Month 2025-02 has 2 + 0 signups: zero-height bars are still drawn; every month appears.
    assert heights == sorted([4, 2, 3, 1, 0, 2])
    ax = plot_spend_by_channel(_monthly())
    spend = {line.get_label(): list(line.get_ydata()) for line in ax.get_lines()}
    assert spend == {"search": [100.0, 80.0, 90.0], "social": [50.0, 40.0, 60.0]}


def test_ltv_to_cac_figures_take_the_rule_of_thumb_from_acquisition():
    ax = plot_ltv_to_cac_bars(pd.DataFrame({"ltv_to_cac": [4.0, 2.5], "cac": [30.0, 50.0],
                                            "payback_months": [12.0, None]}, index=CHANNELS))
    (rule,) = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert rule.get_xdata()[0] == RULE_OF_THUMB_LTV_TO_CAC  # drawn as a reference line
    bars = {t.get_text(): to_hex(p.get_facecolor()) for t, p in zip(ax.get_yticklabels(), ax.patches, strict=True)}
    assert bars == {"search": PALETTE[2], "social": PALETTE[3]}  # colour = pays back within the horizon, not 3:1
    ax = plot_ltv_to_cac(CALLS["plot_ltv_to_cac"][0][0])
    labels = [line.get_label() for line in ax.get_lines()]
    assert f"{RULE_OF_THUMB_LTV_TO_CAC:g}:1 rule of thumb" in labels


def test_survival_curves_draw_a_lifelines_kaplan_meier_table_as_documented():
    # Four customers: churn at 1 and 2, active at 3, churn at 4. By hand S = 1, 3/4, 1/2, 1/2, 0.
    from lifelines import KaplanMeierFitter

    km = KaplanMeierFitter(label="all").fit([1.0, 2.0, 3.0, 4.0], [True, True, False, True])
    table = pd.concat({"all": km.survival_function_.join(km.confidence_interval_survival_function_)
                       .set_axis(["survival", "lower", "upper"], axis=1)}, names=["curve", "months"])
    ax = plot_survival_curves(table)
    (line,) = ax.get_lines()
    np.testing.assert_allclose(line.get_xdata(), [0, 1, 2, 3, 4])
    np.testing.assert_allclose(line.get_ydata(), [1, 0.75, 0.5, 0.5, 0])
    assert len(ax.collections) == 1  # the 95% band


def test_repeat_purchase_histogram_draws_both_columns_and_labels_the_pooled_bin():
    from clvlib.plots.bgnbd import plot_repeat_purchase_histogram

    table = pd.DataFrame({"actual": [60.0, 25.0, 15.0], "expected": [58.0, 27.0, 15.0]})
    table.attrs.update(max_count=2, model="BetaGeoNBD")
    ax = plot_repeat_purchase_histogram(table)
    heights = [p.get_height() for p in ax.patches]
    assert heights == [60.0, 25.0, 15.0, 58.0, 27.0, 15.0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1", "2+"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["actual", "BetaGeoNBD expected"]


def test_alive_path_is_drawn_in_stretches_between_purchases_with_the_purchases_marked():
    from clvlib.plots.bgnbd import plot_alive_path
    path = CALLS["plot_alive_path"][0][0]
    ax = plot_alive_path(path)
    lines = ax.get_lines()
    np.testing.assert_array_equal(lines[0].get_ydata(), [1.0, 0.9])  # before the repeat purchase
    np.testing.assert_array_equal(lines[1].get_ydata(), [0.75, 0.7])  # after it: a jump, not a slope
    marks = [line for line in lines if line.get_label() == "purchase"]
    np.testing.assert_array_equal(marks[0].get_xdata(), [0.0, 2.0])
    np.testing.assert_array_equal(marks[0].get_ydata(), [1.0, 0.75])
