"""Tables and figures as a learner reads them: money in the lesson's currency, shares as %, numbers rounded.

A lesson computes with full-precision tables and shows :func:`readable` copies, so a page
never prints ``34.786842`` or ``np.float64(...)``. The copy is for display only: its money
and share columns are text. :func:`show_figure` draws the current figure with its dollar
axes and labels in the lesson's ``currency`` (the figure functions of :mod:`clvlib.plots`
draw dollars), so a lesson on euro data shows € in its charts as in its tables.

>>> cac = pd.DataFrame({"spend": [44944.6], "new_customers": [1292], "cac": [34.786842]}, index=["affiliate"])
>>> readable(cac, money=["spend", "cac"])
                spend  new_customers     cac
affiliate  $44,944.60           1292  $34.79
>>> readable(pd.DataFrame({"churn_rate": [0.1190, 0.0405]}), shares=["churn_rate"])
  churn_rate
0      11.9%
1       4.0%
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter

from clvlib.core.money import DEFAULT_CURRENCY, Currency, currency

_DOLLAR_AMOUNT = re.compile(r"(-?)\\?\$(\d+(?:,\d{3})*(?:\.\d+)?)")  # also matplotlib's escaped \$


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def readable(
    table: pd.DataFrame,
    money: Sequence[str] = (),
    shares: Sequence[str] = (),
    decimals: int = 2,
    money_code: str | Currency = DEFAULT_CURRENCY,
) -> pd.DataFrame:
    """A display copy of ``table``: ``money`` columns as $1,234.50, ``shares`` as 12.3%, other floats rounded.

    Raises ValueError naming the columns that ``table`` does not have.
    """
    absent = [c for c in [*money, *shares] if c not in table.columns]
    if absent:
        raise ValueError(f"readable: the table has no column {', '.join(map(repr, absent))} "
                         f"(it has {', '.join(map(str, table.columns))}).")
    unit = currency(money_code)
    shown = table.copy()
    for column in money:
        shown[column] = [("n/a" if _missing(v) else unit.format(float(v), decimals=decimals)) for v in table[column]]
    for column in shares:
        shown[column] = [("n/a" if _missing(v) else f"{float(v):.1%}") for v in table[column]]
    other_floats = [c for c in shown.columns if c not in (*money, *shares) and pd.api.types.is_float_dtype(shown[c])]
    shown[other_floats] = shown[other_floats].round(decimals)
    return shown


def in_currency(text: str, money_code: str | Currency = DEFAULT_CURRENCY) -> str:
    """``text`` with every dollar amount ($1,234.50) written in ``money_code``, digits unchanged.

    >>> in_currency("base $1,200, closed form $114.58", "SEK")
    'base 1,200 kr, closed form 114.58 kr'
    """
    unit = currency(money_code)
    def write(match: re.Match) -> str:
        sign, digits = match.groups()
        return f"{sign}{unit.symbol}{digits}" if unit.symbol_first else f"{sign}{digits} {unit.symbol}"
    return _DOLLAR_AMOUNT.sub(write, text)


def figure_in_currency(figure: Figure, money_code: str | Currency = DEFAULT_CURRENCY) -> Figure:
    """``figure`` with its dollar tick labels, titles, labels and legends in ``money_code``; returns it.

    An axis counts as money when its tick formatter writes 1000 as "$1,000"; an axis label
    that says just "dollars" becomes the currency's code.
    """
    unit = currency(money_code)
    if unit.symbol == "$":
        return figure
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            formatter = axis.get_major_formatter()
            if isinstance(formatter, FuncFormatter) and str(formatter(1000.0, 0)).startswith("$"):
                axis.set_major_formatter(FuncFormatter(lambda v, _: unit.axis_label(v)))
    for text in figure.findobj(Text):
        words = text.get_text()
        text.set_text(unit.code if words == "dollars" else in_currency(words, unit))
    return figure


def show_figure(money_code: str | Currency = DEFAULT_CURRENCY) -> None:
    """Show the current figure (``plt.show()``) with its money in ``money_code``."""
    figure_in_currency(plt.gcf(), money_code)
    plt.show()
