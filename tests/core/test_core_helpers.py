"""clvlib.core: the shared input checks, calendar-month arithmetic and discount factors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clvlib.analysis import formulas
from clvlib.core import calendar, checks, discounting

# --------------------------------------------------------------------------- checks


def test_require_frame_names_the_table_the_missing_columns_and_what_it_has():
    orders = pd.DataFrame({"customer_id": ["a"], "amount": [1.0]})
    with pytest.raises(ValueError) as error:
        checks.require_frame(orders, "orders", ("customer_id", "order_date", "order_value"), hint="Rename yours.")
    assert str(error.value) == (
        "The orders table has no order_date, order_value columns; its columns are: customer_id, amount. Rename yours."
    )
    with pytest.raises(ValueError, match="orders must be a pandas DataFrame, not list"):
        checks.require_frame([1, 2], "orders", ("customer_id",))
    with pytest.raises(ValueError, match=r"The orders table is empty \(no rows\)"):
        checks.require_frame(orders.iloc[0:0], "orders", ("customer_id",))
    checks.require_frame(orders, "orders", ("customer_id",))  # all there: no error


def test_require_frame_messages_without_a_hint_end_at_the_sentence():
    orders = pd.DataFrame({"customer_id": ["a"], "amount": [1.0]})
    with pytest.raises(ValueError) as error:
        checks.require_frame(orders, "orders", ("order_date",))
    assert str(error.value) == "The orders table has no order_date column; its columns are: customer_id, amount."
    with pytest.raises(ValueError) as error:
        checks.require_frame({"customer_id": ["a"]}, "spend")
    assert str(error.value) == "spend must be a pandas DataFrame, not dict."


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2025-12-31", "2025-12-31"),
        (pd.Timestamp("2025-12-31 23:59"), "2025-12-31"),
        (pd.Timestamp("2025-12-31 23:30", tz="America/New_York"), "2025-12-31"),  # local date, zone dropped
        (np.datetime64("2025-06-01T12:00"), "2025-06-01"),
    ],
)
def test_parse_date_gives_the_local_calendar_day_at_midnight(value, expected):
    day = checks.parse_date(value)
    assert day == pd.Timestamp(expected) and day.tzinfo is None


def test_parse_date_errors_name_the_date():
    with pytest.raises(ValueError, match=r"observation end 'soon' is not a date: use YYYY-MM-DD"):
        checks.parse_date("soon", "observation end")
    with pytest.raises(ValueError, match="analysis_date is missing"):
        checks.parse_date(None)
    with pytest.raises(ValueError, match="analysis_date is missing"):
        checks.parse_date(pd.NaT)


def test_example_rows_shows_at_most_n_rows_with_text_quoted():
    frame = pd.DataFrame({"id": ["a", "b", "c", "d"], "value": [1.5, -2.0, -3.0, -4.0],
                          "month": pd.PeriodIndex(["2025-01"] * 4, freq="M")})
    bad = frame["value"] < 0
    assert checks.example_rows(frame, bad, ["id", "value", "month"], n=2) == (
        "id='b', value=-2.0, month=2025-01; id='c', value=-3.0, month=2025-01"
    )
    assert checks.example_rows(frame, bad.to_numpy(), ["id"]) == "id='b'; id='c'; id='d'"
    assert checks.example_rows(frame, ~bad & bad, ["id"]) == ""


def test_example_rows_reads_a_zero_one_flag_column_as_yes_no():
    # A flag column from a database (0/1 integers) selects rows by its truth, not as row labels.
    frame = pd.DataFrame({"id": ["a", "b", "c", "d"], "flag": [0, 1, 1, 0]})
    assert checks.example_rows(frame, frame["flag"], ["id"]) == "id='b'; id='c'"
    assert checks.example_rows(frame, [0, 0, 0, 2], ["id", "flag"]) == "id='d', flag=0"


def test_unknown_channels_suggests_the_closest_known_channel():
    assert checks.unknown_channels(["search", "Serch", "SOCIAL ", "radio", ""], ["search", "social", "tv"]) == {
        "SOCIAL ": "social",
        "Serch": "search",
        "radio": None,
    }
    assert checks.unknown_channels(["tv"], ["tv", "search"]) == {}
    # A blank subscriber channel is never offered as what a (padded) blank spend channel meant.
    assert checks.unknown_channels([" ", "tv"], ["", "search"]) == {" ": None, "tv": None}


# --------------------------------------------------------------------------- calendar


def test_month_ends_clip_and_leap_years():
    start = pd.Series(pd.to_datetime(["2024-01-31", "2023-01-31", "2024-02-29", "2024-12-15"]))
    assert calendar.add_months(start, 1).dt.strftime("%Y-%m-%d").tolist() == [
        "2024-02-29", "2023-02-28", "2024-03-29", "2025-01-15"
    ]
    assert calendar.add_months(start, [12, 13, -1, 0]).dt.strftime("%Y-%m-%d").tolist() == [
        "2025-01-31", "2024-02-29", "2024-01-29", "2024-12-15"
    ]


def test_months_between_count_anniversaries():
    start = pd.Series(pd.to_datetime(["2024-01-31", "2024-01-31", "2024-01-10", "2024-03-01"]))
    end = pd.Series(pd.to_datetime(["2024-02-29", "2024-02-28", "2024-04-09", "2024-02-01"]))
    assert calendar.whole_months_between(start, end).tolist() == [1, 0, 2, 0]
    # 2024-01-10 -> 2024-04-09: two anniversaries (Feb 10, Mar 10) and 30 of the 31 days to Apr 10.
    months = calendar.calendar_months_between(start.iloc[[2]], end.iloc[[2]])
    assert months.item() == pytest.approx(2 + 30 / 31, abs=1e-12)


def test_to_months_and_month_start():
    months = calendar.to_months(pd.Series(["2025-01", "2025-11", None, "January", "01/2025", "2025-13", " 2025-02-03T10:00 "]))
    assert [str(m) for m in months[:2]] == ["2025-01", "2025-11"]
    assert months[2:6].isna().all(), "missing, a month name, another order and month 13 are never guessed"
    assert str(months[6]) == "2025-02"
    periods = pd.Series(pd.PeriodIndex(["2025-02", "2025-03"], freq="M"))
    assert calendar.to_months(periods).equals(periods)
    assert calendar.to_months(pd.Series(pd.to_datetime(["2025-02-17"]))).astype(str).tolist() == ["2025-02"]
    assert calendar.month_start(periods).dt.strftime("%Y-%m-%d").tolist() == ["2025-02-01", "2025-03-01"]
    assert calendar.month_start(pd.Series(pd.to_datetime(["2025-02-17"]))).dt.strftime("%Y-%m-%d").tolist() == [
        "2025-02-01"
    ]
    assert [str(m) for m in calendar.months_ending("2025-01-15", 3)] == ["2024-11", "2024-12", "2025-01"]


def test_months_between_across_years_and_against_a_single_as_of_date():
    # 2023-11-15 -> 2025-02-14: 12 + 3 anniversaries would reach 2025-02-15, one day too far: 14.
    start = pd.Series(pd.to_datetime(["2023-11-15", "2023-11-15", "2025-03-01"]), index=[10, 20, 30])
    end = pd.Series(pd.to_datetime(["2025-02-14", "2025-02-15", "2025-02-14"]))
    months = calendar.whole_months_between(start, end)
    assert months.tolist() == [14, 15, 0] and months.dtype.kind == "i"  # a count, not 14.0
    assert months.index.tolist() == [10, 20, 30]
    # One as-of date for every customer, whatever the customers' index.
    as_of = calendar.whole_months_between(start, "2025-02-15")
    assert as_of.tolist() == [15, 15, 0] and as_of.index.tolist() == [10, 20, 30]


def test_month_helpers_read_day_periods_local_times_and_text_without_warnings():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a notebook would show pandas' deprecation and parsing warnings
        days = pd.Series(pd.PeriodIndex(["2025-02-17", "2025-03-01"], freq="D"))
        assert calendar.to_months(days).astype(str).tolist() == ["2025-02", "2025-03"]
        # 23:30 in New York on Feb 28 is still February there (already March 1 in UTC).
        local = pd.Series(pd.to_datetime(["2025-02-28 23:30", None]).tz_localize("America/New_York"))
        assert calendar.to_months(local).astype(str).tolist() == ["2025-02", "NaT"]
        naive = pd.Series(pd.to_datetime(["2025-02-17 10:00", None, "1999-12-31 00:00"]))
        assert calendar.to_months(naive).astype(str).tolist() == ["2025-02", "NaT", "1999-12"]
        # An unreadable first entry does not change how the others are read.
        assert calendar.to_months(pd.Series(["2025-13", "2025-01", None])).astype(str).tolist() == [
            "NaT", "2025-01", "NaT"
        ]
        assert calendar.month_start(naive).astype(str).tolist() == ["2025-02-01", "NaT", "1999-12-01"]
        assert [str(m) for m in calendar.months_ending("2025-01-15", 2)] == ["2024-12", "2025-01"]


# --------------------------------------------------------------------------- discounting


def test_discount_factors_by_hand():
    np.testing.assert_allclose(discounting.discount_factors(3, 0.25), [1.0, 0.8, 0.64], rtol=0, atol=1e-15)
    np.testing.assert_allclose(discounting.discount_factors(2, 0.25, first_payment_now=False), [0.8, 0.64], atol=1e-15)
    np.testing.assert_allclose(discounting.discount_factors_at([0.5, 1.0], 0.44), [1 / 1.2, 1 / 1.44], atol=1e-15)
    assert discounting.discount_factors(0, 0.1).size == 0
    # Decimal times (a database driver's NUMERIC) are converted, not raised to a float power.
    from decimal import Decimal

    np.testing.assert_allclose(discounting.discount_factors_at([Decimal("0.5")], 0.44), [1 / 1.2], atol=1e-15)
    # The same function behind the formulas module's public name.
    assert formulas.discount_factors is discounting.discount_factors


def test_discount_factor_errors():
    with pytest.raises(ValueError, match="above -1"):
        discounting.discount_factors(3, -1.0)
    with pytest.raises(ValueError, match="whole number"):
        discounting.discount_factors(2.5, 0.1)
    with pytest.raises(ValueError, match="discount_rate_annual must be above -1"):
        discounting.check_discount_rate(float("nan"), "discount_rate_annual")
    with pytest.raises(ValueError) as error:
        discounting.discount_factors(3, -1.0)
    assert str(error.value) == "discount_rate must be above -1 (0.10 = 10% per period); got -1.0."


def test_discount_rates_come_back_as_a_float_or_one_rate_per_customer():
    from decimal import Decimal

    rate = discounting.check_discount_rate(0.1)
    assert type(rate) is float and rate == 0.1
    # A NUMERIC rate from a database driver is read as the number it is.
    assert type(discounting.check_discount_rate(Decimal("0.25"))) is float
    np.testing.assert_allclose(discounting.discount_factors(3, Decimal("0.25")), [1.0, 0.8, 0.64], rtol=0, atol=1e-15)
    # One rate per customer stays one rate per customer, even a single one.
    per_customer = discounting.check_discount_rate([0.1, 0.25])
    assert isinstance(per_customer, np.ndarray) and per_customer.tolist() == [0.1, 0.25]
    assert discounting.check_discount_rate(np.array([0.2])).shape == (1,)


@pytest.mark.parametrize("months", [1.5, [1, -0.25], np.nan, np.inf])
def test_add_months_refuses_a_fraction_instead_of_cutting_it_off(months):
    with pytest.raises(ValueError) as refused:
        calendar.add_months(pd.Series(pd.to_datetime(["2024-01-31", "2024-03-15"])), months)
    first_bad = np.ravel(months)[-1] if np.ndim(months) else months
    assert str(refused.value) == (f"Months to add must be whole numbers; got {first_bad:g}. "
                                  "A calendar month has no fractions: round first, or add days instead.")


def test_whole_months_are_integers_whatever_numbers_they_came_as():
    assert calendar._whole_months([1.0, -3.0]).dtype.kind == "i"
    assert calendar._whole_months(np.array([2], dtype=np.uint8)).tolist() == [2]


def test_add_months_takes_whole_numbers_given_as_floats():
    out = calendar.add_months(pd.Series(pd.to_datetime(["2024-01-31", "2024-03-15"])), np.array([1.0, -3.0]))
    assert out.dt.strftime("%Y-%m-%d").tolist() == ["2024-02-29", "2023-12-15"]
