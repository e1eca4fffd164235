"""`python -m clvlib.course.compare_runs`: the numbers two report runs printed, compared."""

from __future__ import annotations

import json
from pathlib import Path

from clvlib.course.compare_runs import compare_runs, main, numbers_in_text


def _executed(folder: Path, name: str, *outputs: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    cells = [{"cell_type": "code", "metadata": {"tags": ["injected-parameters"]}, "source": "x = 7",
              "outputs": [{"output_type": "stream", "name": "stdout", "text": "999\n"}]},
             {"cell_type": "code", "metadata": {}, "source": "", "outputs": list(outputs)}]
    (folder / name).write_text(json.dumps({"cells": cells}), encoding="utf-8")


def _stream(text):
    return {"output_type": "stream", "name": "stdout", "text": text}


def _table(html):
    return {"output_type": "execute_result", "data": {"text/html": html, "text/plain": "ignored 123"}}


def test_numbers_are_read_from_text_and_tables_by_hand():
    assert numbers_in_text("1,411 of 2,357 customers; LL -9582.4 at 1e-3.") == {"1411": 1, "2357": 1, "-9582.4": 1, "1e-3": 1}
    assert numbers_in_text("<td>0.243</td><td>4.414</td>") == {"0.243": 1, "4.414": 1}


def test_a_changed_number_is_named_and_the_injected_parameters_are_not(tmp_path, capsys):
    _executed(tmp_path / "a", "01_x.ipynb", _stream("CLV 1,200.50\n"), _table("<td>0.25</td>"))
    _executed(tmp_path / "b", "01_x.ipynb", _stream("CLV 1,200.50\n"), _table("<td>0.26</td>"))
    diff = compare_runs(tmp_path / "a", tmp_path / "b")
    assert {k: (dict(a), dict(b)) for k, (a, b) in diff.items()} == {"01_x": ({"0.25": 1}, {"0.26": 1})}
    assert main([str(tmp_path / "a"), str(tmp_path / "b")]) == 1
    assert "01_x: 2 numbers differ" in capsys.readouterr().out
    assert main([str(tmp_path / "a"), str(tmp_path / "a")]) == 0
    assert main([str(tmp_path / "a"), str(tmp_path / "empty")]) == 2
