"""The data contract (clvlib.data): every bad input gets one clear message, nothing is dropped.

Each bad-input test checks that the message names the file, the column and example
rows by their line number in the file (the header is line 1).
"""

from __future__ import annotations

import re
import tempfile
import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clvlib.data import (
    DATA_DIR,
    DEFAULT_ANALYSIS_DATE,
    DataNoteWarning,
    Dataset,
    DataValidationError,
    Problem,
    load_dataset,
    load_marketing_spend,
    load_orders,
    load_subscriptions,
    load_table,
    load_truth,
    rows_phrase,
)

SUBS_HEADER = "customer_id,signup_date,cancel_date,plan,monthly_revenue,channel"
SUBS_ROWS = [
    "S1,2024-01-05,,basic,15,search",
    "S2,2024-02-10,2024-05-10,standard,25,social",
    "S3,2024-03-15,,premium,40,referral",
    "S4,2024-04-20,2024-06-20,basic,15,affiliate",
]


def write(tmp_path: Path, name: str, lines: list[str] | str, newline: str = "\n", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    text = lines if isinstance(lines, str) else newline.join(lines) + newline
    path.write_bytes(text.encode(encoding))
    return path


def subs_file(tmp_path: Path, rows: list[str] | None = None, header: str = SUBS_HEADER, name="subs.csv") -> Path:
    return write(tmp_path, name, [header, *(SUBS_ROWS if rows is None else rows)])


def error_of(func, *args, **kwargs) -> DataValidationError:
    with pytest.raises(DataValidationError) as info:
        func(*args, **kwargs)
    return info.value


def only_problem(error: DataValidationError) -> Problem:
    assert len(error.problems) == 1, str(error)
    return error.problems[0]


def example_lines(problem: Problem) -> list[int]:
    return [int(re.match(r"line (\d+)", e).group(1)) for e in problem.examples]


def assert_names(error: DataValidationError, file: Path, column: str | None, lines: list[int]) -> None:
    """The message names the file, the column and the example rows by line number."""
    text = str(error)
    assert file.name in text
    if column:
        assert f"column '{column}'" in text
    for line in lines:
        assert f"line {line} (" in text


# --- each bad-input case ---------------------------------------------------------------


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.csv"
    problem = only_problem(error_of(load_subscriptions, path))
    assert problem.file.endswith("nowhere.csv") and problem.column is None
    assert "does not exist" in problem.message and "subscriptions" in problem.message


def test_a_file_the_user_may_not_read_is_one_plain_problem(tmp_path, monkeypatch):
    """No PermissionError traceback: the file, the table and the reason, with the other files' problems.

    The tests run as root here, so chmod cannot take the right away: the read itself is refused.
    """
    locked = write(tmp_path, "locked.csv", SUBS_HEADER + "\n" + SUBS_ROWS[0] + "\n")
    real_read_bytes = Path.read_bytes

    def refuse(self):
        if self.name == "locked.csv":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    error = error_of(load_dataset, {"subscriptions": str(locked), "orders": str(tmp_path / "missing.csv")})
    by_file = {Path(p.file).name: p.message for p in error.problems}
    assert by_file["locked.csv"] == (
        "cannot be opened: you may not read it (no permission) (the subscriptions table was to be read from here)"
    )
    assert "does not exist" in by_file["missing.csv"]  # every problem at once


def test_empty_file_zero_bytes(tmp_path):
    path = write(tmp_path, "empty.csv", "")
    error = error_of(load_subscriptions, path)
    assert "empty.csv" in str(error) and "is empty (0 bytes)" in str(error)


def test_file_with_only_blank_lines(tmp_path):
    path = write(tmp_path, "blank.csv", "\n\n  \n")
    assert "is empty" in str(error_of(load_orders, path))


def test_header_only_file(tmp_path):
    path = subs_file(tmp_path, rows=[])
    problem = only_problem(error_of(load_subscriptions, path))
    assert problem.message == "has a header but no rows"
    assert "subs.csv: nothing was loaded" not in str(problem)  # the file is named in the header line
    assert "subs.csv" in str(error_of(load_subscriptions, path))


def test_missing_column_with_a_suggestion(tmp_path):
    header = SUBS_HEADER.replace("monthly_revenue", "Monthly Revenue")
    path = subs_file(tmp_path, header=header)
    problem = only_problem(error_of(load_subscriptions, path))
    assert problem.column == "monthly_revenue"
    assert "is missing" in problem.message
    assert "map it with columns: {'Monthly Revenue': monthly_revenue}" in problem.message


def test_missing_columns_are_each_reported(tmp_path):
    path = write(tmp_path, "subs.csv", ["customer_id,signup_date", "S1,2024-01-01"])
    error = error_of(load_subscriptions, path)
    assert sorted(p.column for p in error.problems) == ["cancel_date", "channel", "monthly_revenue", "plan"]
    assert all("customer_id, signup_date" in p.message for p in error.problems)


def test_unparseable_date_names_the_expected_format(tmp_path):
    rows = list(SUBS_ROWS)
    rows[1] = rows[1].replace("2024-02-10", "10/02/2024")
    rows[3] = rows[3].replace("2024-04-20", "2024-13-01")
    path = subs_file(tmp_path, rows)
    error = error_of(load_subscriptions, path)
    problem = only_problem(error)
    assert problem.column == "signup_date" and problem.count == 2
    assert "2 rows have a date that cannot be read with the format YYYY-MM-DD" in problem.message
    assert_names(error, path, "signup_date", [3, 5])
    assert "'10/02/2024'" in str(error)


def test_unparseable_date_with_a_custom_format_names_that_format(tmp_path):
    path = subs_file(tmp_path)  # ISO dates read with a dd/mm/YYYY format
    error = error_of(load_subscriptions, path, date_format="%d/%m/%Y")
    assert "%d/%m/%Y (e.g. 31/12/2025)" in str(error)


@pytest.mark.parametrize(
    ("value", "phrase"),
    [
        ("-15", "1 row is negative"),
        ("", "1 row has no value"),
        ("abc", "1 row is not a number"),
        ("12,50", "1 row is not a number"),  # a decimal comma is not silently read as 1250
        ("inf", "1 row is not a number"),
    ],
)
def test_bad_amount(tmp_path, value, phrase):
    rows = list(SUBS_ROWS)
    rows[2] = rows[2].replace(",40,", f',"{value}",')
    path = subs_file(tmp_path, rows)
    error = error_of(load_subscriptions, path)
    problem = only_problem(error)
    assert problem.column == "monthly_revenue" and problem.count == 1
    assert problem.message.startswith(phrase.replace("is not a number", "is not"))
    assert_names(error, path, "monthly_revenue", [4])
    assert "customer_id='S3'" in str(error)


def test_cancel_before_signup(tmp_path):
    rows = list(SUBS_ROWS)
    rows[3] = "S4,2024-04-20,2024-03-01,basic,15,affiliate"
    path = subs_file(tmp_path, rows)
    error = error_of(load_subscriptions, path)
    problem = only_problem(error)
    assert problem.column == "cancel_date"
    assert problem.message.startswith("1 row has a cancel date before the signup date")
    assert_names(error, path, "cancel_date", [5])
    assert "signup_date='2024-04-20', cancel_date='2024-03-01'" in str(error)


def test_duplicate_customer(tmp_path):
    rows = [*SUBS_ROWS, "S2,2024-05-01,,basic,15,search", "S2,2024-05-02,,basic,15,search"]
    path = subs_file(tmp_path, rows)
    error = error_of(load_subscriptions, path)
    problem = only_problem(error)
    assert problem.column == "customer_id" and problem.count == 3
    assert "(1 customer repeated; one row per customer expected)" in problem.message
    assert_names(error, path, "customer_id", [3, 6, 7])


def test_dates_after_the_analysis_date(tmp_path):
    rows = list(SUBS_ROWS)
    rows[0] = "S1,2026-03-05,,basic,15,search"
    path = subs_file(tmp_path, rows)
    error = error_of(load_subscriptions, path)
    problem = only_problem(error)
    assert problem.column == "signup_date"
    assert f"after the analysis date {DEFAULT_ANALYSIS_DATE}" in problem.message
    assert_names(error, path, "signup_date", [2])
    # ... and the analysis date can be moved.
    assert len(load_subscriptions(path, analysis_date="2026-12-31")) == 4


def test_orders_after_the_analysis_date(tmp_path):
    path = write(tmp_path, "orders.csv", ["customer_id,order_date,order_value", "C1,2024-01-01,5", "C1,2030-01-01,5"])
    error = error_of(load_orders, path)
    assert_names(error, path, "order_date", [3])


def test_spend_channel_unknown_to_subscriptions(tmp_path):
    subs = subs_file(tmp_path)
    spend = write(
        tmp_path, "spend.csv",
        ["month,channel,spend", "2024-01,search,100", "2024-01,Social,50", "2024-02,tv,70", "2024-03,tv,70"],
    )
    error = error_of(load_dataset, {"subscriptions": str(subs), "marketing_spend": str(spend)})
    problem = only_problem(error)
    assert problem.column == "channel" and problem.count == 3
    assert "name a channel no subscriber came from (Social, tv)" in problem.message
    assert "'Social' -> 'social'?" in problem.message
    assert_names(error, spend, "channel", [3, 4, 5])


def test_spend_repeating_month_and_channel(tmp_path):
    spend = write(tmp_path, "spend.csv", ["month,channel,spend", "2024-01,search,1", "2024-01,search,2"])
    error = error_of(load_marketing_spend, spend)
    assert only_problem(error).count == 2
    assert_names(error, spend, "month, channel", [2, 3])


def test_unknown_keys_in_data_source_suggest_the_closest():
    error = error_of(load_dataset, {"analysis_dat": "2025-12-31", "subscription": "x.csv"})
    problem = only_problem(error)
    assert problem.file == "data_source"
    assert "'analysis_dat' (did you mean 'analysis_date'?)" in problem.message
    assert "'subscription' (did you mean 'subscriptions'?)" in problem.message


def test_unknown_keys_in_a_table_entry_suggest_the_closest(tmp_path):
    error = error_of(load_dataset, {"orders": {"path": "x.csv", "colums": {"a": "customer_id"}}})
    problem = only_problem(error)
    assert problem.column == "data_source.orders"
    assert "'colums' (did you mean 'columns'?)" in str(error)


def test_mapping_names_a_column_the_file_lacks(tmp_path):
    path = subs_file(tmp_path)
    columns = {"cust_no": "customer_id"}
    error = error_of(load_subscriptions, path, columns=columns)
    problem = only_problem(error)
    assert problem.column == "cust_no"
    assert "is named in the column mapping (cust_no -> customer_id) but the file has no such column" in problem.message
    assert "subs.csv" in str(error)


def test_mapping_written_the_wrong_way_round_is_explained(tmp_path):
    header = SUBS_HEADER.replace("customer_id", "cust_no")
    path = subs_file(tmp_path, header=header)
    error = error_of(load_subscriptions, path, columns={"customer_id": "cust_no"})
    assert "write {cust_no: customer_id}" in str(error)


def test_mapping_onto_a_column_that_already_exists(tmp_path):
    header = SUBS_HEADER + ",cust"
    path = subs_file(tmp_path, header=header, rows=[r + ",x" for r in SUBS_ROWS])
    error = error_of(load_subscriptions, path, columns={"cust": "customer_id"})
    assert "map only one column to 'customer_id'" in str(error)


def test_mapping_to_a_misspelt_clvlib_name(tmp_path):
    error = error_of(load_subscriptions, subs_file(tmp_path), columns={"customer_id": "customer_idd"})
    assert "did you mean 'customer_id'?" in str(error)


def test_bad_date_format_is_reported():
    error = error_of(load_dataset, {"orders": {"path": "x.csv", "date_format": "%d/%m"}})
    assert "date_format '%d/%m' cannot read dates" in str(error)


def test_bad_analysis_date_is_reported():
    error = error_of(load_dataset, {"analysis_date": "someday"})
    assert "data_source.analysis_date is not a date written YYYY-MM-DD: 'someday'" in str(error)


# --- several problems at once ----------------------------------------------------------


def test_every_problem_in_every_file_is_reported_together(tmp_path):
    rows = [
        "S1,2024-01-05,,basic,-15,search",  # negative amount (line 2)
        "S1,2024-13-10,,standard,25,social",  # duplicate (2, 3) + bad date (3)
        "S3,2024-03-15,2024-01-01,premium,40,referral",  # cancel before signup (4)
    ]
    subs = subs_file(tmp_path, rows)
    orders = write(tmp_path, "orders.csv", "")
    spend = tmp_path / "missing_spend.csv"
    error = error_of(
        load_dataset,
        {"subscriptions": str(subs), "orders": str(orders), "marketing_spend": str(spend), "analysis_dat": 1},
    )
    kinds = {(Path(p.file).name, p.column) for p in error.problems}
    assert kinds == {
        ("subs.csv", "monthly_revenue"),
        ("subs.csv", "signup_date"),
        ("subs.csv", "customer_id"),
        ("subs.csv", "cancel_date"),
        ("orders.csv", None),
        ("missing_spend.csv", None),
        ("data_source", None),
    }
    text = str(error)
    assert text.startswith("7 problems found in")
    assert "line 2 (" in text and "line 3 (" in text and "line 4 (" in text
    assert "data/README.md" in text


def test_grammar_one_row_and_many_rows():
    assert rows_phrase(1, "are blank") == "1 row is blank"
    assert rows_phrase(3, "are blank") == "3 rows are blank"
    assert rows_phrase(1, "have no date") == "1 row has no date"
    assert rows_phrase(2, "have no date") == "2 rows have no date"
    assert str(DataValidationError([Problem("f.csv", "c", "1 row is blank", 1)])).startswith("1 problem found")


def test_at_most_five_examples_are_shown(tmp_path):
    rows = [f"S{i},2024-01-05,,basic,-1,search" for i in range(12)]
    problem = only_problem(error_of(load_subscriptions, subs_file(tmp_path, rows)))
    assert problem.count == 12
    assert example_lines(problem) == [2, 3, 4, 5, 6]
    assert "showing 5" in problem.describe()


# --- odd but valid files: no traceback, nothing dropped --------------------------------


def test_odd_but_valid_file_loads(tmp_path):
    """BOM, Windows line endings, padded headers and values, $1,200, an extra column, blank cancel column."""
    lines = [
        " customer_id , signup_date,cancel_date ,plan, monthly_revenue,channel,region",
        "S1, 2024-01-05 ,,basic,\"$1,200\",search,north",
        "S2,2024-02-10,,standard,  25 ,social,",
        "S3,2024-03-15,,premium,$40.50,referral,south",
    ]
    path = write(tmp_path, "odd.csv", "\ufeff" + "\r\n".join(lines) + "\r\n")
    subs = load_subscriptions(path)
    assert len(subs) == 3
    assert subs["monthly_revenue"].tolist() == [1200.0, 25.0, 40.5]
    assert subs["signup_date"].iloc[0] == pd.Timestamp("2024-01-05")
    assert subs["cancel_date"].isna().all()
    assert subs.columns[-1] == "region" and subs["region"].tolist() == ["north", "", "south"]


def test_all_blank_required_column_is_reported_not_crashed(tmp_path):
    rows = [r.replace(r.split(",")[1], "") for r in SUBS_ROWS]
    error = error_of(load_subscriptions, subs_file(tmp_path, rows))
    assert only_problem(error).message.startswith("4 rows have no date")


def test_lines_with_no_value_are_set_aside_and_reported(tmp_path):
    rows = [SUBS_ROWS[0], ",,,,,", "", *SUBS_ROWS[1:]]
    path = subs_file(tmp_path, rows)
    with pytest.warns(DataNoteWarning, match=r"1 row has no value in any column and was set aside \(line 3\)"):
        subs = load_subscriptions(path)
    assert subs["customer_id"].tolist() == ["S1", "S2", "S3", "S4"]
    with pytest.warns(DataNoteWarning):
        ds = load_dataset({"subscriptions": str(path)})
    assert len(ds.notes) == 1 and "line 3" in ds.notes[0]


def test_line_numbers_count_blank_lines_and_quoted_line_breaks(tmp_path):
    rows = [
        SUBS_ROWS[0],
        "",
        'S2,2024-02-10,,"standard',
        'plan",25,social',
        "S3,2024-03-15,,premium,-40,referral",
    ]
    error = error_of(load_subscriptions, subs_file(tmp_path, rows))
    assert example_lines(only_problem(error)) == [6]


def test_too_many_values_on_a_line(tmp_path):
    rows = [SUBS_ROWS[0], "S2,2024-02-10,,standard,$1,200,social", SUBS_ROWS[2]]
    path = subs_file(tmp_path, rows)
    error = error_of(load_subscriptions, path)
    problem = only_problem(error)
    assert "has 1 line with more values than the 6 columns" in problem.message
    assert "double quotes" in problem.message and example_lines(problem) == [3]


def test_not_utf8_says_how_to_fix_it(tmp_path):
    path = write(tmp_path, "latin.csv", [SUBS_HEADER, "S1,2024-01-05,,basic,15,caf\u00e9"], encoding="latin-1")
    assert "encoding: cp1252" in str(error_of(load_subscriptions, path))
    subs = load_table("subscriptions", path, encoding="latin-1")
    assert subs["channel"].iloc[0] == "caf\u00e9"


def test_semicolon_file_gets_a_hint_and_can_be_read(tmp_path):
    path = write(tmp_path, "semi.csv", [SUBS_HEADER.replace(",", ";"), *[r.replace(",", ";") for r in SUBS_ROWS]])
    assert "separator: ';'" in str(error_of(load_subscriptions, path))
    assert len(load_table("subscriptions", path, separator=";")) == 4


def test_mixed_time_zones_do_not_crash(tmp_path):
    path = write(
        tmp_path, "orders.csv",
        ["customer_id,order_date,order_value", "C1,2024-01-01T10:00+01:00,5", "C2,2024-01-02,6"],
    )
    orders = load_orders(path)
    assert orders["order_date"].tolist() == [pd.Timestamp("2024-01-01 10:00"), pd.Timestamp("2024-01-02")]


def test_duplicate_header_names_are_reported(tmp_path):
    path = subs_file(tmp_path, header=SUBS_HEADER + ",plan", rows=[r + ",x" for r in SUBS_ROWS])
    assert "appears 2 times in the header" in str(error_of(load_subscriptions, path))


# --- the happy paths ------------------------------------------------------------------


def test_foreign_format_with_column_mapping_and_day_first_dates(tmp_path):
    subs = write(
        tmp_path, "kunden.csv",
        [
            "Kunde;Start;Ende;Tarif;Monatsbeitrag;Kanal;Alter",
            "K-001;05/01/2024;;basic;15,00 ;search;31",
            "K-002;10/02/2024;10/05/2024;premium;40;social;45",
        ],
    )
    orders = write(
        tmp_path, "orders_export.csv",
        ["Buyer,Purchased,Total", "B1,31/01/2024,\"$1,250.00\"", "B1,13/03/2024,20"],
    )
    spend = write(tmp_path, "spend.csv", ["Monat,Kanal,Budget", "01/01/2024,search,100", "01/02/2024,social,50"])
    data_source = {
        "analysis_date": "2024-12-31",
        "subscriptions": {
            "path": str(subs),
            "separator": ";",
            "date_format": "%d/%m/%Y",
            "columns": {"Kunde": "customer_id", "Start": "signup_date", "Ende": "cancel_date", "Tarif": "plan",
                        "Monatsbeitrag": "monthly_revenue", "Kanal": "channel", "Alter": "age_years"},
        },
        "orders": {
            "path": str(orders),
            "date_format": "DD/MM/YYYY",  # spreadsheet style is understood too
            "columns": {"Buyer": "customer_id", "Purchased": "order_date", "Total": "order_value"},
        },
        "marketing_spend": {
            "path": str(spend),
            "date_format": "%d/%m/%Y",
            "columns": {"Monat": "month", "Kanal": "channel", "Budget": "spend"},
        },
    }
    with pytest.raises(DataValidationError, match="15,00"):
        load_dataset(data_source)  # "15,00" is a decimal comma: refused, not read as 1500
    subs.write_text(subs.read_text().replace("15,00 ", "15.00"))
    ds = load_dataset(data_source)
    assert not ds.is_embedded
    assert ds.analysis_date == pd.Timestamp("2024-12-31")
    s = ds.subscriptions
    assert s["customer_id"].tolist() == ["K-001", "K-002"]
    assert s["signup_date"].tolist() == [pd.Timestamp("2024-01-05"), pd.Timestamp("2024-02-10")]
    assert s["cancel_date"].iloc[1] == pd.Timestamp("2024-05-10") and pd.isna(s["cancel_date"].iloc[0])
    assert s["monthly_revenue"].tolist() == [15.0, 40.0]
    assert s["age_years"].tolist() == [31.0, 45.0]
    assert ds.orders["order_date"].tolist() == [pd.Timestamp("2024-01-31"), pd.Timestamp("2024-03-13")]
    assert ds.orders["order_value"].tolist() == [1250.0, 20.0]
    assert ds.marketing_spend["month"].astype(str).tolist() == ["2024-01", "2024-02"]


def _data_lines(path: Path) -> int:
    return sum(1 for line in path.read_text().splitlines()[1:] if line.strip())


def test_embedded_dataset_row_counts_and_types():
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataNoteWarning)  # the embedded files are clean
        ds = load_dataset()
    assert isinstance(ds, Dataset) and ds.is_embedded and ds.notes == ()
    assert ds.analysis_date == pd.Timestamp(DEFAULT_ANALYSIS_DATE)
    for table in ("subscriptions", "orders", "marketing_spend"):
        assert len(getattr(ds, table)) == _data_lines(DATA_DIR / f"{table}.csv")  # no row dropped
    assert (len(ds.subscriptions), len(ds.orders), len(ds.marketing_spend)) == (4710, 18175, 144)
    s = ds.subscriptions
    assert list(s.columns) == [
        "customer_id", "signup_date", "cancel_date", "plan", "monthly_revenue", "channel", "promo_signup", "age_years",
        "email_hash", "referrer_id", "app_logins_first_30d",
    ]
    assert pd.api.types.is_string_dtype(s["customer_id"]) and s["customer_id"].is_unique
    assert str(s["signup_date"].dtype) == str(s["cancel_date"].dtype) == "datetime64[ns]"
    assert s["monthly_revenue"].dtype == float and s["promo_signup"].dtype == bool
    o = ds.orders
    assert list(o.columns) == ["customer_id", "order_date", "order_value", "channel", "email_hash"]
    assert str(o["order_date"].dtype) == "datetime64[ns]" and o["order_value"].dtype == float
    m = ds.marketing_spend
    assert m["month"].dtype == pd.PeriodDtype("M")
    assert m["spend"].dtype == float
    assert set(m["channel"]) <= set(s["channel"])
    assert ds.describe().loc["orders", "rows"] == 18175


