"""Checks on whole tables (clvlib.data.plausibility): implausible amounts, and each table's period.

The functions are called directly on small frames, so each boundary (an order exactly
100 median orders, a last record exactly 730 days old, two periods touching on one day)
and each sentence an analyst reads is checked by value.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from clvlib.data.errors import Problem
from clvlib.data.plausibility import (
    PLAUSIBLE_MULTIPLE,
    STALE_AFTER_DAYS,
    check_amounts,
    check_periods,
    implausible_amounts_note,
    table_period,
)
from clvlib.data.sources import TableSource

ANALYSIS_DATE = pd.Timestamp("2025-12-31")


def orders_frame(values: list[float]) -> pd.DataFrame:
    """Orders as the loader hands them over: indexed by line number (the header is line 1)."""
    return pd.DataFrame({"customer_id": [f"C{i}" for i in range(len(values))], "order_value": values},
                        index=range(2, 2 + len(values)))


def tables(subscriptions=None, orders=None, months=None) -> dict:
    """Frames of the three tables from (first, last) signup / order days and (first, last) spend months."""
    def days(first_last, column):
        return None if first_last is None else pd.DataFrame({column: pd.to_datetime(list(first_last))})

    spend = None if months is None else pd.DataFrame({"month": pd.Series(pd.PeriodIndex(list(months), freq="M"))})
    return {"subscriptions": days(subscriptions, "signup_date"), "orders": days(orders, "order_date"),
            "marketing_spend": spend}


def sources(**period_ends) -> dict:
    """Each table's source, with the period_end given (YYYY-MM-DD) or none."""
    return {t: TableSource(Path(f"{t}.csv"), period_end=pd.Timestamp(period_ends[t]) if t in period_ends else None)
            for t in ("subscriptions", "orders", "marketing_spend")}


def run_check_periods(frames: dict, srcs: dict, analysis_date=ANALYSIS_DATE):
    problems: list[Problem] = []
    notes: list[str] = []
    ends = check_periods(frames, srcs, analysis_date, problems, notes)
    return ends, [p.describe() for p in problems], notes


# --- implausible amounts ------------------------------------------------------------------------

def test_an_order_is_flagged_only_above_100_median_orders_the_median_taken_over_paid_orders():
    # Paid orders 10, 20, 30, 40, 50, 4000, 4000.5: median 40, so the bar is 100 x 40 = 4000.
    # (Counting the refund and the two free orders the median would be 25 and 4000 would be flagged too.)
    orders = orders_frame([-5.0, 0.0, 0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 4000.0, 4000.5])
    assert PLAUSIBLE_MULTIPLE == 100
    assert implausible_amounts_note(orders, "orders.csv") == (
        "orders.csv: 1 order is more than 100 times the median order ($40.00) and looks implausible; it is used "
        "as it is, check it: line 11 (customer_id='C9', order_value=4000.5)")
    orders.loc[11, "order_value"] = 4000.0  # paid orders 10 ... 50, 4000, 4000: median 40, and 4000 is not above 4000
    assert implausible_amounts_note(orders, "orders.csv") is None


def test_several_implausible_orders_are_counted_all_and_five_shown():
    # Seven orders of $1,234.50 and six of a million or more: the median is the seventh, 1,234.50.
    values = [1234.5] * 7 + [1e6, 2.5e6, 3e6, 4e6, 5e6, 6e6]
    assert implausible_amounts_note(orders_frame(values), "my orders.csv") == (
        "my orders.csv: 6 orders are more than 100 times the median order ($1,234.50) and look implausible; they "
        "are used as they are, check them: line 9 (customer_id='C7', order_value=1e+06); line 10 (customer_id='C8', "
        "order_value=2.5e+06); line 11 (customer_id='C9', order_value=3e+06); line 12 (customer_id='C10', "
        "order_value=4e+06); line 13 (customer_id='C11', order_value=5e+06)")


