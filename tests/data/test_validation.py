"""Checking and typing each table's columns (clvlib.data.validation), called directly on small tables.

Each test builds the raw text table that ``read_raw`` would hand over (indexed by line number
in the file, the header being line 1), runs one check and compares every message a user
would read, word for word, and every typed value with the one written by hand.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from clvlib.data import validation
from clvlib.data.sources import TableSource
from clvlib.data.validation import (
    _one_local_date,
    ambiguous_grouping,
    check_columns,
    check_rows,
    format_label,
    parse_amounts,
    parse_dates,
    spend_channel_problem,
)

ANALYSIS_DATE = pd.Timestamp("2025-12-31")
ISO = "YYYY-MM-DD (ISO 8601, e.g. 2025-12-31)"


def raw_table(rows: dict[str, list[str]]) -> pd.DataFrame:
    """The file's text as read_raw returns it: every value a string, rows indexed from line 2."""
    n_rows = len(next(iter(rows.values())))
    return pd.DataFrame(rows, index=range(2, n_rows + 2), dtype=str)


def checked(table: str, rows: dict[str, list[str]], **settings) -> tuple[pd.DataFrame, list[str]]:
    """check_columns on ``rows`` read from shop/<table>.csv: the typed frame and each problem as the user reads it."""
    problems = []
    frame = check_columns(table, raw_table(rows), TableSource(Path("shop") / f"{table}.csv", **settings), problems)
    assert {p.file for p in problems} <= {f"shop/{table}.csv"}
    return frame, [p.describe() for p in problems]


def row_messages(table: str, frame: pd.DataFrame, raw: pd.DataFrame, period_end=None) -> list[str]:
    problems = []
    check_rows(table, frame, raw, ANALYSIS_DATE, f"{table}.csv", problems, period_end)
    assert {p.file for p in problems} <= {f"{table}.csv"}
    return [p.describe() for p in problems]


# --- check_columns: one subscriptions file with something wrong in every kind of column ----------------------

SUBSCRIPTIONS = {
    "customer_id": ["S1", "", "S3", "S4"],
    "signup_date": ["2025-01-05", "", "2025-13-01", "2025-02-01"],
    "cancel_date": ["", "2025-03-01", "03/01/2025", ""],
    "plan": ["basic", " ", "pro", "basic"],
    "monthly_revenue": ["0.50", "", "-0.01", "0"],
    "channel": ["search", "social", "", "search"],
    "promo_signup": ["Yes", "0", "maybe", ""],
    "age_years": ["-3", "31,5", "", "40"],
    "email_hash": [" A@x ", "  ", "b", "c"],
    "referrer_id": [" S1 ", "", "S9", "S1"],
    "app_logins_first_30d": ["", "3", "x", "-2"],
}


def test_every_bad_value_of_every_column_kind_is_reported_with_its_line():
    _, messages = checked("subscriptions", SUBSCRIPTIONS)
    assert messages == [
        "column 'customer_id': 1 row is blank; for example: line 3 (customer_id='')",
        "column 'signup_date': 1 row has no date; for example: line 3 (customer_id='', signup_date='')",
        f"column 'signup_date': 1 row has a date that cannot be read with the format {ISO}; "
        "for example: line 4 (customer_id='S3', signup_date='2025-13-01')",
        # a blank cancel date means "still active": only the unreadable one is reported
        f"column 'cancel_date': 1 row has a date that cannot be read with the format {ISO}; "
        "for example: line 4 (customer_id='S3', cancel_date='03/01/2025')",
        "column 'plan': 1 row is blank; for example: line 3 (customer_id='', plan=' ')",
        "column 'monthly_revenue': 1 row has no value (a number is needed); "
        "for example: line 3 (customer_id='', monthly_revenue='')",
        # 0 and 0.50 are amounts; -0.01 is not
        "column 'monthly_revenue': 1 row is negative (amounts must be 0 or more); "
        "for example: line 4 (customer_id='S3', monthly_revenue='-0.01')",
        "column 'channel': 1 row is blank; for example: line 4 (customer_id='S3', channel='')",
        # a blank flag is false; "maybe" is neither
        "column 'promo_signup': 1 row is not true/false (write true/false, yes/no or 1/0); "
        "for example: line 4 (customer_id='S3', promo_signup='maybe')",
        # a number (unlike an amount) may be negative, but not blank
        "column 'age_years': 1 row has no value (a number is needed); for example: line 4 (customer_id='S3', age_years='')",
        "column 'age_years': 1 row is not a number (write e.g. 12.50 or 1,200.00); if this file writes decimal "
        "commas (7,5), set decimal: ',' in data_source.subscriptions; for example: line 3 (customer_id='', age_years='31,5')",
        # an optional number may be blank or negative; "x" has no decimal comma, so no hint
        "column 'app_logins_first_30d': 1 row is not a number (write e.g. 12.50 or 1,200.00); "
        "for example: line 4 (customer_id='S3', app_logins_first_30d='x')",
    ]


