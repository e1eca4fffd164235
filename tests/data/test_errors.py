"""The words of a data error (clvlib.data.errors): what an analyst reads when a file is refused.

Every assertion compares the full sentence: a wrong verb ("1 rows are"), a missing
example, a line number off by one or a lost hint is what the analyst would suffer.
"""

from __future__ import annotations

import pandas as pd
import pytest

from clvlib.data.errors import (
    MAX_EXAMPLES,
    README_HINT,
    DataValidationError,
    Problem,
    example_lines,
    plural,
    record_row_problem,
    row_problem,
    rows_phrase,
)

# Seven rows as read from a file (text, as the loaders keep it): the index is the line number (header: line 1).
RAW = pd.DataFrame({"customer_id": [f"C{i}" for i in range(7)], "plan": ["x", "basic", "x", "x", "x", "x", "x"],
                    "spend": ["1.5", "2", "3", "4", "5", "6", "7,0"]}, index=range(2, 9))


@pytest.mark.parametrize(("count", "predicate", "expected"), [
    (1, "are blank", "1 row is blank"),
    (1, "have no date", "1 row has no date"),
    (1, "repeat a customer_id", "1 row repeats a customer_id"),
    (1, "name an unknown plan", "1 row names an unknown plan"),
    (1, "do not parse", "1 row does not parse"),
    (1, "are not numbers (write 12.50, not numbers)", "1 row is not a number (write 12.50, not numbers)"),
    (1, "are thousands-grouped numbers", "1 row is a thousands-grouped number"),
    (1, "lack a date", "1 row lack a date"),  # a verb with no singular listed is left as it is
    (1, "are", "1 row is"),  # nothing after the verb: no trailing space
    (0, "are blank", "0 rows are blank"),
    (2, "are not numbers", "2 rows are not numbers"),
    (3, "have no date", "3 rows have no date"),
])
def test_a_row_count_reads_as_english(count, predicate, expected):
    assert rows_phrase(count, predicate) == expected


def test_a_count_of_anything_else_takes_an_s_unless_it_is_one():
    assert [plural(n, "line") for n in (0, 1, 2, 11)] == ["0 lines", "1 line", "2 lines", "11 lines"]


@pytest.mark.parametrize(("problem", "expected"), [
    (Problem("subs.csv", "plan", "3 rows are blank"), "column 'plan': 3 rows are blank"),
    (Problem("subs.csv", None, "is empty"), "the file is empty"),
    (Problem("data_source", "data_source.orders", "has period_end 'x'"), "data_source.orders has period_end 'x'"),
    (Problem("data_source", None, "has unknown key 'pth'"), "data_source has unknown key 'pth'"),
    (Problem("subs.csv", "plan", "2 rows are blank", 2, ("line 3 (plan='')", "line 7 (plan='')")),
     "column 'plan': 2 rows are blank; for example: line 3 (plan=''); line 7 (plan='')"),
    (Problem("subs.csv", "plan", "9 rows are blank", 9, ("line 3 (plan='')", "line 7 (plan='')")),
     "column 'plan': 9 rows are blank; for example (showing 2): line 3 (plan=''); line 7 (plan='')"),
    (Problem("subs.csv", "plan", "3 rows are blank", 3, ("line 3 (plan='')", "line 7 (plan='')")),
     "column 'plan': 3 rows are blank; for example (showing 2): line 3 (plan=''); line 7 (plan='')"),
])
def test_a_problem_names_the_column_or_the_setting_and_its_examples(problem, expected):
    assert problem.describe() == expected


