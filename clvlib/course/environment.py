"""Is this machine ready for the course? One table a student can read.

Example
-------
>>> from clvlib.course.environment import check_environment
>>> table = check_environment()
>>> bool(table["ok"].all())
True
"""

from __future__ import annotations

import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pandas as pd
from packaging.requirements import Requirement
from packaging.version import Version

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def required_packages(include_extras: tuple[str, ...] = ()) -> list[Requirement]:
    """The requirements declared in pyproject.toml (the source of truth)."""
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in include_extras:
        reqs.extend(project["optional-dependencies"][extra])
    return [Requirement(r.split("#")[0].strip()) for r in reqs]


def check_environment(include_extras: tuple[str, ...] = ()) -> pd.DataFrame:
    """One row per required package: what is asked, what is installed, and whether it fits."""
    rows = [
        {
            "package": "python",
            "required": ">=3.11",
            "installed": ".".join(map(str, sys.version_info[:3])),
            "ok": sys.version_info >= (3, 11),
        }
    ]
    for req in required_packages(include_extras):
        try:
            installed = metadata.version(req.name)
        except metadata.PackageNotFoundError:
            installed = None
        rows.append(
            {
                "package": req.name,
                "required": str(req.specifier) or "any",
                "installed": installed or "missing",
                "ok": installed is not None and req.specifier.contains(Version(installed), prereleases=True),
            }
        )
    return pd.DataFrame(rows).set_index("package")
