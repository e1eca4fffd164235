"""The student edition as a learner uses it: every exercise, answered and unanswered.

Each lesson's student copy runs once, top to bottom, in one kernel. At every exercise the check
runs twice: first on the untouched answer cell (``name = ...``), where it must fail with the
check's own "not answered yet" message naming the answer (not a ``NameError`` from a helper the
solution used to define); then after only the asked-for names are filled in with the reference
answer, where it must pass. The reference answer is the solution cell of the full lesson, run
in a copy of the learner's namespace so that nothing else it defines leaks into the lesson.
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from clvlib.course import student
from clvlib.course.exercises import exercises
from clvlib.course.notebook_checks import list_notebooks

ROOT = Path(__file__).resolve().parents[2]
LESSONS = [p for p in list_notebooks(ROOT / "notebooks") if exercises(p)]


def _fill_in(solution: str, asked: tuple[str, ...]) -> nbformat.NotebookNode:
    """A cell that runs the reference answer aside and copies only the asked-for names in."""
    return nbformat.v4.new_code_cell(
        "_reference = dict(globals())\n"
        f"exec(compile({solution!r}, '<reference answer>', 'exec'), _reference)\n"
        f"globals().update({{name: _reference[name] for name in {list(asked)!r}}})\n"
        "del _reference"
    )


def _run_as_a_learner(path: Path) -> list[str]:
    """Run the student copy of ``path``; return every way it failed the learner."""
    copy = student.student_copy(path)
    checks = {e.solution_cell + 1: e for e in exercises(path)}
    client = NotebookClient(copy, kernel_name="python3", timeout=600,
                            resources={"metadata": {"path": str(path.parent)}})
    problems: list[str] = []
    client.reset_execution_trackers()
    with client.setup_kernel():
        for index, cell in enumerate(copy.cells):
            if cell.cell_type != "code":
                continue
            exercise = checks.get(index)
            if exercise is None:
                client.execute_cell(cell, index)  # the lesson, and the untouched answer cells
                continue
            where = f"{path.stem}, check cell {index} (asks for {', '.join(exercise.asked)})"
            try:
                client.execute_cell(cell, index)
                problems.append(f"{where}: passed with nothing answered")
            except CellExecutionError as error:
                if error.ename != "ExerciseCheckError" or "not answered yet" not in error.evalue \
                        or not any(name in error.evalue for name in exercise.asked):
                    problems.append(f"{where}: unanswered, it failed with {error.ename}: {error.evalue}")
            client.execute_cell(_fill_in(exercise.solution, exercise.asked), index)
            try:
                client.execute_cell(cell, index)
            except CellExecutionError as error:
                problems.append(f"{where}: the reference answer failed with {error.ename}: {error.evalue}")
    return problems


@pytest.mark.notebooks
@pytest.mark.learner
@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_each_exercise_passes_with_only_the_asked_names_and_says_so_when_unanswered(path):
    started = time.perf_counter()
    problems = _run_as_a_learner(path)
    print(f"{path.stem}: {len(exercises(path))} exercises in {time.perf_counter() - started:.1f} s")
    assert not problems, "\n".join(problems)


def test_every_lesson_with_exercises_is_covered():
    """Every lesson has exercises; the executive report (07) has none."""
    numbered = [p.stem[:2] for p in list_notebooks(ROOT / "notebooks") if not p.stem.startswith("07_")]
    assert [p.stem[:2] for p in LESSONS] == numbered and numbered[:7] == ["00", "01", "02", "03", "04", "05", "06"]


@pytest.mark.notebooks
def test_the_learner_run_catches_a_check_that_needs_the_solution_or_checks_nothing(tmp_path):
    """Planted faults: a check reading a helper only the solution defined, and a check that cannot fail."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell("from clvlib.course.checking import check_close"),
        nbformat.v4.new_markdown_cell("Store the yearly revenue in `total`."),
        nbformat.v4.new_code_cell("per_month = 50\ntotal = 12 * per_month"),
        nbformat.v4.new_code_cell('check_close("total", total, 12 * per_month)'),  # per_month is the solution's
        nbformat.v4.new_markdown_cell("Store the order count in `count`."),
        nbformat.v4.new_code_cell("count = 3"),
        nbformat.v4.new_code_cell('print("Correct!")'),  # checks nothing
        nbformat.v4.new_markdown_cell("Store the margin in `margin`."),
        nbformat.v4.new_code_cell("margin = 0.4"),
        nbformat.v4.new_code_cell('check_close("margin", margin, 2 / 5)'),  # a good check
    ]
    for i in (2, 5, 8):
        nb.cells[i].metadata["tags"] = ["solution"]
    path = tmp_path / "01_planted.ipynb"
    nbformat.write(nb, str(path))
    problems = _run_as_a_learner(path)
    assert len(problems) == 3, problems  # the good check (cell 9) is not among them
    assert all("check cell 3" in p and "NameError: name 'per_month'" in p for p in problems[:2])  # unanswered and answered
    assert "check cell 6" in problems[2] and "passed with nothing answered" in problems[2]