def test_one_error_lists_every_problem_and_names_the_file_of_each_when_there_are_several():
    subs = Problem("subs.csv", "plan", "1 row is blank", 1, ("line 3 (plan='')",))
    settings = Problem("data_source", "data_source.orders", "has period_end 'x'")
    orders = Problem("orders.csv", None, "is empty")
    error = DataValidationError([subs, settings, subs, orders])
    assert error.problems == [subs, settings, subs, orders]
    assert str(error) == (
        "4 problems found in subs.csv, data_source, orders.csv; nothing was loaded:\n"
        "  - subs.csv: column 'plan': 1 row is blank; for example: line 3 (plan='')\n"
        "  - data_source.orders has period_end 'x'\n"  # a setting names itself: no file prefix
        "  - subs.csv: column 'plan': 1 row is blank; for example: line 3 (plan='')\n"
        "  - orders.csv: the file is empty\n" + README_HINT)
    assert README_HINT == "See data/README.md ('Using your own data') for the expected columns and formats."
    one = DataValidationError((subs,))  # any iterable of problems; kept as a list
    assert one.problems == [subs]
    assert str(one) == ("1 problem found in subs.csv; nothing was loaded:\n"
                        "  - column 'plan': 1 row is blank; for example: line 3 (plan='')\n" + README_HINT)
    assert isinstance(one, ValueError)
    two = DataValidationError([settings, subs])  # a setting and one file: the file is still named
    assert str(two) == ("2 problems found in data_source, subs.csv; nothing was loaded:\n"
                        "  - data_source.orders has period_end 'x'\n"
                        "  - subs.csv: column 'plan': 1 row is blank; for example: line 3 (plan='')\n" + README_HINT)


def test_example_rows_are_named_by_their_line_in_the_file_five_at_most():
    mask = RAW["plan"].eq("x")  # lines 2, 4, 5, 6, 7, 8
    assert MAX_EXAMPLES == 5
    assert example_lines(RAW, mask, ["customer_id", "plan", "channel", "customer_id"]) == (
        "line 2 (customer_id='C0', plan='x')", "line 4 (customer_id='C2', plan='x')",
        "line 5 (customer_id='C3', plan='x')", "line 6 (customer_id='C4', plan='x')",
        "line 7 (customer_id='C5', plan='x')")  # 'channel' is not in the file; customer_id shown once
    assert example_lines(RAW, RAW["spend"].eq("2"), ["spend"]) == ("line 3 (spend='2')",)
    assert example_lines(RAW, RAW["spend"].eq("99"), ["spend"]) == ()
    flags = pd.Series([0, 1, 0, 0, 0, 0, 1], index=RAW.index)  # 0/1 flags mark rows, they are not positions
    assert example_lines(RAW, flags, ["customer_id"]) == ("line 3 (customer_id='C1')", "line 8 (customer_id='C6')")


def test_a_row_problem_counts_rows_an_unknown_value_does_not_count_and_none_means_no_problem():
    mask = pd.Series([True, None, False, True, None, False, False], index=RAW.index, dtype="boolean")
    problem = row_problem("subs.csv", "plan", mask, "are blank", RAW, ["customer_id"])
    assert problem == Problem("subs.csv", "plan", "2 rows are blank", 2,
                              ("line 2 (customer_id='C0')", "line 5 (customer_id='C3')"))
    one = row_problem("subs.csv", "spend", RAW["spend"].eq("7,0"), "are not numbers", RAW, ["customer_id", "spend"])
    assert one == Problem("subs.csv", "spend", "1 row is not a number", 1, ("line 8 (customer_id='C6', spend='7,0')",))
    assert row_problem("subs.csv", "plan", RAW["plan"].eq("gold"), "are blank", RAW, ["plan"]) is None
    counts = pd.Series([0, 2, 0, 1, 0, 0, 0], index=RAW.index)  # a mask of counts: rows are counted, not summed
    assert row_problem("subs.csv", "plan", counts, "are blank", RAW, ["plan"]) == Problem(
        "subs.csv", "plan", "2 rows are blank", 2, ("line 3 (plan='basic')", "line 5 (plan='x')"))


def test_recording_a_row_problem_appends_it_and_nothing_when_no_row_is_bad():
    problems = [Problem("data_source", None, "has unknown key 'pth'")]
    record_row_problem(problems, "subs.csv", "plan", RAW["plan"].eq("gold"), "are blank", RAW, ["plan"])
    assert len(problems) == 1
    record_row_problem(problems, "subs.csv", "plan", RAW["plan"].eq("basic"), "name an unknown plan", RAW,
                       ["customer_id", "plan"])
    assert problems[1:] == [Problem("subs.csv", "plan", "1 row names an unknown plan", 1,
                                    ("line 3 (customer_id='C1', plan='basic')",))]
