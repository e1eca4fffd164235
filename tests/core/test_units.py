"""clvlib.core.units: the time unit every model carries, its spellings, and conversions by hand."""

from __future__ import annotations

import pytest

from clvlib.core.units import (
    TimeUnit,
    UnitMismatchError,
    check_same_unit,
    convert_periods,
    convert_rate,
)


@pytest.mark.parametrize(
    "spelling, unit",
    [
        ("day", TimeUnit.DAY), ("days", TimeUnit.DAY), ("D", TimeUnit.DAY), (" Days ", TimeUnit.DAY),
        ("week", TimeUnit.WEEK), ("Weeks", TimeUnit.WEEK), ("w", TimeUnit.WEEK),
        ("month", TimeUnit.MONTH), ("MONTHS", TimeUnit.MONTH), ("M", TimeUnit.MONTH), ("MS", TimeUnit.MONTH),
        ("year", TimeUnit.YEAR), ("years", TimeUnit.YEAR), ("Y", TimeUnit.YEAR), ("A", TimeUnit.YEAR),
        (TimeUnit.WEEK, TimeUnit.WEEK),
    ],
)
def test_every_spelling_a_user_types_reads_as_its_unit(spelling, unit):
    assert TimeUnit.parse(spelling) is unit


def test_an_unknown_unit_lists_the_four_known_ones():
    with pytest.raises(ValueError) as error:
        TimeUnit.parse("fortnight")
    assert str(error.value) == "Unknown time unit 'fortnight': use one of 'day', 'week', 'month', 'year'."


def test_period_lengths_in_days():
    # A month is the average Gregorian month: 365.25 / 12 = 30.4375 days.
    assert [u.days for u in TimeUnit] == [1.0, 7.0, 30.4375, 365.25]


def test_a_mismatch_names_both_units_and_the_way_out():
    check_same_unit("weeks", TimeUnit.WEEK, what="horizon")  # the same unit however spelled: no error
    with pytest.raises(UnitMismatchError) as error:
        check_same_unit(TimeUnit.WEEK, "month", what="horizon")
    assert str(error.value) == (
        "The model was fitted in weeks but the horizon is in months. "
        "Convert the horizon to weeks (clvlib.core.units.convert_periods) or refit the model."
    )
    with pytest.raises(ValueError, match="fitted in days but the input is in years"):
        check_same_unit("day", "year")


def test_durations_convert_through_average_period_lengths():
    # 52 weeks = 364 days = 364 / 365.25 years; 6 months = half a year; 2 years = 730.5 days.
    assert convert_periods(52, "week", "year") == pytest.approx(364 / 365.25, rel=1e-15)
    assert convert_periods(6, TimeUnit.MONTH, "years") == pytest.approx(0.5, rel=1e-15)
    assert convert_periods(2, "year", "day") == pytest.approx(730.5, rel=1e-15)


def test_rates_convert_with_compounding_not_by_division():
    # 10% a year is 1.1^(1/12) - 1 = 0.7974% a month (not 10 / 12 = 0.833%); 1% a month is 12.68% a year.
    assert convert_rate(0.10, "year", "month") == pytest.approx(1.1 ** (1 / 12) - 1, rel=1e-12)
    assert convert_rate(0.01, "month", "year") == pytest.approx(1.01**12 - 1, rel=1e-12)
    assert convert_rate(0.05, "week", "day") == pytest.approx(1.05 ** (1 / 7) - 1, rel=1e-12)
    assert convert_rate(0.0, "year", "week") == 0.0
