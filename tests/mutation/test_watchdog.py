"""The conftest watchdog that ends a hung mutant's test run instead of stalling `make mutate`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MUTANT = "clvlib.core.units.x_parse__mutmut_1"


@pytest.mark.skipif("CLVLIB_HANG_PROBE_S" not in os.environ, reason="only run by the tests below")
def test_hang_probe():
    # Sleeping uses no CPU, like a deadlock: mutmut's CPU-time limit would never fire.
    time.sleep(float(os.environ["CLVLIB_HANG_PROBE_S"]))


def run_probe(folder: Path, mutant_under_test: str, sleep_s: float) -> tuple[subprocess.CompletedProcess, float]:
    """The probe in its own pytest process, with a 2 s watchdog, run from ``folder`` (as mutmut runs in mutants/)."""
    env = dict(os.environ, CLVLIB_HANG_PROBE_S=str(sleep_s), CLVLIB_MUTANT_WALL_LIMIT_S="2",
               MUTANT_UNDER_TEST=mutant_under_test)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(ROOT),
         "-c", str(ROOT / "pyproject.toml"), f"{Path(__file__)}::test_hang_probe"],
        cwd=folder, env=env, capture_output=True, text=True, timeout=150,
    )
    return done, time.monotonic() - started


def test_a_hung_mutant_run_ends_as_suspicious_and_says_where(tmp_path):
    done, seconds = run_probe(tmp_path, MUTANT, sleep_s=120)
    assert done.returncode == 35, done.stdout + done.stderr  # mutmut's "suspicious", not a kill
    assert seconds < 100  # ended by the watchdog, well before the probe's 120 s sleep
    report = (tmp_path / f"hung-{MUTANT}.txt").read_text()
    assert report.startswith(f"{MUTANT}: tests still running after 2 s")
    assert "test_hang_probe" in report  # the traceback names the stuck test


def test_a_mutant_run_that_finishes_in_time_leaves_no_report(tmp_path):
    done, _ = run_probe(tmp_path, MUTANT, sleep_s=0.1)
    assert done.returncode == 0, done.stdout + done.stderr
    assert list(tmp_path.iterdir()) == []


def test_outside_a_mutant_run_the_watchdog_stays_off(tmp_path):
    done, _ = run_probe(tmp_path, "stats", sleep_s=4)  # mutmut's stats pass: twice the 2 s limit
    assert done.returncode == 0, done.stdout + done.stderr
    assert list(tmp_path.iterdir()) == []