def test_truth_matches_the_embedded_customers():
    truth = load_truth()
    ds = load_dataset()
    assert set(truth.subscriptions["customer_id"]) == set(ds.subscriptions["customer_id"])
    assert truth.params["analysis_date"] == DEFAULT_ANALYSIS_DATE


def test_plain_path_and_unknown_table(tmp_path):
    assert len(load_dataset({"subscriptions": str(subs_file(tmp_path))}).subscriptions) == 4
    with pytest.raises(ValueError, match="Unknown table"):
        load_table("customers")


# --- property: whatever subset of rows is made bad is reported with exactly that count --

BREAKERS = {
    "negative revenue": ("monthly_revenue", lambda f: {**f, "monthly_revenue": "-3"}),
    "text revenue": ("monthly_revenue", lambda f: {**f, "monthly_revenue": "n/a"}),
    "unreadable date": ("signup_date", lambda f: {**f, "signup_date": "2024-02-30"}),
    "cancel before signup": ("cancel_date", lambda f: {**f, "cancel_date": "2023-12-31"}),
    "blank plan": ("plan", lambda f: {**f, "plan": ""}),
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n_rows=st.integers(min_value=1, max_value=25),
    data=st.data(),
    kind=st.sampled_from(sorted(BREAKERS)),
)
def test_any_subset_of_bad_rows_is_reported_with_exactly_that_count(n_rows, data, kind):
    bad = sorted(data.draw(st.sets(st.integers(min_value=0, max_value=n_rows - 1))))
    column, breaker = BREAKERS[kind]
    columns = SUBS_HEADER.split(",")
    lines = [SUBS_HEADER]
    for i in range(n_rows):
        fields = {"customer_id": f"S{i}", "signup_date": "2024-01-15", "cancel_date": "", "plan": "basic",
                  "monthly_revenue": "15", "channel": "search"}
        if i in bad:
            fields = breaker(fields)
        lines.append(",".join(fields[c] for c in columns))
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp), "subs.csv", lines)
        if not bad:
            assert len(load_subscriptions(path)) == n_rows  # nothing dropped
            return
        error = error_of(load_subscriptions, path)
    problem = only_problem(error)
    assert problem.column == column
    assert problem.count == len(bad)
    assert problem.message.startswith(f"{len(bad)} row ") if len(bad) == 1 else problem.message.startswith(
        f"{len(bad)} rows "
    )
    assert example_lines(problem) == [i + 2 for i in bad][:5]


