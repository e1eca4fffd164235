"""Ruff over the package, tests, benchmarks and notebooks (the same as `make lint`)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_finds_nothing():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    assert ruff, "ruff is not installed: run `make setup`"
    done = subprocess.run(
        [ruff, "check", "clvlib", "tests", "benchmarks", "notebooks"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


DEFAULT_CONNECTION_CALL = re.compile(r"\bduckdb\.(sql|query|execute|read_csv|read_parquet|from_df)\(")


def test_no_code_uses_duckdbs_default_connection():
    """DuckDB's process-wide default connection keeps its worker threads for the life of the process.

    `make mutate` forks one test process per mutant from a process that has run the tests: a child
    that reaches that connection waits forever for threads it does not have (a run stalled this way).
    Open a connection and close it: `with duckdb.connect() as con: con.sql(...)`.
    """
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for folder in ("clvlib", "tests", "benchmarks")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if DEFAULT_CONNECTION_CALL.search(line) and path != Path(__file__).resolve()
    ]
    assert offenders == [], "DuckDB's default connection used:\n" + "\n".join(offenders)
