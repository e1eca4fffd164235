"""The course website (``make site``): staging, the report check, the HTML checks, and one small real build.

The full site (every lesson, the whole API) is ``make site``'s job; here one tiny lesson, a
glossary and one API module are built with Sphinx (about 20 s), so each promise is checked on
HTML a browser would get: the lesson's stored outputs shown, formulas as MathML, the
JupyterLab note, links that resolve, nothing loaded from another host, a local search index.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from clvlib.course.site.build import LINK_WARNING, SiteError, build_site
from clvlib.course.site.checks import broken_internal_links, foreign_loads
from clvlib.course.site.pages import api_modules, home_page, lesson_notebook, repo_link_as_text
from clvlib.course.site.report import report_problems

ROOT = Path(__file__).resolve().parents[2]
# A 1x1 PNG: the lesson's "figure".
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
README = """# clv-workbook

A course on **Customer Lifetime Value**.

## Two commands

`make test`

## The course

| notebook | you will learn |
|---|---|
| `01_tiny` | the retention formula |

Every term is in [`docs/glossary.md`](docs/glossary.md).

## The data

Not on the home page.
"""
GLOSSARY = """# Glossary

**Censoring.** A lifetime whose end is not seen yet; checked in [the tests](../tests/test_x.py).
Lesson [01](../notebooks/01_tiny.ipynb).
"""


def _cell(kind: str, source: str, tags=(), outputs=()):
    cell = nbformat.v4.new_markdown_cell(source) if kind == "md" else nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = list(tags)
    if kind == "code":
        cell.outputs = [nbformat.from_dict(o) for o in outputs]
    return cell


def _lesson(executed: bool) -> nbformat.NotebookNode:
    """A tiny lesson; with ``executed``, as papermill leaves it (injected parameters, outputs)."""
    out = executed
    cells = [
        _cell("md", "# 01 · Tiny lesson\n\nWhat you will learn: $m\\,r/(1+d-r)$, and a plan at \\$15 a month."),
        _cell("code", "rate: float = 0.9  # monthly", tags=["parameters"]),
        _cell("code", "rate = 0.8", tags=["injected-parameters"]) if executed else None,
        _cell("md", "## 4. The retention formula\n\n$$\\frac{m\\,r}{1+d-r}$$\n\nSee the [glossary](../docs/glossary.md)."),
        _cell("code", "print('CLV: 104.58')", outputs=[
            {"output_type": "stream", "name": "stdout", "text": "CLV: 104.58\n"},
            {"output_type": "display_data", "metadata": {}, "data": {"image/png": PNG, "text/plain": "<Figure>"}},
        ] if out else ()),
        _cell("code", "answer = 42", tags=["solution"]),
    ]
    nb = nbformat.v4.new_notebook(cells=[c for c in cells if c is not None])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


@pytest.fixture
def checkout(tmp_path) -> tuple[Path, Path]:
    """A checkout with one lesson, a glossary and a README, and a report run of that lesson."""
    root = tmp_path / "repo"
    (root / "notebooks").mkdir(parents=True)
    (root / "docs").mkdir()
    (root / "README.md").write_text(README, encoding="utf-8")
    (root / "docs" / "glossary.md").write_text(GLOSSARY, encoding="utf-8")
    source = root / "notebooks" / "01_tiny.ipynb"
    nbformat.write(_lesson(executed=False), str(source))
    report = root / "reports" / "2026-01-01T000000Z"
    report.mkdir(parents=True)
    nbformat.write(_lesson(executed=True), str(report / "01_tiny.ipynb"))
    run = {"run": "2026-01-01T000000Z", "status": "ok", "params_file": "params/default.yml"}
    (report / "run.json").write_text(json.dumps(run), encoding="utf-8")
    return root, report


# --- the report check ------------------------------------------------------------------------

def test_a_fresh_default_report_has_no_problem(checkout):
    root, report = checkout
    assert report_problems(root, report) == []


def test_a_lesson_edited_or_added_since_the_run_is_named(checkout):
    root, report = checkout
    source = root / "notebooks" / "01_tiny.ipynb"
    resaved = nbformat.read(str(source), as_version=4)
    resaved.metadata["jupytext"] = {"formats": "ipynb"}  # saved again, no cell changed: still current
    nbformat.write(resaved, str(source))
    assert report_problems(root, report) == []
    resaved.cells[2].source = resaved.cells[2].source.replace("## 4.", "## 5.")
    nbformat.write(resaved, str(source))
    nbformat.write(_lesson(executed=False), str(root / "notebooks" / "02_new.ipynb"))
    problems = report_problems(root, report)
    assert any("01_tiny changed since" in p for p in problems)
    assert any("02_new is not in" in p for p in problems)


def test_a_report_on_other_parameters_or_none_at_all_is_named(checkout, tmp_path):
    root, report = checkout
    run = json.loads((report / "run.json").read_text())
    (report / "run.json").write_text(json.dumps({**run, "params_file": "/tmp/cdnow.yml"}))
    assert ["used '/tmp/cdnow.yml', not params/default.yml" in p for p in report_problems(root, report)] == [True]
    assert "no report" in report_problems(root, tmp_path / "nothing")[0]


def test_the_build_refuses_a_stale_report_before_running_sphinx(checkout, tmp_path):
    root, report = checkout
    (root / "notebooks" / "01_tiny.ipynb").write_text("{}")
    with pytest.raises(SiteError, match="01_tiny changed since"):
        build_site(root, report, tmp_path / "out")
    assert not (tmp_path / "out" / "html").exists()


# --- the pages ---------------------------------------------------------------------------------

def test_home_page_links_every_lesson_even_one_the_readme_map_lacks():
    home = home_page(README, ["01_tiny", "08_new"], [("Glossary", "docs/glossary.md")], "Run X.")
    assert "| [01_tiny](notebooks/01_tiny.ipynb) | the retention formula |" in home
    assert "| [08_new](notebooks/08_new.ipynb) | (new lesson) |" in home
    assert "Not on the home page" not in home and "make test" not in home
    toc = home.split("```{toctree}", 1)[1]
    assert toc.index("notebooks/01_tiny") < toc.index("notebooks/08_new")


def test_a_link_to_a_repository_file_that_is_no_page_becomes_its_path():
    text = "[a](../docs/g.md#censoring), [b](../tests/t.py), ![fig](../x.png), [c](#top), [d](mailto:a@b.c)"
    assert repo_link_as_text(text, "notebooks/01.ipynb", {"docs/g.md"}) == (
        "[a](../docs/g.md#censoring), b (`tests/t.py`), ![fig](../x.png), [c](#top), [d](mailto:a@b.c)"
    )


def test_lesson_keeps_its_outputs_folds_parameters_and_solutions_and_says_how_to_open_it(checkout):
    _, report = checkout
    nb = lesson_notebook(report / "01_tiny.ipynb", "Outputs of run X.", set())
    assert nb.cells[0].source.startswith("# 01 · Tiny lesson")
    assert "make lab" in nb.cells[1].source and "notebooks/01_tiny.ipynb" in nb.cells[1].source
    sources = [c.source for c in nb.cells]
    assert "rate = 0.8" not in sources and "rate: float = 0.8  # monthly" in sources  # the value that ran
    executed = nbformat.read(str(report / "01_tiny.ipynb"), as_version=4)
    assert [c.outputs for c in nb.cells if c.cell_type == "code" and c.outputs] == [executed.cells[4].outputs]
    solution = next(c for c in nb.cells if c.source == "answer = 42")
    assert "hide-cell" in solution.metadata["tags"]


def test_api_modules_are_found_from_the_files_without_main_or_private_modules():
    parts = api_modules(ROOT / "clvlib")
    assert list(parts)[:3] == ["", "core", "transactions"]
    every = [m for modules in parts.values() for m in modules]
    assert "clvlib.core.units" in every and "clvlib.course.site.checks" in every
    assert not [m for m in every if m.endswith("__main__") or "._" in m]


# --- the checks of the built HTML ---------------------------------------------------------------

def test_the_link_check_finds_a_missing_page_a_missing_anchor_and_a_missing_image(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "index.html").write_text('<a href="sub/p.html#s4">ok</a><a href="sub/p.html#s5">x</a><a href="gone.html">y</a>')
    (tmp_path / "sub" / "p.html").write_text('<section id="s4"></section><img src="../_images/f.png"><a href="../">home</a>')
    assert broken_internal_links(tmp_path) == [
        'index.html: sub/p.html#s5: no anchor "s5" in sub/p.html',
        "index.html: gone.html: no such file",
        "sub/p.html: ../_images/f.png: no such file",
    ]


def test_the_offline_check_finds_every_kind_of_outside_load_but_not_a_link(tmp_path):
    (tmp_path / "a.html").write_text(
        '<link rel="stylesheet" href="https://fonts.example/css"><img srcset="//cdn.example/a.png 2x">'
        '<style>@import url("https://cdn.example/s.css");</style><a href="https://doi.org/10.1/x">paper</a>'
        '<script src="_static/local.js"></script>'
    )
    assert foreign_loads(tmp_path) == [
        "a.html: https://fonts.example/css", "a.html: //cdn.example/a.png", "a.html: https://cdn.example/s.css",
    ]


def test_link_warnings_from_sphinx_are_told_apart_from_docstring_formatting():
    assert LINK_WARNING.search("index.md:3: WARNING: local id not found in doc 'x': 'y' [myst.xref_missing]")
    assert LINK_WARNING.search("index.md: WARNING: toctree contains reference to nonexisting document 'a'")
    assert not LINK_WARNING.search("units.py:docstring of clvlib.core.units:3: WARNING: Title underline too short.")


def test_maths_is_mathml_and_an_amount_between_dollars_stays_money():
    pytest.importorskip("docutils", reason="the site extra (make site) is not installed")
    from clvlib.course.site.config import _formula

    assert _formula("m r", display=False).startswith("<math")
    assert _formula("100 and ", display=False) == "$100 and $"


# --- one real build -------------------------------------------------------------------------------

def test_a_small_site_builds_offline_with_outputs_formulas_search_and_resolving_links(checkout, tmp_path):
    pytest.importorskip("myst_nb", reason="the site extra is not installed: `make site` installs it")
    pytest.importorskip("sphinx_book_theme", reason="the site extra is not installed: `make site` installs it")
    root, report = checkout
    built = build_site(root, report, tmp_path / "out", api_parts={"core": ["clvlib.core.discounting"]})
    html = built.site_dir
    assert built.lessons == ["01_tiny"]
    home = (html / "index.html").read_text()
    assert 'href="notebooks/01_tiny.html"' in home and "Not on the home page" not in home
    lesson = (html / "notebooks" / "01_tiny.html").read_text()
    assert "Run this lesson yourself in JupyterLab" in lesson and "CLV: 104.58" in lesson
    assert lesson.count("<math") == 2 and "$m" not in lesson  # inline and display formulas, as MathML
    assert "$15 a month" in lesson  # money is not maths
    images = re.findall(r'<img[^>]*src="\.\./(_images/[^"]+\.png)"', lesson)
    assert len(images) == 1 and (html / images[0]).is_file()
    assert 'href="../docs/glossary.html"' in lesson
    glossary = (html / "docs" / "glossary.html").read_text()
    assert "<code" in glossary and "tests/test_x.py" in glossary and 'href="../tests' not in glossary
    api = (html / "api" / "core.html").read_text()
    assert 'id="clvlib.core.discounting.discount_factors"' in api
    assert "censor" in (html / "searchindex.js").read_text()  # Sphinx's local index, stemmed
    assert broken_internal_links(html) == [] and foreign_loads(html) == []
    assert not re.search(r"<script[^>]*mathjax", lesson, flags=re.I)  # no MathJax at all


def test_a_broken_anchor_in_a_page_fails_the_build(checkout, tmp_path):
    pytest.importorskip("myst_nb", reason="the site extra is not installed: `make site` installs it")
    root, report = checkout
    glossary = root / "docs" / "glossary.md"
    glossary.write_text(GLOSSARY + "\nSee [section 9](../notebooks/01_tiny.ipynb#no-such-section).\n")
    with pytest.raises(SiteError, match="no-such-section"):
        build_site(root, report, tmp_path / "out", api_parts={})
