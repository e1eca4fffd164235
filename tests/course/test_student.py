"""`make student`: the notebooks without their solutions, and nothing else changed."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from clvlib.course import student
from clvlib.course.exercises import exercises
from clvlib.course.notebook_checks import cell_tags, list_notebooks

ROOT = Path(__file__).resolve().parents[2]


def _course(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell("rate: float = 0.1  # yearly")
    params.metadata["tags"] = ["parameters"]
    solution = nbformat.v4.new_code_cell("answer = 100 * 4 * 3")
    solution.metadata["tags"] = ["solution"]
    solution.outputs = [nbformat.v4.new_output("stream", text="1200\n")]
    check = nbformat.v4.new_code_cell("assert answer == 1200")
    nb.cells = [nbformat.v4.new_markdown_cell("# Lesson"), params,
                nbformat.v4.new_markdown_cell("**Exercise.** What is \\$100 x 4 x 3? Store it in `answer`."), solution, check]
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(folder / "01_lesson.ipynb"))
    return folder


def test_solutions_become_placeholders_and_the_asserts_stay(tmp_path):
    out = tmp_path / "student"
    written = student.write_student_edition(_course(tmp_path / "notebooks"), out)
    assert [p.name for p in written] == ["01_lesson.ipynb"]
    cells = nbformat.read(str(written[0]), as_version=4).cells
    assert cells[3].source == f"{student.PLACEHOLDER}\nanswer = ..." and cells[3].outputs == []
    assert "solution" in cell_tags(cells[3])
    assert cells[4].source == "assert answer == 1200"
    assert "100 * 4 * 3" not in written[0].read_text()


def test_the_check_catches_any_other_change(tmp_path):
    original = nbformat.read(str(_course(tmp_path) / "01_lesson.ipynb"), as_version=4)
    copy = student.student_copy(original)
    student.check_student_copy(original, copy)  # the honest copy passes
    copy.cells[4].source = "pass"  # the assert was lost
    with pytest.raises(student.StudentEditionError, match="cell 4"):
        student.check_student_copy(original, copy)
    copy = student.student_copy(original)
    del copy.cells[2]
    with pytest.raises(student.StudentEditionError, match="cells became"):
        student.check_student_copy(original, copy)
    copy = student.student_copy(original)
    copy.cells[3].source = "answer = 1200"  # a solution leaked
    with pytest.raises(student.StudentEditionError, match="solution"):
        student.check_student_copy(original, copy)


def test_command_line_exit_codes(tmp_path, capsys):
    assert student.main(["--notebooks", str(_course(tmp_path / "nb")), "--out", str(tmp_path / "s")]) == 0
    assert "1 exercises" in capsys.readouterr().out
    empty = tmp_path / "empty"
    empty.mkdir()
    assert student.main(["--notebooks", str(empty), "--out", str(tmp_path / "s2")]) == 2


@pytest.mark.parametrize("path", list_notebooks(ROOT / "notebooks"), ids=lambda p: p.stem)
def test_every_course_notebook_has_a_valid_student_copy(path):
    original = nbformat.read(str(path), as_version=4)
    copy = student.student_copy(original)
    student.check_student_copy(original, copy)
    for exercise in exercises(original):
        lines = copy.cells[exercise.solution_cell].source.splitlines()
        assert exercise.asked, f"the prompt before cell {exercise.solution_cell} names nothing to store"
        assert lines == [student.PLACEHOLDER, *(f"{name} = ..." for name in exercise.asked)]


@pytest.mark.parametrize("path", list_notebooks(ROOT / "notebooks"), ids=lambda p: p.stem)
def test_each_check_reads_only_what_its_exercise_asks_for(path):
    """In the student copy the solution is gone: a check reading a helper that only the
    solution defined fails with a NameError even for a learner who did what was asked."""
    broken = [e for e in exercises(path) if e.unasked]
    assert not broken, "; ".join(
        f"the check after cell {e.solution_cell} reads {', '.join(e.unasked)}, which the prompt does not ask "
        f"for (it asks for {', '.join(e.asked) or 'nothing in backticks'}): name it in the prompt or compute it in the check"
        for e in broken
    )


def test_the_exercise_check_finds_a_helper_only_the_solution_defined():
    """Lesson 03's old exercise 1: the check used months_24, which only the solution defined."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("Store them in `undiscounted_24` and `discounted_24`."),
        nbformat.v4.new_code_cell("months_24 = 24\nundiscounted_24 = 20.0\ndiscounted_24 = 19.0"),
        nbformat.v4.new_code_cell("assert discounted_24 <= undiscounted_24 <= months_24"),
    ]
    nb.cells[1].metadata["tags"] = ["solution"]
    (exercise,) = exercises(nb)
    assert exercise.asked == ("undiscounted_24", "discounted_24") and exercise.unasked == ("months_24",)
