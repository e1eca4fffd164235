"""Lesson 01's CLV calculator: its numbers, its sliders driven without a browser, and its static fallback."""

from __future__ import annotations

import math

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from clvlib.course import calculator  # noqa: E402
from clvlib.course.calculator import CalculatorInputs, calculator_figures  # noqa: E402

LESSON = CalculatorInputs(order_value=25, orders_per_month=1, gross_margin_rate=0.4, retention_rate_monthly=0.92,
                          discount_rate_annual=0.10, acquisition_cost=70)


def _brute_clv(margin, retention, discount_annual, months=5000):
    d = (1 + discount_annual) ** (1 / 12) - 1
    return sum(margin * (retention / (1 + d)) ** t for t in range(months))


def _brute_payback(cost, margin, retention, discount_annual):
    """First real n where the expected discounted margin of months 0..n-1 reaches the cost, by bisection."""
    q = retention / (1 + discount_annual) ** (1 / 12)
    low, high = 0.0, 1000.0
    for _ in range(100):
        mid = (low + high) / 2
        low, high = (mid, high) if margin * (1 - q**mid) / (1 - q) < cost else (low, mid)
    return high


def test_the_figures_are_the_long_sums_of_the_lesson():
    figures = calculator_figures(LESSON)
    assert figures.monthly_margin == pytest.approx(10.0)
    assert figures.clv == pytest.approx(_brute_clv(10.0, 0.92, 0.10), rel=1e-9)
    assert figures.payback_months == pytest.approx(_brute_payback(70, 10.0, 0.92, 0.10), abs=1e-6)
    assert set(figures.tornado.index) == {"order_value", "orders_per_month", "gross_margin_rate",
                                          "retention_rate_monthly", "discount_rate_annual"}
    retention = figures.tornado.loc["retention_rate_monthly"]
    assert (retention["low_value"], retention["high_value"]) == pytest.approx((1 - 0.088, 1 - 0.072))
    assert figures.tornado.loc["order_value", "clv_high"] == pytest.approx(_brute_clv(11.0, 0.92, 0.10), rel=1e-9)


def test_a_margin_rate_near_one_is_not_moved_past_100_percent():
    figures = calculator_figures(CalculatorInputs(25, 1, 0.95, 0.92, 0.10, 70))
    assert figures.tornado.loc["gross_margin_rate", "high_value"] == 1.0


def test_a_cost_the_lifetime_cannot_repay_never_pays_back():
    figures = calculator_figures(CalculatorInputs(25, 1, 0.4, 0.5, 0.10, 500))
    assert math.isinf(figures.payback_months)
    assert "never pays back" in calculator.summary_line(figures)


def test_moving_a_slider_recomputes_and_redraws():
    calc = calculator.Calculator(LESSON, money_code="EUR")
    first = calc.figures.clv
    calc.sliders["retention_rate_monthly"].value = 0.95
    assert calc.figures.clv == pytest.approx(_brute_clv(10.0, 0.95, 0.10), rel=1e-9) and calc.figures.clv > first
    assert f"€{calc.figures.clv:,.2f}" in calc.ax.get_title()
    calc.sliders["acquisition_cost"].value = 140
    assert calc.figures.payback_months == pytest.approx(_brute_payback(140, 10.0, 0.95, 0.10), abs=1e-6)
    assert calc.inputs.acquisition_cost == 140 and calc.inputs.retention_rate_monthly == 0.95
    plt.close("all")


def test_each_sign_of_a_widget_frontend_is_recognised(monkeypatch):
    from ipywidgets import Widget

    monkeypatch.setattr(Widget, "_control_comm", None)
    assert calculator.widget_frontend_connected({}, {}) is False  # papermill, nbval, nbconvert
    assert calculator.widget_frontend_connected({"JPY_SESSION_NAME": "/lab/01_clv_basics.ipynb"}, {}) is True
    assert calculator.widget_frontend_connected({}, {"__vsc_ipynb_file__": "/home/me/01.ipynb"}) is True
    monkeypatch.setattr(Widget, "_control_comm", object())  # a widget manager connected after the import
    assert calculator.widget_frontend_connected({}, {}) is True


def test_without_a_widget_frontend_the_static_tornado_is_shown(monkeypatch):
    from ipywidgets import Widget

    monkeypatch.setattr(Widget, "_control_comm", None)  # papermill, nbval, nbconvert: nobody opened it
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    assert calculator.widget_frontend_connected() is False
    shown = calculator.show_calculator(LESSON, money_code="GBP")
    assert isinstance(shown, matplotlib.axes.Axes)
    assert "£114.58" in shown.get_title() and len(shown.patches) == 10  # 5 inputs, a low and a high bar each
    plt.close("all")


def test_with_a_widget_frontend_the_sliders_are_shown(monkeypatch):
    from ipywidgets import Widget

    monkeypatch.setattr(Widget, "_control_comm", object())  # what JupyterLab opens when it connects
    assert calculator.widget_frontend_connected() is True
    shown = calculator.show_calculator(LESSON)
    assert isinstance(shown, calculator.Calculator) and len(shown.sliders) == 6
    static = calculator.show_calculator(LESSON, interactive=False)  # forced static still draws
    assert r"Margin \$10.00 a month → CLV \$114.58" in static.get_title()  # escaped: no maths between two $
    plt.close("all")


def test_report_kernels_never_inherit_a_jupyterlab_session_name(tmp_path, monkeypatch):
    """`!make report` typed in JupyterLab passes JPY_SESSION_NAME on; the report's kernels must not see
    it, or lesson 01's calculator would draw sliders into an HTML page that cannot show them."""
    import os

    from clvlib.course.runner.execute import _kernel_environment

    monkeypatch.setenv("JPY_SESSION_NAME", "/home/me/notebooks/00_start_here.ipynb")
    with _kernel_environment(tmp_path):
        assert "JPY_SESSION_NAME" not in os.environ
    assert os.environ["JPY_SESSION_NAME"] == "/home/me/notebooks/00_start_here.ipynb", "restored afterwards"
