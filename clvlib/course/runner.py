"""Run the whole course with papermill into a dated report folder (``make report``).

Usage::

    python -m clvlib.course.runner --params params/default.yml [--out reports] [--notebooks DIR|FILE ...]

What it does, in order:

1. Reads the params file (YAML). Its top-level keys are notebook parameters; each is
   passed only to the notebooks that declare it. An optional ``per_notebook:`` section
   sets a parameter for one notebook only, e.g. ``per_notebook: {07_clv_report:
   {as_of_date: "2025-06-30"}}``; it wins over the top-level value for that notebook.
2. Rejects, before anything runs, a parameter that no notebook declares (papermill
   itself only warns and runs the default), suggesting the closest declared name, and a
   value of the wrong type (a word where a number is declared).
3. Loads and validates the data with :func:`clvlib.data.load_dataset` so a bad file fails
   at once with the clvlib.data message. Relative paths in ``data_source`` are resolved
   here (working folder, then project root) and passed to the notebooks as absolute paths.
4. Runs the notebooks with papermill (kernel ``python3``), one per core at a time
   (``--jobs``), one progress line each as it finishes; after a failure no new notebook
   starts.
5. Writes ``reports/<UTC timestamp>/``: executed ``.ipynb`` files, HTML for each (the
   notebooks whose metadata has ``"clvlib": {"hide_code": true}`` -- the executive
   report -- without code), ``index.html`` linking everything with the run's metadata,
   and the same metadata as ``run.json``.
6. Only if every notebook succeeded, points ``reports/latest`` at the new folder
   atomically (a symlink made under a temporary name, then ``os.replace``) and writes
   the folder's name to ``reports/LATEST``. Where symlinks cannot be made (Windows
   without developer mode), ``reports/latest`` is a copy of the folder instead, swapped
   in by two renames; ``reports/LATEST`` is still written atomically.

On failure the folder keeps the failed notebook with its traceback and a ``FAILED.txt``
saying why; ``reports/latest`` is left as it was.

Exit codes (for cron and CI): 0 every notebook ran; 1 a notebook failed or timed out;
2 bad params file, unknown parameter, bad data or no notebooks (nothing was run).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import difflib
import hashlib
import html
import json
import os
import platform
import shutil
import sys
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import nbformat
import yaml

from clvlib.course.environment import required_packages
from clvlib.course.notebook_checks import (
    Parameter,
    declared_parameters,
    list_notebooks,
    read_notebook,
)
from clvlib.data import PROJECT_ROOT, DataValidationError, load_dataset, resolve_path

EXIT_OK = 0
EXIT_NOTEBOOK_FAILED = 1
EXIT_BAD_INPUT = 2

PER_NOTEBOOK_KEY = "per_notebook"
DEFAULT_PARAMS = PROJECT_ROOT / "params" / "default.yml"
DEFAULT_OUT = PROJECT_ROOT / "reports"
DEFAULT_NOTEBOOKS = PROJECT_ROOT / "notebooks"
DEFAULT_CELL_TIMEOUT_SECONDS = 300
# Notebooks run side by side, one per core (at most 4: each kernel holds its data in memory).
DEFAULT_JOBS = max(1, min(4, os.cpu_count() or 1))
KERNEL_NAME = "python3"
# Python types a YAML value may have for each declared annotation (int is fine for float).
ACCEPTED_TYPES: dict[str, tuple[type, ...]] = {
    "float": (int, float),
    "int": (int,),
    "str": (str,),
    "bool": (bool,),
    "dict": (dict,),
    "list": (list,),
}


class ReportInputError(ValueError):
    """The params file or the data cannot be used: nothing was run (exit code 2)."""


@dataclass
class NotebookRun:
    """What happened to one notebook."""

    name: str
    status: str = "not run"  # ok | failed | not run
    seconds: float = 0.0
    parameters: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    hide_code: bool = False


@dataclass
class ReportResult:
    """The outcome of :func:`run_report`."""

    exit_code: int
    run_dir: Path | None
    notebooks: list[NotebookRun]
    seconds: float
    reason: str = ""


# --------------------------------------------------------------------------- params


def _plain(value: Any) -> Any:
    """YAML turns 2025-06-30 into a date; notebooks expect the text, so give it back."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def load_params(path: str | Path) -> dict[str, Any]:
    """The params file as a dict (dates as ISO text); ReportInputError if unusable."""
    p = resolve_path(path)
    if not p.exists():
        raise ReportInputError(f"params file {path} does not exist")
    try:
        loaded = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ReportInputError(f"params file {p} is not valid YAML: {' '.join(str(exc).split())}") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ReportInputError(f"params file {p} must hold 'name: value' lines, not a {type(loaded).__name__}")
    return _plain(loaded)


