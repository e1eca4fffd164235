"""Runs that can be stopped: a signal stops every worker and kernel, SIGKILL leaves no worker
behind, a failure starts no new notebook, and a second run at the same time is refused.

The runner is started as a separate process (``python -m clvlib.course.runner``) on a tiny
course whose notebooks sleep, so there is something to stop. Its descendants (workers and
kernels) are listed from /proc before the signal; 5 s after it, none may be alive, and
``reports/latest`` must still point where it pointed before.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
import yaml

from clvlib.course import runner as report
from clvlib.course.runner import workers

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _notebook(folder: Path, name: str, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell("x: int = 1  # x")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(nbformat.v4.new_code_cell(c) for c in cells)]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, str(path))
    return path


def _alive(pid: int) -> bool:
    """Running (a zombie that nobody reaped yet has already stopped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        children = workers.child_pids(todo.pop())
        found.update(children)
        todo.extend(children)
    return found


def _is_kernel(pid: int) -> bool:
    try:
        return b"ipykernel" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


@pytest.fixture
def sleepy(tmp_path):
    """A course of two notebooks that sleep, params, and a reports folder whose latest points at a good run."""
    course = tmp_path / "course"
    for name in ("00_sleep", "01_sleep"):
        _notebook(course, name, "import time\ntime.sleep(120)")
    params = tmp_path / "params.yml"
    params.write_text(yaml.safe_dump({"x": 2}), encoding="utf-8")
    out = tmp_path / "reports"
    good = out / "2025-01-01T000000Z"
    good.mkdir(parents=True)
    report.publish_latest(out, good)
    return course, params, out


def _start(course: Path, params: Path, out: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "clvlib.course.runner", "--params", str(params), "--out", str(out),
               "--notebooks", str(course), "--jobs", "2"]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def _wait_for_kernels(proc: subprocess.Popen, n: int, seconds: float = 90) -> set[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        family = _descendants(proc.pid)
        if sum(_is_kernel(p) for p in family) >= n:
            time.sleep(1.0)  # let the kernels start executing
            return _descendants(proc.pid)
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.2)
    raise AssertionError(f"{n} kernels did not start within {seconds} s")


def _survivors(family: set[int], signalled_at: float) -> set[int]:
    time.sleep(max(0.0, signalled_at + 5.0 - time.monotonic()))
    return {pid for pid in family if _alive(pid)}


@pytest.mark.notebooks
@pytest.mark.parametrize("how", ["SIGTERM", "Ctrl-C"])
def test_a_signal_stops_workers_and_kernels_and_marks_the_run_interrupted(sleepy, how):
    course, params, out = sleepy
    latest = os.readlink(out / "latest")
    proc = _start(course, params, out)
    family = _wait_for_kernels(proc, 2)
    assert len(family) >= 4, "two workers, two kernels"

    # While it runs, a second run on the same reports folder is refused, naming the holder.
    second = subprocess.run([sys.executable, "-m", "clvlib.course.runner", "--params", str(params), "--out", str(out),
                             "--notebooks", str(course)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert second.returncode == 2
    assert f"another report run is writing to {out} (process {proc.pid}, started" in second.stderr

    signalled_at = time.monotonic()
    if how == "SIGTERM":
        proc.send_signal(signal.SIGTERM)
    else:
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends to the foreground group
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == (143 if how == "SIGTERM" else 130), err
    assert _survivors(family, signalled_at) == set()
    assert os.readlink(out / "latest") == latest
    (run_dir,) = [p for p in out.iterdir() if p.is_dir() and not p.is_symlink() and p.name != latest]
    name = "SIGTERM" if how == "SIGTERM" else "SIGINT"
    assert (run_dir / "FAILED.txt").read_text().startswith(f"interrupted: interrupted by {name} after ")
    meta = json.loads((run_dir / "run.json").read_text())
    assert meta["status"] == "interrupted" and {n["status"] for n in meta["notebooks"]} == {"stopped"}
    assert not (run_dir / ".kernels").exists(), "kernel connection files are removed"
    assert f"interrupted by {name}" in err and "latest unchanged" in err and "Traceback" not in err
    # The lock went with the run: the next run may start.
    assert report.run_report(params, out, [course / "missing.ipynb"]).exit_code == 2


@pytest.mark.notebooks
def test_sigkill_of_the_runner_leaves_no_worker_or_kernel_alive(sleepy):
    course, params, out = sleepy
    latest = os.readlink(out / "latest")
    proc = _start(course, params, out)
    family = _wait_for_kernels(proc, 2)
    signalled_at = time.monotonic()
    proc.kill()
    proc.communicate(timeout=30)
    assert _survivors(family, signalled_at) == set()
    assert os.readlink(out / "latest") == latest


@pytest.mark.notebooks
def test_after_a_failure_no_new_notebook_starts(tmp_path):
    course = tmp_path / "course"
    _notebook(course, "00_fails", "raise RuntimeError('the grinder jammed')")
    for name in ("01_next", "02_later", "03_last"):
        _notebook(course, name, "print('ran')")
    params = tmp_path / "params.yml"
    params.write_text("x: 2\n", encoding="utf-8")
    result = report.run_report(params, tmp_path / "reports", [course], jobs=1)
    assert result.exit_code == 1 and "the grinder jammed" in result.reason
    assert [(n.name, n.status) for n in result.notebooks] == [
        ("00_fails", "failed"), ("01_next", "not run"), ("02_later", "not run"), ("03_last", "not run")]
    assert not (result.run_dir / "01_next.ipynb").exists()