# --- property: no odd file ends in a pandas traceback -----------------------------------

ODD_CELLS = st.sampled_from(
    ["", " ", "S1", "2024-01-05", "2024-13-40", "05/01/2024", "-3", "$1,200", "1,2", '"a,b"', '"', "nan",
     "inf", "1e400", "True", "2024-01", "2024-01-01T10:00+05:00", "\ufeff", "\u00fc", "search", "NaT", "0"]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    table=st.sampled_from(["subscriptions", "orders", "marketing_spend"]),
    keep=st.lists(st.booleans(), min_size=8, max_size=8),
    extra=st.lists(st.sampled_from(["x", "", "customer_id", " plan"]), max_size=2),
    rows=st.lists(st.lists(ODD_CELLS, max_size=9), max_size=6),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    date_format=st.sampled_from([None, "%d/%m/%Y", "DD/MM/YYYY", "%Q"]),
    tail=st.binary(max_size=12),
)
def test_odd_files_give_a_table_or_a_data_validation_error(table, keep, extra, rows, newline, date_format, tail):
    names = ["customer_id", "signup_date", "cancel_date", "plan", "monthly_revenue", "channel", "order_date", "spend"]
    header = [c for c, k in zip(names, keep, strict=True) if k] + extra
    text = ",".join(header) + newline + newline.join(",".join(r) for r in rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "odd.csv"
        path.write_bytes(text.encode() + tail)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DataNoteWarning)
                frame = load_table(table, path, date_format=date_format)
        except DataValidationError as error:
            assert error.problems
            assert "odd.csv" in str(error) or (date_format == "%Q" and "date_format '%Q'" in str(error))
        else:
            assert isinstance(frame, pd.DataFrame) and len(frame) >= 1