def course_parameters(notebooks: list[Path]) -> dict[str, dict[str, Parameter]]:
    """Declared parameters of each notebook, keyed by notebook name (file stem)."""
    out = {}
    for path in notebooks:
        try:
            out[path.stem] = declared_parameters(path)
        except ValueError as exc:
            raise ReportInputError(str(exc)) from None
    return out


def _suggest(name: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.5)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _type_problem(name: str, value: Any, declared: Parameter, where: str) -> str | None:
    accepted = ACCEPTED_TYPES.get(declared.type_name)
    if accepted is None or value is None:
        return None
    if isinstance(value, bool) and bool not in accepted:
        ok = False
    else:
        ok = isinstance(value, accepted)
    if ok:
        return None
    return (
        f"parameter '{name}' is {value!r} ({type(value).__name__}) but {where} declares it as "
        f"{declared.type_name}"
    )


def check_params(
    params: dict[str, Any], declared: dict[str, dict[str, Parameter]], params_name: str = "params file"
) -> None:
    """Raise ReportInputError naming every parameter no notebook declares, or of a wrong type."""
    all_names = sorted({n for names in declared.values() for n in names})
    problems: list[str] = []

    def check(name: str, value: Any, notebooks: list[str]) -> None:
        holders = [nb for nb in notebooks if name in declared[nb]]
        if not holders:
            scope = "no notebook" if len(notebooks) > 1 else f"notebook {notebooks[0]} does not"
            pool = all_names if len(notebooks) > 1 else list(declared[notebooks[0]])
            problems.append(f"unknown parameter '{name}'{_suggest(name, pool)}: {scope} declare{'s' if len(notebooks) > 1 else ''} it")
            return
        for nb in holders:
            if problem := _type_problem(name, value, declared[nb][name], nb):
                problems.append(problem)
                return

    for name, value in params.items():
        if name == PER_NOTEBOOK_KEY:
            continue
        check(name, value, list(declared))
    sections = params.get(PER_NOTEBOOK_KEY) or {}
    if not isinstance(sections, dict):
        problems.append(f"'{PER_NOTEBOOK_KEY}' must map notebook names to parameters")
        sections = {}
    for nb_name, section in sections.items():
        stem = str(nb_name).removesuffix(".ipynb")
        if stem not in declared:
            problems.append(f"'{PER_NOTEBOOK_KEY}' names notebook '{nb_name}'{_suggest(stem, list(declared))} which is not in the course")
            continue
        if not isinstance(section, dict):
            problems.append(f"'{PER_NOTEBOOK_KEY}: {nb_name}' must hold 'name: value' lines")
            continue
        for name, value in section.items():
            check(name, value, [stem])
    if problems:
        text = f"{params_name}: " + "; ".join(problems) + "."
        if any(p.startswith("unknown parameter") for p in problems):
            listing = ", ".join(all_names) if all_names else "(none)"
            text += f" (papermill would only warn and run the default.) Declared parameters: {listing}."
        raise ReportInputError(text)


def validate_data(params: dict[str, Any]) -> tuple[Any, dict[str, Any] | None]:
    """Load the data once; return the Dataset and data_source with absolute paths.

    The returned data_source is None when the params file has none (embedded data).
    """
    source = params.get("data_source")
    if source is not None and not isinstance(source, dict):
        raise ReportInputError(f"data_source must be a mapping of tables to files, not {source!r}")
    try:
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


