"""One report run in order: gather the notebooks, check params and data, execute, publish.

:func:`run_report` never raises for bad input: it returns a :class:`ReportResult` whose
``exit_code`` the command line passes on (0 ok, 1 a notebook failed, 2 bad input).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clvlib.course.notebook_checks import list_notebooks, read_notebook
from clvlib.course.runner.execute import KERNEL_NAME, NotebookRun, hides_code, run_notebooks
from clvlib.course.runner.index_page import write_index
from clvlib.course.runner.params import (
    ReportInputError,
    check_params,
    course_parameters,
    load_params,
    parameters_for,
)
from clvlib.course.runner.publish import (
    new_run_dir,
    package_versions,
    publish_latest,
    sha256,
    write_glossary,
)
from clvlib.course.runner.values import date_window_problems, value_problems
from clvlib.course.runner.workers import RunInterrupted, stop_on_signals
from clvlib.data import DataNoteWarning, DataValidationError, load_dataset, resolve_path
from clvlib.data.bundled import course_notebooks_dir, default_params_file, default_reports_dir

EXIT_OK = 0
EXIT_NOTEBOOK_FAILED = 1
EXIT_BAD_INPUT = 2

# The checkout's params/, reports/ and notebooks/; from an installed wheel, the copies inside
# the package and ./reports (clvlib.data.bundled).
DEFAULT_PARAMS = default_params_file()
DEFAULT_OUT = default_reports_dir()
DEFAULT_NOTEBOOKS = course_notebooks_dir()
DEFAULT_CELL_TIMEOUT_SECONDS = 300
# Notebooks run side by side, one per core (at most 4: each kernel holds its data in memory).
DEFAULT_JOBS = max(1, min(4, os.cpu_count() or 1))


@dataclass
class ReportResult:
    """The outcome of :func:`run_report`."""

    exit_code: int
    run_dir: Path | None
    notebooks: list[NotebookRun]
    seconds: float
    reason: str = ""


def gather_notebooks(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """(notebooks to run, notebooks of the whole course they belong to)."""
    to_run: list[Path] = []
    folders: list[Path] = []
    for p in paths:
        p = resolve_path(p)
        if p.is_dir():
            to_run.extend(list_notebooks(p))
            folders.append(p)
        elif p.suffix == ".ipynb" and p.exists():
            to_run.append(p)
            folders.append(p.parent)
        else:
            raise ReportInputError(f"{p} is neither a notebook nor a folder of notebooks")
    course = sorted({nb.resolve() for folder in folders for nb in list_notebooks(folder)} | {p.resolve() for p in to_run},
                    key=lambda q: (q.name, str(q)))
    to_run = sorted({p.resolve() for p in to_run}, key=lambda q: (q.name, str(q)))
    if not to_run:
        raise ReportInputError(f"no notebooks (NN_name.ipynb) found in {', '.join(map(str, paths))}")
    return to_run, course


def validate_data(params: dict[str, Any]) -> tuple[Any, dict[str, Any] | None]:
    """Load the data once; return the Dataset and data_source with absolute paths.

    The returned data_source is None when the params file has none (embedded data).
    """
    source = params.get("data_source")
    if source is not None and not isinstance(source, dict):
        raise ReportInputError(f"data_source must be a mapping of tables to files, not {source!r}")
    try:
        with warnings.catch_warnings():  # the notes are echoed by run_report and kept in run.json
            warnings.simplefilter("ignore", DataNoteWarning)
            dataset = load_dataset(source or {})
    except DataValidationError as exc:
        raise ReportInputError(f"bad data: {exc}") from None
    if not source:
        return dataset, None
    resolved: dict[str, Any] = {}
    for key, spec in source.items():
        if key in dataset.files:
            spec = dict(spec) if isinstance(spec, dict) else {"path": spec}
            spec["path"] = str(Path(dataset.files[key]).resolve())
        resolved[key] = spec
    return dataset, resolved


def check_values_and_data(params: dict[str, Any], params_name: str) -> tuple[Any, dict[str, Any] | None]:
    """Check every parameter's value and the data, and report all their problems in one error."""
    problems = value_problems(params)
    bad_data = ""
    try:
        dataset, data_source = validate_data(params)
    except ReportInputError as exc:
        bad_data, dataset, data_source = str(exc), None, None
    if dataset is not None:
        problems += date_window_problems(params, dataset)
    messages = [f"{params_name}: " + "; ".join(problems)] if problems else []
    if messages or bad_data:
        raise ReportInputError("\n".join([*messages, *([bad_data] if bad_data else [])]))
    return dataset, data_source


