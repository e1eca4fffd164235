"""The website's source folder: home page, lesson notebooks, docs pages and API pages, laid out as in the repository.

Pages keep the repository's paths (``notebooks/01_clv_basics.ipynb``, ``docs/glossary.md``),
so the links the lessons and docs already hold (``../docs/glossary.md``) resolve on the site
as they do on disk. A link to a repository file that is not a page (a test, a data file)
becomes its path in code type, so the site has no link that leads nowhere.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import nbformat

from clvlib.course.notebook_checks import cell_tags, list_notebooks

HOME_SECTION = "## The course"  # the README section that becomes the home page's course map
# Tags of the lesson notebooks and the myst-nb tag each becomes: a solution is seen only by
# choosing to open it; a check cell's code is plumbing, its printed verdict stays visible.
TAG_ON_SITE = {"solution": "hide-cell", "check": "hide-input"}
# The API pages in the order the parts may import each other (docs/architecture.md); a new part goes last.
PART_ORDER = ["", "core", "transactions", "models", "analysis", "data", "plots", "course"]
_LINK = re.compile(r"(!?)\[([^\]]*)\]\(([^)\s]+)\)")
_EXTERNAL = re.compile(r"^([a-z][a-z0-9+.-]*:|#)", re.I)


def repo_link_as_text(markdown: str, page: str, pages: set[str]) -> str:
    """Links to repository files that are not site pages, written as the file's path instead.

    ``page`` is the repository path of the page holding the links; ``pages`` the repository
    paths that are on the site. External links and links to pages are kept.

    >>> repo_link_as_text("[glossary](../docs/glossary.md) and [tests](../tests/t.py)",
    ...                   "notebooks/01.ipynb", {"docs/glossary.md"})
    '[glossary](../docs/glossary.md) and tests (`tests/t.py`)'
    >>> repo_link_as_text("[`tests/t.py`](../tests/t.py), [web](https://x.org)", "docs/a.md", set())
    '`tests/t.py`, [web](https://x.org)'
    """

    def rewrite(match: re.Match) -> str:
        bang, text, target = match.groups()
        if bang or _EXTERNAL.match(target):
            return match.group(0)
        path = posixpath.normpath(posixpath.join(posixpath.dirname(page), target.split("#")[0]))
        if path in pages:
            return match.group(0)
        return text if path in text else f"{text} (`{path}`)"

    return _LINK.sub(rewrite, markdown)


def lesson_name(notebook: str | Path) -> str:
    """``notebooks/01_clv_basics.ipynb`` -> ``01_clv_basics``."""
    return Path(notebook).stem


def home_page(readme: str, lessons: list[str], extra_pages: list[tuple[str, str]], run_note: str) -> str:
    """The site's home page (MyST): the README's opening and course map, each lesson linked.

    ``lessons`` are lesson names (``01_clv_basics``); one the README's map does not list yet
    gets a row of its own, so a new lesson is never missing from the home page.
    ``extra_pages`` are (title, path) of the reference pages.
    """
    title, _, rest = readme.partition("\n")
    intro = rest.split("\n## ", 1)[0].strip()
    course = readme.split(HOME_SECTION, 1)[1].split("\n## ", 1)[0] if HOME_SECTION in readme else ""
    for name in lessons:
        course = course.replace(f"| `{name}` |", f"| [{name}](notebooks/{name}.ipynb) |")
    missing = [name for name in lessons if f"[{name}]" not in course]
    table_end = course.rfind("|\n") + 2 if "|\n" in course else len(course)
    new_rows = "".join(f"| [{name}](notebooks/{name}.ipynb) | (new lesson) |\n" for name in missing)
    if new_rows and "|\n" not in course:
        new_rows = "| notebook | you will learn |\n|---|---|\n" + new_rows
    course = course[:table_end] + new_rows + course[table_end:]
    reference = "\n".join(f"- [{name}]({path})" for name, path in extra_pages)
    toc_lessons = "\n".join(f"notebooks/{name}" for name in lessons)
    toc_reference = "\n".join(path.rsplit(".", 1)[0] for _, path in extra_pages)
    return (
        f"{title}\n\n{intro}\n\n{HOME_SECTION}\n{course.rstrip()}\n\n## Reference\n\n{reference}\n\n"
        f"## About these pages\n\n{run_note}\n\n"
        f"```{{toctree}}\n:hidden:\n:caption: Lessons\n\n{toc_lessons}\n```\n\n"
        f"```{{toctree}}\n:hidden:\n:caption: Reference\n\n{toc_reference}\n```\n"
    )


def jupyterlab_note(name: str, run_note: str) -> str:
    """The note at the top of a lesson page: how to open this lesson in JupyterLab."""
    return (
        ":::{admonition} Run this lesson yourself in JupyterLab\n:class: tip\n\n"
        f"In the project folder, `make lab` opens JupyterLab on the course; open `{name}.ipynb` "
        "there and run the cells from the top (*Run → Run All Cells*). Without `make`: "
        f"`.venv/bin/jupyter lab notebooks/{name}.ipynb` after `make setup`. "
        f"{run_note}\n:::\n"
    )


def lesson_notebook(executed: Path, run_note: str, pages: set[str]) -> nbformat.NotebookNode:
    """The executed lesson as the site shows it: parameters once, solutions folded, a JupyterLab note.

    Its outputs are the report run's, untouched.
    """
    from clvlib.course.runner.html_page import fold_injected_parameters

    nb = fold_injected_parameters(nbformat.read(str(executed), as_version=4))
    name = lesson_name(executed)
    for cell in nb.cells:
        tags = cell_tags(cell)
        cell.metadata["tags"] = tags + [TAG_ON_SITE[t] for t in tags if t in TAG_ON_SITE]
        if cell.cell_type == "markdown":
            cell.source = repo_link_as_text(cell.source, f"notebooks/{name}.ipynb", pages)
    at = 1 if nb.cells and nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ") else 0
    nb.cells.insert(at, nbformat.v4.new_markdown_cell(jupyterlab_note(name, run_note)))
    return nb


def api_modules(package_dir: Path) -> dict[str, list[str]]:
    """The documented modules of ``clvlib``, by part: ``{"core": ["clvlib.core", "clvlib.core.units", ...]}``.

    Found from the files (a new module appears without editing a list); ``__main__`` and
    private (``_name``) modules are left out. Modules directly under ``clvlib/`` go in ``""``.
    """
    parts: dict[str, list[str]] = {}
    for path in sorted(Path(package_dir).rglob("*.py")):
        rel = path.relative_to(Path(package_dir).parent).with_suffix("")
        bits = list(rel.parts)
        if bits[-1] == "__init__":
            bits = bits[:-1]
        elif bits[-1].startswith("_") or "__pycache__" in bits:
            continue
        if any(b.startswith("_") for b in bits[1:]):
            continue
        part = bits[1] if len(bits) > 1 else ""
        parts.setdefault(part, []).append(".".join(bits))
    rank = {part: i for i, part in enumerate(PART_ORDER)}
    return dict(sorted(parts.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0])))


def api_page(part: str, modules: list[str]) -> str:
    """One reST page documenting every module of a part with autodoc.

    Each object is documented once, in the module that defines it: a package's ``__all__``
    (its re-exports) is ignored, so ``clvlib.models.noncontractual`` shows its docstring and
    only what its ``__init__`` itself defines.
    """
    sections = [f"{m}\n{'-' * len(m)}\n\n.. automodule:: {m}\n   :members:\n   :ignore-module-all:\n"
                for m in modules]
    title = f"clvlib.{part}" if part else "clvlib"
    return f"{title}\n{'=' * len(title)}\n\n" + "\n".join(sections)


def api_index(parts: dict[str, list[str]]) -> str:
    """The API reference's front page (reST): what the parts are, one page each."""
    entries = "\n".join(f"   {part or 'clvlib'}" for part in parts)
    return (
        "API reference\n=============\n\n"
        "Generated from clvlib's docstrings: one page per part of the package, in the order "
        "they may import each other (see the architecture page).\n\n"
        f".. toctree::\n   :maxdepth: 1\n\n{entries}\n"
    )


