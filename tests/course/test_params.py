"""Every params file names only parameters the notebooks declare, with the right types.

Papermill only warns about an unknown parameter and runs the default, so a typo in a
params file would silently produce a report on the wrong settings. clvlib.course.runner
rejects such files before running; this test keeps the shipped ones valid.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from clvlib.course import runner as report
from clvlib.course.notebook_checks import list_notebooks

ROOT = Path(__file__).resolve().parents[2]
PARAMS = sorted((ROOT / "params").glob("*.yml"))
COURSE = list_notebooks(ROOT / "notebooks")


@pytest.fixture(scope="module")
def declared():
    if not COURSE:
        pytest.skip("no notebooks yet")
    return report.course_parameters(COURSE)


def test_params_folder_has_the_default_and_the_own_data_example():
    assert {p.name for p in PARAMS} >= {"default.yml", "example_own_data.yml"}


@pytest.mark.parametrize("path", PARAMS, ids=lambda p: p.name)
def test_params_file_names_only_declared_parameters(path, declared):
    report.check_params(report.load_params(path), declared, path.name)


@pytest.mark.parametrize("path", PARAMS, ids=lambda p: p.name)
def test_params_file_data_loads(path):
    report.validate_data(report.load_params(path))


def test_default_params_match_the_notebook_defaults():
    """params/default.yml is regenerated with `python -m clvlib.course.runner --write-defaults params/default.yml`."""
    if not COURSE:
        pytest.skip("no notebooks yet")
    written = (ROOT / "params" / "default.yml").read_text(encoding="utf-8")
    assert written == report.defaults_yaml(COURSE), (
        "params/default.yml is out of date: run `python -m clvlib.course.runner --write-defaults params/default.yml`"
    )


def test_unknown_names_get_the_closest_declared_name():
    declared = {"01_x": {"discount_rate_annual": None, "gross_margin_rate": None}}
    with pytest.raises(report.ReportInputError, match="did you mean 'gross_margin_rate'"):
        report.check_params({"gross_margin": 0.4}, declared)


def test_the_command_named_in_the_default_file_writes_it_and_bad_params_exit_2(tmp_path):
    """`python -m clvlib.course.runner` (what `make report` runs) works as a command, exit codes included."""
    if not COURSE:
        pytest.skip("no notebooks yet")
    shipped = (ROOT / "params" / "default.yml").read_text(encoding="utf-8")
    command = "python -m clvlib.course.runner --write-defaults params/default.yml"
    assert command in shipped
    written = tmp_path / "default.yml"
    done = subprocess.run([sys.executable, "-m", "clvlib.course.runner", "--write-defaults", str(written)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert written.read_text(encoding="utf-8") == shipped
    done = subprocess.run([sys.executable, "-m", "clvlib.course.runner", "--params", str(tmp_path / "nope.yml")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "nope.yml does not exist" in done.stderr
