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
    """An executed notebook as a self-contained HTML page; without code when ``hide_code``.

    The executive report (``hide_code``) also gets a PDF beside its page when Chromium is
    installed (:func:`write_pdf`); without it, one line says so.
    """
    from clvlib.course.runner.html_page import notebook_html, read_executed

    target.write_text(notebook_html(read_executed(executed), hide_code), encoding="utf-8")
    if hide_code:
        pdf = target.with_suffix(".pdf")
        if not write_pdf(target, pdf):
            print(f"(No Chromium found: {pdf.name} not written; install chromium for a PDF of the report.)", flush=True)


GLOSSARY_PAGE = "glossary.html"
# How the lessons link the glossary from notebooks/; in a report folder the page sits beside them.
GLOSSARY_LINK_IN_NOTEBOOKS = "../docs/glossary.md"


def write_glossary(run_dir: Path, source: Path | None = None) -> bool:
    """``glossary.html`` in the report folder, from ``docs/glossary.md``; False if there is none."""
    import html

    from nbconvert.filters import markdown2html

    from clvlib.data.bundled import glossary_file

    source = glossary_file() if source is None else source
    if not source.is_file():
        return False
    body = markdown2html(source.read_text(encoding="utf-8"))
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Glossary</title>\n'
        "<style>body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 50em; "
        "color: #222; line-height: 1.5; }</style></head><body>\n"
        f'{body}\n<p><a href="index.html">{html.escape("Back to the report")}</a></p>\n</body></html>\n'
    )
    (run_dir / GLOSSARY_PAGE).write_text(page, encoding="utf-8")
    return True


CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Headless, no network at all (the page needs none), nothing written outside a temporary profile.
CHROMIUM_FLAGS = (
    "--headless", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-extensions", "--no-pdf-header-footer",
    "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
)


def find_chromium() -> str | None:
    """Path of a Chromium (or Chrome) executable on PATH, or None."""
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def write_pdf(page: Path, pdf: Path, timeout_seconds: int = 120) -> bool:
    """Print ``page`` to ``pdf`` with headless Chromium; False when no Chromium is installed.

    Chromium refuses to run as root inside its sandbox, so ``--no-sandbox`` is added only
    then; the page is this run's own file and carries no script.
    """
    import subprocess
    import tempfile

    browser = find_chromium()
    if browser is None:
        return False
    sandbox = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [browser, *CHROMIUM_FLAGS, *sandbox, f"--user-data-dir={profile}", f"--print-to-pdf={pdf.resolve()}",
             page.resolve().as_uri()],
            check=True, capture_output=True, timeout=timeout_seconds,
        )
    if not pdf.exists():
        raise RuntimeError(f"Chromium ran but wrote no {pdf.name}")
    return True


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
