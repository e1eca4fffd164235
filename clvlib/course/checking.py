"""Exercise and quiz checks that teach: they say what is off and never show the expected answer.

A lesson's check cell calls one of these with the learner's answer and a value the lesson
computes another way (a brute-force sum, the library, the lesson's own tables). When the answer
is right the check prints a short confirmation; when it is wrong it raises
:class:`ExerciseCheckError` saying *how* it is off ("12.0% too high"), and when the answer
matches a known slip it names the slip ("you discounted at the annual rate every month").
A student copy starts every answer as ``...`` (Ellipsis); a check of an untouched answer says
so instead of failing with a ``NameError``.

Multiple-choice questions store the correct option only as a digest (:func:`choice_key`), so
reading the check cell does not give the answer away; every option carries the explanation a
learner sees after choosing it.

Example
-------
>>> check_close("answer_1", 600.0, expected=600)
Correct: answer_1.
>>> check_close("answer_1", 672.0, expected=600, hint="one year is 6 orders")
Traceback (most recent call last):
...
clvlib.course.checking.ExerciseCheckError: answer_1 is 12.0% too high. Hint: one year is 6 orders
>>> key = choice_key("why_1", "b")
>>> check_choice("why_1", "b", key, {"a": "Not this one.", "b": "Churn caps the total."})
Correct: Churn caps the total.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

NOT_ANSWERED = Ellipsis  # what a student copy stores in every answer until the learner replaces it


class ExerciseCheckError(AssertionError):
    """An exercise's answer is missing or wrong; the message says what is off."""


def _require_answer(name: str, value) -> None:
    if value is NOT_ANSWERED:
        raise ExerciseCheckError(
            f"{name} is not answered yet: replace the `...` after `{name} =` in the cell above "
            "with your answer, run that cell, then run this check again."
        )


