"""What each exercise asks a learner for, and which names its check reads.

An exercise is a markdown prompt, a cell tagged ``solution`` and the cell after it that
checks the answer (a quiz question is an exercise whose answer is an option letter). The
prompt names what to store in backticks ("Store it in `answer_2`"): the asked-for names are
the backticked names the solution assigns. In the student edition the solution is gone, so a
check that reads a helper the solution happened to define (``months_24``) fails with a
``NameError`` even for a learner who did exactly what was asked. :func:`exercises` finds such
names.

Example
-------
>>> import nbformat
>>> nb = nbformat.v4.new_notebook()
>>> nb.cells = [nbformat.v4.new_markdown_cell("Store the total in `total`."),
...             nbformat.v4.new_code_cell("step = 2\\ntotal = 40 + step"),
...             nbformat.v4.new_code_cell("assert total == 40 + step")]
>>> nb.cells[1].metadata["tags"] = ["solution"]
>>> [(e.asked, e.unasked) for e in exercises(nb)]
[(('total',), ('step',))]
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from clvlib.course.notebook_checks import SOLUTION_TAG, cell_tags, read_notebook


@dataclass(frozen=True)
class Exercise:
    """One exercise: where its solution is, what its prompt asks for, what its check reads."""

    solution_cell: int
    asked: tuple[str, ...]  # names in `backticks` in the prompt that the solution assigns
    unasked: tuple[str, ...]  # names the check reads that only the solution defines
    solution: str = ""  # the solution cell's source (the reference answer)
    check: str = ""  # the source of the cell that checks it


def _assigned(source: str) -> set[str]:
    return {n.id for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _read(source: str) -> set[str]:
    return {n.id for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def exercises(notebook) -> list[Exercise]:
    """Every exercise of ``notebook`` (a path or a notebook), in order."""
    nb = read_notebook(notebook)
    found = []
    for i, cell in enumerate(nb.cells):
        if SOLUTION_TAG not in cell_tags(cell):
            continue
        prompt = next((nb.cells[j].source for j in range(i - 1, -1, -1) if nb.cells[j].cell_type == "markdown"), "")
        check = nb.cells[i + 1].source if i + 1 < len(nb.cells) else ""
        assigned = _assigned(cell.source)
        asked = tuple(n for n in dict.fromkeys(re.findall(r"`([A-Za-z_]\w*)`", prompt)) if n in assigned)
        unasked = sorted((_read(check) & assigned) - set(asked))
        found.append(Exercise(i, asked, tuple(unasked), cell.source, check))
    return found
