"""Time units carried by every fitted model.

A model fitted on weekly data predicts weekly quantities. Feeding its parameters a
horizon in months overstated CLV 3.7x in a popular library's quickstart; here each model
keeps its unit and every function that combines two quantities checks them.

Example
-------
>>> from clvlib.core.units import TimeUnit, check_same_unit, convert_periods
>>> check_same_unit(TimeUnit.WEEK, TimeUnit.WEEK, what="horizon")
>>> round(convert_periods(52, TimeUnit.WEEK, TimeUnit.YEAR), 3)
0.997
"""

from __future__ import annotations

from enum import StrEnum


class TimeUnit(StrEnum):
    """The period a model's rates and durations are expressed in."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"

    @property
    def days(self) -> float:
        """Average length of one period in days (a month is 365.25 / 12 days)."""
        return {"day": 1.0, "week": 7.0, "month": 365.25 / 12, "year": 365.25}[self.value]

    @classmethod
    def parse(cls, value: TimeUnit | str) -> TimeUnit:
        """Accept 'week', 'weeks', 'W', 'M', 'month', ... and return the unit."""
        if isinstance(value, TimeUnit):
            return value
        key = str(value).strip().lower().rstrip("s")
        aliases = {"d": "day", "w": "week", "m": "month", "y": "year", "a": "year"}  # "MS" arrives as "m"
        key = aliases.get(key, key)
        try:
            return cls(key)
        except ValueError:
            raise ValueError(
                f"Unknown time unit {value!r}: use one of 'day', 'week', 'month', 'year'."
            ) from None


class UnitMismatchError(ValueError):
    """Two quantities in different time units were combined."""


def check_same_unit(model_unit: TimeUnit | str, other_unit: TimeUnit | str, what: str = "input") -> None:
    """Raise UnitMismatchError naming both units when they differ."""
    a, b = TimeUnit.parse(model_unit), TimeUnit.parse(other_unit)
    if a is not b:
        raise UnitMismatchError(
            f"The model was fitted in {a.value}s but the {what} is in {b.value}s. "
            f"Convert the {what} to {a.value}s (clvlib.core.units.convert_periods) or refit the model."
        )


def convert_periods(n_periods: float, from_unit: TimeUnit | str, to_unit: TimeUnit | str) -> float:
    """Convert a duration from one unit to another using average period lengths."""
    return n_periods * TimeUnit.parse(from_unit).days / TimeUnit.parse(to_unit).days


def convert_rate(rate_per_period: float, from_unit: TimeUnit | str, to_unit: TimeUnit | str) -> float:
    """Convert a compound discount or interest rate per period between units.

    >>> round(convert_rate(0.10, "year", "month"), 6)
    0.007974
    """
    exponent = TimeUnit.parse(to_unit).days / TimeUnit.parse(from_unit).days
    return (1.0 + rate_per_period) ** exponent - 1.0
