"""``make site``: stage the pages, run Sphinx, then check the result (internal links, no other host).

The build fails, with one line per problem, when the report cannot serve as the lessons'
outputs (:mod:`~clvlib.course.site.report`), when Sphinx reports a broken cross-reference,
or when the built HTML has a broken internal link or loads anything from another host
(:mod:`~clvlib.course.site.checks`). Other Sphinx warnings, such as a docstring's reST
slips (shown as text, see :mod:`~clvlib.course.site.config`), are counted and written to
``html-sphinx-warnings.txt`` beside the site, not fatal.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from clvlib.course.notebook_checks import list_notebooks
from clvlib.course.site.checks import broken_internal_links, foreign_loads, site_pages
from clvlib.course.site.pages import stage
from clvlib.course.site.report import read_run, report_problems

# Sphinx and MyST warnings that mean a link or a page reference leads nowhere.
LINK_WARNING = re.compile(
    r"myst\.xref_missing|myst\.invalid_link|undefined label|unknown document|nonexisting document|"
    r"isn't included in any toctree|Unknown target name|duplicate label|local id not found|"
    r"image file not readable|cross-reference target not found"
)


class SiteError(RuntimeError):
    """The site cannot be built, or was built with a broken link or an outside load; the message says which."""


@dataclass
class SiteBuild:
    """What one build made: the site folder, its lessons, how long it took, the non-fatal warnings."""

    site_dir: Path
    lessons: list[str]
    seconds: float
    pages: int
    warnings: list[str] = field(default_factory=list)


def run_note(report_dir: Path) -> str:
    """The sentence saying where a lesson page's outputs come from."""
    run = read_run(report_dir)
    return (
        f"The outputs on this page are those of the `make report` run {run.get('run', '?')} "
        f"(parameters `{run.get('params_file', '?')}`), shown as they were printed."
    )


def sphinx_build(src: Path, out: Path, doctrees: Path) -> list[str]:
    """Run ``sphinx-build -b html`` (a fresh environment) in a child process; return its warnings.

    A child process keeps docutils' and autodoc's global state out of the caller (a test run);
    Sphinx's own failure (not a warning) raises :class:`SiteError` with its output.
    """
    warnings_file = out.parent / f"{out.name}-sphinx-warnings.txt"
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-E", "-q", "-d", str(doctrees),
           "-w", str(warnings_file), str(src), str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SiteError(f"sphinx-build failed (exit {done.returncode}):\n{done.stderr[-4000:]}")
    text = warnings_file.read_text(encoding="utf-8") if warnings_file.is_file() else ""
    return [line for line in text.splitlines() if "WARNING" in line or "ERROR" in line]


def build_site(root: Path, report_dir: Path, out: Path, *, check_report: bool = True,
               api_parts: dict[str, list[str]] | None = None) -> SiteBuild:
    """Build the course website from the checkout ``root`` and the report folder into ``out``.

    ``out`` gets ``html/`` (the site: open ``html/index.html``) and ``src/`` (the staged
    pages). With ``check_report`` (the default) a report that is stale, missing a lesson or
    run on other parameters is refused instead of shown. ``api_parts`` narrows the API
    reference (a test's quick build); by default it documents every module.
    """
    started = time.perf_counter()
    root, report_dir, out = Path(root), Path(report_dir), Path(out)
    problems = report_problems(root, report_dir)
    # Without check_report a stale run is shown as it ran; a lesson with no executed copy cannot be.
    unusable = not read_run(report_dir) or any(
        not (report_dir / notebook.name).is_file() for notebook in list_notebooks(root / "notebooks"))
    if problems and (check_report or unusable):
        raise SiteError("the report cannot serve as the site's outputs:\n- " + "\n- ".join(problems)
                        + "\nRun `make report` (or `make site`, which runs it when needed).")
    src, html, doctrees = out / "src", out / "html", out / "doctrees"
    for folder in (src, html, doctrees):
        shutil.rmtree(folder, ignore_errors=True)
    src.mkdir(parents=True)
    lessons = stage(root, report_dir, src, run_note(report_dir), api_parts)
    warnings = sphinx_build(src, html, doctrees)
    link_warnings = [w for w in warnings if LINK_WARNING.search(w) and "docstring of" not in w]
    broken = broken_internal_links(html)
    foreign = foreign_loads(html)
    if link_warnings or broken or foreign:
        raise SiteError(
            "the site has broken internal links or loads from another host:\n- "
            + "\n- ".join(link_warnings + broken + [f"loads from another host: {f}" for f in foreign])
        )
    pages = len(site_pages(html))
    return SiteBuild(html, lessons, time.perf_counter() - started, pages, warnings)
