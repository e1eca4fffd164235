"""Reading what a course notebook declares: its parameters and its tagged cells.

The report runner (:mod:`clvlib.course.runner`) and the student edition (:mod:`clvlib.course.student`)
need to know, without starting a kernel, which parameters each notebook accepts and
which cells are solutions. Parameters are read with Python's own parser (``ast``) from
the one cell tagged ``parameters``, so every top-level assignment counts, whatever its
comment says. (papermill's reader skips a line that has a second ``=``, e.g. in its
comment, which is a reason to keep ``=`` out of parameter comments.)

Example
-------
>>> import nbformat
>>> nb = nbformat.v4.new_notebook()
>>> cell = nbformat.v4.new_code_cell("discount_rate_annual: float = 0.10  # yearly")
>>> cell.metadata["tags"] = ["parameters"]
>>> nb.cells.append(cell)
>>> declared_parameters(nb)["discount_rate_annual"].type_name
'float'
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
SOLUTION_TAG = "solution"  # the tag of an exercise's solution cell


@dataclass(frozen=True)
class Parameter:
    """One parameter a notebook declares in its ``parameters`` cell."""

    name: str
    type_name: str  # the annotation as written ('float', 'dict', ...); '' when none
    default: Any  # the literal default, or its source text when it is not a literal
    help: str  # the comment at the end of the line


def list_notebooks(folder: str | Path) -> list[Path]:
    """The course notebooks in ``folder`` (``NN_name.ipynb``), sorted by name."""
    return sorted(Path(folder).glob(NOTEBOOK_GLOB))


def read_notebook(notebook: str | Path | nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A notebook object from a path (or the object itself)."""
    if isinstance(notebook, nbformat.NotebookNode):
        return notebook
    return nbformat.read(str(notebook), as_version=4)


def cell_tags(cell) -> list[str]:
    """The tags of one cell (an empty list when it has none)."""
    return list(cell.get("metadata", {}).get("tags", []))


def _comments_by_line(source: str) -> dict[int, str]:
    comments: dict[int, str] = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                comments[tok.start[0]] = tok.string.lstrip("#").strip()
    except (tokenize.TokenError, IndentationError):
        pass
    return comments


def parse_parameters_source(source: str) -> dict[str, Parameter]:
    """Parameters assigned at the top level of a parameters cell's source.

    Raises ValueError (with the line) when the cell is not valid Python.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ValueError(f"the parameters cell is not valid Python (line {exc.lineno}: {exc.msg})") from None
    comments = _comments_by_line(source)
    found: dict[str, Parameter] = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            targets, annotation, value = [node.target], ast.unparse(node.annotation), node.value
        elif isinstance(node, ast.Assign):
            targets = [t for t in node.targets if isinstance(t, ast.Name)]
            annotation, value = "", node.value
        else:
            continue
        default: Any = None
        if value is not None:
            try:
                default = ast.literal_eval(value)
            except ValueError:
                default = ast.unparse(value)
        help_text = comments.get(node.end_lineno or node.lineno, "")
        for target in targets:
            found[target.id] = Parameter(target.id, annotation, default, help_text)
    return found


def declared_parameters(notebook) -> dict[str, Parameter]:
    """The parameters of a notebook (path or object): its one ``parameters`` cell.

    Returns an empty dict when no cell is tagged ``parameters``; raises ValueError when
    more than one is, since papermill would then inject after the first only.
    """
    nb = read_notebook(notebook)
    where = f" in {notebook}" if not isinstance(notebook, nbformat.NotebookNode) else ""
    cells = [c for c in nb.cells if "parameters" in cell_tags(c)]
    if len(cells) > 1:
        raise ValueError(f"{len(cells)} cells are tagged 'parameters'{where}; tag exactly one.")
    if not cells:
        return {}
    try:
        return parse_parameters_source(cells[0].source)
    except ValueError as exc:
        raise ValueError(f"{exc}{where}") from None


# A '$' right before an amount ("$1,200") that is not itself escaped or part of '$$': JupyterLab,
# nbconvert's HTML and MathJax would pair it with the next '$' and render the text between as
# maths ("100×4ayear×3years"). Code spans are left alone: there a '$' is literal.
_CURRENCY = re.compile(r"(?<![\\$])\$(?=\d[\d,]*(?:\.\d+)?(?![\d/^_(+*=$-]))")
_AMOUNT = re.compile(r"\$\d[\d,]*(?:\.\d+)?")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)*?\1", re.S)


def _outside_code_spans(markdown: str, edit) -> str:
    """Apply ``edit`` to the parts of ``markdown`` outside `code spans`."""
    out, last = [], 0
    for span in _CODE_SPAN.finditer(markdown):
        out += [edit(markdown[last : span.start()]), span.group(0)]
        last = span.end()
    return "".join([*out, edit(markdown[last:])])


def currency_read_as_maths(markdown: str) -> list[str]:
    """The amounts written ``$123`` (not ``\\$123``) that a notebook would render as maths.

    >>> currency_read_as_maths("From $100 x 4 to $1,200; the formula $m r/(1+d-r)$; `$5`; \\\\$7")
    ['$100', '$1,200']
    """
    found: list[str] = []

    def collect(text: str) -> str:
        found.extend(_AMOUNT.match(text, m.start()).group(0).rstrip(",") for m in _CURRENCY.finditer(text))
        return text

    _outside_code_spans(markdown, collect)
    return found


def escape_currency(markdown: str) -> str:
    """``$123`` becomes ``\\$123`` outside code spans, so it shows as money everywhere.

    >>> escape_currency("plans cost $15 or $25; `$5` stays")
    'plans cost \\\\$15 or \\\\$25; `$5` stays'
    """
    return _outside_code_spans(markdown, lambda text: _CURRENCY.sub(r"\\$", text))
