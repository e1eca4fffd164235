"""Every course notebook follows the conventions in shared/design.md.

These checks are static (no kernel): they read the .ipynb files as JSON.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import papermill
import pytest

from clvlib.course.notebook_checks import (
    cell_tags,
    currency_read_as_maths,
    escape_currency,
    list_notebooks,
    parse_parameters_source,
)

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = list_notebooks(ROOT / "notebooks")
IDS = [nb.stem for nb in NOTEBOOKS]


def _read(path: Path):
    return nbformat.read(path, as_version=4)


def _tagged(nb, tag: str):
    return [c for c in nb.cells if tag in cell_tags(c)]


def test_the_course_has_its_numbered_notebooks():
    numbers = [int(nb.name[:2]) for nb in NOTEBOOKS]
    assert numbers[:1] == [0], "the course starts with 00_start_here"
    assert numbers == list(range(len(numbers))), f"notebook numbers have gaps: {numbers}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_kernel_is_python3(path):
    assert _read(path).metadata.kernelspec.name == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_outputs_are_stripped(path):
    for i, cell in enumerate(_read(path).cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {i} has stored outputs"
            assert cell.execution_count is None, f"cell {i} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_one_parameters_cell_that_papermill_can_read_with_types(path):
    nb = _read(path)
    assert len(_tagged(nb, "parameters")) == 1, "exactly one cell must be tagged 'parameters'"
    params = papermill.inspect_notebook(str(path))
    assert params, "the parameters cell declares no parameters"
    for name, info in params.items():
        assert info["inferred_type_name"] not in ("None", ""), f"parameter {name} has no type annotation"
        assert info["help"].strip(), f"parameter {name} has no comment explaining it"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_papermill_sees_every_assignment_in_the_parameters_cell(path):
    """papermill's parser silently skips a line whose comment holds an '=' sign."""
    (cell,) = _tagged(_read(path), "parameters")
    assigned = set(parse_parameters_source(cell.source))  # what clvlib.course.runner reads
    assert set(papermill.inspect_notebook(str(path))) == assigned


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebooks_reading_data_take_a_data_source_parameter(path):
    nb = _read(path)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    if "load_dataset(" in code:
        assert "data_source" in papermill.inspect_notebook(str(path))
        assert "load_dataset(data_source)" in code


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_narrative_first_and_exercises_with_checked_solutions(path):
    nb = _read(path)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.lstrip().startswith("# ")
    solutions = _tagged(nb, "solution")
    if path.stem.startswith("07_"):
        return  # the executive report is read, not studied: no exercises
    assert solutions, "each lesson ends with exercises whose solutions are tagged 'solution'"
    for cell in solutions:
        idx = nb.cells.index(cell)
        following = [c for c in nb.cells[idx + 1 :] if c.cell_type == "code"]
        assert following and re.search(r"\bcheck_(close|same|text|choice)\(", following[0].source), (
            f"the solution cell {idx} must be followed by a check cell calling clvlib.course.checking "
            "(check_close, check_same, check_text or check_choice), which says what is off"
        )


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.stem[:2] <= "06"], ids=lambda p: p.stem)
def test_lesson_code_cells_are_short(path):
    """A learner reads a cell at a glance: logic that takes more than 12 lines belongs in clvlib."""
    long_cells = [
        f"cell {i} ({len(c.source.splitlines())} lines)"
        for i, c in enumerate(_read(path).cells)
        if c.cell_type == "code" and "parameters" not in cell_tags(c) and len(c.source.splitlines()) > 12
    ]
    assert not long_cells, f"{path.name}: {', '.join(long_cells)} over 12 lines"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_solutions_are_collapsed_and_checks_never_assert_or_print_the_answer(path):
    """A learner sees a solution only by choosing to open it; a check holds no readable answer."""
    nb = _read(path)
    for i, cell in enumerate(nb.cells):
        if "solution" not in cell_tags(cell):
            continue
        folded = cell.metadata.get("jupyter", {})
        assert folded.get("source_hidden") and folded.get("outputs_hidden"), f"solution cell {i} is not collapsed"
        check = nb.cells[i + 1].source
        assert not re.search(r"^\s*assert\b", check, re.M), f"cell {i + 1} checks with a bare assert"
        assert not re.search(r"check_choice\([^)]*,\s*[\"'][a-e][\"']\s*,", check), f"cell {i + 1} spells out the option"
        assert not re.search(r"check_\w+\(\"\w+\",\s*\w+,\s*-?\d[\d_.]*\s*[,)]", check), (
            f"cell {i + 1} compares with a literal number: compute the expected value instead"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_path_hacks_installs_or_network(path):
    code = "\n".join(c.source for c in _read(path).cells if c.cell_type == "code")
    assert not re.search(r"sys\.path\.(append|insert)", code)
    assert not re.search(r"^\s*[!%]pip", code, re.M)
    assert not re.search(r"requests\.|urllib|http[s]?://", code)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_money_in_the_text_never_renders_as_maths(path):
    """'$100 × 4 = $1,200' shows as italic maths in JupyterLab and the HTML: write '\\$100'."""
    problems = [
        f"cell {i}: {', '.join(amounts)}"
        for i, cell in enumerate(_read(path).cells)
        if cell.cell_type == "markdown" and (amounts := currency_read_as_maths(cell.source))
    ]
    assert not problems, (
        f"{path.name} writes amounts that render as maths (escape them as \\$, e.g. with "
        f"clvlib.course.notebook_checks.escape_currency): {'; '.join(problems)}"
    )


def test_the_currency_check_finds_what_jupyterlab_would_render_as_maths():
    """The check can fail: lesson 01's old first cell is caught, real maths and code are not."""
    old = "AOV × frequency × lifespan ($100 × 4 a year × 3 years = $1,200)."
    assert currency_read_as_maths(old) == ["$100", "$1,200"]
    assert currency_read_as_maths(escape_currency(old)) == []
    assert escape_currency(old) == r"AOV × frequency × lifespan (\$100 × 4 a year × 3 years = \$1,200)."
    assert currency_read_as_maths(r"The retention formula $m\,r/(1+d-r)$ and $$x$$, `$5` in code") == []


def test_every_assert_in_a_notebook_says_what_went_wrong():
    """An analyst running the course on their own data sees what was expected, never a bare AssertionError."""
    import ast

    from IPython.core.inputtransformer2 import TransformerManager  # turns %magics into Python

    def bare_asserts(source: str) -> list[str]:
        tree = ast.parse(TransformerManager().transform_cell(source))
        return [ast.unparse(n) for n in ast.walk(tree) if isinstance(n, ast.Assert) and n.msg is None]

    assert bare_asserts("%matplotlib inline\nassert x == 1\nassert y, 'y should be set'") == ["assert x == 1"]
    bare = [
        f"{path.name} cell {i}: {statement}"
        for path in NOTEBOOKS
        for i, cell in enumerate(_read(path).cells)
        if cell.cell_type == "code"
        for statement in bare_asserts(cell.source)
    ]
    assert not bare, "add a message saying what was expected (assert test, 'message'):\n" + "\n".join(bare)
