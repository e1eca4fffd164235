"""Display copies of tables: money with its currency, shares as %, nothing else changed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clvlib.course.tables import readable


def test_money_and_shares_are_formatted_and_other_floats_rounded():
    table = pd.DataFrame({"cac": [34.786842, np.nan], "share": [0.1190, 0.0405], "months": [35.967742, 2.0],
                          "customers": [1292, 671]}, index=["affiliate", "referral"])
    shown = readable(table, money=["cac"], shares=["share"])
    assert shown["cac"].tolist() == ["$34.79", "n/a"]
    assert shown["share"].tolist() == ["11.9%", "4.0%"]
    assert shown["months"].tolist() == [35.97, 2.0] and shown["customers"].tolist() == [1292, 671]
    assert table.at["affiliate", "cac"] == 34.786842  # the original is untouched
    assert readable(table, money=["cac"], money_code="EUR").at["affiliate", "cac"] == "€34.79"


def test_a_column_the_table_lacks_is_named():
    with pytest.raises(ValueError, match="no column 'price'.*it has cac"):
        readable(pd.DataFrame({"cac": [1.0]}), money=["price"])


def test_dollar_amounts_in_text_take_the_currency_and_its_placement():
    from clvlib.course.tables import in_currency

    text = "base $1,200, closed form $114.58, loss -$3 and $ alone"
    assert in_currency(text, "EUR") == "base €1,200, closed form €114.58, loss -€3 and $ alone"
    assert in_currency(text, "DKK") == "base 1,200 kr., closed form 114.58 kr., loss -3 kr. and $ alone"
    assert in_currency(text, "usd") == text
    assert in_currency(r"CLV \$114.58", "EUR") == "CLV €114.58"  # matplotlib's escaped dollar


def test_a_figure_drawn_in_dollars_shows_the_lesson_currency():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from clvlib.course.tables import figure_in_currency
    from clvlib.plots.formulas import plot_discounted_cash_flows

    ax = plot_discounted_cash_flows([160, 160, 160], [0.91, 0.83, 0.75])
    ax.set_title("worth $1,234.50 today")
    figure_in_currency(ax.figure, "SEK")
    ax.figure.canvas.draw()
    ticks = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert ticks and all(t.endswith(" kr") and "$" not in t for t in ticks), ticks
    assert ax.get_ylabel() == "SEK" and ax.get_title() == "worth 1,234.50 kr today"
    assert not any("kr" in t.get_text() for t in ax.get_xticklabels())  # the period axis is not money
    plt.close(ax.figure)
