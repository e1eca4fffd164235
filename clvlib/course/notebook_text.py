"""Text forms of the course notebooks (jupytext percent scripts), so a lesson's diff reads as text.

Each ``notebooks/NN_name.ipynb`` has a twin ``notebooks/text/NN_name.py``: the same cells
as plain Python, markdown as ``#`` comments, each cell opened by a ``# %%`` line that
carries its tags (``parameters``, ``solution``). The ``.ipynb`` stays the source: it is
what papermill runs, nbval tests and students open. The text form is generated from it,
never edited by hand, by ``make notebooks-text`` (``python -m clvlib.course.notebook_text``);
``tests/course/test_notebook_text.py`` fails, naming the notebook and that command, when a text
form is missing or differs from what its notebook gives.

The header keeps only the notebook metadata a reviewer needs (the kernel and the
``clvlib`` settings such as ``hide_code``) and no jupytext version, so upgrading jupytext
does not rewrite every file.

Example
-------
>>> import nbformat
>>> nb = nbformat.v4.new_notebook()
>>> nb.cells = [nbformat.v4.new_markdown_cell("# Lesson"), nbformat.v4.new_code_cell("x = 1")]
>>> nb.cells[1].metadata["tags"] = ["parameters"]
>>> print(notebook_as_text(nb))
# %% [markdown]
# # Lesson
<BLANKLINE>
# %% tags=["parameters"]
x = 1
<BLANKLINE>
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

from clvlib.course.notebook_checks import list_notebooks, read_notebook
from clvlib.data import PROJECT_ROOT

TEXT_FOLDER_NAME = "text"  # below the notebooks folder; pyproject's addopts keep pytest out of it
REGENERATE_COMMAND = "make notebooks-text"
# jupytext's percent format, with only the metadata worth reviewing (see the module docstring).
TEXT_FORMAT = {
    "extension": ".py",
    "format_name": "percent",
    "notebook_metadata_filter": "kernelspec,clvlib,-jupytext",
    "cell_metadata_filter": "tags",
}
DEFAULT_NOTEBOOKS = PROJECT_ROOT / "notebooks"


def _jupytext():
    try:
        import jupytext
    except ImportError:
        raise ImportError(
            "jupytext is not installed, so the notebooks' text forms cannot be made: run `make setup` "
            "(jupytext is in clvlib's dev extra)."
        ) from None
    return jupytext


def text_path(notebook: str | Path) -> Path:
    """Where the text form of ``notebook`` lives: ``<its folder>/text/<its name>.py``."""
    notebook = Path(notebook)
    return notebook.parent / TEXT_FOLDER_NAME / f"{notebook.stem}.py"


def notebook_as_text(notebook: str | Path | nbformat.NotebookNode) -> str:
    """The text form of a notebook (path or object), ending with one newline."""
    text = _jupytext().writes(read_notebook(notebook), fmt=TEXT_FORMAT)
    return text.rstrip("\n") + "\n"


def text_as_cells(text: str) -> list[tuple[str, str, list[str]]]:
    """``(cell type, source, tags)`` of each cell a text form describes: what it must keep."""
    nb = _jupytext().reads(text, fmt="py:percent")
    return [(c.cell_type, c.source, list(c.metadata.get("tags", []))) for c in nb.cells]


def stale_text_forms(folder: str | Path = DEFAULT_NOTEBOOKS) -> list[str]:
    """One line per text form in ``folder``/text that is missing, out of date, or has no notebook."""
    folder = Path(folder)
    notebooks = list_notebooks(folder)
    problems = []
    for notebook in notebooks:
        target = text_path(notebook)
        if not target.exists():
            problems.append(f"{target.name} is missing for {notebook.name}")
        elif target.read_text(encoding="utf-8") != notebook_as_text(notebook):
            problems.append(f"{target.name} differs from what {notebook.name} gives")
    expected = {text_path(nb).name for nb in notebooks}
    text_folder = folder / TEXT_FOLDER_NAME
    for orphan in sorted(text_folder.glob("*.py")) if text_folder.is_dir() else []:
        if orphan.name not in expected:
            problems.append(f"{orphan.name} has no notebook {orphan.stem}.ipynb")
    return problems


def write_text_forms(folder: str | Path = DEFAULT_NOTEBOOKS) -> list[Path]:
    """Write the text form of every notebook in ``folder`` and delete those left without one.

    Returns the files written or deleted; a text form already up to date is not rewritten.
    """
    folder = Path(folder)
    notebooks = list_notebooks(folder)
    if not notebooks:
        raise FileNotFoundError(f"no notebooks (NN_name.ipynb) in {folder}")
    (folder / TEXT_FOLDER_NAME).mkdir(exist_ok=True)
    changed = []
    for notebook in notebooks:
        target, text = text_path(notebook), notebook_as_text(notebook)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8", newline="\n")
            changed.append(target)
    expected = {text_path(nb) for nb in notebooks}
    for orphan in sorted((folder / TEXT_FOLDER_NAME).glob("*.py")):
        if orphan not in expected:
            orphan.unlink()
            changed.append(orphan)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m clvlib.course.notebook_text",
        description="Write notebooks/text/NN_name.py, the reviewable text form of each notebook.",
        epilog="Exit codes: 0 written (or, with --check, up to date); 1 --check found a stale text form; "
        "2 no notebooks.",
    )
    parser.add_argument("--notebooks", default=str(DEFAULT_NOTEBOOKS), help="the notebooks folder")
    parser.add_argument("--check", action="store_true", help="only report stale text forms; write nothing")
    args = parser.parse_args(argv)
    folder = Path(args.notebooks)
    if not list_notebooks(folder):
        print(f"notebook_text: no notebooks (NN_name.ipynb) in {folder}", file=sys.stderr)
        return 2
    if args.check:
        problems = stale_text_forms(folder)
        for problem in problems:
            print(f"notebook_text: {problem}; run `{REGENERATE_COMMAND}`", file=sys.stderr)
        return 1 if problems else 0
    changed = write_text_forms(folder)
    print(f"{len(changed)} text form(s) written or removed in {folder / TEXT_FOLDER_NAME}"
          + "".join(f"\n  {p.name}" for p in changed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
