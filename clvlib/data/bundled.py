"""Where clvlib's own files are: the repository checkout, or the copies inside an installed wheel.

From a checkout (``make setup`` installs clvlib in editable mode) everything is read where
it is committed: ``data/`` (the embedded CSVs and their truth), ``notebooks/``,
``params/default.yml``, and the CDNOW cache in ``data/cache/``. A wheel cannot reach the
checkout, so the build (``setup.py``) copies the same files into the package, under
``clvlib/_bundled/`` (``data/``, ``notebooks/``, ``params/``); they are found with
:mod:`importlib.resources`. The CDNOW cache then goes to the user's cache folder
(``platformdirs``), and the environment variable ``CLVLIB_CACHE_DIR`` overrides both.

>>> embedded_data_dir().joinpath("subscriptions.csv").is_file()
True
>>> cdnow_cache_dir({"CLVLIB_CACHE_DIR": "/tmp/my-cache"}).as_posix()
'/tmp/my-cache'
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

CACHE_ENV_VAR = "CLVLIB_CACHE_DIR"
BUNDLE_FOLDER = "_bundled"  # inside the installed clvlib package (written by setup.py)
_REPO_ROOT = Path(__file__).resolve().parents[2]


def checkout_root() -> Path | None:
    """The repository folder when clvlib runs from a checkout; None when installed from a wheel."""
    # The datasheet beside the embedded data marks the project folder (or a copy of it, such as
    # mutmut's mutants/); site-packages has neither file.
    markers = (_REPO_ROOT / "data" / "README.md", _REPO_ROOT / "data" / "subscriptions.csv")
    return _REPO_ROOT if all(m.is_file() for m in markers) else None


def bundled_dir(part: str) -> Path:
    """A folder of the copies shipped inside the installed package: 'data', 'notebooks', 'params' or 'docs'."""
    return Path(str(resources.files("clvlib").joinpath(BUNDLE_FOLDER, part)))


def _checkout_or_bundled(part: str) -> Path:
    root = checkout_root()
    return root / part if root is not None else bundled_dir(part)


def embedded_data_dir() -> Path:
    """The folder with the embedded Beanstalk Coffee CSVs and ``truth/``."""
    return _checkout_or_bundled("data")


def course_notebooks_dir() -> Path:
    """The folder with the course notebooks (NN_name.ipynb)."""
    return _checkout_or_bundled("notebooks")


def default_params_file() -> Path:
    """``params/default.yml``: every notebook parameter at its default."""
    return _checkout_or_bundled("params") / "default.yml"


def glossary_file() -> Path:
    """``docs/glossary.md``: every term the course uses (the lessons link to it)."""
    return _checkout_or_bundled("docs") / "glossary.md"


def default_reports_dir() -> Path:
    """Where report runs go: ``reports/`` in the checkout, else ``reports/`` in the working folder."""
    root = checkout_root()
    return root / "reports" if root is not None else Path("reports")


def simulation_output_dir() -> Path:
    """Where ``make data`` / ``clv-simulate`` writes: the checkout's ``data/``, else ``./data``.

    Never the installed package: the copies there belong to the wheel.
    """
    root = checkout_root()
    return root / "data" if root is not None else Path("data")


def cdnow_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The CDNOW cache: $CLVLIB_CACHE_DIR, else the checkout's ``data/cache/``, else the user cache folder."""
    environ = os.environ if environ is None else environ
    if environ.get(CACHE_ENV_VAR):
        return Path(environ[CACHE_ENV_VAR]).expanduser()
    root = checkout_root()
    if root is not None:
        return root / "data" / "cache"
    import platformdirs  # only needed outside a checkout

    return Path(platformdirs.user_cache_dir("clvlib", appauthor=False)) / "cdnow"