def test_malformed_table_entries_are_reported():
    error = error_of(load_dataset, {"subscriptions": {"path": 5, "separator": ";;"}, "orders": 3})
    text = str(error)
    assert "data_source.subscriptions has a path that is not text: 5" in text
    assert "data_source.subscriptions has separator ';;'" in text
    assert "data_source.orders must be a file path or a mapping, not int" in text


# --- the modules behind the loaders: known values for the small pure pieces -------------


def test_project_root_is_the_repository_root():
    from clvlib.data import PROJECT_ROOT, sources

    assert PROJECT_ROOT == Path(__file__).resolve().parents[2]
    assert DATA_DIR == PROJECT_ROOT / "data"
    assert all(path.is_file() for path in sources.DEFAULT_FILES.values())


@pytest.mark.parametrize(
    "text, number",
    [("12.5", 12.5), ("$1,200", 1200.0), ("-3", -3.0), ("€ 7", 7.0), ("-$2.50", -2.5), ("1,234,567.5", 1234567.5),
     ("12,50", None), ("1,20", None), ("inf", None), ("n/a", None), ("", None)],
)
def test_parse_amounts_reads_thousands_but_never_a_decimal_comma(text, number):
    from clvlib.data.validation import parse_amounts

    parsed = parse_amounts(pd.Series([text])).iloc[0]
    assert (pd.isna(parsed) if number is None else parsed == number), (text, parsed)