def parameters_for(notebook: str, declared: dict[str, Parameter], params: dict[str, Any]) -> dict[str, Any]:
    """Only the parameters this notebook declares; its per_notebook section wins."""
    merged = {k: v for k, v in params.items() if k != PER_NOTEBOOK_KEY}
    sections = params.get(PER_NOTEBOOK_KEY) or {}
    for nb_name, section in sections.items():
        if str(nb_name).removesuffix(".ipynb") == notebook:
            merged.update(section)
    return {k: v for k, v in merged.items() if k in declared}


def defaults_yaml(notebooks: list[Path]) -> str:
    """A params file setting every declared parameter to its notebook default, commented.

    A parameter whose default differs between notebooks goes in ``per_notebook``
    sections (one value at the top level would change the other notebooks). Used to
    write ``params/default.yml``: ``python -m clvlib.course.runner --write-defaults params/default.yml``.
    """
    declared = course_parameters(notebooks)
    users: dict[str, list[str]] = {}
    for nb, params in declared.items():
        for name in params:
            users.setdefault(name, []).append(nb)
    lines = [
        "# Every notebook parameter at its default: `make report` runs the course on the",
        "# embedded Beanstalk Coffee data with these values. Copy this file to change one.",
        "# Written by `python -m clvlib.course.runner --write-defaults params/default.yml`;",
        "# tests/test_params.py checks it still matches the notebooks.",
        "",
    ]
    per_notebook: dict[str, dict[str, Any]] = {}
    for name in sorted(users):
        defaults = {nb: declared[nb][name].default for nb in users[name]}
        first = declared[users[name][0]][name]
        if len({repr(v) for v in defaults.values()}) > 1:
            for nb, value in defaults.items():
                per_notebook.setdefault(nb, {})[name] = value
            continue
        lines.append(f"# {first.help or name} ({first.type_name or 'any'}; used by {', '.join(users[name])})")
        lines.append(yaml.safe_dump({name: first.default}, default_flow_style=False, sort_keys=False).rstrip())
        lines.append("")
    if per_notebook:
        lines.append("# Parameters whose default differs between notebooks, set per notebook:")
        lines.append(yaml.safe_dump({PER_NOTEBOOK_KEY: per_notebook}, default_flow_style=False, sort_keys=True).rstrip())
        lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------- running


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def package_versions() -> dict[str, str]:
    """Python, clvlib, every package pyproject.toml declares, and nbclient (papermill's executor)."""
    versions = {"python": platform.python_version()}
    for name in ["clvlib", *(req.name for req in required_packages()), "nbclient"]:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def new_run_dir(out_dir: Path, now: dt.datetime | None = None) -> Path:
    """A fresh ``<out>/<UTC timestamp>`` folder (no colons, so it works on every OS)."""
    now = now or dt.datetime.now(dt.UTC)
    base = now.strftime("%Y-%m-%dT%H%M%SZ")
    out_dir.mkdir(parents=True, exist_ok=True)
    for i in range(1000):
        candidate = out_dir / (base if i == 0 else f"{base}-{i}")
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            continue
    raise RuntimeError(f"could not make a new report folder in {out_dir}")


def _hide_code(nb) -> bool:
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


def _export_html(executed: Path, target: Path, hide_code: bool) -> None:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    if hide_code:
        exporter.exclude_input = True
        exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nbformat.read(str(executed), as_version=4))
    target.write_text(body, encoding="utf-8")


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


