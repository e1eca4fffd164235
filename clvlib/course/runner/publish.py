"""The report folder: a fresh dated folder, HTML copies, checksums and versions, the ``latest`` pointer.

``reports/latest`` is only ever moved to a folder whose notebooks all ran, atomically,
so a reader (or a scheduled job) never sees a half-written or failed report there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import platform
import shutil
from importlib import metadata
from pathlib import Path

import nbformat

from clvlib.course.environment import required_packages


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks."""
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


def export_html(executed: Path, target: Path, hide_code: bool) -> None:
    """An executed notebook as HTML; without code and prompts when ``hide_code``."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    if hide_code:
        exporter.exclude_input = True
        exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nbformat.read(str(executed), as_version=4))
    target.write_text(body, encoding="utf-8")


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


def rel_path(path: Path, start: Path) -> str:
    """``path`` relative to ``start`` when it lies below it (shorter messages), else as given."""
    try:
        return str(path.relative_to(start))
    except ValueError:
        return str(path)
