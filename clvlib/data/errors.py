"""Problems found in data files, the one error that lists them all, and the note for rows set aside.

A :class:`Problem` is one kind of problem in one column of one file, with how many rows
it affects and up to five of them by line number. Loading collects every problem in
every file and raises them together as one :class:`DataValidationError`, so an analyst
fixes a file once instead of once per error.

>>> import pandas as pd
>>> raw = pd.DataFrame({"customer_id": ["S1", "S2", "S3"], "plan": ["basic", "", ""]}, index=[2, 3, 4])
>>> problem = row_problem("subs.csv", "plan", raw["plan"].eq(""), "are blank", raw, ["customer_id", "plan"])
>>> problem.describe()
"column 'plan': 2 rows are blank; for example: line 3 (customer_id='S2', plan=''); line 4 (customer_id='S3', plan='')"
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

MAX_EXAMPLES = 5
README_HINT = "See data/README.md ('Using your own data') for the expected columns and formats."

# Plural verb -> singular verb, so messages read "1 row is ..." and "3 rows are ...".
_SINGULAR = {"are": "is", "have": "has", "repeat": "repeats", "name": "names", "do": "does"}
_SINGULAR_OBJECTS = {"not numbers": "not a number", "thousands-grouped numbers": "a thousands-grouped number"}


def rows_phrase(count: int, plural_predicate: str) -> str:
    """'1 row is blank' / '3 rows are blank' from the plural predicate 'are blank'.

    >>> rows_phrase(1, "are not numbers (write 12.50)"), rows_phrase(2, "are not numbers")
    ('1 row is not a number (write 12.50)', '2 rows are not numbers')
    """
    verb, _, rest = plural_predicate.partition(" ")
    if count == 1:
        for many, one in _SINGULAR_OBJECTS.items():
            rest = rest.replace(many, one, 1)
        return f"1 row {_SINGULAR.get(verb, verb)} {rest}".rstrip()
    return f"{count} rows {plural_predicate}"


def plural(count: int, word: str) -> str:
    """'1 line' / '3 lines': the count and the noun, with an s unless the count is 1."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


@dataclass(frozen=True)
class Problem:
    """One kind of problem in one column of one file.

    ``message`` is the complete sentence after the column name, e.g. "3 rows are blank";
    ``count`` is the number of rows affected (0 when the problem is not about rows) and
    ``examples`` are up to five of them as "line N (column='value', ...)".
    """

    file: str
    column: str | None
    message: str
    count: int = 0
    examples: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.file == "data_source":  # a settings problem: name the key, not a column
            text = f"{self.column or 'data_source'} {self.message}"
        else:
            text = f"column '{self.column}': {self.message}" if self.column else f"the file {self.message}"
        if self.examples:
            more = f" (showing {len(self.examples)})" if self.count > len(self.examples) else ""
            text += f"; for example{more}: " + "; ".join(self.examples)
        return text


class DataValidationError(ValueError):
    """A data file broke the data contract; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        files = list(dict.fromkeys(p.file for p in self.problems))
        n = len(self.problems)
        lines = [f"{plural(n, 'problem')} found in {', '.join(files)}; nothing was loaded:"]
        for p in self.problems:
            prefix = f"{p.file}: " if len(files) > 1 and p.file != "data_source" else ""
            lines.append(f"  - {prefix}{p.describe()}")
        lines.append(README_HINT)
        super().__init__("\n".join(lines))


class DataNoteWarning(UserWarning):
    """Something was set aside while loading (counted and reported, never silent)."""


def example_lines(raw: pd.DataFrame, mask: pd.Series, columns: list[str]) -> tuple[str, ...]:
    """Up to MAX_EXAMPLES bad rows as "line N (customer_id='...', col='...')".

    ``raw`` is indexed by line number in the file, so no arithmetic is needed here; a
    column the file lacks is skipped and a column named twice is shown once.
    """
    out = []
    for line in raw.index[mask.to_numpy(dtype=bool)][:MAX_EXAMPLES]:
        values = ", ".join(f"{c}={raw.at[line, c]!r}" for c in dict.fromkeys(columns) if c in raw.columns)
        out.append(f"line {line} ({values})")
    return tuple(out)


def row_problem(
    file: str, column: str, mask: pd.Series, predicate: str, raw: pd.DataFrame, show: list[str]
) -> Problem | None:
    """The problem about the rows in ``mask`` ("3 rows are blank"), or None when the mask is empty.

    ``show`` names the columns quoted in each example row.
    """
    mask = mask.fillna(False).astype(bool)
    count = int(mask.sum())
    if not count:
        return None
    return Problem(file, column, rows_phrase(count, predicate), count, example_lines(raw, mask, show))


def record_row_problem(
    problems: list[Problem], file: str, column: str, mask: pd.Series, predicate: str,
    raw: pd.DataFrame, show: list[str],
) -> None:
    """Append :func:`row_problem` to ``problems`` (nothing when the mask is empty)."""
    problem = row_problem(file, column, mask, predicate, raw, show)
    if problem is not None:
        problems.append(problem)
