"""clvlib.data.bundled: the checkout's files, or the copies inside an installed wheel.

The installed case is simulated here by pointing the module at a folder that is not a
checkout; tests/test_installed_wheel.py checks the real thing in a fresh virtualenv.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from clvlib.data import bundled, cdnow
from clvlib.data.sources import DATA_DIR, DEFAULT_FILES

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def installed(tmp_path, monkeypatch):
    """clvlib as if installed in site-packages: its grandparent folder is no checkout."""
    monkeypatch.setattr(bundled, "_REPO_ROOT", tmp_path / "site-packages")
    monkeypatch.delenv(bundled.CACHE_ENV_VAR, raising=False)
    return tmp_path


def test_from_the_checkout_everything_is_read_where_it_is_committed(monkeypatch):
    monkeypatch.delenv(bundled.CACHE_ENV_VAR, raising=False)
    assert bundled.checkout_root() == ROOT
    assert bundled.embedded_data_dir() == ROOT / "data" == DATA_DIR
    assert DEFAULT_FILES["orders"] == ROOT / "data" / "orders.csv"
    assert bundled.course_notebooks_dir() == ROOT / "notebooks"
    assert bundled.default_params_file() == ROOT / "params" / "default.yml"
    assert bundled.default_reports_dir() == ROOT / "reports"
    assert bundled.simulation_output_dir() == ROOT / "data"
    assert bundled.cdnow_cache_dir() == ROOT / "data" / "cache"  # the tests' and CI's cached files


def test_installed_it_reads_the_copies_inside_the_package(installed):
    assert bundled.checkout_root() is None
    package = Path(sys.modules["clvlib"].__file__).parent
    assert bundled.embedded_data_dir() == package / "_bundled" / "data"
    assert bundled.course_notebooks_dir() == package / "_bundled" / "notebooks"
    assert bundled.default_params_file() == package / "_bundled" / "params" / "default.yml"


def test_installed_it_writes_only_into_the_working_folder(installed):
    """Reports and a rebuilt data set never go into site-packages."""
    assert bundled.default_reports_dir() == Path("reports")
    assert bundled.simulation_output_dir() == Path("data")


@pytest.mark.skipif(sys.platform != "linux", reason="platformdirs follows XDG on Linux only")
def test_installed_the_cdnow_cache_is_the_user_cache_folder(installed, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(installed / "xdg"))
    assert bundled.cdnow_cache_dir() == installed / "xdg" / "clvlib" / "cdnow"
    assert cdnow._cache_dir(None) == installed / "xdg" / "clvlib" / "cdnow"


def test_the_environment_variable_overrides_the_cache_everywhere(installed, monkeypatch):
    monkeypatch.setenv(bundled.CACHE_ENV_VAR, str(installed / "mine"))
    assert bundled.cdnow_cache_dir() == installed / "mine"
    monkeypatch.setattr(bundled, "_REPO_ROOT", ROOT)  # the checkout too
    assert bundled.cdnow_cache_dir() == installed / "mine"
    assert cdnow._cache_dir(installed / "arg") == installed / "arg"  # the argument wins


def test_an_uncached_cdnow_names_the_folder_it_looked_in(installed, monkeypatch):
    monkeypatch.setenv(bundled.CACHE_ENV_VAR, str(installed / "empty"))
    assert not cdnow.is_cached("sample")
    orders, why = cdnow.available_cdnow("sample")
    assert orders is None
    assert str(installed / "empty") in why and "clv-cdnow" in why and "make cdnow" in why


def test_installed_the_simulator_writes_into_the_working_folder(installed, monkeypatch):
    from clvlib.data import simulate

    real = simulate.simulate_world
    monkeypatch.setattr(simulate, "simulate_world", lambda world, seed: real(world, seed=seed, scale=0.05))
    monkeypatch.chdir(installed)
    written = simulate.write_embedded_data()
    assert {p.relative_to("data").as_posix() for p in written} == {
        "subscriptions.csv", "orders.csv", "marketing_spend.csv",
        "truth/subscriptions_truth.csv", "truth/orders_truth.csv", "truth/true_parameters.json",
        "truth/people_truth.csv", "truth/referrals_truth.csv",
    }
    assert all((installed / p).is_file() for p in written)
