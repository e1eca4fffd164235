"""clvlib outside the checkout: build the wheel, install it into a fresh virtualenv, use it there.

Nothing of the checkout is on the new environment's path: the wheel is built from a copy of
the project's files, installed with the tested versions (requirements/constraints.txt, from
pip's cache after the first run), and then, from an empty working folder:

* a quickstart (embedded data, BG/NBD, Gamma-Gamma and CLV, the sBG on Fader & Hardie's
  published cohort, the environment check) whose numbers must equal the checkout's;
* the report command, ``clv-report``, on the embedded data into a temporary folder: every
  lesson, from the notebooks and params shipped inside the wheel;
* the other console scripts (``clv-student``, ``clv-cdnow``, ``clv-simulate``).

Marked ``wheel``: about 3 minutes. ``make test-wheel`` runs it (CI runs it after ``make test``);
``make test`` and ``make test-fast`` leave it out. Needs PyPI or pip's cache for the dependencies.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.wheel

ROOT = Path(__file__).resolve().parents[1]
CONSTRAINTS = ROOT / "requirements" / "constraints.txt"
INSTALL_TIMEOUT_SECONDS = 600

QUICKSTART = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path

    import clvlib
    from clvlib.analysis.predictive_clv import customer_lifetime_value
    from clvlib.course.environment import check_environment
    from clvlib.data import load_dataset, load_truth
    from clvlib.data.bundled import cdnow_cache_dir, checkout_root, embedded_data_dir
    from clvlib.models.contractual.sbg import ShiftedBetaGeometric
    from clvlib.models.noncontractual import BetaGeoNBD, GammaGamma
    from clvlib.transactions import summarize_transactions

    ds = load_dataset()
    summary = summarize_transactions(ds.orders, ds.analysis_date, time_unit="week")
    bgnbd = BetaGeoNBD("week").fit(summary)
    repeat = summary[summary["frequency"] > 0]
    gg = GammaGamma().fit(repeat["frequency"], repeat["monetary_value"])
    clv = customer_lifetime_value(bgnbd, gg, repeat, horizon=52, horizon_unit="week",
                                  margin_rate=0.4, discount_rate_annual=0.1)
    regular = [1000, 631, 468, 382, 326, 289, 262, 241]  # Fader & Hardie (2007), Table 1, years 0-7
    sbg = ShiftedBetaGeometric(time_unit="year").fit(regular)
    env = check_environment()
    print(json.dumps({
        "clvlib_file": clvlib.__file__,
        "version": clvlib.__version__,
        "checkout_root": str(checkout_root()),
        "data_dir": str(embedded_data_dir()),
        "cache_dir": str(cdnow_cache_dir()),
        "rows": {t: len(getattr(ds, t)) for t in ("subscriptions", "orders", "marketing_spend")},
        "is_embedded": ds.is_embedded,
        "truth_seed": load_truth().params["seed"],
        "bgnbd": bgnbd.params_.to_dict(),
        "gamma_gamma": gg.params_.to_dict(),
        "clv_total": float(clv["clv"].sum()),
        "sbg": {**sbg.params_.to_dict(), "log_likelihood": sbg.log_likelihood_},
        "environment_ok": bool(env["ok"].all()),
        "environment_packages": sorted(env.index),
    }))
    """
)


SKIPPED_FOLDERS = {".git", ".venv", "build", "dist", "reports", "student", "cache", "mutants", "__pycache__",
                   ".pytest_cache", ".hypothesis", ".ruff_cache", ".bench", ".lockvenv"}


def _project_files() -> list[str]:
    """What the checkout would commit now: tracked and untracked files, minus .gitignore's.

    Without git (an unpacked archive) every file outside the usual build and cache folders.
    """
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=ROOT, capture_output=True, check=True,
        ).stdout.decode().split("\0")
    except (OSError, subprocess.CalledProcessError):
        parts = {p: p.relative_to(ROOT).parts for p in ROOT.rglob("*")}
        listed = [str(p.relative_to(ROOT)) for p, names in parts.items()
                  if not SKIPPED_FOLDERS & set(names) and not any(n.endswith(".egg-info") for n in names)]
    return [f for f in listed if f and (ROOT / f).is_file()]


