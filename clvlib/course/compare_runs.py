"""Did the numbers change? Compare every number two report runs printed, notebook by notebook.

Usage::

    python -m clvlib.course.compare_runs reports/<before> reports/<after>

Collects the numbers in the text outputs (printed text, tables) of each executed notebook,
parameters cell excluded, and compares them as multisets: a refactoring that changes no
result reports 0 differences; a model change shows which numbers moved. Exit code 0 when
nothing differs, 1 when something does, 2 when a folder holds no executed notebooks.

Example
-------
>>> sorted(numbers_in_text("CLV $1,200.50 after 3 years (-0.5%)").elements())
['-0.5', '1200.50', '3']
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

from clvlib.course.notebook_checks import NOTEBOOK_GLOB

_NUMBER = re.compile(r"-?\d[\d,]*\.?\d*(?:e[-+]?\d+)?")
_TAG = re.compile(r"<[^>]+>")


def numbers_in_text(text: str) -> Counter:
    """Every number in ``text`` (thousands commas dropped, HTML tags ignored), with counts."""
    return Counter(n.replace(",", "").rstrip(".") for n in _NUMBER.findall(_TAG.sub(" ", text)))


def notebook_numbers(path: Path) -> Counter:
    """The numbers in an executed notebook's text outputs, papermill's injected parameters left out."""
    found: Counter = Counter()
    for cell in json.loads(Path(path).read_text(encoding="utf-8"))["cells"]:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                found += numbers_in_text("".join(output["text"]))
            data = output.get("data", {})
            text = next((data[k] for k in ("text/html", "text/markdown", "text/plain") if k in data), "")
            found += numbers_in_text("".join(text))
    return found


def compare_runs(before: Path, after: Path) -> dict[str, tuple[Counter, Counter]]:
    """Per notebook: (numbers only before, numbers only after); a notebook missing on one side counts whole."""
    names = sorted({p.name for folder in (before, after) for p in Path(folder).glob(NOTEBOOK_GLOB)})
    out = {}
    for name in names:
        a = notebook_numbers(before / name) if (before / name).exists() else Counter()
        b = notebook_numbers(after / name) if (after / name).exists() else Counter()
        out[Path(name).stem] = (a - b, b - a)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Compare the numbers two report runs printed.")
    parser.add_argument("before", type=Path, help="a report folder, e.g. reports/2025-12-30T020000Z")
    parser.add_argument("after", type=Path, help="another report folder, e.g. reports/latest")
    args = parser.parse_args(argv)
    for folder in (args.before, args.after):
        if not any(folder.glob(NOTEBOOK_GLOB)):
            print(f"compare_runs: {folder} holds no executed notebooks (NN_name.ipynb)", file=sys.stderr)
            return 2
    total = 0
    for name, (only_before, only_after) in compare_runs(args.before, args.after).items():
        n = sum(only_before.values()) + sum(only_after.values())
        total += n
        print(f"{name}: {'same numbers' if n == 0 else f'{n} numbers differ'}")
        if n:
            print(f"   only before: {' '.join(sorted(only_before.elements())[:20])}")
            print(f"   only after:  {' '.join(sorted(only_after.elements())[:20])}")
    print(f"{total} numbers differ in all." if total else "Every notebook printed the same numbers.")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