def test_every_column_kind_is_typed():
    frame, _ = checked("subscriptions", SUBSCRIPTIONS)
    nat = pd.NaT
    assert frame["customer_id"].tolist() == ["S1", "", "S3", "S4"]
    assert frame["plan"].tolist() == ["basic", "", "pro", "basic"]  # trimmed
    assert frame["signup_date"].tolist() == [pd.Timestamp("2025-01-05"), nat, nat, pd.Timestamp("2025-02-01")]
    assert frame["cancel_date"].tolist() == [nat, pd.Timestamp("2025-03-01"), nat, nat]
    assert str(frame["signup_date"].dtype) == "datetime64[ns]"
    assert frame["monthly_revenue"].dtype == float and frame["monthly_revenue"].tolist()[::2] == [0.5, -0.01]
    assert frame["monthly_revenue"].iloc[3] == 0.0 and pd.isna(frame["monthly_revenue"].iloc[1])
    assert frame["promo_signup"].tolist() == [True, False, False, False]
    assert frame["age_years"].iloc[[0, 3]].tolist() == [-3.0, 40.0] and frame["age_years"].iloc[[1, 2]].isna().all()
    assert frame["app_logins_first_30d"].iloc[[1, 3]].tolist() == [3.0, -2.0]
    # an email hash is a linkage key: kept exactly as written (the analysis normalises it); blank = none
    assert frame["email_hash"].tolist() == [" A@x ", None, "b", "c"]
    # a referrer is an id: trimmed; blank = none
    assert frame["referrer_id"].tolist() == ["S1", None, "S9", "S1"]


@pytest.mark.parametrize("text", ["true", "TRUE", " Yes ", "y", "t", "1"])
def test_every_way_of_writing_true_reads_as_true(text):
    frame, messages = checked("subscriptions", {**{c: v[:1] for c, v in SUBSCRIPTIONS.items()}, "promo_signup": [text]})
    assert messages == [] and frame["promo_signup"].tolist() == [True]


@pytest.mark.parametrize("text", ["false", "False", "no", "N", "f", "0", ""])
def test_every_way_of_writing_false_reads_as_false(text):
    frame, messages = checked("subscriptions", {**{c: v[:1] for c, v in SUBSCRIPTIONS.items()}, "promo_signup": [text]})
    assert messages == [] and frame["promo_signup"].tolist() == [False]


def test_a_date_format_reads_day_first_dates_and_the_message_shows_it_on_31_december():
    rows = {"customer_id": ["C1", "C2", "C3"], "order_date": ["01/02/2025", "2025-02-01", "13/01/2025"],
            "order_value": ["5", "6", "7"]}
    frame, messages = checked("orders", rows, date_format="%d/%m/%Y")
    assert frame["order_date"].tolist() == [pd.Timestamp("2025-02-01"), pd.NaT, pd.Timestamp("2025-01-13")]
    assert messages == [
        "column 'order_date': 1 row has a date that cannot be read with the format %d/%m/%Y (e.g. 31/12/2025); "
        "for example: line 3 (customer_id='C2', order_date='2025-02-01')"
    ]


