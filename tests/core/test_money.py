"""clvlib.core.money: one way to write an amount, per currency."""

from __future__ import annotations

import pytest

from clvlib.core.money import CURRENCIES, currency


@pytest.mark.parametrize("code, amount, expected", [
    ("USD", 1234.5, "$1,234"), ("USD", 61.9, "$61.90"), ("USD", 0.004, "$0.00"), ("USD", -250.0, "-$250"),
    ("EUR", 165.0, "€165"), ("EUR", 61.9, "€61.90"), ("GBP", 1e6, "£1,000,000"),
    ("SEK", 1500.0, "1,500 kr"), ("CHF", 99.5, "CHF\u00a099.50"),
])
def test_amounts_by_hand(code, amount, expected):
    assert currency(code).format(amount) == expected


def test_axis_labels_are_whole_units_and_nan_is_na():
    assert currency("EUR").axis_label(1234.56) == "€1,235"
    assert currency("EUR").format(float("nan")) == "n/a"


def test_an_unknown_code_lists_the_known_ones():
    with pytest.raises(ValueError, match="Unknown currency 'EURO'.*USD, EUR"):
        currency("EURO")
    assert currency(" eur ") is CURRENCIES["EUR"] and currency(CURRENCIES["GBP"]) is CURRENCIES["GBP"]