def test_small_amounts_are_judged_against_their_own_median_and_no_paid_order_means_no_note():
    # Paid orders 0.5, 0.5, 0.5, 0.75, 60 (median 0.5, bar 50): the 60 is flagged.
    assert implausible_amounts_note(orders_frame([0.5, 0.5, 0.5, 0.75, 60.0]), "o.csv") == (
        "o.csv: 1 order is more than 100 times the median order ($0.50) and looks implausible; it is used as it "
        "is, check it: line 6 (customer_id='C4', order_value=60)")
    assert implausible_amounts_note(orders_frame([0.0, 0.0, 0.0]), "o.csv") is None
    assert implausible_amounts_note(orders_frame([10.0, 20.0, 30.0]), "o.csv") is None


def test_max_order_value_refuses_orders_above_it_and_replaces_the_median_note():
    orders = orders_frame([20.0, 30.0, 10_000.0, 10_000.01, 1e15])
    raw = orders.astype({"order_value": str})  # the file's text, quoted in the examples
    problems: list[Problem] = []
    notes: list[str] = []
    check_amounts("orders", orders, raw, 10_000.0, "orders.csv", problems, notes)
    assert [p.describe() for p in problems] == [
        "column 'order_value': 2 rows are above max_order_value (10,000.00) set in data_source.orders; for "
        "example: line 5 (customer_id='C3', order_value='10000.01'); line 6 (customer_id='C4', "
        "order_value='1000000000000000.0')"]
    assert problems[0].file == "orders.csv"
    assert notes == []  # the analyst set the bar: no second guess from the median
    check_amounts("orders", orders, raw, None, "orders.csv", problems, notes)
    assert len(problems) == 1
    assert notes == [implausible_amounts_note(orders, "orders.csv")]
    assert notes[0].startswith("orders.csv: 1 order is more than 100 times the median order ($10,000.00)")
    check_amounts("orders", orders.iloc[:2], raw.iloc[:2], 25.0, "orders.csv", problems, notes)  # 30 > 25: line 3
    assert problems[1].describe() == ("column 'order_value': 1 row is above max_order_value (25.00) set in "
                                      "data_source.orders; for example: line 3 (customer_id='C1', order_value='30.0')")


@pytest.mark.parametrize(("table", "drop"), [("subscriptions", None), ("marketing_spend", None),
                                             ("orders", "order_value"), ("orders", "customer_id")])
def test_amounts_are_checked_only_on_orders_that_have_both_columns(table, drop):
    orders = orders_frame([20.0, 30.0, 1e15])
    frame = orders if drop is None else orders.drop(columns=drop)
    problems: list[Problem] = []
    notes: list[str] = []
    check_amounts(table, frame, frame, None, "t.csv", problems, notes)
    check_amounts(table, frame, frame, 100.0, "t.csv", problems, notes)
    assert (problems, notes) == ([], [])


# --- each table's period ------------------------------------------------------------------------

def test_a_spend_month_counts_from_its_first_day():
    frames = tables(subscriptions=("2024-03-05", "2024-01-20"), months=("2024-02", "2023-11"))
    end = pd.Timestamp("2024-06-30")
    assert table_period("subscriptions", frames["subscriptions"], end) == (
        pd.Timestamp("2024-01-20"), pd.Timestamp("2024-03-05"), end)
    assert table_period("marketing_spend", frames["marketing_spend"], end) == (
        pd.Timestamp("2023-11-01"), pd.Timestamp("2024-02-01"), end)


def test_tables_of_one_period_pass_and_the_tables_own_period_ends_are_returned():
    frames = tables(("2024-01-01", "2025-06-30"), ("2024-02-01", "2025-12-31"), ("2024-01", "2025-12"))
    assert run_check_periods(frames, sources()) == ({}, [], [])
    assert run_check_periods(frames, sources(orders="2025-12-31", marketing_spend="2026-01-31")) == (
        {"orders": pd.Timestamp("2025-12-31"), "marketing_spend": pd.Timestamp("2026-01-31")}, [], [])


