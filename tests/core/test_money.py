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


@pytest.mark.parametrize("code, amount, expected", [
    # The cents rule switches at exactly 100: $100 is whole units, $99.99 still shows cents.
    ("USD", 100.0, "$100"), ("USD", -100.0, "-$100"), ("USD", 99.99, "$99.99"),
    # Below one unit, a positive amount has no minus sign; -1 keeps its sign.
    ("USD", 0.5, "$0.50"), ("USD", -1.0, "-$1.00"), ("USD", 0.0, "$0.00"),
    # A loss of thousands keeps its minus sign and its separator.
    ("USD", -1500.0, "-$1,500"), ("SEK", -1234567.0, "-1,234,567 kr"),
    # An amount that rounds to zero is not shown as a loss.
    ("USD", -0.004, "$0.00"), ("SEK", -0.4, "-0.40 kr"),
])
def test_boundaries_and_losses_by_hand(code, amount, expected):
    assert currency(code).format(amount) == expected


def test_axis_labels_drop_the_cents_of_small_amounts_too():
    # A chart axis from 0 to 50 reads €0, €25, €50, never €25.00.
    assert [currency("EUR").axis_label(v) for v in (0.0, 25.0, 49.6, -12.4)] == ["€0", "€25", "€50", "-€12"]
    assert currency("SEK").axis_label(1234.5) == "1,234 kr"  # round half to even, as the table's amounts
