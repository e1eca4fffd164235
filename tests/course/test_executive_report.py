"""The executive report (notebook 07) run by the runner with ``currency: EUR``: € everywhere, no $, a PDF, a page that needs no network."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from clvlib.course import runner as report
from clvlib.course.runner import publish
from clvlib.course.runner.html_page import foreign_references, page_title

ROOT = Path(__file__).resolve().parents[2]
EXECUTIVE = ROOT / "notebooks" / "07_clv_report.ipynb"


@pytest.fixture(scope="module")
def euro_report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("euro")
    params = tmp / "params.yml"
    params.write_text(yaml.safe_dump({"currency": "EUR"}), encoding="utf-8")
    result = report.run_report(params, tmp / "reports", [EXECUTIVE], echo=lambda *a, **k: None)
    assert result.exit_code == 0, result.reason
    return Path(result.run_dir)


@pytest.mark.notebooks
def test_a_euro_report_shows_euros_and_never_a_dollar(euro_report):
    page = (euro_report / "07_clv_report.html").read_text(encoding="utf-8")
    body = page[page.index("<main>"):]
    assert body.count("€") >= 10, "tables, sentences and chart-free text carry the euro sign"
    assert "$" not in page, [m.group(0) for m in re.finditer(r".{40}\$.{20}", page)][:3]


@pytest.mark.notebooks
def test_the_report_page_is_self_contained_titled_and_printed(euro_report):
    page = (euro_report / "07_clv_report.html").read_text(encoding="utf-8")
    assert foreign_references(page) == [] and "<script src=" not in page
    assert page_title(page) == "Customer value report"
    assert page.count("data:image/png;base64") >= 3, "the charts are embedded in the page"
    assert "materia" in page and "Poisson" in page, "the colour rule is stated on the page"
    pdf = euro_report / "07_clv_report.pdf"
    if publish.find_chromium() is None:
        assert not pdf.exists()
        pytest.skip("Chromium is not installed: no PDF expected")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert '<a href="07_clv_report.pdf">PDF</a>' in (euro_report / "index.html").read_text(encoding="utf-8")
