"""Exercise checks: right answers pass, wrong ones say what is off, none shows the answer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clvlib.course.checking import (
    ExerciseCheckError,
    check_choice,
    check_close,
    check_same,
    check_text,
    choice_key,
)


def test_a_right_answer_passes_within_the_tolerance(capsys):
    check_close("answer_2", 278.4 * (1 + 5e-4), 278.4)
    check_close("answer_2", np.float64(278.4), 278.4)
    check_close("count", np.int64(7), 7)
    assert capsys.readouterr().out == "Correct: answer_2.\nCorrect: answer_2.\nCorrect: count.\n"


def test_a_wrong_answer_says_how_far_off_and_never_the_answer():
    with pytest.raises(ExerciseCheckError) as error:
        check_close("answer_2", 311.808, 278.4, hint="count the margin")
    message = str(error.value)
    assert message == "answer_2 is 12.0% too high. Hint: count the margin"
    assert "278" not in message
    with pytest.raises(ExerciseCheckError, match=r"answer_2 is 50.0% too low\.$"):
        check_close("answer_2", 139.2, 278.4)


def test_a_known_slip_is_named():
    slips = {"you discounted at 10% a month.": 180.0, "you left out the signup payment.": 262.4}
    with pytest.raises(ExerciseCheckError, match="too low: you left out the signup payment"):
        check_close("answer_2", 262.4, 278.4, mistakes=slips)
    with pytest.raises(ExerciseCheckError, match=r"too low\.$"):  # no slip matches 200
        check_close("answer_2", 200.0, 278.4, mistakes=slips)


def test_an_untouched_answer_says_it_is_not_answered_yet():
    for check in (lambda: check_close("answer_1", ..., 600), lambda: check_text("message", ..., {"x": "y"}),
                  lambda: check_same("stages", ..., None), lambda: check_choice("why_1", ..., "k", {"a": ""})):
        with pytest.raises(ExerciseCheckError, match="answer_1|message|stages|why_1") as error:
            check()
        assert "not answered yet" in str(error.value)


def test_wrong_types_and_shapes_are_explained():
    with pytest.raises(ExerciseCheckError, match="answer_1 should be a number, but it is a str"):
        check_close("answer_1", "600", 600)
    with pytest.raises(ExerciseCheckError, match="should be one number"):
        check_close("answer_1", (600, 1), 600)
    expected = pd.Series({"referral": 80.0, "search": 60.0})
    with pytest.raises(ExerciseCheckError, match="it lacks 'search'"):
        check_close("max_cac", pd.Series({"referral": 80.0}), expected)
    with pytest.raises(ExerciseCheckError, match=r"max_cac\['search'\] is 10.0% too high"):
        check_close("max_cac", pd.Series({"search": 66.0, "referral": 80.0}), expected)


def test_series_compare_label_by_label_and_missing_values_match_missing_values():
    expected = pd.Series([3, pd.NA], index=["a", "b"], dtype="Int64")
    check_close("payback", pd.Series([3.0, np.nan], index=["a", "b"]), expected)
    with pytest.raises(ExerciseCheckError, match=r"payback\['b'\]"):
        check_close("payback", pd.Series([3.0, 5.0], index=["a", "b"]), expected)


def test_choices_store_only_a_digest_and_explain_every_option(capsys):
    explanations = {"a": "Not loyalty.", "b": "Selection: the leavers leave first."}
    key = choice_key("quiz_1", "b")
    assert len(key) == 12 and key not in (choice_key("quiz_2", "b"), choice_key("quiz_1", "a"))
    check_choice("quiz_1", " B", key, explanations)
    assert capsys.readouterr().out == "Correct: Selection: the leavers leave first.\n"
    with pytest.raises(ExerciseCheckError, match="Not a: Not loyalty. Try another option."):
        check_choice("quiz_1", "a", key, explanations)
    with pytest.raises(ExerciseCheckError, match="should be one of 'a', 'b', not 'z'"):
        check_choice("quiz_1", "z", key, explanations)


def test_same_compares_labels_row_by_row_and_none():
    stages = pd.Series(["new", "at risk", "lapsed"])
    check_same("stricter", stages.copy(), stages)
    with pytest.raises(ExerciseCheckError, match="differs in 1 of 3 rows"):
        check_same("stricter", stages.replace("lapsed", "at risk"), stages)
    check_same("answer_3", None, None)
    with pytest.raises(ExerciseCheckError, match="that is where LTV:CAC reaches 1"):
        check_same("answer_3", 9, 14, mistakes={"that is where LTV:CAC reaches 1.": 9})
    with pytest.raises(ExerciseCheckError, match="answer_3 is not right"):
        check_same("answer_3", None, 14)


def test_text_lists_every_missing_part():
    parts = {"signup_date": "Name the column.", "line 2": "Point at the line."}
    with pytest.raises(ExerciseCheckError, match="^Name the column. Point at the line.$"):
        check_text("message", "", parts)
    with pytest.raises(ExerciseCheckError, match="should be text"):
        check_text("message", 3, parts)
