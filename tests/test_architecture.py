"""The package layout keeps its promises (docs/architecture.md): which part may import which,
and no module grows past one job.

These are static checks: the modules are parsed, not imported.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "clvlib"
MAX_LINES = 400

# part -> the parts it may import (itself always allowed). Mirrors the table in
# docs/architecture.md: foundations at the bottom, course tooling at the top.
ALLOWED = {
    "core": set(),
    "transactions": {"core"},
    "models": {"core", "transactions"},
    "analysis": {"core", "models", "transactions"},
    "data": {"core"},
    "plots": {"core", "analysis"},
    "course": {"core", "data", "analysis", "models", "transactions", "plots"},
}
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def part_of(path: Path) -> str | None:
    """The part a module belongs to: the first folder under clvlib/ (None for clvlib/__init__)."""
    rel = path.relative_to(PACKAGE).parts
    return rel[0] if len(rel) > 1 else None


def clvlib_imports(path: Path) -> set[str]:
    """The clvlib parts a module imports, at top level or inside functions."""
    parts = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] if node.module != "clvlib" else [f"clvlib.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        for name in names:
            bits = name.split(".")
            if bits[0] == "clvlib" and len(bits) > 1:
                parts.add(bits[1])
    return parts


def test_every_module_lives_in_a_known_part():
    unknown = {part_of(p) for p in MODULES} - set(ALLOWED) - {None}
    assert not unknown, f"clvlib has folders the architecture page does not describe: {sorted(unknown)}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_module_imports_only_the_parts_below_it(path):
    part = part_of(path)
    if part is None:
        return
    forbidden = clvlib_imports(path) - ALLOWED[part] - {part}
    assert not forbidden, (
        f"clvlib/{path.relative_to(PACKAGE)} ({part}) imports {sorted(forbidden)}; "
        f"{part} may import only {sorted(ALLOWED[part]) or 'nothing else in clvlib'} (docs/architecture.md)."
    )


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_does_two_jobs(path):
    n_lines = len(path.read_text(encoding="utf-8").splitlines())
    assert n_lines <= MAX_LINES, (
        f"clvlib/{path.relative_to(PACKAGE)} has {n_lines} lines (limit {MAX_LINES}): "
        "it is probably doing two jobs; split it by job."
    )


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_module_says_what_it_holds(path):
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert doc and doc.strip(), f"clvlib/{path.relative_to(PACKAGE)} has no docstring saying what it holds."


def test_the_checker_sees_imports_inside_functions(tmp_path):
    """A planted upward import inside a function must be found (the check can fail)."""
    module = tmp_path / "m.py"
    module.write_text('"""x"""\ndef f():\n    from clvlib.course import runner\n    from clvlib import plots\n')
    assert clvlib_imports(module) == {"course", "plots"}
