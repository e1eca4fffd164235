"""Shared test settings and fixtures.

``dataset``: the embedded Beanstalk Coffee data, loaded once per test session (loading
and validating it is the slow part of many tests). Tests must not change it in place;
take a ``.copy()`` of a table to modify it.

``spark``: a local Spark session for the ``spark``-marked tests (skipped without PySpark or Java).

``cdnow_loader``: ``cdnow_loader("sample")`` loads the real CDNOW data for the published-number
tests (marked ``network``). When the data cannot be had (not cached in data/cache/ and PyPI
unreachable) the test FAILS with a message saying how to get it (``make cdnow``): a silent skip
would let the published-number checks stop running unnoticed. Working offline on purpose, set
``CLVLIB_OFFLINE=1``: those tests are then skipped, and the end of the run says so in one loud
line. Under CI (the CI variable set) they always fail, whatever the switch says.

Under `make mutate` (mutmut sets MUTANT_UNDER_TEST to the mutant's name in each forked test
process), a mutant's test run still going after MUTANT_WALL_LIMIT_S seconds (900; the variable
CLVLIB_MUTANT_WALL_LIMIT_S changes it) writes where it is stuck to hung-<mutant>.txt in mutants/
and ends as "suspicious". mutmut's own limit counts CPU seconds, so a process that waits without
using the CPU (a deadlock) would otherwise stall the whole run unseen.

Hypothesis: no per-example deadline (these machines are shared and timing is noisy;
speed goals live in `make bench`). Under CI the examples are derandomised, so a CI run
can only fail on an example that a local run would also find.
"""

from __future__ import annotations

import faulthandler
import os
import threading

import pytest
from hypothesis import settings

settings.register_profile("default", deadline=None, print_blob=True)
settings.register_profile("ci", deadline=None, print_blob=True, derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")


MUTANT_WALL_LIMIT_S = float(os.environ.get("CLVLIB_MUTANT_WALL_LIMIT_S", 900))
MUTMUT_SUSPICIOUS_EXIT = 35  # the exit code mutmut reports as "suspicious", not as a kill
HUNG_REPORTS = []  # faulthandler writes to the file's descriptor: it must stay open


def pytest_sessionfinish(session):
    """A mutant's tests that finished in time leave no hung-*.txt behind."""
    for report in HUNG_REPORTS:
        faulthandler.cancel_dump_traceback_later()
        report.close()
        os.remove(report.name)
    HUNG_REPORTS.clear()


def pytest_sessionstart(session):
    """Under mutmut only: end a mutant's test run that hangs, saying where (see the module docstring)."""
    mutant = os.environ.get("MUTANT_UNDER_TEST", "")
    if "__mutmut_" not in mutant:
        return
    # A file, not stderr: pytest captures stderr and the capture is lost when the process is ended.
    report = open(f"hung-{mutant}.txt", "w", encoding="utf-8")  # noqa: SIM115 - open until the end
    report.write(f"{mutant}: tests still running after {MUTANT_WALL_LIMIT_S:g} s; where they were:\n")
    report.flush()
    HUNG_REPORTS.append(report)
    faulthandler.dump_traceback_later(MUTANT_WALL_LIMIT_S, exit=False, file=report)
    watchdog = threading.Timer(MUTANT_WALL_LIMIT_S + 1, os._exit, args=(MUTMUT_SUSPICIOUS_EXIT,))
    watchdog.daemon = True
    watchdog.start()


@pytest.fixture(scope="session")
def dataset():
    """The embedded dataset (``clvlib.data.load_dataset()``), shared by every test that reads it."""
    # Imported here, not at the top, so a broken loader fails only the tests that use it.
    from clvlib.data import load_dataset

    return load_dataset()


OFFLINE_SWITCH = "CLVLIB_OFFLINE"
OFFLINE_SKIP_REASON = f"CDNOW data unavailable and {OFFLINE_SWITCH}=1"


def cdnow_unavailable(exc: Exception) -> None:
    """Fail (or, offline on purpose, skip) a test that needs CDNOW data it cannot get."""
    if os.environ.get("CI"):
        pytest.fail(f"CDNOW is required in CI (the published-number checks must run): {exc}", pytrace=False)
    if os.environ.get(OFFLINE_SWITCH) == "1":
        pytest.skip(f"{OFFLINE_SKIP_REASON}: {str(exc).splitlines()[0]}")
    pytest.fail(
        "This test checks published CDNOW numbers and needs the real CDNOW data, which is not cached "
        "and could not be downloaded. Run `make cdnow` once on a machine with internet access (or see "
        f"below for an offline copy). To run the suite offline on purpose, set {OFFLINE_SWITCH}=1: the "
        f"CDNOW tests are then skipped and the run ends with a warning.\n{exc}",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def cdnow_loader():
    """``load(which)``: :func:`clvlib.data.cdnow.load_cdnow` for "master" or "sample", or
    :func:`cdnow_unavailable` when the data cannot be had."""
    from clvlib.data.cdnow import CdnowUnavailableError, load_cdnow

    def load(which: str):
        try:
            return load_cdnow(which)
        except CdnowUnavailableError as exc:
            cdnow_unavailable(exc)

    return load


@pytest.fixture(scope="session")
def spark():
    """A local Spark session (``local_spark_session``), shared by every ``spark``-marked test.

    Skipped, with the reason, where PySpark or Java is missing; under ``make test-spark``
    (CLVLIB_REQUIRE_SPARK=1) that is a failure, so the target cannot pass empty.
    """
    from clvlib.transactions.spark import local_spark_session, spark_unavailable_reason

    reason = spark_unavailable_reason()
    if reason:
        if os.environ.get("CLVLIB_REQUIRE_SPARK") == "1":
            pytest.fail(f"make test-spark needs Spark: {reason}", pytrace=False)
        pytest.skip(f"Spark tests need PySpark and Java (make test-spark): {reason}")
    return local_spark_session("clvlib-tests")


def pytest_terminal_summary(terminalreporter):
    """One loud line at the end of the run when CDNOW tests were skipped offline."""
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if OFFLINE_SKIP_REASON in str(r.longrepr)]
    if skipped:
        terminalreporter.write_sep(
            "!",
            f"CDNOW reference tests SKIPPED ({OFFLINE_SWITCH}=1): published-number checks did not run "
            f"({len(skipped)} skipped; `make cdnow` fetches the data)",
            red=True, bold=True,
        )
