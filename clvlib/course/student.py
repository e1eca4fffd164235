"""The student edition: the course notebooks with the exercise solutions taken out.

Usage::

    python -m clvlib.course.student --out student [--notebooks notebooks]

Every cell tagged ``solution`` becomes a code cell holding ``# Your answer here`` and one
``name = ...`` line for each name the exercise asks for (it keeps the ``solution`` tag, so
the edition can be checked and the answers compared later). The check cell that follows
each solution stays: run on an untouched answer it says "not answered yet" (rather than a
``NameError``), and on a wrong one what is off. Outputs are stripped. Before writing, each
copy is checked against its original: same number of cells, every non-solution cell
identical in type and source, every solution replaced. Exit code 0 when all copies
were written, 2 when a check failed (nothing is written for that notebook).

Example
-------
>>> import nbformat
>>> nb = nbformat.v4.new_notebook()
>>> nb.cells = [nbformat.v4.new_markdown_cell("Store it in `x`."),
...             nbformat.v4.new_code_cell("x = 41 + 1"), nbformat.v4.new_code_cell("assert x == 42")]
>>> nb.cells[1].metadata["tags"] = ["solution"]
>>> [c.source for c in student_copy(nb).cells[1:]]
['# Your answer here\\nx = ...', 'assert x == 42']
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

import nbformat

from clvlib.course.exercises import exercises
from clvlib.course.notebook_checks import SOLUTION_TAG, cell_tags, list_notebooks, read_notebook
from clvlib.data.bundled import course_notebooks_dir

PLACEHOLDER = "# Your answer here"


class StudentEditionError(ValueError):
    """A student copy differs from its original in more than the solutions."""


def _strip(cell) -> None:
    if cell.cell_type == "code":
        cell.outputs = []
        cell.execution_count = None


def placeholder(asked: tuple[str, ...] | list[str]) -> str:
    """The student's starting cell: the placeholder line and ``name = ...`` per asked-for name."""
    return "\n".join([PLACEHOLDER, *(f"{name} = ..." for name in asked)])


def student_copy(notebook) -> nbformat.NotebookNode:
    """A copy of ``notebook`` with every ``solution`` cell replaced by a placeholder."""
    nb = copy.deepcopy(read_notebook(notebook))
    asked = {e.solution_cell: e.asked for e in exercises(nb)}
    for i, cell in enumerate(nb.cells):
        if SOLUTION_TAG in cell_tags(cell):
            blank = nbformat.v4.new_code_cell(placeholder(asked[i]))
            blank.metadata["tags"] = [SOLUTION_TAG]
            if "id" in cell:
                blank["id"] = cell["id"]
            nb.cells[i] = blank
        else:
            _strip(cell)
    return nb


def check_student_copy(original, student) -> None:
    """Raise StudentEditionError unless only the solution cells changed."""
    original, student = read_notebook(original), read_notebook(student)
    problems = []
    if len(original.cells) != len(student.cells):
        problems.append(f"{len(original.cells)} cells became {len(student.cells)}")
    asked = {e.solution_cell: e.asked for e in exercises(original)}
    for i, (before, after) in enumerate(zip(original.cells, student.cells, strict=False)):
        if SOLUTION_TAG in cell_tags(before):
            if after.source != placeholder(asked[i]) or SOLUTION_TAG not in cell_tags(after):
                problems.append(f"solution cell {i} was not replaced by the placeholder")
        elif (before.cell_type, before.source) != (after.cell_type, after.source):
            problems.append(f"cell {i} ({before.cell_type}) changed")
        elif cell_tags(before) != cell_tags(after):
            problems.append(f"cell {i} lost or gained tags")
    if problems:
        raise StudentEditionError("; ".join(problems))


def write_student_edition(notebooks_dir: str | Path, out_dir: str | Path) -> list[Path]:
    """Write a checked student copy of every course notebook; return the paths written."""
    sources = list_notebooks(notebooks_dir)
    if not sources:
        raise StudentEditionError(f"no notebooks (NN_name.ipynb) found in {notebooks_dir}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sources:
        original = read_notebook(source)
        student = student_copy(original)
        try:
            check_student_copy(original, student)
        except StudentEditionError as exc:
            raise StudentEditionError(f"{source.name}: {exc}") from None
        target = out_dir / source.name
        nbformat.write(student, str(target))
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m clvlib.course.student", description="Copy the course notebooks without the exercise solutions."
    )
    parser.add_argument("--out", default="student", help="folder to write to (default: student/)")
    parser.add_argument("--notebooks", default=str(course_notebooks_dir()), help="course notebooks folder")
    args = parser.parse_args(argv)
    try:
        written = write_student_edition(args.notebooks, args.out)
    except StudentEditionError as exc:
        print(f"student: {exc}", file=sys.stderr)
        return 2
    solutions = sum(
        SOLUTION_TAG in cell_tags(c) for path in written for c in read_notebook(path).cells
    )
    print(f"Wrote {len(written)} notebooks to {args.out}/ with {solutions} exercises to solve.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
