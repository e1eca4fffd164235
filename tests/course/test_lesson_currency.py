"""Every lesson run with ``currency: EUR`` prints every amount in euros: no dollar amount in any output.

The run is the example company's (params/example_own_data.yml), shared with test_report.py.

The lessons' markdown keeps its textbook examples (lesson 01's "$100 x 4 a year"); what is
checked here is everything the code prints or displays: sentences, tables and the text of
each output. Figures are redrawn in the currency by clvlib.course.tables.show_figure,
tested in test_tables.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
EXAMPLE_PARAMS = ROOT / "params" / "example_own_data.yml"
DOLLAR_AMOUNT = re.compile(r"\$\s?\d")


def _output_texts(notebook: Path) -> list[tuple[int, str]]:
    texts = []
    for index, cell in enumerate(nbformat.read(notebook, as_version=4).cells):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            texts += [(index, output.get("text", "")), (index, data.get("text/plain", "")),
                      (index, data.get("text/html", "")), (index, data.get("text/markdown", ""))]
    return [(i, t if isinstance(t, str) else "".join(t)) for i, t in texts if t]


@pytest.fixture(scope="module")
def euro_lessons(foreign_course_run):
    """The example company's run (params/example_own_data.yml says ``currency: EUR``)."""
    assert yaml.safe_load(EXAMPLE_PARAMS.read_text(encoding="utf-8"))["currency"] == "EUR"
    _, result = foreign_course_run
    assert result.exit_code == 0, result.reason
    return Path(result.run_dir)


@pytest.mark.notebooks
@pytest.mark.parametrize("lesson", [p.stem for p in LESSONS])
def test_a_euro_run_prints_no_dollar_amount(euro_lessons, lesson):
    texts = _output_texts(euro_lessons / f"{lesson}.ipynb")
    dollars = [(i, t[max(0, m.start() - 40):m.end() + 20]) for i, t in texts for m in DOLLAR_AMOUNT.finditer(t)]
    assert dollars == [], dollars[:3]
    assert any("€" in t for _, t in texts), f"{lesson} shows no amount in euros"
