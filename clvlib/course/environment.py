"""Is this machine ready for the course? One table a student can read.

The requirements are read from the installed clvlib's metadata (:mod:`importlib.metadata`),
so the check works the same from the project checkout and from an installed wheel. By
default it checks the core packages and the ``course`` extra (papermill, jupyterlab, ...).

Example
-------
>>> from clvlib.course.environment import check_environment
>>> table = check_environment()
>>> bool(table["ok"].all())
True
>>> "papermill" in table.index and "pytest" not in table.index
True
"""

from __future__ import annotations

import sys
from importlib import metadata

import pandas as pd
from packaging.requirements import Requirement
from packaging.version import Version

COURSE_EXTRAS = ("course",)


def _requirement_strings() -> list[str]:
    """clvlib's declared requirements, markers included ('papermill>=2.6; extra == "course"')."""
    try:
        return metadata.requires("clvlib") or []
    except metadata.PackageNotFoundError:
        raise RuntimeError(
            "clvlib is not installed, so its requirements cannot be read: run `make setup` in the "
            "project folder, or `pip install clvlib[course]`."
        ) from None


def required_packages(include_extras: tuple[str, ...] = COURSE_EXTRAS) -> list[Requirement]:
    """The core requirements plus those of ``include_extras``, as declared in pyproject.toml."""
    wanted = []
    for text in _requirement_strings():
        req = Requirement(text)
        if req.marker is None:
            wanted.append(req)
            continue
        # A requirement counts when its marker holds for no extra (core) or one of ours.
        if any(req.marker.evaluate({"extra": extra}) for extra in ("", *include_extras)):
            wanted.append(req)
    return wanted


def check_environment(include_extras: tuple[str, ...] = COURSE_EXTRAS) -> pd.DataFrame:
    """One row per required package: what is asked, what is installed, and whether it fits."""
    python_needed = metadata.metadata("clvlib").get("Requires-Python") or ">=3.11"
    rows = [
        {
            "package": "python",
            "required": python_needed,
            "installed": ".".join(map(str, sys.version_info[:3])),
            "ok": Version(".".join(map(str, sys.version_info[:3]))) in Requirement(f"python{python_needed}").specifier,
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
