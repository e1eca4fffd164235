"""The params file of a report run: reading it, checking it against the notebooks, splitting it.

Top-level keys are notebook parameters, each passed only to the notebooks that declare
it; a ``per_notebook:`` section sets a value for one notebook. Anything no notebook
declares, or of the wrong type, is rejected before a kernel starts (papermill itself
only warns and runs the default). :func:`defaults_yaml` writes ``params/default.yml``.
"""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path
from typing import Any

import yaml

from clvlib.course.notebook_checks import Parameter, declared_parameters
from clvlib.data import resolve_path

PER_NOTEBOOK_KEY = "per_notebook"
# Python types a YAML value may have for each declared annotation (int is fine for float).
ACCEPTED_TYPES: dict[str, tuple[type, ...]] = {
    "float": (int, float),
    "int": (int,),
    "str": (str,),
    "bool": (bool,),
    "dict": (dict,),
    "list": (list,),
}


class ReportInputError(ValueError):
    """The params file or the data cannot be used: nothing was run (exit code 2)."""


def _plain(value: Any) -> Any:
    """YAML turns 2025-06-30 into a date; notebooks expect the text, so give it back."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def load_params(path: str | Path) -> dict[str, Any]:
    """The params file as a dict (dates as ISO text); ReportInputError if unusable."""
    p = resolve_path(path)
    if not p.exists():
        raise ReportInputError(f"params file {path} does not exist")
    try:
        loaded = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ReportInputError(f"params file {p} is not valid YAML: {' '.join(str(exc).split())}") from None
    except UnicodeDecodeError as exc:
        line = p.read_bytes()[: exc.start].count(b"\n") + 1
        raise ReportInputError(
            f"params file {p} is not UTF-8 text (an unreadable byte on line {line}): save it as UTF-8 "
            "(most editors: 'Save with encoding' > UTF-8)"
        ) from None
    except OSError as exc:
        raise ReportInputError(f"params file {p} cannot be read: {exc.strerror or exc}") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ReportInputError(f"params file {p} must hold 'name: value' lines, not a {type(loaded).__name__}")
    return _plain(loaded)


def course_parameters(notebooks: list[Path]) -> dict[str, dict[str, Parameter]]:
    """Declared parameters of each notebook, keyed by notebook name (file stem)."""
    out = {}
    for path in notebooks:
        try:
            out[path.stem] = declared_parameters(path)
        except ValueError as exc:
            raise ReportInputError(str(exc)) from None
    return out


def _suggest(name: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.5)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _type_problem(name: str, value: Any, declared: Parameter, where: str) -> str | None:
    accepted = ACCEPTED_TYPES.get(declared.type_name)
    if accepted is None or value is None:
        return None
    if isinstance(value, bool) and bool not in accepted:
        ok = False
    else:
        ok = isinstance(value, accepted)
    if ok:
        return None
    return (
        f"parameter '{name}' is {value!r} ({type(value).__name__}) but {where} declares it as "
        f"{declared.type_name}"
    )


def check_params(
    params: dict[str, Any], declared: dict[str, dict[str, Parameter]], params_name: str = "params file"
) -> None:
    """Raise ReportInputError naming every parameter no notebook declares, or of a wrong type."""
    all_names = sorted({n for names in declared.values() for n in names})
    problems: list[str] = []

    def check(name: str, value: Any, notebooks: list[str]) -> None:
        holders = [nb for nb in notebooks if name in declared[nb]]
        if not holders:
            scope = "no notebook" if len(notebooks) > 1 else f"notebook {notebooks[0]} does not"
            pool = all_names if len(notebooks) > 1 else list(declared[notebooks[0]])
            problems.append(f"unknown parameter '{name}'{_suggest(name, pool)}: {scope} declare{'s' if len(notebooks) > 1 else ''} it")
            return
        for nb in holders:
            if problem := _type_problem(name, value, declared[nb][name], nb):
                problems.append(problem)
                return

    for name, value in params.items():
        if name == PER_NOTEBOOK_KEY:
            continue
        check(name, value, list(declared))
    sections = params.get(PER_NOTEBOOK_KEY) or {}
    if not isinstance(sections, dict):
        problems.append(f"'{PER_NOTEBOOK_KEY}' must map notebook names to parameters")
        sections = {}
    for nb_name, section in sections.items():
        stem = str(nb_name).removesuffix(".ipynb")
        if stem not in declared:
            problems.append(f"'{PER_NOTEBOOK_KEY}' names notebook '{nb_name}'{_suggest(stem, list(declared))} which is not in the course")
            continue
        if not isinstance(section, dict):
            problems.append(f"'{PER_NOTEBOOK_KEY}: {nb_name}' must hold 'name: value' lines")
            continue
        for name, value in section.items():
            check(name, value, [stem])
    if problems:
        text = f"{params_name}: " + "; ".join(problems) + "."
        if any(p.startswith("unknown parameter") for p in problems):
            listing = ", ".join(all_names) if all_names else "(none)"
            text += f" (papermill would only warn and run the default.) Declared parameters: {listing}."
        raise ReportInputError(text)


def parameters_for(notebook: str, declared: dict[str, Parameter], params: dict[str, Any]) -> dict[str, Any]:
    """Only the parameters this notebook declares; its per_notebook section wins."""
    merged = {k: v for k, v in params.items() if k != PER_NOTEBOOK_KEY}
    sections = params.get(PER_NOTEBOOK_KEY) or {}
    for nb_name, section in sections.items():
        if str(nb_name).removesuffix(".ipynb") == notebook:
            merged.update(section)
    return {k: v for k, v in merged.items() if k in declared}


def defaults_yaml(notebooks: list[Path]) -> str:
    """A params file setting every declared parameter to its notebook default, commented.

    A parameter whose default differs between notebooks goes in ``per_notebook``
    sections (one value at the top level would change the other notebooks). Used to
    write ``params/default.yml``: ``python -m clvlib.course.runner --write-defaults params/default.yml``.
    """
    declared = course_parameters(notebooks)
    users: dict[str, list[str]] = {}
    for nb, params in declared.items():
        for name in params:
            users.setdefault(name, []).append(nb)
    lines = [
        "# Every notebook parameter at its default: `make report` runs the course on the",
        "# embedded Beanstalk Coffee data with these values. Copy this file to change one.",
        "# Written by `python -m clvlib.course.runner --write-defaults params/default.yml`;",
        "# tests/course/test_params.py checks it still matches the notebooks.",
        "",
    ]
    per_notebook: dict[str, dict[str, Any]] = {}
    for name in sorted(users):
        defaults = {nb: declared[nb][name].default for nb in users[name]}
        first = declared[users[name][0]][name]
        if len({repr(v) for v in defaults.values()}) > 1:
            for nb, value in defaults.items():
                per_notebook.setdefault(nb, {})[name] = value
            continue
        lines.append(f"# {first.help or name} ({first.type_name or 'any'}; used by {', '.join(users[name])})")
        lines.append(yaml.safe_dump({name: first.default}, default_flow_style=False, sort_keys=False).rstrip())
        lines.append("")
    if per_notebook:
        lines.append("# Parameters whose default differs between notebooks, set per notebook:")
        lines.append(yaml.safe_dump({PER_NOTEBOOK_KEY: per_notebook}, default_flow_style=False, sort_keys=True).rstrip())
        lines.append("")
    return "\n".join(lines)