def run_report(
    params_path: str | Path = DEFAULT_PARAMS,
    out_dir: str | Path = DEFAULT_OUT,
    notebooks: list[str | Path] | None = None,
    timeout: int = DEFAULT_CELL_TIMEOUT_SECONDS,
    echo=print,
    jobs: int = DEFAULT_JOBS,
) -> ReportResult:
    """Run the course; see the module docstring. Never raises for bad input: read exit_code."""
    started = time.perf_counter()
    started_utc = dt.datetime.now(dt.UTC)
    runs: list[NotebookRun] = []
    try:
        to_run, course = gather_notebooks([Path(p) for p in (notebooks or [DEFAULT_NOTEBOOKS])])
        params = load_params(params_path)
        declared = course_parameters(course)
        check_params(params, declared, str(params_path))
        dataset, data_source = check_values_and_data(params, str(params_path))
    except ReportInputError as exc:
        return ReportResult(EXIT_BAD_INPUT, None, runs, time.perf_counter() - started, str(exc))
    effective = dict(params)
    if data_source is not None:
        effective["data_source"] = data_source

    for note in dataset.notes:  # rows set aside, implausible amounts, tables of another period
        echo(f"Data note: {note}", flush=True)
    out_dir = Path(out_dir)
    run_dir: Path | None = None
    meta: dict[str, Any] = {}
    try:
        with reports_lock(out_dir), stop_on_signals():
            run_dir = new_run_dir(out_dir, started_utc)
            meta = _metadata(run_dir, started_utc, params_path, effective, dataset, to_run, timeout, jobs)
            meta["data_notes"] = list(dataset.notes)
            runs = [NotebookRun(p.stem) for p in to_run]
            for path, run in zip(to_run, runs, strict=True):
                run.hide_code = hides_code(read_notebook(path))
                run.parameters = parameters_for(path.stem, declared[path.stem], effective)
            reason = run_notebooks(to_run, runs, run_dir, timeout, jobs, echo)
            seconds = time.perf_counter() - started
            _write_outcome(run_dir, meta, runs, "failed" if reason else "ok", reason, seconds)
            if reason:
                return ReportResult(EXIT_NOTEBOOK_FAILED, run_dir, runs, seconds, reason)
            publish_latest(out_dir, run_dir)
            return ReportResult(EXIT_OK, run_dir, runs, time.perf_counter() - started)
    except ReportInputError as exc:  # another run holds the reports folder
        return ReportResult(EXIT_BAD_INPUT, None, runs, time.perf_counter() - started, str(exc))
    except RunInterrupted as stopped:
        seconds = time.perf_counter() - started
        states = ", ".join(f"{r.name} {r.status}" for r in runs) or "no notebook started"
        reason = f"{stopped} after {seconds:.1f} s ({states}); kernels and workers stopped"
        if run_dir is not None:
            _write_outcome(run_dir, meta, runs, "interrupted", reason, seconds)
        return ReportResult(stopped.exit_code, run_dir, runs, seconds, reason)


def _metadata(run_dir: Path, started_utc: dt.datetime, params_path, effective: dict[str, Any], dataset,
              to_run: list[Path], timeout: int, jobs: int) -> dict[str, Any]:
    """What run.json and index.html record about the run before it starts."""
    params_file = resolve_path(params_path)
    inputs = {"params file": params_file} | {f"data: {t}": Path(p) for t, p in dataset.files.items()}
    inputs |= {f"notebook: {p.stem}": p for p in to_run}
    return {
        "run": run_dir.name,
        "started_utc": started_utc.strftime("%Y-%m-%d %H:%M:%S"),
        "params_file": str(params_file),
        "parameters": effective,
        "inputs": {
            role: {"path": str(p.resolve()), "bytes": p.stat().st_size, "sha256": sha256(p)}
            for role, p in inputs.items()
        },
        "versions": package_versions(),
        "kernel": KERNEL_NAME,
        "cell_timeout_seconds": timeout,
        "jobs": jobs,
    }


def _write_outcome(run_dir: Path, meta: dict[str, Any], runs: list[NotebookRun], status: str, reason: str,
                   seconds: float) -> None:
    """run.json and index.html with the outcome; FAILED.txt with the reason unless the run succeeded."""
    meta = meta | {"status": status, "reason": reason, "seconds": round(seconds, 2)}
    meta["notebooks"] = [
        {"name": r.name, "status": r.status, "seconds": round(r.seconds, 2), "parameters": r.parameters,
         "error": r.error, "hide_code": r.hide_code}
        for r in runs
    ]
    (run_dir / "run.json").write_text(json.dumps(meta, indent=2, default=str) + "\n", encoding="utf-8")
    write_glossary(run_dir)
    write_index(run_dir, meta)
    if status != "ok":
        (run_dir / "FAILED.txt").write_text(f"{status}: {reason}\n", encoding="utf-8")


@contextlib.contextmanager
def reports_lock(out_dir: Path):
    """Hold the reports folder for one run: a second run at the same time is refused (ReportInputError).

    An advisory lock (``fcntl.flock``) on ``out_dir/.lock``, released by the system even if
    the runner is killed. Where fcntl does not exist (Windows) runs are not locked.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:
        yield
        return
    with open(out_dir / ".lock", "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "a run"
            raise ReportInputError(
                f"another report run is writing to {out_dir} ({holder}): wait until it has finished, "
                "or give this run another folder with --out"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()}, started {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M:%S} UTC\n")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
