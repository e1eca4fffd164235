"""The whole course run once on an analyst's data, shared by the tests that read its outputs.

Executing the course is the slowest thing the suite does, so it happens once per session:
test_report.py checks the runner and the executive report on this run, and
test_lesson_currency.py checks that every lesson printed its money in the example's euros.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from clvlib.course import runner as report

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_PARAMS = ROOT / "params" / "example_own_data.yml"


@pytest.fixture(scope="session")
def foreign_course_run(tmp_path_factory):
    """(reports folder, RunResult) of ``make report PARAMS=params/example_own_data.yml``: the
    foreign-format example company (day/month/year dates, its own column names, euros)."""
    out = tmp_path_factory.mktemp("reports")
    return out, report.run_report(EXAMPLE_PARAMS, out)
