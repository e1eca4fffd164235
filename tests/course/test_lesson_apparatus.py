"""What every lesson gives a learner: objectives, prerequisites, time, quiz, take-aways, references, glossary."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from clvlib.course.exercises import exercises
from clvlib.course.notebook_checks import list_notebooks

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT / "docs" / "glossary.md"
LESSONS = [p for p in list_notebooks(ROOT / "notebooks") if not p.stem.startswith("07_")]  # 07 is a report
GLOSSARY_LINK = "](../docs/glossary.md)"


def _cells(path: Path):
    return nbformat.read(str(path), as_version=4).cells


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_each_lesson_opens_with_objectives_prerequisites_and_time(path):
    opening = _cells(path)[0].source
    assert re.search(r"you will( learn)?\*\*", opening, re.I), "the first cell lists what you will learn"
    assert "**Prerequisites.**" in opening, "the first cell says what to know first"
    assert re.search(r"\*\*Estimated\s+time:\*\*\s+\d+ minutes", opening), "the first cell gives the time in minutes"
    assert GLOSSARY_LINK in opening, "the first cell links the glossary"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_each_lesson_closes_with_take_aways_references_and_the_glossary(path):
    closing = _cells(path)[-1]
    assert closing.cell_type == "markdown"
    assert "## Take-aways" in closing.source and "## References" in closing.source
    references = closing.source.split("## References", 1)[1]
    assert len(re.findall(r"\(\d{4}\)", references)) >= 2, "cite at least two papers or books, with their year"
    assert GLOSSARY_LINK in references


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_each_lesson_ends_with_a_checked_quiz(path):
    cells = _cells(path)
    assert any(c.cell_type == "markdown" and c.source.startswith("## Quiz") for c in cells)
    quiz = [e for e in exercises(path) if any(name.startswith("quiz_") for name in e.asked)]
    assert len(quiz) >= 2, "a few concept questions"
    assert all("check_choice(" in e.check for e in quiz)


def test_the_glossary_defines_every_term_the_course_relies_on():
    text = GLOSSARY.read_text(encoding="utf-8")
    defined = re.findall(r"^\*\*([^*]+?)\.\*\*", text, re.M)
    letters = [re.sub(r"[^a-z0-9 ]", "", term.lower()) for term in defined]
    assert letters == sorted(letters), "keep the glossary in alphabetical order"
    required = ["CLV", "CAC", "AOV", "Churn", "Retention rate", "Censoring", "Hazard", "RMST", "DEL", "DERL",
                "P(alive)", "RFM", "LTV:CAC", "Payback", "Discount rate", "Kaplan-Meier", "BG/NBD",
                "Gamma-Gamma", "sBG", "Cohort"]
    missing = [term for term in required if not any(entry.startswith(term) for entry in defined)]
    assert not missing, f"the glossary lacks {missing}"