def test_format_label_writes_31_december_2025_in_the_format():
    assert format_label(None) == format_label("") == ISO
    assert format_label("%d.%m.%Y") == "%d.%m.%Y (e.g. 31.12.2025)"
    assert format_label("%m/%d/%y") == "%m/%d/%y (e.g. 12/31/25)"


def test_a_month_is_yyyy_mm_or_a_date_in_the_files_format():
    rows = {"month": ["2025-03", "2025-3", "15/04/2025", "", "2025-13", "2025-05-15"],
            "channel": ["search"] * 6, "spend": ["100"] * 6}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. a deprecated period alias would reach the user as a warning
        frame, messages = checked("marketing_spend", rows, date_format="%d/%m/%Y")
    assert str(frame["month"].dtype) == "period[M]"
    assert frame["month"].astype(str).tolist() == ["2025-03", "2025-03", "2025-04", "NaT", "NaT", "NaT"]
    assert messages == [
        "column 'month': 1 row has no month; for example: line 5 (month='')",
        # an ISO date is not the file's %d/%m/%Y format, so 2025-05-15 is refused like 2025-13
        "column 'month': 2 rows have a month that is neither YYYY-MM (e.g. 2025-12) nor a date in the format "
        "%d/%m/%Y (e.g. 31/12/2025); for example: line 6 (month='2025-13'); line 7 (month='2025-05-15')",
    ]


def test_without_a_date_format_a_month_may_be_an_iso_date():
    frame, messages = checked("marketing_spend", {"month": ["2025-05-15", "2025-06"], "channel": ["a", "b"],
                                                  "spend": ["1", "2"]})
    assert messages == [] and frame["month"].astype(str).tolist() == ["2025-05", "2025-06"]


# --- numbers: the marks each file declares --------------------------------------------------------------------

def test_in_a_comma_file_quoted_thousands_are_read_and_nothing_is_ambiguous():
    rows = {"customer_id": ["C1", "C2"], "order_date": ["2025-01-01"] * 2, "order_value": ["1,250.00", "$1,250"]}
    frame, messages = checked("orders", rows)  # separator ',' -> thousands ','
    assert messages == [] and frame["order_value"].tolist() == [1250.0, 1250.0]


def test_in_a_semicolon_file_a_possible_grouping_is_refused_and_not_also_called_not_a_number():
    rows = {"customer_id": ["C1", "C2", "C3", "C4"], "order_date": ["2025-01-01"] * 4,
            "order_value": ["1,250", "7,5", "", "12.5"]}
    frame, messages = checked("orders", rows, separator=";")
    assert messages == [
        "column 'order_value': 1 row has no value (a number is needed); for example: line 4 (customer_id='C3', order_value='')",
        "column 'order_value': 1 row could be a thousands-grouped number (is 1,250 1250 or 1.25?): clvlib does not "
        "guess; in data_source.orders set thousands: ',' (1,250 = 1250) or decimal: ',' (1,250 = 1.25); "
        "for example: line 2 (customer_id='C1', order_value='1,250')",
        "column 'order_value': 1 row is not a number (write e.g. 12.50 or 1,200.00); if this file writes decimal "
        "commas (7,5), set decimal: ',' in data_source.orders; for example: line 3 (customer_id='C2', order_value='7,5')",
    ]
    assert frame["order_value"].iloc[3] == 12.5 and frame["order_value"].iloc[:3].isna().all()


def test_with_a_decimal_comma_the_grouping_question_is_about_points_and_there_is_no_comma_hint():
    rows = {"customer_id": ["C1", "C2", "C3"], "order_date": ["2025-01-01"] * 3, "order_value": ["1.250", "abc", "7,5"]}
    frame, messages = checked("orders", rows, separator=";", decimal=",")
    assert messages == [
        "column 'order_value': 1 row could be a thousands-grouped number (is 1.250 1250 or 1.25?): clvlib does not "
        "guess; in data_source.orders set thousands: '.' (1.250 = 1250), or write the decimals with a comma; "
        "for example: line 2 (customer_id='C1', order_value='1.250')",
        "column 'order_value': 1 row is not a number (write e.g. 12.50 or 1,200.00); "
        "for example: line 3 (customer_id='C2', order_value='abc')",
    ]
    assert frame["order_value"].iloc[2] == 7.5