@pytest.mark.parametrize(
    "fmt, expected",
    [("DD/MM/YYYY", "%d/%m/%Y"), ("mm-dd-yy", "%m-%d-%y"), ("%d.%m.%Y", "%d.%m.%Y"), ("", None), (None, None)],
)
def test_date_format_in_spreadsheet_style_becomes_strftime(fmt, expected):
    from clvlib.data.sources import normalise_date_format

    assert normalise_date_format(fmt) == (expected, None)


@pytest.mark.parametrize("fmt, phrase", [("%Q", "cannot read dates"), ("MM/DD", "cannot read dates"), (5, "must be text")])
def test_unusable_date_format_is_a_problem_not_a_format(fmt, phrase):
    from clvlib.data.sources import normalise_date_format

    out, problem = normalise_date_format(fmt)
    assert out is None and phrase in problem


def test_csv_records_start_on_the_line_of_the_file():
    from clvlib.data.reading import csv_records

    text = 'id,note\r\nS1,"one\r\ntwo\r\nthree"\r\n\r\nS2,ok\r\n'
    # header line 1; S1 spans lines 2-4; line 5 is blank (csv yields an empty record); S2 on line 6
    assert list(csv_records(text, ",")) == [
        (1, ["id", "note"]), (2, ["S1", "one\r\ntwo\r\nthree"]), (5, []), (6, ["S2", "ok"])
    ]


