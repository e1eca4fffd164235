"""Is the last ``make report`` run fit to be the website's outputs? Every lesson there, unchanged since.

The site shows the executed notebooks of a report folder instead of running the course a
second time. That is only honest when the report ran the notebooks as they are now, on the
course's own parameters: a lesson added or edited since, or a run on an analyst's data,
would put other outputs under today's text. :func:`report_problems` lists each such
reason in one sentence; ``make site`` runs ``make report`` first when there is any.
"""

from __future__ import annotations

import json
from pathlib import Path

from clvlib.course.notebook_checks import cell_tags, list_notebooks

DEFAULT_PARAMS = Path("params") / "default.yml"


def read_run(report_dir: Path) -> dict:
    """The ``run.json`` of a report folder (an empty dict when there is none)."""
    path = Path(report_dir) / "run.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _ran_on_defaults(run: dict, root: Path) -> bool:
    params = Path(run.get("params_file", ""))
    params = params if params.is_absolute() else root / params
    return params.resolve() == (root / DEFAULT_PARAMS).resolve()


def report_problems(root: Path, report_dir: Path) -> list[str]:
    """Why ``report_dir`` cannot serve as the site's outputs for the lessons in ``root/notebooks``.

    An empty list means: the run succeeded on ``params/default.yml`` and holds an executed
    copy of every lesson whose cells are the notebook's cells now (papermill's injected
    parameters aside). Cells, not file bytes, are compared: re-saving a notebook, or a change
    to its metadata, does not make a run stale; an edited cell does.
    """
    root, report_dir = Path(root), Path(report_dir)
    run = read_run(report_dir)
    if not run:
        return [f"there is no report in {report_dir} (no run.json): run `make report`"]
    problems = []
    if run.get("status") != "ok":
        problems.append(f"the run in {report_dir} did not succeed (status {run.get('status')!r})")
    if not _ran_on_defaults(run, root):
        problems.append(
            f"the run in {report_dir} used {run.get('params_file')!r}, not {DEFAULT_PARAMS}: "
            "the site shows the course on its own data"
        )
    for notebook in list_notebooks(root / "notebooks"):
        name = notebook.stem
        if not (report_dir / notebook.name).is_file():
            problems.append(f"lesson {name} is not in {report_dir} (added since the run)")
        elif lesson_cells(notebook) != lesson_cells(report_dir / notebook.name):
            problems.append(f"lesson {name} changed since the run in {report_dir}")
    return problems


def lesson_cells(path: Path) -> list[tuple[str, str]]:
    """A notebook's cells as (type, source), without papermill's injected-parameters cell.

    >>> import nbformat, tempfile
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 01"), nbformat.v4.new_code_cell("x = 1")])
    >>> nb.cells[1].metadata["tags"] = ["injected-parameters"]
    >>> path = Path(tempfile.mkdtemp()) / "n.ipynb"
    >>> nbformat.write(nb, str(path))
    >>> lesson_cells(path)
    [('markdown', '# 01')]
    """
    import nbformat

    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception:  # unreadable (half-written, not JSON): it cannot match any run
        return [("unreadable", str(path))]
    return [(c.cell_type, c.source) for c in nb.cells if "injected-parameters" not in cell_tags(c)]
