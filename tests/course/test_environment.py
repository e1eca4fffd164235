"""The three descriptions of our environment agree.

pyproject.toml is the source of truth; requirements/constraints.txt pins the exact
versions we test; environment.yml serves conda users (conda is not available on our CI,
so this test is what keeps it honest).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
CONDA_TO_PYPI = {"python-duckdb": "duckdb"}


def _pyproject_requirements() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs.extend(extra)
    parsed = [Requirement(r) for r in reqs]
    return {canonicalize_name(r.name): r for r in parsed}


def _conda_pins() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pins = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict) or dep == "pip":
            continue
        name, _, version = dep.partition("=")
        pins[canonicalize_name(CONDA_TO_PYPI.get(name, name))] = version
    return pins


def _locked() -> dict[str, Version]:
    out = {}
    for line in (ROOT / "requirements" / "constraints.txt").read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)", line)
        if m:
            out[canonicalize_name(m.group(1))] = Version(m.group(2))
    return out


def test_environment_yml_lists_exactly_the_pyproject_packages():
    conda = set(_conda_pins()) - {"python"}
    pyproject = set(_pyproject_requirements())
    assert conda - pyproject == set(), "in environment.yml but not in pyproject.toml"
    assert pyproject - conda == set(), "in pyproject.toml but not in environment.yml"


def test_environment_yml_pins_match_the_tested_versions():
    locked = _locked()
    reqs = _pyproject_requirements()
    for name, pin in _conda_pins().items():
        if name == "python":
            continue
        tested = locked[name]
        assert pin == f"{tested.major}.{tested.minor}", f"{name}: environment.yml {pin}, tested {tested}"
        assert reqs[name].specifier.contains(tested), f"{name} {tested} breaks pyproject's {reqs[name].specifier}"


def test_every_pyproject_dependency_is_locked_to_a_version_it_allows():
    locked = _locked()
    for name, req in _pyproject_requirements().items():
        assert name in locked, f"{name} is missing from requirements/constraints.txt (run `make lock`)"
        assert req.specifier.contains(locked[name]), f"{name}=={locked[name]} breaks {req.specifier}"


def test_pandas_and_lifelines_are_pinned_together():
    """lifelines>=0.30.1 needs pandas<3; asking for pandas>=3 silently installs lifelines 0.30.0."""
    reqs = _pyproject_requirements()
    assert not reqs["pandas"].specifier.contains("3.0.0")
    assert reqs["lifelines"].specifier == SpecifierSet(">=0.30.1")
    locked = _locked()
    assert locked["lifelines"] >= Version("0.30.1") and locked["pandas"] < Version("3")


def test_environment_yml_installs_clvlib_itself_and_python_311():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_section
    assert _conda_pins()["python"] == "3.11"