def test_row_problem_counts_every_row_and_shows_five_by_line():
    from clvlib.data.errors import row_problem

    raw = pd.DataFrame({"customer_id": [f"C{i}" for i in range(10)], "plan": ["x"] * 7 + ["basic"] * 3},
                       index=range(2, 12))
    assert row_problem("f.csv", "plan", raw["plan"].eq("gold"), "are unknown", raw, ["plan"]) is None
    problem = row_problem("f.csv", "plan", raw["plan"].eq("x"), "are unknown", raw, ["customer_id", "plan"])
    assert (problem.count, problem.message) == (7, "7 rows are unknown")
    assert example_lines(problem) == [2, 3, 4, 5, 6]
    assert problem.examples[0] == "line 2 (customer_id='C0', plan='x')"
    assert "for example (showing 5): line 2" in problem.describe()


def test_spend_channel_problem_names_each_row_and_leaves_its_inputs_alone():
    from clvlib.data.validation import spend_channel_problem

    subs = pd.DataFrame({"channel": ["search", "social", "search", ""]})
    spend = pd.DataFrame(
        {"month": pd.PeriodIndex(["2024-01", "2024-01", "2024-02", "2024-02", "2024-03"], freq="M"),
         "channel": ["search", "Social", "tv", "", "tv"]},
        index=[2, 3, 4, 5, 6],
    )
    before = spend.copy()
    assert spend_channel_problem(subs, spend[spend["channel"].isin(["search", ""])], "spend.csv") is None
    problem = spend_channel_problem(subs, spend, "spend.csv")
    pd.testing.assert_frame_equal(spend, before)
    assert (problem.file, problem.column, problem.count) == ("spend.csv", "channel", 3)  # blank: not this problem
    assert example_lines(problem) == [3, 4, 6]
    assert problem.message == ("3 rows name a channel no subscriber came from (Social, tv); subscribers' channels "
                               "are: search, social (did you mean 'Social' -> 'social'?)")