def test_periods_that_touch_on_one_day_overlap_and_a_record_730_days_old_is_not_stale():
    # Orders end on 2024-01-01, the day the signups and the spend (December 2023 to January 2024) start;
    # their last order is 730 days before 2025-12-31 (366 days of 2024 + 364 of 2025).
    frames = tables(("2024-01-01", "2025-12-31"), ("2023-01-01", "2024-01-01"), ("2023-06", "2024-01"))
    assert STALE_AFTER_DAYS == 730
    assert run_check_periods(frames, sources()) == ({}, [], [])
    # The other way round: orders and spend start on 2023-01-01, the last signup day.
    frames = tables(("2022-01-01", "2023-01-01"), ("2023-01-01", "2023-12-31"), ("2023-01", "2023-06"))
    assert run_check_periods(frames, sources(), pd.Timestamp("2024-12-31")) == ({}, [], [])


def test_a_table_covers_its_period_up_to_its_own_period_end_not_only_to_its_last_record():
    # Orders (last order 2023-06-30) run to their period_end 2024-03-31, past the first signup on 2024-01-01.
    frames = tables(("2024-01-01", "2025-12-31"), ("2023-01-01", "2023-06-30"), ("2023-01", "2025-12"))
    assert run_check_periods(frames, sources(orders="2024-03-31")) == ({"orders": pd.Timestamp("2024-03-31")}, [], [])
    # Signups (last one 2022-12-31) run to their period_end 2023-12-31, past the first order on 2023-06-01.
    frames = tables(("2022-01-01", "2022-12-31"), ("2023-06-01", "2023-12-31"), ("2022-01", "2023-12"))
    assert run_check_periods(frames, sources(subscriptions="2023-12-31"), pd.Timestamp("2023-12-31")) == (
        {"subscriptions": pd.Timestamp("2023-12-31")}, [], [])


def test_a_table_whose_last_record_is_more_than_730_days_old_is_refused_with_the_fix():
    # Last order 2023-12-31: 731 days before 2025-12-31; last spend month June 2021: 1,674 days.
    frames = tables(("2021-01-01", "2025-12-31"), ("2021-01-01", "2023-12-31"), ("2021-01", "2021-06"))
    assert run_check_periods(frames, sources()) == ({}, [
        "data_source.orders ends with its last order on 2023-12-31, 731 days before the analysis date 2025-12-31: "
        "is this another period's export? Then give the table its own period with period_end: 2023-12-31 under "
        "data_source.orders, or set analysis_date",
        "data_source.marketing_spend ends with its last spend month on 2021-06-01, 1,674 days before the analysis "
        "date 2025-12-31: is this another period's export? Then give the table its own period with period_end: "
        "2021-06-01 under data_source.marketing_spend, or set analysis_date"], [])


def test_a_stale_table_with_its_own_period_end_is_measured_to_it():
    # Last signup 2023-12-31, own period_end 2026-01-01: 732 days (731 to the analysis date).
    frames = tables(("2021-01-01", "2023-12-31"), ("2021-01-01", "2025-12-31"), ("2021-01", "2025-12"))
    assert run_check_periods(frames, sources(subscriptions="2026-01-01")) == (
        {"subscriptions": pd.Timestamp("2026-01-01")},
        ["data_source.subscriptions ends with its last signup on 2023-12-31, 732 days before its period_end "
         "2026-01-01: is period_end right?"], [])
    # With its own period_end on 2025-12-30 the last signup is 730 days old: accepted.
    assert run_check_periods(frames, sources(subscriptions="2025-12-30")) == (
        {"subscriptions": pd.Timestamp("2025-12-30")}, [], [])


def test_orders_of_another_period_are_refused_once_and_not_also_called_stale():
    frames = tables(("2024-01-01", "2025-12-31"), ("1997-01-01", "1997-06-30"), ("2024-01", "2025-12"))
    assert run_check_periods(frames, sources()) == ({}, [
        "data_source.orders covers a period that does not overlap the subscriptions': orders (1997-01-01 to "
        "1997-06-30) and subscriptions (2024-01-01 to 2025-12-31); if it is another period's export, give the "
        "orders their own period with period_end: 1997-06-30 under data_source.orders (lessons on the orders "
        "alone then use it)"], [])


