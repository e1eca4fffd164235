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


def test_unknown_channels_suggests_the_closest_known_channel():
    assert checks.unknown_channels(["search", "Serch", "SOCIAL ", "radio", ""], ["search", "social", "tv"]) == {
        "SOCIAL ": "social",
        "Serch": "search",
        "radio": None,
    }
    assert checks.unknown_channels(["tv"], ["tv", "search"]) == {}


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
