"""Running course notebooks in papermill kernels, several side by side.

Each notebook runs in a worker process of its own (``spawn``, the same on every OS) with
a clean kernel environment; its stderr chatter goes to ``kernel-stderr.log`` so the
console shows one progress line per notebook. A kernel that dies before it answers is
retried; a failing cell is not. After a failure no new notebook starts. Workers die
with the runner and stop on a signal (:mod:`~clvlib.course.runner.workers`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clvlib.course.runner import workers
from clvlib.course.runner.publish import export_html, rel_path

KERNEL_NAME = "python3"
KERNEL_START_ATTEMPTS = 3


@dataclass
class NotebookRun:
    """What happened to one notebook."""

    name: str
    status: str = "not run"  # ok | failed | not run | running | stopped
    seconds: float = 0.0
    parameters: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    hide_code: bool = False


def hides_code(nb) -> bool:
    """True for a notebook shown without its code (metadata ``"clvlib": {"hide_code": true}``)."""
    return bool(nb.metadata.get("clvlib", {}).get("hide_code", False))


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _failure_reason(exc: BaseException, timeout: int) -> str:
    ename = getattr(exc, "ename", None)
    if ename:
        evalue = str(getattr(exc, "evalue", "")).strip().splitlines()
        cell = getattr(exc, "exec_count", None)
        where = f"in cell [{cell}]" if cell else "in a cell"
        return f"{where}: {ename}: {evalue[0] if evalue else ''}"
    if "Timeout" in type(exc).__name__ or "timed out" in str(exc).lower():
        return f"a cell ran longer than the {timeout} s timeout"
    return f"{type(exc).__name__}: {_one_line(exc)}"


@contextlib.contextmanager
def _stderr_to(log_path: Path):
    """Send this process's (and so the kernel's) stderr to a file for a while.

    Each kernel prints start-up chatter to the stderr it inherits, which would break the
    one-line-per-notebook progress; it is kept in the report folder instead.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    with open(log_path, "ab") as log:
        os.dup2(log.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def _execute(source: Path, target: Path, parameters: dict[str, Any], timeout: int, log_path: Path) -> None:
    import papermill

    with _stderr_to(log_path):
        papermill.execute_notebook(
            str(source),
            str(target),
            parameters=parameters,
            kernel_name=KERNEL_NAME,
            progress_bar=False,
            log_output=False,
            cwd=str(source.parent),
            execution_timeout=timeout,
        )


@contextlib.contextmanager
def _kernel_environment(kernel_files: Path):
    """Environment the kernels inherit while the report runs (restored afterwards).

    Figures must reach the notebook, so the inline backend is forced even when the
    caller set MPLBACKEND=Agg (as the Makefile does for tests): with Agg a kernel's
    ``plt.show()`` draws nothing and the report would have no charts. Kernels prefer this
    environment's ``python3`` kernel spec and hash strings the same way on every run.
    """
    wanted = {
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "JUPYTER_PREFER_ENV_PATH": os.environ.get("JUPYTER_PREFER_ENV_PATH", "1"),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "PYTHONHASHSEED": os.environ.get("PYTHONHASHSEED", "0"),
        "JUPYTER_RUNTIME_DIR": str(kernel_files),  # connection files, removed with the folder
    }
    # A report started from inside JupyterLab (`!make report`) inherits the session's name; lesson 01's
    # calculator reads it as "a widget front-end is drawing" and would leave the HTML an empty slider box.
    unwanted = ("JPY_SESSION_NAME",)
    saved = {k: os.environ.get(k) for k in (*wanted, *unwanted)}
    os.environ.update(wanted)
    for key in unwanted:
        os.environ.pop(key, None)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _kernel_failed_to_start(exc: BaseException) -> bool:
    # Kernels started at the same moment by separate processes can be handed the same
    # free port; the loser dies before it answers. Nothing has run yet, so retrying is safe.
    return "Kernel died before replying to kernel_info" in str(exc)


def _run_one(path: Path, executed: Path, parameters: dict[str, Any], timeout: int, log_path: Path):
    """Execute one notebook in a worker process; return (status, error, seconds)."""
    t0 = time.perf_counter()
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        try:
            _execute(path, executed, parameters, timeout, log_path)
            return "ok", "", time.perf_counter() - t0
        except Exception as exc:  # papermill raises several kinds; all mean "this notebook failed"
            if attempt < KERNEL_START_ATTEMPTS and _kernel_failed_to_start(exc):
                time.sleep(0.5 * attempt)
                continue
            return "failed", _failure_reason(exc, timeout), time.perf_counter() - t0
    raise AssertionError("unreachable")


def _worker(conn, parent_pid: int, path: Path, executed: Path, parameters: dict[str, Any], timeout: int,
            log_path: Path) -> None:
    """A worker process: run one notebook and send back (status, error, seconds)."""
    workers.worker_start(parent_pid)
    conn.send(_run_one(path, executed, parameters, timeout, log_path))
    conn.close()


def _collect(proc, conn, run: NotebookRun) -> None:
    """Read a finished worker's result into ``run`` (a worker that died sends none)."""
    result = conn.recv() if conn.poll() else None
    proc.join()
    conn.close()
    if result is None:
        result = ("failed", f"its worker process ended without a result (exit code {proc.exitcode})", 0.0)
    run.status, run.error, run.seconds = result


def run_notebooks(
    to_run: list[Path], runs: list[NotebookRun], run_dir: Path, timeout: int, jobs: int, echo
) -> str:
    """Run the notebooks, ``jobs`` at a time, and export each to HTML; return the failure reason.

    The notebooks are independent (each loads the data itself), so on a machine with
    several cores they run side by side, each in a worker process of its own. A notebook
    starts only when a slot is free and nothing has failed yet: after a failure no new
    notebook starts; the ones already running finish. Progress is one line per notebook as
    it finishes. Kernel connection files go to a folder inside the run folder that is
    removed at the end. A signal (see :mod:`~clvlib.course.runner.workers`) stops every
    worker and kernel, marks the notebooks "stopped" or "not run", and raises RunInterrupted.
    """
    import multiprocessing
    from multiprocessing.connection import wait

    total = len(to_run)
    echo(f"Running {total} notebook{'s' if total != 1 else ''}, {jobs} at a time.", flush=True)
    # "spawn": a clean interpreter per worker, the same on Linux, macOS and Windows. The
    # workers, and so their kernels, inherit the environment set here while they run.
    context = multiprocessing.get_context("spawn")
    log_path = run_dir / "kernel-stderr.log"
    kernel_files = run_dir / ".kernels"
    kernel_files.mkdir(exist_ok=True)
    waiting = list(zip(to_run, runs, strict=True))
    active: dict[Any, tuple[Any, Any, NotebookRun]] = {}
    done_count, failed = 0, False
    try:
        with _kernel_environment(kernel_files):
            while waiting or active:
                while waiting and not failed and len(active) < max(1, jobs):
                    if active and done_count == 0:
                        time.sleep(1.0)  # stagger the first kernel starts (see _kernel_failed_to_start)
                    path, run = waiting.pop(0)
                    receive, send = context.Pipe(duplex=False)
                    proc = context.Process(target=_worker, name=f"clvlib-report {path.stem}", args=(
                        send, os.getpid(), path, run_dir / f"{path.stem}.ipynb", run.parameters, timeout, log_path))
                    proc.start()
                    send.close()
                    run.status = "running"
                    active[proc.sentinel] = (proc, receive, run)
                if not active:
                    break
                for sentinel in wait(list(active)):
                    proc, conn, run = active.pop(sentinel)
                    _collect(proc, conn, run)
                    done_count += 1
                    echo(f"[{done_count}/{total}] {run.name} ... {run.status} ({run.seconds:.1f} s)", flush=True)
                    failed = failed or run.status != "ok"
    except BaseException as exc:  # a signal (RunInterrupted) or a bug here: leave no worker running
        workers.stop([proc for proc, _, _ in active.values()])
        for _, _, run in active.values():
            run.status, run.error = "stopped", f"stopped: {exc}"
        raise
    finally:
        for _, run in waiting:
            run.status = "not run"
        shutil.rmtree(kernel_files, ignore_errors=True)
    reason = ""
    for path, run in zip(to_run, runs, strict=True):
        executed = run_dir / f"{path.stem}.ipynb"
        try:
            if executed.exists():
                export_html(executed, run_dir / f"{path.stem}.html", run.hide_code)
        except Exception as exc:  # a broken export must not hide the run's real outcome
            if run.status == "ok":
                run.status, run.error = "failed", f"HTML export failed: {_one_line(exc)}"
        if run.status == "failed" and not reason:
            kept = rel_path(executed, Path.cwd()) if executed.exists() else "(no output written)"
            reason = f"{path.stem} failed {run.error}; executed notebook kept in {kept}"
    return reason
