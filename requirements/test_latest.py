"""`make test-latest`: clvlib's unit tests on the newest releases, to see what breaks before users do.

Two throwaway virtualenvs (in a temporary folder, deleted afterwards), neither using the lock:

* ``newest``: ``pip install -e .[course,dev,large]``, i.e. the newest release of every package
  that pyproject.toml allows (so still pandas<3);
* ``pandas3``: the same requirements with pandas>=3 forced and lifelines>=0.30: lifelines>=0.30.1
  declares pandas<3, so pip falls back to lifelines 0.30.0, the last release without that cap,
  which is what a user gets who installs pandas 3 first.

Each runs the unit tests and doctests (``pytest clvlib tests --doctest-modules``, no notebooks,
no network, no wheel test) and prints the versions that matter and every failing test with its
error line. Exit code: 1 when the ``newest`` set fails (a release pyproject allows breaks clvlib:
cap it or fix it), else 0 (pandas 3 failures are the known to-do list, printed, not fatal).

    python requirements/test_latest.py [--only newest|pandas3] [--keep] [pytest paths or test ids]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXTRAS = ("course", "dev", "large")
SHOWN_VERSIONS = ("pandas", "lifelines", "numpy", "scipy", "statsmodels", "matplotlib", "duckdb", "papermill")
PYTEST_ARGS = ["-m", "pytest", "--doctest-modules", "-q", "-p", "no:cacheprovider",
               "-m", "not notebooks and not network and not wheel", "-rfE", "--no-header", "--tb=line"]
DEFAULT_PATHS = ["clvlib", "tests"]


def requirements(force_pandas3: bool) -> list[str]:
    """Every requirement of pyproject.toml (core and the extras), pandas swapped when forced."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in EXTRAS:
        reqs.extend(project["optional-dependencies"][extra])
    reqs = [r.split("#")[0].strip() for r in reqs]
    if force_pandas3:
        # lifelines>=0.30.1 declares pandas<3: let pip fall back to 0.30.0, as it does for a user.
        swap = {"pandas": "pandas>=3", "lifelines": "lifelines>=0.30"}
        reqs = [swap.get(re.match(r"[A-Za-z0-9_.\-]+", r).group(0), r) for r in reqs]
    return reqs


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)


def build_env(folder: Path, force_pandas3: bool) -> tuple[Path, str]:
    """A fresh venv with the newest allowed releases; (its python, '' or the install error)."""
    run([sys.executable, "-m", "venv", str(folder)])
    python = folder / "bin" / "python"
    run([str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    if force_pandas3:
        steps = [["install", "--quiet", "--no-compile", *requirements(True)],
                 ["install", "--quiet", "--no-compile", "--no-deps", "-e", str(ROOT)]]
    else:
        steps = [["install", "--quiet", "--no-compile", "-e", f"{ROOT}[{','.join(EXTRAS)}]"]]
    for step in steps:
        result = run([str(python), "-m", "pip", *step])
        if result.returncode != 0:
            return python, " | ".join((result.stderr or result.stdout).strip().splitlines()[-6:])
    return python, ""


def versions(python: Path) -> dict[str, str]:
    code = ("from importlib import metadata as m\n"
            f"for n in {SHOWN_VERSIONS!r}:\n"
            "    try: print(n, m.version(n))\n"
            "    except m.PackageNotFoundError: print(n, '-')\n")
    return dict(line.split(" ", 1) for line in run([str(python), "-c", code]).stdout.splitlines())


def newer_than_locked(python: Path) -> list[str]:
    """'name locked -> installed' for every package the lock pins to another version here."""
    frozen = run([str(python), "-m", "pip", "freeze", "--exclude-editable"]).stdout
    installed = dict(line.lower().split("==", 1) for line in frozen.splitlines() if "==" in line)
    locked = {}
    lock = (ROOT / "requirements" / "constraints.txt").read_text()
    code = "import sys; from packaging.markers import Marker; print(Marker(sys.argv[1]).evaluate())"
    for name, version, marker in re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)\s*(?:;\s*([^\\\n]+))?", lock, flags=re.M):
        if marker and run([str(python), "-c", code, marker.strip()]).stdout.strip() != "True":
            continue
        locked[name.lower()] = version
    return [f"{n} {locked[n]} -> {v}" for n, v in sorted(installed.items()) if n in locked and locked[n] != v]


def summarise(output: str) -> tuple[str, list[str]]:
    """pytest's final counts line, and one line per failing test (id and error)."""
    lines = output.strip().splitlines()
    counts = next((line.strip("= ") for line in reversed(lines) if re.search(r"\d+ (passed|failed)", line)), "no result")
    failures = [line[len("FAILED "):] if line.startswith("FAILED ") else line[len("ERROR "):]
                for line in lines if line.startswith(("FAILED ", "ERROR "))]
    return counts, failures


def check(name: str, force_pandas3: bool, base: Path, paths: list[str]) -> bool:
    """Build one environment, run the tests, print what broke; True when everything passed."""
    start = time.perf_counter()
    print(f"\n== {name}: {'pandas>=3 forced' if force_pandas3 else 'newest releases pyproject.toml allows'}", flush=True)
    python, install_error = build_env(base / name, force_pandas3)
    if install_error:
        print(f"   install FAILED: {install_error}")
        return False
    found = versions(python)
    print("   " + ", ".join(f"{k} {v}" for k, v in found.items()), flush=True)
    moved = newer_than_locked(python)
    print(f"   differs from the lock: {', '.join(moved) if moved else 'nothing'}", flush=True)
    result = run([str(python), *PYTEST_ARGS, *paths], cwd=ROOT)
    counts, failures = summarise(result.stdout)
    print(f"   tests: {counts} ({time.perf_counter() - start:.0f} s with the install)")
    for failure in failures:
        print(f"   BREAKS: {failure}")
    return result.returncode == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["newest", "pandas3"], default=None)
    parser.add_argument("--keep", action="store_true", help="keep the virtualenvs (their folder is printed)")
    parser.add_argument("paths", nargs="*", default=DEFAULT_PATHS, help="what pytest runs (default: clvlib tests)")
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(prefix="clvlib-latest-"))
    try:
        results = {}
        for name, forced in (("newest", False), ("pandas3", True)):
            if args.only in (None, name):
                results[name] = check(name, forced, base, args.paths)
    finally:
        if args.keep:
            print(f"\nvirtualenvs kept in {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)
    print("\nsummary: " + "; ".join(f"{k} {'passes' if ok else 'BREAKS'}" for k, ok in results.items()))
    return 0 if results.get("newest", True) else 1


if __name__ == "__main__":
    sys.exit(main())