def test_parse_amounts_defaults_to_a_decimal_point_and_comma_thousands():
    assert parse_amounts(pd.Series(["1,250", "12.5", "1,250.5", "12,50"])).tolist()[:3] == [1250.0, 12.5, 1250.5]
    assert pd.isna(parse_amounts(pd.Series(["12,50"])).iloc[0])


@pytest.mark.parametrize("text, number", [("$12.50", 12.5), ("$ 12.50", 12.5), ("-$3", -3.0), ("£7", 7.0),
                                          ("12.50 €", 12.5), ("12.50€", 12.5), ("€ 1,250", 1250.0), ("inf", None),
                                          ("12$3", None), ("$", None)])
def test_a_currency_sign_before_or_after_the_number_is_ignored(text, number):
    parsed = parse_amounts(pd.Series([text])).iloc[0]
    assert pd.isna(parsed) if number is None else parsed == number, (text, parsed)


def test_ambiguous_grouping_is_false_on_every_row_once_thousands_is_set():
    text = pd.Series(["1,250", "7", "12.50"], index=[5, 6, 7])
    flags = ambiguous_grouping(text, ".", ",")
    assert flags.tolist() == [False, False, False] and flags.index.tolist() == [5, 6, 7]


# --- a required column the file lacks -------------------------------------------------------------------------

def test_a_missing_column_names_the_table_lists_the_files_columns_and_suggests_a_look_alike():
    rows = {"customer_id": ["C1"], "Order Date": ["2025-01-01"], "order_value": ["5"]}
    _, messages = checked("orders", rows)
    assert messages == [
        "column 'order_date': is missing (required for the orders table). The file's columns are: customer_id, "
        "Order Date, order_value. A column named 'Order Date' looks like it: map it with columns: "
        "{'Order Date': order_date}."
    ]


def test_a_look_alike_is_found_after_punctuation_is_dropped_and_only_among_unclaimed_columns():
    # "Pl." normalises to "pl": 2*2/(2+4) = 0.67 >= 0.6 against "plan" ("pl_" would score 4/7 = 0.57).
    rows = {**{c: v[:1] for c, v in SUBSCRIPTIONS.items() if c != "plan"}, "Pl.": ["basic"]}
    _, messages = checked("subscriptions", rows, columns={"cust": "customer_id"})
    assert messages == [
        "column 'plan': is missing (required for the subscriptions table). The columns after your mapping are: "
        f"{', '.join(rows)}. A column named 'Pl.' looks like it: map it with columns: {{'Pl.': plan}}."
    ]


def test_a_missing_column_with_no_look_alike_gets_no_hint():
    _, messages = checked("orders", {"customer_id": ["C1"], "order_date": ["2025-01-01"], "total": ["5"]})
    assert messages == ["column 'order_value': is missing (required for the orders table). "
                        "The file's columns are: customer_id, order_date, total."]


# --- check_rows: rules across the rows of one table -----------------------------------------------------------