def test_orders_with_their_own_period_end_stand_apart_with_a_note():
    frames = tables(("2024-01-01", "2025-12-31"), ("1997-01-01", "1997-06-30"), ("2024-01", "2025-12"))
    assert run_check_periods(frames, sources(orders="1997-12-31")) == ({"orders": pd.Timestamp("1997-12-31")}, [], [
        "The orders' period does not overlap the subscriptions': orders (1997-01-01 to 1997-12-31) and subscriptions "
        "(2024-01-01 to 2025-12-31). Lessons on the orders use the orders' period; the executive report's web-shop "
        "figures are for the period ending on the orders' last day, and the report says so."])
    # The note does not end the check: spend of yet another period is still refused.
    frames = tables(("2024-01-01", "2025-12-31"), ("1997-01-01", "1997-06-30"), ("2019-01", "2019-12"))
    ends, problems, notes = run_check_periods(frames, sources(orders="1997-12-31"))
    assert (ends, len(notes)) == ({"orders": pd.Timestamp("1997-12-31")}, 1)
    assert problems == ["data_source.marketing_spend covers a period that does not overlap the subscriptions': "
                        "marketing_spend (2019-01-01 to 2019-12-01) and subscriptions (2024-01-01 to 2025-12-31); if "
                        "it is another period's export, acquisition costs need spend and signups of the same months"]


def test_orders_apart_from_the_spend_alone_are_refused_naming_the_spend():
    frames = tables(("2020-01-01", "2025-12-31"), ("2020-01-01", "2020-06-30"), ("2025-01", "2025-12"))
    assert run_check_periods(frames, sources()) == ({}, [
        "data_source.orders covers a period that does not overlap the marketing_spend': orders (2020-01-01 to "
        "2020-06-30) and marketing_spend (2025-01-01 to 2025-12-01); if it is another period's export, give the "
        "orders their own period with period_end: 2020-06-30 under data_source.orders (lessons on the orders "
        "alone then use it)"], [])


@pytest.mark.parametrize("spend_end", [None, "2019-12-31"])
def test_spend_of_another_period_is_refused_even_with_its_own_period_end(spend_end):
    frames = tables(("2024-01-01", "2025-12-31"), None, ("2019-01", "2019-12"))
    srcs = sources() if spend_end is None else sources(marketing_spend=spend_end)
    ends, problems, notes = run_check_periods(frames, srcs)
    assert problems == [
        f"data_source.marketing_spend covers a period that does not overlap the subscriptions': marketing_spend "
        f"(2019-01-01 to {spend_end or '2019-12-01'}) and subscriptions (2024-01-01 to 2025-12-31); if it is "
        "another period's export, acquisition costs need spend and signups of the same months"]
    assert (ends, notes) == ({} if spend_end is None else {"marketing_spend": pd.Timestamp(spend_end)}, [])


def test_a_table_missing_empty_or_undated_has_no_period():
    late = ("1990-01-01", "1990-02-01")  # would be refused (apart, stale) if it were looked at
    frames = tables(("2024-01-01", "2025-12-31"), late, late)
    srcs = sources(orders="1990-12-31", marketing_spend="1990-12-31")
    cases = [
        (frames | {"orders": None, "marketing_spend": None}, srcs),
        (frames, srcs | {"orders": None, "marketing_spend": None}),
        (frames | {"orders": frames["orders"].rename(columns={"order_date": "day"}),
                   "marketing_spend": frames["marketing_spend"].rename(columns={"month": "when"})}, srcs),
        (frames | {"orders": frames["orders"].iloc[:0], "marketing_spend": frames["marketing_spend"].iloc[:0]}, srcs),
        (frames | {"orders": pd.DataFrame({"order_date": pd.to_datetime([None, None])}), "marketing_spend": None},
         srcs),
    ]
    for frames_case, srcs_case in cases:
        assert run_check_periods(frames_case, srcs_case) == ({}, [], [])
