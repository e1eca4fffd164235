"""Decimal and thousands marks: each file says how it writes numbers, and nothing is guessed.

A ';' or tab file is where decimal commas live, so there a value such as 1,250 could be
1250 or 1.25: without a ``thousands`` setting it is refused with a message naming the
setting. The values below are checked against hand-written expectations.
"""

from __future__ import annotations

import pandas as pd
import pytest

from clvlib.data import DataValidationError, load_dataset, load_orders, load_table
from clvlib.data.sources import TableSource
from clvlib.data.validation import ambiguous_grouping, parse_amounts


def orders_file(tmp_path, values: list[str], separator: str = ";"):
    path = tmp_path / "orders.csv"
    lines = [separator.join(["customer_id", "order_date", "order_value"])]
    lines += [separator.join([f"C{i}", "2025-03-01", v]) for i, v in enumerate(values)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def message(call, *args, **kwargs) -> str:
    with pytest.raises(DataValidationError) as info:
        call(*args, **kwargs)
    return str(info.value)


@pytest.mark.parametrize(
    "text, decimal, thousands, number",
    [
        ("35,70", ",", None, 35.70), ("1.250,50", ",", ".", 1250.50), ("1.250.000", ",", ".", 1_250_000.0),
        ("1250,5", ",", ".", 1250.5), ("1.5", ",", ".", None), ("1.5", ",", None, None), ("7 €", ",", None, 7.0),
        ("1 250,00", ",", " ", 1250.0), ("1\u202f250,00", ",", " ", 1250.0), ("1\u00a0250,00", ",", " ", 1250.0),
        ("1\u00a0250\u00a0000", ",", " ", 1_250_000.0), ("1 250,00", ",", None, None),
        ("1'250.75", ".", "'", 1250.75), ("12,50", ".", ",", None), ("1,250", ".", ",", 1250.0),
        ("12.5", ".", None, 12.5), ("1,250", ".", None, None), ("-3,5", ",", None, -3.5),
    ],
)
def test_numbers_are_read_with_the_marks_the_file_declares(text, decimal, thousands, number):
    parsed = parse_amounts(pd.Series([text]), decimal, thousands).iloc[0]
    assert (pd.isna(parsed) if number is None else parsed == pytest.approx(number)), (text, parsed)


def test_only_values_that_could_be_grouped_are_ambiguous():
    text = pd.Series(["1,250", "12,500", "1,250,000.5", "7,5", "1,25", "12.50", "1250"])
    assert ambiguous_grouping(text, ".", None).tolist() == [True, True, True, False, False, False, False]
    assert not ambiguous_grouping(text, ".", ",").any()
    assert ambiguous_grouping(pd.Series(["1.250", "1.250,5", "1,5", "12.5"]), ",", None).tolist() == [
        True, True, False, False]


@pytest.mark.parametrize("separator", [";", "\t"])
def test_a_possible_thousands_grouping_in_a_semicolon_or_tab_file_is_refused_naming_the_setting(tmp_path, separator):
    """The issue's silent x1000: 1,250 and 12,500 read as 1250 and 12500 while 7,5 was refused."""
    path = orders_file(tmp_path, ["1,250", "12,500", "7,5", "20"], separator)
    text = message(load_orders, path, separator=separator)
    assert "column 'order_value': 2 rows could be thousands-grouped numbers (is 1,250 1250 or 1.25?)" in text
    assert "set thousands: ',' (1,250 = 1250) or decimal: ',' (1,250 = 1.25)" in text
    assert "line 2 (customer_id='C0', order_value='1,250'); line 3 (customer_id='C1', order_value='12,500')" in text
    assert "1 row is not a number (write e.g. 12.50 or 1,200.00)" in text
    assert "if this file writes decimal commas (7,5), set decimal: ',' in data_source.orders" in text
    # Each reading the user can choose gives its own numbers.
    assert load_orders(path, separator=separator, decimal=",")["order_value"].tolist() == [1.25, 12.5, 7.5, 20.0]
    as_thousands = orders_file(tmp_path, ["1,250", "12,500", "20"], separator)
    assert load_orders(as_thousands, separator=separator, thousands=",")["order_value"].tolist() == [1250.0, 12500.0, 20.0]


def test_a_comma_file_keeps_reading_quoted_thousands_and_refusing_decimal_commas(tmp_path):
    path = orders_file(tmp_path, ['"$1,250.00"', '"12,50"'], ",")
    text = message(load_orders, path)
    assert "1 row is not" in text and "order_value='12,50'" in text and "thousands-grouped" not in text
    ok = orders_file(tmp_path, ['"$1,250.00"', "12.50"], ",")
    assert load_orders(ok)["order_value"].tolist() == [1250.0, 12.5]


def test_with_a_decimal_comma_a_point_grouping_needs_the_thousands_setting(tmp_path):
    path = orders_file(tmp_path, ["1.250,00", "35,70"])
    text = message(load_orders, path, separator=";", decimal=",")
    assert "1 row could be a thousands-grouped number (is 1.250 1250 or 1.25?)" in text
    assert "set thousands: '.' (1.250 = 1250)" in text
    assert load_orders(path, separator=";", decimal=",", thousands=".")["order_value"].tolist() == [1250.0, 35.7]


def test_every_numeric_column_follows_the_tables_marks(tmp_path):
    subs = tmp_path / "subs.csv"
    subs.write_text("customer_id;signup_date;cancel_date;plan;monthly_revenue;channel;age_years\n"
                    "S1;2025-01-05;;basic;15,50;search;31,5\n", encoding="utf-8")
    table = load_table("subscriptions", subs, separator=";", decimal=",")
    assert table[["monthly_revenue", "age_years"]].iloc[0].tolist() == [15.5, 31.5]


@pytest.mark.parametrize(
    "spec, expected",
    [
        ({"decimal": ";"}, "has decimal ';': write decimal: '.' (12.50) or decimal: ',' (12,50)"),
        ({"thousands": "_"}, "has thousands '_': write one of ',', '.', ' ', \"'\""),
        ({"decimal": ",", "thousands": ","}, "has the same mark ',' for decimal and thousands"),
    ],
)
def test_bad_marks_in_the_settings_are_problems_naming_the_table(spec, expected):
    text = message(load_dataset, {"orders": spec})
    assert "data_source.orders " + expected in text


def test_the_grouping_in_effect():
    assert TableSource("x.csv").grouping() == ","  # a comma in a comma file only survives in quotes
    assert TableSource("x.csv", separator=";").grouping() is None
    assert TableSource("x.csv", decimal=",").grouping() is None
    assert TableSource("x.csv", separator="\t", thousands=".", decimal=",").grouping() == "."
