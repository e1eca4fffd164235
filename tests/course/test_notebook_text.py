"""Every notebook has an up-to-date text form in notebooks/text/ (clvlib.course.notebook_text).

The text forms are generated: when one of these tests fails, run `make notebooks-text`
and commit the result with the notebook change.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from clvlib.course import notebook_text
from clvlib.course.notebook_checks import cell_tags, list_notebooks

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = list_notebooks(ROOT / "notebooks")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_text_form_is_what_the_notebook_gives(path):
    target = notebook_text.text_path(path)
    assert target.exists(), f"notebooks/text/{target.name} is missing: run `{notebook_text.REGENERATE_COMMAND}`"
    assert target.read_text(encoding="utf-8") == notebook_text.notebook_as_text(path), (
        f"notebooks/text/{target.name} is out of date with notebooks/{path.name}: "
        f"run `{notebook_text.REGENERATE_COMMAND}`"
    )


def test_no_text_form_outlives_its_notebook():
    orphans = [p for p in notebook_text.stale_text_forms(ROOT / "notebooks") if "has no notebook" in p]
    assert not orphans, f"{orphans}: run `{notebook_text.REGENERATE_COMMAND}`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_text_form_keeps_every_cell_its_type_source_and_tags(path):
    """Read back, the text form gives the notebook's cells (a cell's trailing newlines aside)."""
    nb = nbformat.read(str(path), as_version=4)
    expected = [(c.cell_type, c.source.rstrip("\n"), cell_tags(c)) for c in nb.cells]
    read_back = notebook_text.text_as_cells(notebook_text.notebook_as_text(nb))
    assert [(kind, source.rstrip("\n"), tags) for kind, source, tags in read_back] == expected


def _lesson(folder: Path, name: str, answer: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell("rate: float = 0.1  # yearly")
    params.metadata["tags"] = ["parameters"]
    solution = nbformat.v4.new_code_cell(f"answer = {answer}")
    solution.metadata["tags"] = ["solution"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Lesson\n\nWhat is $100 x 12$?"), params, solution]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, str(path))
    return path


def test_write_then_check_names_the_stale_notebook_and_the_command(tmp_path, capsys):
    lesson = _lesson(tmp_path, "01_lesson", "100 * 12")
    assert notebook_text.write_text_forms(tmp_path) == [tmp_path / "text" / "01_lesson.py"]
    text = (tmp_path / "text" / "01_lesson.py").read_text()
    # Known text: the kernel in the header, one "# %%" line per cell with its tags, markdown as comments.
    assert text.endswith(
        '# %% [markdown]\n# # Lesson\n#\n# What is $100 x 12$?\n\n'
        '# %% tags=["parameters"]\nrate: float = 0.1  # yearly\n\n'
        '# %% tags=["solution"]\nanswer = 100 * 12\n'
    )
    assert "#     name: python3\n" in text and "jupytext_version" not in text
    assert notebook_text.write_text_forms(tmp_path) == [], "an up-to-date text form is not rewritten"
    assert notebook_text.main(["--notebooks", str(tmp_path), "--check"]) == 0

    _lesson(tmp_path, "01_lesson", "1200")  # the notebook changes, its text form does not
    (tmp_path / "text" / "09_gone.py").write_text("# %%\n")
    assert notebook_text.stale_text_forms(tmp_path) == [
        "01_lesson.py differs from what 01_lesson.ipynb gives",
        "09_gone.py has no notebook 09_gone.ipynb",
    ]
    capsys.readouterr()
    assert notebook_text.main(["--notebooks", str(tmp_path), "--check"]) == 1
    err = capsys.readouterr().err
    assert "01_lesson.py differs" in err and "make notebooks-text" in err
    assert notebook_text.main(["--notebooks", str(tmp_path)]) == 0
    assert "answer = 1200" in notebook_text.text_path(lesson).read_text()
    assert not (tmp_path / "text" / "09_gone.py").exists()
    assert notebook_text.stale_text_forms(tmp_path) == []


def test_missing_text_forms_and_an_empty_folder(tmp_path):
    _lesson(tmp_path / "nb", "00_start", "1")
    assert notebook_text.stale_text_forms(tmp_path / "nb") == ["00_start.py is missing for 00_start.ipynb"]
    (tmp_path / "empty").mkdir()
    assert notebook_text.main(["--notebooks", str(tmp_path / "empty")]) == 2


def test_pytest_never_collects_the_text_forms(tmp_path):
    """Under --doctest-modules a .py below notebooks/ would be imported, running a whole lesson.

    `make test` passes the notebooks folder; without nbval nothing in it may be collected.
    """
    if not any((ROOT / "notebooks" / notebook_text.TEXT_FOLDER_NAME).glob("*.py")):
        pytest.skip("no text forms written yet")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "--doctest-modules", "-p", "no:cacheprovider",
         "-p", "no:nbval", "notebooks"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 5, done.stdout + done.stderr  # 5: pytest collected nothing
    assert "text/" not in done.stdout
