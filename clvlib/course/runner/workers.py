"""Worker processes a report run can stop: they die with the runner, and a signal stops them all.

A notebook runs in a worker process, which starts a kernel (in a session of its own, so
a Ctrl-C at the terminal does not reach it). Three guarantees, so a stopped run leaves
nothing running:

* SIGTERM or Ctrl-C (SIGINT) to the runner raises :class:`RunInterrupted` in its main
  thread (:func:`stop_on_signals`); the runner then stops its workers (:func:`stop`).
* A worker that receives SIGTERM or SIGINT kills its kernels first, then exits.
* A worker dies with the runner, even when the runner is killed with SIGKILL: on Linux
  it asks the kernel for SIGTERM when its parent dies (``prctl(PR_SET_PDEATHSIG)``). Elsewhere
  the kernels' own parent check (ipykernel polls its parent every second) ends them.

>>> try:
...     raise RunInterrupted(15)
... except RunInterrupted as stopped:
...     print(stopped, stopped.exit_code)
interrupted by SIGTERM 143
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from pathlib import Path

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
GRACE_SECONDS = 3.0  # how long a worker may take to stop its kernels before it is killed


class RunInterrupted(Exception):
    """The run was stopped by a signal; ``exit_code`` is the shell's 128 + signal number."""

    def __init__(self, signum: int):
        self.signum = signum
        self.exit_code = 128 + signum
        super().__init__(f"interrupted by {signal.Signals(signum).name}")


@contextlib.contextmanager
def stop_on_signals():
    """While the block runs, SIGTERM and SIGINT raise :class:`RunInterrupted` (main thread only).

    A second signal while the run is being stopped is ignored, so the clean-up finishes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        for s in STOP_SIGNALS:
            signal.signal(s, signal.SIG_IGN)
        raise RunInterrupted(signum)

    saved = {s: signal.signal(s, handler) for s in STOP_SIGNALS}
    try:
        yield
    finally:
        for s, previous in saved.items():
            signal.signal(s, previous)


def child_pids(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux ``/proc``; empty elsewhere)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended while we looked
            continue
        fields = text[text.rfind(")") + 2:].split()  # after "pid (name) "
        if len(fields) > 1 and int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def kill_children() -> None:
    """Kill this process's children (the kernels) and their process groups."""
    for pid in child_pids(os.getpid()):
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)  # a kernel leads its own session and group
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def _stop_worker(signum, frame) -> None:
    kill_children()
    os._exit(128 + signum)


def _die_with_parent(parent_pid: int) -> None:
    """Ask Linux to send SIGTERM when the runner dies; exit now if it already has."""
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    if os.getppid() != parent_pid:  # the runner died before the request was made
        _stop_worker(signal.SIGTERM, None)


def worker_start(parent_pid: int) -> None:
    """First thing a worker does: die with the runner, and stop its kernels on SIGTERM or SIGINT."""
    for s in STOP_SIGNALS:
        signal.signal(s, _stop_worker)
    _die_with_parent(parent_pid)


def stop(processes: list) -> None:
    """Stop running workers: SIGTERM (each kills its kernels), then SIGKILL after the grace period."""
    for proc in processes:
        if proc.is_alive():
            proc.terminate()
    for proc in processes:
        proc.join(GRACE_SECONDS)
        if proc.is_alive():
            proc.kill()
            proc.join(GRACE_SECONDS)