def stage_docs(root: Path, src: Path, pages: set[str]) -> list[tuple[str, str]]:
    """Copy ``docs/*.md`` into the source folder; return (title, path) of each, glossary first."""
    found = []
    for doc in sorted(Path(root, "docs").glob("*.md"), key=lambda p: (p.stem != "glossary", p.stem)):
        rel = f"docs/{doc.name}"
        text = repo_link_as_text(doc.read_text(encoding="utf-8"), rel, pages)
        (src / "docs").mkdir(parents=True, exist_ok=True)
        (src / rel).write_text(text, encoding="utf-8")
        heading = next((line[2:] for line in text.splitlines() if line.startswith("# ")), doc.stem)
        found.append((heading.strip(), rel))
    return found


def write_conf(src: Path) -> None:
    """The source folder's ``conf.py``: the settings of :mod:`clvlib.course.site.config`."""
    (src / "conf.py").write_text(
        '"""Written by clvlib.course.site; the settings are in clvlib/course/site/config.py."""\n'
        "from clvlib.course.site.config import *  # noqa: F401,F403\n",
        encoding="utf-8",
    )


def stage(root: Path, report_dir: Path, src: Path, run_note: str,
          api_parts: dict[str, list[str]] | None = None) -> list[str]:
    """Write the whole source folder ``src`` from the checkout ``root`` and the report; return the lessons.

    ``api_parts`` (default: every module, :func:`api_modules`) lets a test document only a few.
    """
    root, src = Path(root), Path(src)
    lessons = [lesson_name(p) for p in list_notebooks(root / "notebooks")]
    pages = {f"notebooks/{n}.ipynb" for n in lessons} | {f"docs/{p.name}" for p in (root / "docs").glob("*.md")}
    pages |= {"README.md"}
    (src / "notebooks").mkdir(parents=True, exist_ok=True)
    for name in lessons:
        nb = lesson_notebook(Path(report_dir) / f"{name}.ipynb", run_note, pages)
        nbformat.write(nb, str(src / "notebooks" / f"{name}.ipynb"))
    docs = stage_docs(root, src, pages)
    parts = api_parts if api_parts is not None else api_modules(root / "clvlib")
    (src / "api").mkdir(exist_ok=True)
    for part, modules in parts.items():
        (src / "api" / f"{part or 'clvlib'}.rst").write_text(api_page(part, modules), encoding="utf-8")
    (src / "api" / "index.rst").write_text(api_index(parts), encoding="utf-8")
    readme = repo_link_as_text((root / "README.md").read_text(encoding="utf-8"), "README.md", pages)
    home = home_page(readme, lessons, [*docs, ("API reference", "api/index.rst")], run_note)
    (src / "index.md").write_text(home, encoding="utf-8")
    write_conf(src)
    return lessons
