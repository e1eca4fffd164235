"""Money as people read it: the currency's symbol on the side its readers expect, thousands separated.

One :class:`Currency` per ISO code in :data:`CURRENCIES`; every table, chart axis and sentence
of the report formats amounts through it, so a report on euro data shows € everywhere.
Digits always use the English separators of the rest of the page (1,234.50); only the
symbol and its placement change: ``$1,234``, ``€1,234``, ``£1,234``, ``1,234 kr``.

>>> currency("EUR").format(1234.5), currency("USD").format(61.9), currency("SEK").format(-1500)
('€1,234', '$61.90', '-1,500 kr')
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Currency:
    """A currency's ISO code, symbol and whether the symbol goes before the amount."""

    code: str
    symbol: str
    symbol_first: bool = True

    def format(self, amount: float, decimals: int | None = None) -> str:
        """``amount`` with its symbol; whole units from 100 up, cents below (unless ``decimals`` is given).

        One rule for every table and sentence, so the same amount always reads the same.
        """
        if amount is None or (isinstance(amount, float) and math.isnan(amount)):
            return "n/a"
        if decimals is None:
            decimals = 0 if abs(amount) >= 100 else 2
        digits = f"{abs(amount):,.{decimals}f}"
        sign = "-" if amount < 0 and float(digits.replace(",", "")) != 0 else ""
        return f"{sign}{self.symbol}{digits}" if self.symbol_first else f"{sign}{digits} {self.symbol}"

    def axis_label(self, amount: float) -> str:
        """Tick label for a chart axis: whole units, thousands separated."""
        return self.format(amount, decimals=0)


CURRENCIES: dict[str, Currency] = {
    "USD": Currency("USD", "$"),
    "EUR": Currency("EUR", "€"),
    "GBP": Currency("GBP", "£"),
    "JPY": Currency("JPY", "¥"),
    "CHF": Currency("CHF", "CHF\u00a0"),
    "SEK": Currency("SEK", "kr", symbol_first=False),
    "NOK": Currency("NOK", "kr", symbol_first=False),
    "DKK": Currency("DKK", "kr.", symbol_first=False),
}
DEFAULT_CURRENCY = "USD"


def currency(code: str | Currency = DEFAULT_CURRENCY) -> Currency:
    """The :class:`Currency` for an ISO code (any case); a Currency is returned as is.

    >>> currency("eur").symbol
    '€'
    """
    if isinstance(code, Currency):
        return code
    found = CURRENCIES.get(str(code).strip().upper())
    if found is None:
        raise ValueError(
            f"Unknown currency {code!r}: use one of {', '.join(CURRENCIES)} (the ISO code of the data's money)."
        )
    return found
