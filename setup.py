"""Build hook: copy the course's own files into the wheel, so clvlib works outside the checkout.

The committed files stay where the design puts them (``data/`` for the embedded CSVs and
their truth, ``notebooks/``, ``params/default.yml``); ``make data`` rebuilds ``data/`` and the
checkout reads it directly. A built package gets a copy under ``clvlib/_bundled/``, which
``clvlib.data.bundled`` finds with importlib.resources. Everything else is in pyproject.toml.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
# (folder in the checkout, glob patterns, folder under clvlib/_bundled/)
BUNDLE = [
    ("data", ["*.csv", "truth/*.csv", "truth/*.json", "experiments/*.csv", "experiments/truth/*.json"], "data"),
    ("notebooks", ["[0-9][0-9]_*.ipynb"], "notebooks"),
    ("params", ["default.yml"], "params"),
    ("docs", ["glossary.md"], "docs"),
]


def bundled_files() -> list[tuple[Path, Path]]:
    """(source in the checkout or sdist, destination relative to the clvlib package)."""
    pairs = []
    for folder, patterns, target in BUNDLE:
        for pattern in patterns:
            for source in sorted((ROOT / folder).glob(pattern)):
                pairs.append((source, Path("_bundled") / target / source.relative_to(ROOT / folder)))
    return pairs


class BuildWithBundle(build_py):
    """build_py, plus the copies; an editable install reads the checkout and needs none."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        pairs = bundled_files()
        if not any(dest.parts[1] == "data" for _, dest in pairs):
            raise SystemExit("setup.py: no embedded data found in data/ (run `make data`)")
        for source, dest in pairs:
            target = Path(self.build_lib) / "clvlib" / dest
            self.mkpath(str(target.parent))
            self.copy_file(str(source), str(target), preserve_mode=False)


setup(cmdclass={"build_py": BuildWithBundle})