def test_the_public_names_are_the_ones_the_modules_define():
    import clvlib.data as data
    from clvlib.data import errors, loaders, sources

    homes = {**{n: errors for n in ("Problem", "DataValidationError", "DataNoteWarning", "rows_phrase")},
             **{n: loaders for n in ("Truth", "load_dataset", "load_table", "load_truth", "load_orders")},
             **{n: sources for n in ("Dataset", "TableSource", "resolve_path", "PROJECT_ROOT", "DATA_DIR")}}
    for name, module in homes.items():
        assert getattr(data, name) is getattr(module, name), name
    assert all(hasattr(data, name) for name in data.__all__)


def test_single_table_loaders_take_the_encoding_and_separator_of_a_params_file(tmp_path):
    """A cp1252, ';'-separated export read by load_orders alone, as load_dataset would read it."""
    path = tmp_path / "orders_fr.csv"
    path.write_bytes("customer_id;order_date;order_value\nCafé-1;2025-03-01;12.50\nCafé-2;2025-03-02;7\n".encode("cp1252"))
    orders = load_orders(path, encoding="cp1252", separator=";")
    assert orders["customer_id"].tolist() == ["Café-1", "Café-2"]
    assert orders["order_value"].tolist() == [12.5, 7.0]
    with pytest.raises(DataValidationError, match="is not utf-8-sig text"):
        load_orders(path, separator=";")
