"""Lesson 01's CLV calculator: sliders for the inputs, CLV, payback and the tornado redrawn as they move.

The numbers come from :func:`calculator_figures`, a pure function on
:mod:`clvlib.analysis.formulas` (the retention formula with the signup payment counted,
payback, sensitivity), so the calculator shows exactly what section 4 to 6 of the lesson
compute. :func:`show_calculator` wires it to ipywidgets when a front-end can draw widgets
(JupyterLab, Notebook 7, VS Code) and otherwise, under papermill, nbval or in the HTML,
shows the same figures once, as a static tornado chart.

>>> figures = calculator_figures(CalculatorInputs(order_value=25, orders_per_month=1, gross_margin_rate=0.4,
...                                               retention_rate_monthly=0.92, discount_rate_annual=0.10,
...                                               acquisition_cost=70))
>>> round(figures.clv, 2), round(figures.payback_months, 1), figures.tornado.index[0]
(114.58, 10.3, 'order_value')
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace

import matplotlib.pyplot as plt
import pandas as pd

from clvlib.analysis import formulas
from clvlib.core.money import DEFAULT_CURRENCY, Currency, currency
from clvlib.core.units import convert_rate
from clvlib.course.tables import figure_in_currency
from clvlib.plots.formulas import plot_tornado

# What each input is called on the sliders and the tornado's bars.
LABELS = {
    "order_value": "order value",
    "orders_per_month": "orders per month",
    "gross_margin_rate": "gross margin rate",
    "retention_rate_monthly": "monthly churn (as retention)",
    "discount_rate_annual": "yearly discount rate",
}
# Slider (low, high, step) per input; acquisition cost only moves payback, so it has no tornado bar.
SLIDERS = {
    "order_value": (1.0, 200.0, 1.0),
    "orders_per_month": (0.1, 4.0, 0.1),
    "gross_margin_rate": (0.05, 1.0, 0.01),
    "retention_rate_monthly": (0.5, 0.99, 0.005),
    "discount_rate_annual": (0.0, 0.3, 0.005),
    "acquisition_cost": (0.0, 500.0, 5.0),
}


@dataclass(frozen=True)
class CalculatorInputs:
    """The calculator's inputs: money per order, orders a month, shares and rates between 0 and 1."""

    order_value: float
    orders_per_month: float
    gross_margin_rate: float
    retention_rate_monthly: float
    discount_rate_annual: float
    acquisition_cost: float


@dataclass(frozen=True)
class CalculatorFigures:
    """What the calculator shows: CLV (signup payment counted), payback months and the tornado table."""

    monthly_margin: float
    clv: float
    payback_months: float
    tornado: pd.DataFrame


def clv_from_inputs(order_value, orders_per_month, gross_margin_rate, retention_rate_monthly,
                    discount_rate_annual) -> float:
    """CLV counting the signup payment: the retention formula on margin = order value x orders x margin rate.

    >>> round(clv_from_inputs(25, 1, 0.4, 0.92, 0.10), 2)
    114.58
    """
    margin = order_value * orders_per_month * gross_margin_rate
    return formulas.retention_clv(margin, retention_rate_monthly, convert_rate(discount_rate_annual, "year", "month"),
                                  include_first_payment=True)


def calculator_figures(inputs: CalculatorInputs, change: float = 0.10) -> CalculatorFigures:
    """CLV, payback and the tornado table for ``inputs``; each tornado input moves by +-``change``.

    Retention moves through its churn (92% retention: churn 8% +- 10%), and the margin rate
    stops at 100%, so every moved value stays possible.
    """
    values = asdict(inputs)
    clv_inputs = {k: v for k, v in values.items() if k != "acquisition_cost"}
    churn = 1 - inputs.retention_rate_monthly
    ranges = {
        "retention_rate_monthly": (1 - churn * (1 + change), 1 - churn * (1 - change)),
        "gross_margin_rate": (inputs.gross_margin_rate * (1 - change), min(1.0, inputs.gross_margin_rate * (1 + change))),
    }
    tornado = formulas.sensitivity(clv_from_inputs, clv_inputs, change=change, ranges=ranges)
    margin = inputs.order_value * inputs.orders_per_month * inputs.gross_margin_rate
    payback = formulas.payback_periods(inputs.acquisition_cost, margin, inputs.retention_rate_monthly,
                                       convert_rate(inputs.discount_rate_annual, "year", "month"))
    return CalculatorFigures(margin, float(tornado["base_clv"].iloc[0]), payback, tornado)