def _number(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ExerciseCheckError(f"{name} should be a number, but it is a {type(value).__name__}.")
    return float(value)


def _is_close(value: float, expected: float, rel_tol: float, abs_tol: float) -> bool:
    if math.isnan(expected) or math.isnan(value):
        return math.isnan(expected) and math.isnan(value)
    return math.isclose(value, expected, rel_tol=rel_tol, abs_tol=abs_tol)


def _how_far(label: str, value: float, expected: float) -> str:
    if math.isnan(value) or math.isnan(expected) or math.isinf(value) or math.isinf(expected):
        return f"{label} is {value}, which is not what the data give"
    if expected == 0:
        return f"{label} is {value:.4g} away from the answer"
    off = value / expected - 1
    return f"{label} is {abs(off):.1%} too {'high' if off > 0 else 'low'}"


def _items(name: str, value) -> dict:
    """A number, a sequence or a Series as {label: number}."""
    if isinstance(value, pd.Series):
        if pd.api.types.is_numeric_dtype(value.dtype):
            value = value.astype(float)  # nullable integers: <NA> becomes NaN
        return {k: _number(f"{name}[{k!r}]", v) for k, v in value.items()}
    if isinstance(value, (tuple, list, np.ndarray)):
        return {i: _number(f"{name}[{i}]", v) for i, v in enumerate(value)}
    return {None: _number(name, value)}


def _shape_problem(name: str, got: dict, want: dict) -> str:
    if set(got) == set(want):
        return ""
    if None in want or None in got:
        kind = "one number" if None in want else f"{len(want)} values"
        return f"{name} should be {kind}."
    missing, extra = [k for k in want if k not in got], [k for k in got if k not in want]
    parts = [f"it lacks {', '.join(map(repr, missing))}" if missing else "",
             f"it has unexpected {', '.join(map(repr, extra))}" if extra else ""]
    return f"{name} should have one value for each of {', '.join(map(repr, want))}: " + "; ".join(p for p in parts if p) + "."


def check_close(
    name: str,
    value,
    expected,
    *,
    rel_tol: float = 1e-3,
    abs_tol: float = 1e-9,
    hint: str = "",
    mistakes: Mapping[str, object] | None = None,
) -> None:
    """Pass when ``value`` is within tolerance of ``expected``; otherwise raise, saying what is off.

    ``value`` and ``expected`` are both numbers, both sequences of numbers (compared position
    by position) or both Series (compared label by label). ``mistakes`` maps an explanation
    to the value a known slip gives; an answer matching one gets that explanation.

    >>> check_close("pair", (0.1, 0.2), expected=(0.1, 0.25))
    Traceback (most recent call last):
    ...
    clvlib.course.checking.ExerciseCheckError: pair[1] is 20.0% too low.
    >>> check_close("clv", 10.0, 5.0, mistakes={"You counted the first payment twice.": 10.0})
    Traceback (most recent call last):
    ...
    clvlib.course.checking.ExerciseCheckError: clv is 100.0% too high: You counted the first payment twice.
    """
    _require_answer(name, value)
    got, want = _items(name, value), _items("expected", expected)
    if problem := _shape_problem(name, got, want):
        raise ExerciseCheckError(problem)
    wrong = [k for k in want if not _is_close(got[k], want[k], rel_tol, abs_tol)]
    if not wrong:
        print(f"Correct: {name}.")
        return
    label = name if wrong[0] is None else f"{name}[{wrong[0]!r}]"
    message = _how_far(label, got[wrong[0]], want[wrong[0]])
    for explanation, slip in (mistakes or {}).items():
        slip_items = _items("mistake", slip)
        if set(slip_items) == set(got) and all(_is_close(got[k], slip_items[k], rel_tol, abs_tol) for k in got):
            raise ExerciseCheckError(f"{message}: {explanation}")
    raise ExerciseCheckError(f"{message}." + (f" Hint: {hint}" if hint else ""))


def check_same(name: str, value, expected, *, hint: str = "", mistakes: Mapping[str, object] | None = None) -> None:
    """Pass when ``value`` equals ``expected`` (a label, a count, None, or a Series compared row by row).

    >>> check_same("stages", pd.Series(["new", "lapsed"]), pd.Series(["new", "at risk"]))
    Traceback (most recent call last):
    ...
    clvlib.course.checking.ExerciseCheckError: stages differs in 1 of 2 rows (row 1 is 'lapsed').
    """
    _require_answer(name, value)
    if isinstance(expected, pd.Series):
        if not isinstance(value, pd.Series) or not value.index.equals(expected.index):
            raise ExerciseCheckError(f"{name} should be a Series with one value per row of the table it comes from.")
        differ = value.ne(expected) & ~(value.isna() & expected.isna())
        if differ.any():
            first = differ.idxmax()
            raise ExerciseCheckError(f"{name} differs in {int(differ.sum())} of {len(differ)} rows "
                                     f"(row {first!r} is {value[first]!r})." + (f" Hint: {hint}" if hint else ""))
    elif not (value is expected or (value is not None and expected is not None and value == expected)):
        for explanation, slip in (mistakes or {}).items():
            if value == slip:
                raise ExerciseCheckError(f"{name} is not right: {explanation}")
        raise ExerciseCheckError(f"{name} is not right." + (f" Hint: {hint}" if hint else ""))
    print(f"Correct: {name}.")


def check_text(name: str, value, must_contain: Mapping[str, str]) -> None:
    """Pass when the text ``value`` contains every key of ``must_contain``; else raise its explanation.

    >>> check_text("message", "bad date in signup_date", {"signup_date": "Name the column."})
    Correct: message.
    >>> check_text("message", "bad date", {"signup_date": "The message should name the column."})
    Traceback (most recent call last):
    ...
    clvlib.course.checking.ExerciseCheckError: The message should name the column.
    """
    _require_answer(name, value)
    if not isinstance(value, str):
        raise ExerciseCheckError(f"{name} should be text (a str), but it is a {type(value).__name__}.")
    missing = [why for part, why in must_contain.items() if part not in value]
    if missing:
        raise ExerciseCheckError(" ".join(missing))
    print(f"Correct: {name}.")


def choice_key(name: str, option: str) -> str:
    """The digest a check stores instead of the correct option (so reading it gives nothing away).

    >>> choice_key("why_1", "b") == choice_key("why_1", " B ")
    True
    """
    return hashlib.sha256(f"{name}:{str(option).strip().lower()}".encode()).hexdigest()[:12]


def check_choice(name: str, value, key: str, explanations: Mapping[str, str]) -> None:
    """Pass when ``value`` is the option whose :func:`choice_key` is ``key``; explain either way.

    ``explanations`` maps every option ('a', 'b', ...) to what a learner who picks it should read.

    >>> options = {"a": "A cohort is not a segment.", "b": "Right."}
    >>> check_choice("quiz_1", "a", choice_key("quiz_1", "b"), options)
    Traceback (most recent call last):
    ...
    clvlib.course.checking.ExerciseCheckError: Not a: A cohort is not a segment. Try another option.
    """
    _require_answer(name, value)
    choice = str(value).strip().lower()
    if choice not in explanations:
        raise ExerciseCheckError(f"{name} should be one of {', '.join(map(repr, explanations))}, not {value!r}.")
    if choice_key(name, choice) != key:
        raise ExerciseCheckError(f"Not {choice}: {explanations[choice]} Try another option.")
    print(f"Correct: {explanations[choice]}")