def _pins_only(lock: str) -> str:
    """The lock's 'name==version ; marker' lines, without the hash and comment lines."""
    lines = [line.rstrip(" \\") for line in lock.splitlines() if line and line[0].isalnum()]
    return "\n".join(lines) + "\n"


def test_pins_only_keeps_versions_and_markers_and_drops_hashes():
    lock = "# header\na==1 ; python_version < '3.12' \\\n    --hash=sha256:00\n    # via b\nb==2 \\\n    --hash=sha256:11\n"
    assert _pins_only(lock) == "a==1 ; python_version < '3.12'\nb==2\n"


def _run(command: list[str], timeout: int = INSTALL_TIMEOUT_SECONDS, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False, **kwargs)
    assert result.returncode == 0, f"{' '.join(map(str, command))} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def _clean_env(home: Path) -> dict[str, str]:
    """No trace of the checkout or its venv; caches (CDNOW, matplotlib) in a fresh folder."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "CLVLIB_CACHE_DIR", "PYTHONHOME")}
    env.update(XDG_CACHE_HOME=str(home / "xdg-cache"), MPLCONFIGDIR=str(home / "mpl"), MPLBACKEND="Agg",
               JUPYTER_PREFER_ENV_PATH="1", PYDEVD_DISABLE_FILE_VALIDATION="1")
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(python of the fresh venv, its bin folder, an empty working folder, seconds per step)."""
    base = tmp_path_factory.mktemp("wheel")
    seconds = {}
    clock = time.perf_counter
    start = clock()
    source = base / "source"
    for name in _project_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(base / "dist"), str(source)])
    wheel = next((base / "dist").glob("clvlib-*.whl"))
    seconds["build"] = clock() - start
    start = clock()
    venv = base / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    # This venv's recent pip installs into the new one (pip --python). What a user of the wheel
    # types, `pip install clvlib[course]`, held to the tested versions: the lock without its hashes,
    # which pip would otherwise demand of the local wheel too.
    pins = base / "constraints.txt"
    pins.write_text(_pins_only(CONSTRAINTS.read_text()), encoding="utf-8")
    # --no-compile: Python compiles each module on first import; compiling jupyterlab's tree up
    # front took more time than the whole quickstart.
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-compile", "-c", str(pins),
          f"{wheel}[course]"])
    seconds["install"] = clock() - start
    print(f"\nwheel built in {seconds['build']:.1f} s, installed with its dependencies in {seconds['install']:.1f} s")
    work = base / "work"
    work.mkdir()
    return python, venv / "bin", work, seconds


@pytest.fixture(scope="module")
def quickstart(installed):
    python, _, work, seconds = installed
    start = time.perf_counter()
    result = _run([str(python), "-c", QUICKSTART], timeout=300, cwd=work, env=_clean_env(work))
    seconds["quickstart"] = time.perf_counter() - start
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_wheel_holds_the_embedded_data_byte_for_byte(installed, quickstart):
    data_dir = Path(quickstart["data_dir"])
    assert data_dir.parts[-3:] == ("clvlib", "_bundled", "data")
    for name in ("subscriptions.csv", "orders.csv", "marketing_spend.csv", "truth/true_parameters.json",
                 "truth/subscriptions_truth.csv", "truth/orders_truth.csv"):
        assert (data_dir / name).read_bytes() == (ROOT / "data" / name).read_bytes(), name


def test_the_quickstart_runs_from_the_installed_package_only(installed, quickstart):
    python, _, work, _ = installed
    site = python.parent.parent
    assert Path(quickstart["clvlib_file"]).is_relative_to(site), "clvlib was imported from the checkout"
    assert quickstart["checkout_root"] == "None"
    assert quickstart["is_embedded"] and quickstart["truth_seed"] == 20231101
    assert quickstart["cache_dir"] == str(work / "xdg-cache" / "clvlib" / "cdnow")  # the user cache folder
    assert quickstart["environment_ok"], "check_environment() found a missing or wrong package"
    assert "papermill" in quickstart["environment_packages"] and "pytest" not in quickstart["environment_packages"]
    assert "seaborn" not in quickstart["environment_packages"]