def publish_latest(out_dir: Path, run_dir: Path) -> str:
    """Point ``<out>/latest`` at ``run_dir`` atomically; return how ('symlink' or 'copy')."""
    link = out_dir / "latest"
    tmp = out_dir / f".latest-{os.getpid()}"
    how = "symlink"
    try:
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        os.symlink(run_dir.name, tmp, target_is_directory=True)
        os.replace(tmp, link)  # atomic: readers see the old or the new folder, never neither
    except OSError:
        # No symlinks here (or 'latest' is a copied folder from such a platform): swap a copy
        # in with two renames. Not atomic, but a reader never sees a half-written folder.
        how = "copy"
        if tmp.is_symlink():
            tmp.unlink()
        staging = out_dir / f".latest-copy-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(run_dir, staging)
        old = out_dir / f".latest-old-{os.getpid()}"
        if link.is_symlink():
            link.unlink()
        elif link.exists():
            os.replace(link, old)
        os.replace(staging, link)
        shutil.rmtree(old, ignore_errors=True)
    pointer_tmp = out_dir / f".LATEST-{os.getpid()}"
    pointer_tmp.write_text(run_dir.name + "\n", encoding="utf-8")
    os.replace(pointer_tmp, out_dir / "LATEST")
    return how


def _rel(path: Path, start: Path) -> str:
    try:
        return str(path.relative_to(start))
    except ValueError:
        return str(path)


