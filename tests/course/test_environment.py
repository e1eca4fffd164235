"""The three descriptions of our environment agree, and lesson 00's check reads the installed package.

pyproject.toml is the source of truth; requirements/constraints.txt pins the exact
versions we test (a universal lock with hashes); environment.yml serves conda users (conda
is not available on our CI, so this test is what keeps it honest).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
CONDA_TO_PYPI = {"python-duckdb": "duckdb"}
# Extras a checkout does not install by default: each has its own make target (`make test-spark`,
# `make site`) and its own lock file, requirements/<extra>.txt, resolved against constraints.txt.
OPT_IN_EXTRAS = ("spark", "site")


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
    """The locked version for this interpreter and platform (the lock is universal: a package
    may have one line per Python version, each with its environment marker)."""
    out = {}
    lock_files = ["constraints.txt"] + [f"{extra}.txt" for extra in OPT_IN_EXTRAS]
    text = "\n".join((ROOT / "requirements" / f).read_text() for f in lock_files if (ROOT / "requirements" / f).exists())
    for line in text.splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;#\\]+)\s*(?:;\s*([^\\#]+))?", line)
        if m and (m.group(3) is None or Marker(m.group(3).strip()).evaluate()):
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


# --- the package that stands alone -------------------------------------------------------

CORE_ONLY = {"numpy", "scipy", "pandas", "lifelines", "statsmodels", "matplotlib", "platformdirs"}


def _extras() -> dict[str, set[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    groups = {"core": project["dependencies"], **project["optional-dependencies"]}
    return {group: {canonicalize_name(Requirement(r).name) for r in reqs} for group, reqs in groups.items()}


def test_core_install_has_no_course_tooling():
    """`pip install clvlib` brings what the models, analysis and plots import, not jupyter."""
    extras = _extras()
    assert extras["core"] == CORE_ONLY
    assert {"papermill", "jupyterlab", "nbconvert", "pyyaml"} <= extras["course"]
    assert extras["large"] == {"duckdb", "sqlglot"}


def test_environment_yml_tags_each_extra_like_pyproject():
    """A conda line's trailing '(course)', '(dev)' or '(large)' is the extra pyproject puts it in."""
    group_of = {name: group for group, names in _extras().items() for name in names}
    text = (ROOT / "environment.yml").read_text()
    lines = re.findall(r"^\s*- ([a-z0-9_.\-]+)=\S+\s*#.*?(?:\((course|dev|large|spark|site)\))?\s*$", text, flags=re.M)
    assert len(lines) == len(group_of), "one environment.yml line per pyproject requirement"
    for name, tag in lines:
        name = canonicalize_name(CONDA_TO_PYPI.get(name, name))
        assert group_of[name] == (tag or "core"), f"{name}: environment.yml says {tag or 'core'}"


def test_the_makefile_installs_every_extra():
    makefile = (ROOT / "Makefile").read_text()
    extras = re.search(r"^EXTRAS\s*:=\s*(\S+)", makefile, flags=re.M).group(1)
    assert set(extras.split(",")) == set(_extras()) - {"core", *OPT_IN_EXTRAS}
    opt_in = re.search(r"^OPT_IN_EXTRAS\s*:=\s*(.+)$", makefile, flags=re.M).group(1).split()
    assert set(opt_in) == set(OPT_IN_EXTRAS), "make lock writes a lock for each opt-in extra"
    assert "-e '.[$(EXTRAS)]'" in makefile


def test_every_locked_package_has_hashes():
    """`make lock` writes hashes, so a tampered or re-uploaded file is refused by pip."""
    text = (ROOT / "requirements" / "constraints.txt").read_text()
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 3)[-1])
    pinned = [e for e in entries if "==" in e.splitlines()[0]]
    assert len(pinned) > 100
    unhashed = [e.splitlines()[0] for e in pinned if "--hash=sha256:" not in e]
    assert unhashed == []


def test_version_is_written_in_one_place():
    import clvlib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "clvlib.__version__"}
    from importlib import metadata

    assert metadata.version("clvlib") == clvlib.__version__  # the installed metadata agrees
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert str(citation["version"]) == clvlib.__version__, "CITATION.cff: bump it with __version__"


def test_check_environment_reads_the_installed_metadata(monkeypatch):
    from clvlib.course import environment

    fake = ["numpy>=1.26", 'papermill>=2.6; extra == "course"', 'pytest>=8; extra == "dev"',
            'colorama; sys_platform == "win32" and extra == "course"']
    monkeypatch.setattr(environment.metadata, "requires", lambda name: fake)
    names = lambda extras: [r.name for r in environment.required_packages(extras)]  # noqa: E731
    assert names(()) == ["numpy"]
    assert names(("course",)) == ["numpy", "papermill"]  # colorama: not on this platform
    assert names(("course", "dev")) == ["numpy", "papermill", "pytest"]
    table = environment.check_environment(("dev",))
    assert list(table.index) == ["python", "numpy", "pytest"]
    assert table.loc["numpy", "required"] == ">=1.26" and bool(table.loc["numpy", "ok"])


def test_check_environment_without_clvlib_installed_says_what_to_do(monkeypatch):
    from clvlib.course import environment

    def missing(name):
        raise environment.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(environment.metadata, "requires", missing)
    with pytest.raises(RuntimeError, match="make setup"):
        environment.check_environment()
