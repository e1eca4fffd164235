"""Pages the runner writes: self-contained (no other host), maths as MathML, money as money, a real title."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import yaml

from clvlib.course import runner as report
from clvlib.course.runner import html_page, publish
from clvlib.course.runner.html_page import foreign_references, page_title

v4 = nbformat.v4


def _executed_notebook(parameters_default="kept_share: float = 0.40  # share kept", injected="kept_share = 0.25"):
    """A notebook as papermill leaves it: parameters, injected parameters, markdown and a Markdown output."""
    params = v4.new_code_cell(parameters_default)
    params.metadata["tags"] = ["parameters"]
    injected_cell = v4.new_code_cell(f"# Parameters\n{injected}\n")
    injected_cell.metadata["tags"] = ["injected-parameters"]
    shown = v4.new_code_cell("display(Markdown(text))")
    shown.outputs = [v4.new_output("display_data", data={"text/markdown": "Worth $104 against $142 in lesson 02."})]
    return v4.new_notebook(cells=[
        v4.new_markdown_cell("# 01 · CLV *basics*: the `formula`\n\nIntro."),
        params, injected_cell,
        v4.new_markdown_cell(r"Plans cost \$15 or \$25 a month; unescaped $100 and $200 too. "
                             r"Value $m\,r/(1+d-r)$ and $$\sum_{t=1}^{\infty} \frac{m r^t}{(1+d)^t}$$"),
        shown,
    ])


def test_maths_becomes_mathml_and_money_stays_money():
    page = html_page.notebook_html(_executed_notebook(), hide_code=False)
    assert page.count("<math") == 2, "one inline and one display formula"
    assert '<math display="block">' in page and "<mfrac>" in page
    for amount in ("$15", "$25", "$100 and $200", "$104 against $142"):
        assert amount in page, f"{amount} is shown as money"
    assert "$m" not in page and "MathJax" not in page, "no TeX left for a script to typeset"


def test_the_check_finds_what_nbconvert_loads_from_a_cdn():
    from nbconvert import HTMLExporter

    stock, _ = HTMLExporter(template_name="lab").from_notebook_node(_executed_notebook())
    assert any("mathjax" in ref.lower() for ref in foreign_references(stock))
    assert any("require" in ref for ref in foreign_references(stock))


def test_the_page_loads_nothing_from_another_host():
    page = html_page.notebook_html(_executed_notebook(), hide_code=False)
    assert foreign_references(page) == []
    assert "<script src=" not in page, "no script file at all: the maths is already rendered"


def test_the_title_is_the_lessons_heading_in_plain_text():
    page = html_page.notebook_html(_executed_notebook(), hide_code=True)
    assert page_title(page) == "01 · CLV basics: the formula"


def test_the_injected_parameters_show_once_with_the_values_that_ran():
    nb = html_page.fold_injected_parameters(_executed_notebook())
    sources = [c.source for c in nb.cells if c.cell_type == "code"]
    assert sources[0] == "kept_share: float = 0.25  # share kept", "value that ran, type and comment kept"
    assert not any("# Parameters" in s for s in sources), "papermill's cell is gone"
    page = html_page.notebook_html(_executed_notebook(), hide_code=False)
    assert re.sub(r"<[^>]+>", "", page).count("kept_share") == 1


def test_an_unchanged_parameter_keeps_its_spelling_and_a_notebook_without_parameters_cell_is_left_alone():
    nb = html_page.fold_injected_parameters(_executed_notebook("d: dict = {}  # none", "d = dict()"))
    assert nb.cells[1].source == "d: dict = dict()  # none"
    nb = html_page.fold_injected_parameters(_executed_notebook("x: str = 'a'  # same", "x = 'a'"))
    assert nb.cells[1].source == "x: str = 'a'  # same"
    bare = v4.new_notebook(cells=[v4.new_code_cell("x = 1")])
    assert html_page.fold_injected_parameters(bare).cells[0].source == "x = 1"


def test_unreadable_tex_is_shown_as_its_source_not_dropped():
    assert html_page.tex_to_mathml(r"\frac{1}{") == r'<code class="tex">\frac{1}{</code>'


def test_the_executive_report_gets_a_pdf_beside_its_page(tmp_path, capsys):
    executed = tmp_path / "07_report.ipynb"
    nbformat.write(_executed_notebook(), str(executed))
    publish.export_html(executed, tmp_path / "07_report.html", hide_code=True)
    pdf = tmp_path / "07_report.pdf"
    if publish.find_chromium() is None:
        assert not pdf.exists() and "No Chromium found" in capsys.readouterr().out
        pytest.skip("Chromium is not installed: only the one-line notice was checked")
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000
    publish.export_html(executed, tmp_path / "lesson.html", hide_code=False)
    assert not (tmp_path / "lesson.pdf").exists(), "lessons get no PDF"


@pytest.mark.notebooks
def test_every_page_a_run_writes_is_self_contained(tmp_path):
    folder = tmp_path / "course"
    folder.mkdir()
    for name, markdown in [("00_money", r"# Money and maths" "\n\n" r"Plans at \$15; CLV $m/(1-r)$."),
                           ("01_report", "# The report\n\nNo maths here.")]:
        nb = v4.new_notebook(cells=[v4.new_markdown_cell(markdown), v4.new_code_cell("x: int = 1  # x"),
                                    v4.new_code_cell("from IPython.display import Markdown\nMarkdown(f'${x * 100}')")])
        nb.cells[1].metadata["tags"] = ["parameters"]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        if name == "01_report":
            nb.metadata["clvlib"] = {"hide_code": True}
        nbformat.write(nb, str(folder / f"{name}.ipynb"))
    params = tmp_path / "params.yml"
    params.write_text(yaml.safe_dump({"x": 2}), encoding="utf-8")
    result = report.run_report(params, tmp_path / "reports", [folder], echo=lambda *a, **k: None)
    assert result.exit_code == 0, result.reason
    pages = sorted(Path(result.run_dir).glob("*.html"))
    assert [p.name for p in pages] == ["00_money.html", "01_report.html", "glossary.html", "index.html"]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert foreign_references(text) == [], page.name
    lesson = pages[0].read_text(encoding="utf-8")
    assert page_title(lesson) == "Money and maths" and "$15" in lesson and "$200" in lesson
    shown = re.sub(r"<[^>]+>", "", lesson)
    assert lesson.count("<math") == 1 and shown.count("x: int = 2") == 1 and "x = 2" not in shown


def test_the_reports_generated_markdown_shows_money_in_the_page():
    from clvlib.analysis.kpi_text import markdown_list

    text = markdown_list(["Spent $7,317, $65.92 per subscriber.", "Worth $105."])
    assert "$7" not in text.replace("\\$", "") and text.count("\\$") == 3, "escaped for JupyterLab"
    cell = v4.new_code_cell("display(Markdown(text))")
    cell.outputs = [v4.new_output("display_data", data={"text/markdown": text})]
    page = html_page.notebook_html(v4.new_notebook(cells=[cell]), hide_code=True)
    assert "Spent $7,317, $65.92 per subscriber." in page and "<math" not in page and "\\$" not in page


def test_the_glossary_link_works_from_a_report_folder(tmp_path):
    """Lessons link ../docs/glossary.md (right in notebooks/); a report folder gets glossary.html beside them."""
    nb = _executed_notebook()
    nb.cells.append(v4.new_markdown_cell("Every term is in the [glossary](../docs/glossary.md)."))
    page = html_page.notebook_html(nb, hide_code=False)
    assert 'href="glossary.html"' in page and "docs/glossary.md" not in page
    assert publish.write_glossary(tmp_path)
    glossary = (tmp_path / "glossary.html").read_text(encoding="utf-8")
    assert "<title>Glossary</title>" in glossary and "<strong>Censoring" in glossary
    assert foreign_references(glossary) == []
    assert not publish.write_glossary(tmp_path, source=tmp_path / "missing.md")