def summary_line(figures: CalculatorFigures, money_code: str | Currency = DEFAULT_CURRENCY) -> str:
    """One sentence: the monthly margin, the CLV and the payback of ``figures``.

    >>> f = CalculatorFigures(10.0, 114.583, 9.1, pd.DataFrame())
    >>> summary_line(f, "EUR")
    'Margin €10.00 a month → CLV €114.58 (signup payment counted); pays back its acquisition cost in 9.1 months.'
    """
    unit = currency(money_code)
    payback = ("never pays back its acquisition cost (churn and discounting cap the total)"
               if figures.payback_months == float("inf")
               else f"pays back its acquisition cost in {figures.payback_months:.1f} months")
    return (f"Margin {unit.format(figures.monthly_margin, decimals=2)} a month → CLV "
            f"{unit.format(figures.clv, decimals=2)} (signup payment counted); {payback}.")


def draw(figures: CalculatorFigures, money_code: str | Currency = DEFAULT_CURRENCY, ax=None):
    """The tornado of ``figures`` on ``ax`` (or a new one), titled with the CLV and payback, money in ``money_code``."""
    ax = plot_tornado(figures.tornado, ax=ax, labels=LABELS)
    # two $ signs in one matplotlib text would typeset the words between them as maths
    ax.set_title(summary_line(figures, money_code).replace("; ", "\n").replace("$", r"\$"), fontsize=9)
    figure_in_currency(ax.figure, money_code)
    return ax


def widget_frontend_connected(environ: Mapping[str, str] | None = None, user_namespace: Mapping | None = None) -> bool:
    """Whether this kernel serves a front-end that draws widgets (else papermill, nbval, nbconvert: no one does).

    Three signs, any one is enough: Jupyter Server (JupyterLab, Notebook 7, Voilà) starts a
    notebook's kernel with ``JPY_SESSION_NAME`` in its environment; VS Code puts
    ``__vsc_ipynb_file__`` in the kernel's namespace; a widget manager that connected after
    ipywidgets was imported has opened its "jupyter.widget.control" channel. Papermill and
    nbclient do none of these. ``environ`` and ``user_namespace`` default to this process's.
    """
    try:
        from ipywidgets import Widget
    except ImportError:  # the course extra is not installed: no widgets at all
        return False
    environ = os.environ if environ is None else environ
    if user_namespace is None:
        shell = _shell()
        user_namespace = shell.user_ns if shell is not None else {}
    return bool(environ.get("JPY_SESSION_NAME") or user_namespace.get("__vsc_ipynb_file__")
                or Widget._control_comm is not None)


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


class Calculator:
    """Sliders for :class:`CalculatorInputs` and an output redrawn by :meth:`update` when one moves."""

    def __init__(self, inputs: CalculatorInputs, money_code: str | Currency = DEFAULT_CURRENCY, change: float = 0.10):
        import ipywidgets as widgets

        self.money, self.change, self.inputs = currency(money_code), change, inputs
        self.sliders = {
            name: widgets.FloatSlider(value=value, min=min(SLIDERS[name][0], value), max=max(SLIDERS[name][1], value),
                                      step=SLIDERS[name][2], description=LABELS.get(name, "acquisition cost"),
                                      continuous_update=False, style={"description_width": "170px"},
                                      readout_format=".3f" if SLIDERS[name][2] < 0.01 else ".2f")
            for name, value in asdict(inputs).items()
        }
        self.output = widgets.Output()
        self.widget = widgets.HBox([widgets.VBox(list(self.sliders.values())), self.output])
        for slider in self.sliders.values():
            slider.observe(lambda _: self.update(), names="value")
        self.update()

    def update(self) -> CalculatorFigures:
        """Read the sliders, recompute, redraw; returns the new figures (also kept in ``self.figures``)."""
        self.inputs = replace(self.inputs, **{name: s.value for name, s in self.sliders.items()})
        self.figures = calculator_figures(self.inputs, self.change)
        self.output.clear_output(wait=True)
        with self.output:
            fig, ax = plt.subplots(figsize=(7, 3.5))
            self.ax = draw(self.figures, self.money, ax=ax)
            plt.show()
        plt.close(fig)
        return self.figures


def show_calculator(inputs: CalculatorInputs, money_code: str | Currency = DEFAULT_CURRENCY, change: float = 0.10,
                    interactive: bool | None = None):
    """Display the calculator, or without a widget front-end its static tornado; returns what was shown.

    ``interactive=None`` asks :func:`widget_frontend_connected`; the return value is the
    :class:`Calculator` or, in the static case, the Axes of the tornado.
    """
    from IPython.display import display

    if interactive is None:
        interactive = widget_frontend_connected()
    if interactive:
        calculator = Calculator(inputs, money_code, change)
        display(calculator.widget)
        return calculator
    ax = draw(calculator_figures(inputs, change), money_code)
    plt.show()
    return ax