def test_the_installed_package_fits_the_published_sbg(quickstart):
    """Fader & Hardie (2007), regular customers: alpha 0.704, beta 1.182, LL -1680.27."""
    sbg = quickstart["sbg"]
    assert round(sbg["alpha"], 3) == 0.704 and round(sbg["beta"], 3) == 1.182
    assert sbg["log_likelihood"] == pytest.approx(-1680.27, abs=0.01)


def test_the_installed_package_computes_what_the_checkout_computes(quickstart):
    """Same data, same tested versions: the fits and CLV agree with this checkout's to 1e-6."""
    here = json.loads(_run([sys.executable, "-c", QUICKSTART], timeout=300, cwd=ROOT).stdout.strip().splitlines()[-1])
    assert here["rows"] == quickstart["rows"] and here["rows"]["orders"] == 18_175
    for key in ("bgnbd", "gamma_gamma", "sbg"):
        assert quickstart[key] == pytest.approx(here[key], rel=1e-6), key
    assert quickstart["clv_total"] == pytest.approx(here["clv_total"], rel=1e-6)


def test_the_report_command_runs_the_whole_course_from_the_wheel(installed):
    python, bin_dir, work, seconds = installed
    start = time.perf_counter()
    result = subprocess.run([str(bin_dir / "clv-report"), "--out", str(work / "reports")], cwd=work,
                            env=_clean_env(work), capture_output=True, text=True, timeout=900, check=False)
    seconds["report"] = time.perf_counter() - start
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    run = json.loads((work / "reports" / "latest" / "run.json").read_text())
    lessons = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert run["status"] == "ok" and [nb["name"] for nb in run["notebooks"]] == lessons, "every lesson ships in the wheel"
    assert all(nb["status"] == "ok" for nb in run["notebooks"])
    assert (work / "reports" / "latest" / "index.html").is_file()
    assert (work / "reports" / "latest" / "glossary.html").is_file(), "the lessons link the glossary bundled in the wheel"
    bundle = python.parent.parent
    for name, entry in run["inputs"].items():
        path = Path(entry["path"])
        assert path.is_relative_to(bundle), f"{name} read from {path}, not from the installed package"
        if name.startswith("data: "):
            expected = hashlib.sha256((ROOT / "data" / path.name).read_bytes()).hexdigest()
            assert entry["sha256"] == expected, name
    print("\nwheel test timings (s): " + ", ".join(f"{k} {v:.1f}" for k, v in seconds.items()))


def test_the_other_console_scripts_work_outside_the_checkout(installed, tmp_path):
    _, bin_dir, work, _ = installed
    env = _clean_env(work)
    _run([str(bin_dir / "clv-student"), "--out", str(tmp_path / "student")], cwd=work, env=env)
    assert len(list((tmp_path / "student").glob("[0-9][0-9]_*.ipynb"))) == len(list((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")))
    assert "CLVLIB_CACHE_DIR" in _run([str(bin_dir / "clv-cdnow"), "--help"], cwd=work, env=env).stdout
    out = _run([str(bin_dir / "clv-simulate"), "--help"], cwd=work, env=env).stdout
    assert "never the installed package" in out


def test_nothing_was_written_into_the_installed_package(installed):
    python, _, _, _ = installed
    site = next(python.parent.parent.glob("lib/python*/site-packages"))
    assert not (site / "reports").exists() and not (site / "data").exists()
    package = site / "clvlib"
    assert sorted(p.name for p in (package / "_bundled").iterdir()) == ["data", "docs", "notebooks", "params"]
    assert not list(package.rglob("CDNOW_*")) and not (package / "_bundled" / "data" / "cache").exists()