def subscriptions_frame(rows: dict[str, list[str]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    raw = raw_table(rows)
    frame = raw.copy()
    for col in ("signup_date", "cancel_date"):
        if col in frame:
            frame[col] = pd.to_datetime(frame[col].replace("", None))
    return frame, raw


def test_a_cancellation_before_signup_is_refused_and_one_on_the_signup_day_is_not():
    frame, raw = subscriptions_frame({"customer_id": ["S1", "S2", "S3"],
                                      "signup_date": ["2025-03-01", "2025-03-01", "2025-03-01"],
                                      "cancel_date": ["2025-02-28", "2025-03-01", ""]})
    assert row_messages("subscriptions", frame, raw) == [
        "column 'cancel_date': 1 row has a cancel date before the signup date; "
        "for example: line 2 (customer_id='S1', signup_date='2025-03-01', cancel_date='2025-02-28')"
    ]


def test_repeated_customer_ids_count_the_customers_and_show_every_row_but_blank_ids_are_not_repeats():
    frame, raw = subscriptions_frame({"customer_id": ["S1", "S2", "S1", "", "S2", "", "S1", "S3"],
                                      "signup_date": ["2025-01-01"] * 8, "cancel_date": [""] * 8})
    assert row_messages("subscriptions", frame, raw) == [
        "column 'customer_id': 5 rows have a customer_id that appears more than once (2 customers repeated; one row "
        "per customer expected); for example: line 2 (customer_id='S1'); line 3 (customer_id='S2'); "
        "line 4 (customer_id='S1'); line 6 (customer_id='S2'); line 8 (customer_id='S1')"
    ]
    frame, raw = subscriptions_frame({"customer_id": ["S1", "S1"], "signup_date": ["2025-01-01"] * 2,
                                      "cancel_date": [""] * 2})
    assert "(1 customer repeated;" in row_messages("subscriptions", frame, raw)[0]


def test_a_subscription_dated_after_the_analysis_date_is_refused_and_one_on_that_day_is_not():
    frame, raw = subscriptions_frame({"customer_id": ["S1", "S2", "S3"],
                                      "signup_date": ["2025-12-31", "2026-01-01", "2025-06-01"],
                                      "cancel_date": ["2025-12-31", "2026-01-02", "2026-01-01"]})
    hint = ("(is the analysis date right? set analysis_date in data_source, or give this table its own period_end)")
    assert row_messages("subscriptions", frame, raw) == [
        f"column 'signup_date': 1 row is after the analysis date 2025-12-31 {hint}; "
        "for example: line 3 (customer_id='S2', signup_date='2026-01-01')",
        f"column 'cancel_date': 2 rows are after the analysis date 2025-12-31 {hint}; "
        "for example: line 3 (customer_id='S2', cancel_date='2026-01-02'); line 4 (customer_id='S3', cancel_date='2026-01-01')",
    ]


def test_a_tables_own_period_end_replaces_the_analysis_date():
    raw = raw_table({"customer_id": ["C1", "C2"], "order_date": ["2025-06-30", "2025-07-01"]})
    frame = raw.assign(order_date=pd.to_datetime(raw["order_date"]))
    assert row_messages("orders", frame, raw, period_end=pd.Timestamp("2025-06-30")) == [
        "column 'order_date': 1 row is after the end of this table's period 2025-06-30 (is period_end right?); "
        "for example: line 3 (customer_id='C2', order_date='2025-07-01')"
    ]
    assert row_messages("orders", frame, raw) == []  # both are before the analysis date 2025-12-31
    subs, raw = subscriptions_frame({"customer_id": ["S1"], "signup_date": ["2025-07-01"], "cancel_date": [""]})
    assert row_messages("subscriptions", subs, raw, period_end=pd.Timestamp("2025-06-30")) == [
        "column 'signup_date': 1 row is after the end of this table's period 2025-06-30 (is period_end right?); "
        "for example: line 2 (customer_id='S1', signup_date='2025-07-01')"
    ]
    spend, raw = spend_frame(["2025-07"], ["search"])
    assert row_messages("marketing_spend", spend, raw, period_end=pd.Timestamp("2025-06-30")) == [
        "column 'month': 1 row is after the end of this table's period 2025-06-30 (is period_end right?); "
        "for example: line 2 (month='2025-07')"
    ]


def test_the_rules_run_on_a_table_with_only_the_columns_they_need():
    frame, raw = subscriptions_frame({"signup_date": ["2025-03-01"], "cancel_date": ["2025-02-01"]})
    assert row_messages("subscriptions", frame, raw) == [
        "column 'cancel_date': 1 row has a cancel date before the signup date; "
        "for example: line 2 (signup_date='2025-03-01', cancel_date='2025-02-01')"
    ]
    # signup_date missing (reported elsewhere): the cancel dates are still checked
    frame, raw = subscriptions_frame({"customer_id": ["S1"], "cancel_date": ["2026-02-01"]})
    assert row_messages("subscriptions", frame, raw) == [
        "column 'cancel_date': 1 row is after the analysis date 2025-12-31 (is the analysis date right? set "
        "analysis_date in data_source, or give this table its own period_end); "
        "for example: line 2 (customer_id='S1', cancel_date='2026-02-01')"
    ]
    frame, raw = spend_frame(["2025-01", "2025-01"], ["search", "search"])
    assert row_messages("marketing_spend", frame, raw) == [
        "column 'month, channel': 2 rows repeat the same month and channel (one row per channel and month expected); "
        "for example: line 2 (month='2025-01', channel='search'); line 3 (month='2025-01', channel='search')"
    ]


def spend_frame(months: list[str], channels: list[str], **more: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    raw = raw_table({"month": months, "channel": channels, **more})
    return raw.assign(month=pd.PeriodIndex(pd.to_datetime(raw["month"].replace("", None)), freq="M")), raw


def test_a_month_and_channel_given_twice_is_refused_but_two_blank_months_are_not_repeats():
    # the same month and channel twice is a repeat even when the amounts differ
    frame, raw = spend_frame(["2025-01", "2025-01", "2025-02", "", "", "2025-01"],
                             ["search", "social", "search", "social", "social", "search"],
                             spend=["100", "100", "100", "100", "100", "250"])
    assert row_messages("marketing_spend", frame, raw) == [
        "column 'month, channel': 2 rows repeat the same month and channel (one row per channel and month expected); "
        "for example: line 2 (month='2025-01', channel='search'); line 7 (month='2025-01', channel='search')"
    ]


def test_spend_in_the_analysis_month_is_kept_and_spend_in_a_later_month_is_refused():
    # A month counts from its first day: 2025-12 starts on 2025-12-01 <= 2025-12-31, 2026-01 starts after it.
    frame, raw = spend_frame(["2025-12", "2026-01"], ["search", "search"])
    assert row_messages("marketing_spend", frame, raw) == [
        "column 'month': 1 row is after the analysis date 2025-12-31 (is the analysis date right? set analysis_date "
        "in data_source, or give this table its own period_end); for example: line 3 (month='2026-01')"
    ]


# --- spend_channel_problem: spend on a channel no subscriber came from ----------------------------------------

def test_spend_on_unknown_channels_lists_them_the_known_ones_and_a_guess_where_there_is_one():
    subs = pd.DataFrame({"channel": ["search", "social", "", "search"]})
    spend = pd.DataFrame({"month": pd.PeriodIndex(["2025-01", "2025-02", "2025-02", "2025-03", "2025-03"], freq="M"),
                          "channel": ["search", "Social", "tv", "tv", "serch"]}, index=[2, 3, 4, 5, 6])
    problem = spend_channel_problem(subs, spend, "spend.csv")
    assert (problem.file, problem.column, problem.count) == ("spend.csv", "channel", 4)
    assert problem.describe() == (
        "column 'channel': 4 rows name a channel no subscriber came from (Social, serch, tv); subscribers' channels "
        "are: search, social (did you mean 'Social' -> 'social'?, 'serch' -> 'search'?); for example: "
        "line 3 (month='2025-02', channel='Social'); line 4 (month='2025-02', channel='tv'); "
        "line 5 (month='2025-03', channel='tv'); line 6 (month='2025-03', channel='serch')"
    )


def test_spend_on_an_unknown_channel_with_no_look_alike_gets_no_guess_and_known_channels_none():
    subs = pd.DataFrame({"channel": ["search"]})
    spend = pd.DataFrame({"month": pd.PeriodIndex(["2025-01"], freq="M"), "channel": ["tv"]}, index=[2])
    assert spend_channel_problem(subs, spend, "spend.csv").describe() == (
        "column 'channel': 1 row names a channel no subscriber came from (tv); subscribers' channels are: search; "
        "for example: line 2 (month='2025-01', channel='tv')"
    )
    spend = pd.DataFrame({"month": pd.PeriodIndex(["2025-01"], freq="M"), "channel": ["search"]}, index=[2])
    assert spend_channel_problem(subs, spend, "spend.csv") is None


# --- dates: formats and time zones ----------------------------------------------------------------------------

def test_dates_with_time_zones_keep_their_local_wall_clock_time():
    mixed = pd.Series(["2025-03-01T10:00+02:00", "2025-03-02T23:30-05:00", None, "2025-03-03"])
    assert parse_dates(mixed, None).tolist() == [pd.Timestamp("2025-03-01 10:00"), pd.Timestamp("2025-03-02 23:30"),
                                                 pd.NaT, pd.Timestamp("2025-03-03")]
    one_zone = parse_dates(pd.Series(["2025-03-01T10:00Z", "2025-03-02T23:30Z"]), None)
    assert str(one_zone.dtype) == "datetime64[ns]"
    assert one_zone.tolist() == [pd.Timestamp("2025-03-01 10:00"), pd.Timestamp("2025-03-02 23:30")]


def test_without_a_date_format_only_iso_dates_are_read():
    # pandas alone would guess 03/15/2025 is 15 March; clvlib reads only the declared (ISO) format
    assert parse_dates(pd.Series(["03/15/2025"]), None).isna().all()
    assert parse_dates(pd.Series(["03/15/2025"]), "%m/%d/%Y").tolist() == [pd.Timestamp("2025-03-15")]


def test_a_column_with_an_unreadable_date_is_parsed_in_one_pass_not_value_by_value(monkeypatch):
    """The per-value reading is for time zones pandas refuses as a column; a typo must not trigger it on a
    million-row file."""
    def refuse(*args, **kwargs):
        raise AssertionError("parsed value by value")

    monkeypatch.setattr(validation, "_one_local_date", refuse)
    assert parse_dates(pd.Series(["2025-03-01", "2025-02-30", "x"]), None).tolist() == [
        pd.Timestamp("2025-03-01"), pd.NaT, pd.NaT]


@pytest.fixture
def pandas3_time_zones(monkeypatch):
    """pandas 3 refuses a column with mixed time-zone offsets (pandas 2 returns objects): act as pandas 3 does."""
    real = pd.to_datetime

    def to_datetime(arg, *args, **kwargs):
        out = real(arg, *args, **kwargs)
        if isinstance(arg, pd.Series) and "format" in kwargs and out.dtype == object:
            raise ValueError("Mixed timezones detected. Pass utc=True in to_datetime")
        return out

    monkeypatch.setattr(pd, "to_datetime", to_datetime)


def test_under_pandas_3_mixed_time_zones_are_read_value_by_value_in_local_time(pandas3_time_zones):
    mixed = pd.Series(["2025-03-01T10:00+02:00", "2025-03-02T23:30-05:00", None, "2025-02-30T10:00+01:00"])
    assert parse_dates(mixed, None).tolist() == [pd.Timestamp("2025-03-01 10:00"), pd.Timestamp("2025-03-02 23:30"),
                                                 pd.NaT, pd.NaT]
    day_first = pd.Series(["01/02/2025 10:00 +0200", "02/02/2025 08:00 -0500"])
    assert parse_dates(day_first, "%d/%m/%Y %H:%M %z").tolist() == [pd.Timestamp("2025-02-01 10:00"),
                                                                     pd.Timestamp("2025-02-02 08:00")]


def test_one_local_date_drops_the_offset_and_reads_only_the_given_format():
    assert _one_local_date("2025-03-01T10:00+02:00", None) == pd.Timestamp("2025-03-01 10:00")
    assert _one_local_date("2025-03-01T10:00+02:00", None).tzinfo is None
    assert _one_local_date("2025-03-01", None) == pd.Timestamp("2025-03-01")
    assert _one_local_date("01/02/2025", "%d/%m/%Y") == pd.Timestamp("2025-02-01")
    assert _one_local_date("03/15/2025", None) is pd.NaT  # not ISO: no guessing
    assert _one_local_date("2025-02-30", None) is pd.NaT
    assert _one_local_date(float("nan"), None) is pd.NaT  # a blank cell, as text.where(~blank) leaves it