def write_index(run_dir: Path, meta: dict[str, Any]) -> Path:
    """``index.html``: links to every notebook and the run's metadata, plain HTML."""
    esc = html.escape
    status = meta["status"]
    rows = []
    for nb in meta["notebooks"]:
        links = []
        if (run_dir / f"{nb['name']}.html").exists():
            links.append(f'<a href="{esc(nb["name"])}.html">HTML</a>')
        if (run_dir / f"{nb['name']}.ipynb").exists():
            links.append(f'<a href="{esc(nb["name"])}.ipynb">notebook</a>')
        params = ", ".join(f"{k}={v!r}" for k, v in nb["parameters"].items() if k != "data_source")
        if "data_source" in nb["parameters"]:
            params = ", ".join(filter(None, ["data_source (see below)", params]))
        rows.append(
            f'<tr class="{esc(nb["status"])}"><td>{esc(nb["name"])}{" (executive report)" if nb["hide_code"] else ""}</td>'
            f'<td>{esc(nb["status"])}</td><td class="num">{nb["seconds"]:.1f} s</td>'
            f"<td>{' · '.join(links)}</td><td>{esc(params)}</td>"
            f"<td>{esc(nb['error'])}</td></tr>"
        )
    files = "".join(
        f"<tr><td>{esc(role)}</td><td>{esc(info['path'])}</td><td class='num'>{info['bytes']:,}</td>"
        f"<td><code>{esc(info['sha256'])}</code></td></tr>"
        for role, info in meta["inputs"].items()
    )
    versions = "".join(f"<tr><td>{esc(k)}</td><td>{esc(v)}</td></tr>" for k, v in meta["versions"].items())
    executive = [nb for nb in meta["notebooks"] if nb["hide_code"] and nb["status"] == "ok"]
    lead = ""
    if executive:
        lead = f'<p class="lead">Start with the <a href="{esc(executive[0]["name"])}.html">executive report</a>.</p>'
    banner = (
        '<p class="banner ok">Every notebook ran.</p>'
        if status == "ok"
        else f'<p class="banner failed">FAILED: {esc(meta["reason"])}</p>'
    )
    kernel_log = ""
    if (run_dir / "kernel-stderr.log").exists():
        kernel_log = ' Messages the kernels printed: <a href="kernel-stderr.log">kernel-stderr.log</a>.'
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>CLV report {esc(meta['run'])}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 70em; color: #222; }}
table {{ border-collapse: collapse; margin: 0.5em 0 1.5em; }}
td, th {{ border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }}
td.num {{ text-align: right; }} tr.failed td {{ background: #fde2e2; }}
.banner {{ padding: 0.6em 1em; font-weight: bold; }} .banner.ok {{ background: #e3f6e3; }}
.banner.failed {{ background: #fde2e2; }} .lead {{ font-size: 1.2em; }}
pre {{ background: #f6f6f6; padding: 0.8em; overflow-x: auto; }}
</style></head><body>
<h1>Customer Lifetime Value report</h1>
<p>Run <b id="run-id">{esc(meta['run'])}</b> · started {esc(meta['started_utc'])} UTC ·
total time <b id="total-seconds">{meta['seconds']:.1f} s</b> · status <b id="status">{esc(status)}</b></p>
{banner}{lead}
<h2>Notebooks</h2>
<table><tr><th>notebook</th><th>status</th><th>time</th><th>files</th><th>parameters passed</th><th>error</th></tr>
{''.join(rows)}</table>
<h2>Parameters</h2><p>From <code>{esc(meta['params_file'])}</code> (data paths resolved):</p>
<pre>{esc(yaml.safe_dump(meta['parameters'], sort_keys=False) or '{}')}</pre>
<h2>Input files</h2>
<table><tr><th>role</th><th>path</th><th>bytes</th><th>sha256</th></tr>{files}</table>
<h2>Software</h2><table><tr><th>package</th><th>version</th></tr>{versions}</table>
<p>Machine-readable copy: <a href="run.json">run.json</a>.{kernel_log}</p>
</body></html>
"""
    path = run_dir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def _gather_notebooks(paths: list[Path]) -> tuple[list[Path], list[Path]]:
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


@contextlib.contextmanager
def _kernel_environment():
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
    }
    saved = {k: os.environ.get(k) for k in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


KERNEL_START_ATTEMPTS = 3


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


def _run_notebooks(
    to_run: list[Path], runs: list[NotebookRun], run_dir: Path, timeout: int, jobs: int, echo
) -> str:
    """Run the notebooks, ``jobs`` at a time, and export each to HTML; return the failure reason.

    The notebooks are independent (each loads the data itself), so on a machine with
    several cores they run side by side in worker processes. After a failure no new
    notebook is started; the ones already running finish. Progress is one line per
    notebook as it finishes.
    """
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    total = len(to_run)
    echo(f"Running {total} notebook{'s' if total != 1 else ''}, {jobs} at a time.", flush=True)
    # "spawn": a clean interpreter per worker, the same on Linux, macOS and Windows. The
    # workers, and so their kernels, inherit the environment set here while the pool runs.
    context = multiprocessing.get_context("spawn")
    log_path = run_dir / "kernel-stderr.log"
    done_count = 0
    with _kernel_environment(), ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=context) as pool:
        futures = {}
        for i, (path, run) in enumerate(zip(to_run, runs, strict=True)):
            if 0 < i < jobs:
                time.sleep(1.0)  # stagger the first kernel starts (see _kernel_failed_to_start)
            futures[pool.submit(_run_one, path, run_dir / f"{path.stem}.ipynb", run.parameters, timeout, log_path)] = run
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                run = futures[future]
                if future.cancelled():
                    continue
                run.status, run.error, run.seconds = future.result()
                done_count += 1
                echo(f"[{done_count}/{total}] {run.name} ... {run.status} ({run.seconds:.1f} s)", flush=True)
                if run.status != "ok":
                    for other in pending:
                        other.cancel()
    reason = ""
    for path, run in zip(to_run, runs, strict=True):
        executed = run_dir / f"{path.stem}.ipynb"
        try:
            if executed.exists():
                _export_html(executed, run_dir / f"{path.stem}.html", run.hide_code)
        except Exception as exc:  # a broken export must not hide the run's real outcome
            if run.status == "ok":
                run.status, run.error = "failed", f"HTML export failed: {_one_line(exc)}"
        if run.status == "failed" and not reason:
            kept = _rel(executed, Path.cwd()) if executed.exists() else "(no output written)"
            reason = f"{path.stem} failed {run.error}; executed notebook kept in {kept}"
    return reason


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
        to_run, course = _gather_notebooks([Path(p) for p in (notebooks or [DEFAULT_NOTEBOOKS])])
        params = load_params(params_path)
        declared = course_parameters(course)
        check_params(params, declared, str(params_path))
        dataset, data_source = validate_data(params)
    except ReportInputError as exc:
        return ReportResult(EXIT_BAD_INPUT, None, runs, time.perf_counter() - started, str(exc))
    effective = dict(params)
    if data_source is not None:
        effective["data_source"] = data_source

    out_dir = Path(out_dir)
    run_dir = new_run_dir(out_dir, started_utc)
    params_file = resolve_path(params_path)
    inputs = {"params file": params_file} | {f"data: {t}": Path(p) for t, p in dataset.files.items()}
    inputs |= {f"notebook: {p.stem}": p for p in to_run}
    meta: dict[str, Any] = {
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
    }
    runs = [NotebookRun(p.stem) for p in to_run]
    for path, run in zip(to_run, runs, strict=True):
        run.hide_code = _hide_code(read_notebook(path))
        run.parameters = parameters_for(path.stem, declared[path.stem], effective)
    meta["jobs"] = jobs
    reason = _run_notebooks(to_run, runs, run_dir, timeout, jobs, echo)

    seconds = time.perf_counter() - started
    meta["status"] = "ok" if not reason else "failed"
    meta["reason"] = reason
    meta["seconds"] = round(seconds, 2)
    meta["notebooks"] = [
        {"name": r.name, "status": r.status, "seconds": round(r.seconds, 2), "parameters": r.parameters,
         "error": r.error, "hide_code": r.hide_code}
        for r in runs
    ]
    (run_dir / "run.json").write_text(json.dumps(meta, indent=2, default=str) + "\n", encoding="utf-8")
    write_index(run_dir, meta)
    if reason:
        (run_dir / "FAILED.txt").write_text(reason + "\n", encoding="utf-8")
        return ReportResult(EXIT_NOTEBOOK_FAILED, run_dir, runs, seconds, reason)
    publish_latest(out_dir, run_dir)
    return ReportResult(EXIT_OK, run_dir, runs, time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m clvlib.course.runner",
        description="Run every course notebook with papermill into reports/<UTC timestamp>/ "
        "and point reports/latest at it when all succeeded.",
        epilog="Exit codes: 0 ok; 1 a notebook failed (reports/latest unchanged); "
        "2 bad params or data (nothing run).",
    )
    parser.add_argument("--params", default=str(DEFAULT_PARAMS), help="YAML params file (default: params/default.yml)")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="folder for the dated reports (default: reports/)")
    parser.add_argument(
        "--notebooks", nargs="+", default=None, metavar="PATH",
        help="notebook files or folders to run (default: every NN_*.ipynb in notebooks/)",
    )
    parser.add_argument(
        "--timeout", type=int, default=DEFAULT_CELL_TIMEOUT_SECONDS,
        help="seconds any one cell may run before its notebook is stopped and counted as failed "
        f"(papermill's execution timeout; default {DEFAULT_CELL_TIMEOUT_SECONDS})",
    )
    parser.add_argument(
        "--jobs", type=int, default=DEFAULT_JOBS,
        help=f"notebooks run at the same time (default {DEFAULT_JOBS}, one per core)",
    )
    parser.add_argument(
        "--write-defaults", metavar="FILE", default=None,
        help="write a params file with every parameter at its notebook default, then stop",
    )
    args = parser.parse_args(argv)
    if args.write_defaults:
        try:
            to_run, _ = _gather_notebooks([Path(p) for p in (args.notebooks or [DEFAULT_NOTEBOOKS])])
            Path(args.write_defaults).write_text(defaults_yaml(to_run), encoding="utf-8")
        except ReportInputError as exc:
            print(f"report: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        print(f"Wrote {args.write_defaults}")
        return EXIT_OK
    result = run_report(args.params, args.out, args.notebooks, args.timeout, jobs=args.jobs)
    if result.exit_code == EXIT_BAD_INPUT:
        print(f"report: nothing run: {result.reason}", file=sys.stderr)
        return result.exit_code
    where = _rel(result.run_dir, Path.cwd()) if result.run_dir else ""
    if result.exit_code == EXIT_OK:
        print(f"Report written to {where} in {result.seconds:.1f} s; {_rel(Path(args.out), Path.cwd())}/latest points to it.")
    else:
        print(f"report: FAILED after {result.seconds:.1f} s: {result.reason}; "
              f"{_rel(Path(args.out), Path.cwd())}/latest unchanged.", file=sys.stderr)
    return result.exit_code


if __name__ == "__main__":
    sys.exit(main())
