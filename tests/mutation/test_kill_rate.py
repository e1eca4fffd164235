"""The mutation report: statuses counted per module, targets applied, exit code."""

from __future__ import annotations

import pytest

from tests.mutation import kill_rate

RESULTS = """
    clvlib.analysis.formulas.x_simple_clv__mutmut_1: killed
    clvlib.analysis.formulas.x_simple_clv__mutmut_2: timeout
    clvlib.analysis.formulas.x_simple_clv__mutmut_3: survived
    clvlib.core.units.x_parse__mutmut_1: killed
    clvlib.core.units.x_parse__mutmut_2: no tests
    clvlib.core.units.x_parse__mutmut_3: not checked
    clvlib.models.base.xǁFittedModelǁto_dict__mutmut_22: survived
"""


def test_parse_counts_statuses_per_module():
    counts = kill_rate.parse(RESULTS)
    assert counts["clvlib.analysis.formulas"] == {"killed": 1, "timeout": 1, "survived": 1}
    assert counts["clvlib.core.units"] == {"killed": 1, "no tests": 1, "not checked": 1}
    assert counts["clvlib.models.base"] == {"survived": 1}  # a method's mutant counts for its module


def test_kill_rate_counts_timeouts_as_killed_and_leaves_unrun_mutants_out():
    counts = kill_rate.parse(RESULTS)
    assert kill_rate.kill_rate(counts["clvlib.analysis.formulas"]) == 2 / 3
    assert kill_rate.kill_rate(counts["clvlib.core.units"]) == 1 / 2
    assert kill_rate.kill_rate(kill_rate.Counter({"not checked": 4})) is None


def test_table_marks_missed_targets_and_main_exits_1(tmp_path, capsys):
    report, ok = kill_rate.table(kill_rate.parse(RESULTS))
    assert not ok
    formulas_row = next(line for line in report.splitlines() if line.startswith("clvlib.analysis.formulas"))
    assert "66.7%" in formulas_row and "MISSED" in formulas_row     # 95% target for formulas
    assert "(1 mutants not run yet are left out.)" in report
    results = tmp_path / "results.txt"
    results.write_text(RESULTS.replace("survived", "killed").replace("no tests", "killed"), encoding="utf-8")
    assert kill_rate.main([str(results)]) == 0
    assert "100.0%" in capsys.readouterr().out


def test_recorded_equivalent_survivors_are_left_out_of_the_rate():
    counts = kill_rate.parse(RESULTS, equivalent={"clvlib.analysis.formulas.x_simple_clv__mutmut_3"})
    assert counts["clvlib.analysis.formulas"] == {"killed": 1, "timeout": 1, "equivalent": 1}
    assert kill_rate.kill_rate(counts["clvlib.analysis.formulas"]) == 1.0
    report, _ = kill_rate.table(counts)
    assert "(1 survivors recorded as equivalent in tests/mutation/equivalent.txt are left out.)" in report
    killed_named = kill_rate.parse(RESULTS, equivalent={"clvlib.core.units.x_parse__mutmut_1"})
    assert killed_named["clvlib.core.units"]["killed"] == 1, "only a survivor can be equivalent"


def test_an_equivalent_record_whose_mutant_changed_is_stale_and_still_counts():
    records = kill_rate.read_equivalents(
        "# comment\n"
        "m.x_f__mutmut_1 || return float('NAN') || float reads NAN as nan\n"
        "m.x_f__mutmut_2 || start = 2.0 || a starting point\n"
    )
    shown = {"m.x_f__mutmut_1": "return   float('NAN')", "m.x_f__mutmut_2": "start = 3.0"}
    confirmed, stale = kill_rate.confirmed_equivalents(records, shown.get)
    assert confirmed == {"m.x_f__mutmut_1"}, "whitespace differences do not matter; a different change does"
    assert stale == ["stale: m.x_f__mutmut_2 no longer makes the recorded change (start = 2.0); re-check it"]
    with pytest.raises(ValueError, match=r"line 1: write 'mutant name \|\| mutated line \|\| reason'"):
        kill_rate.read_equivalents("m.x_f__mutmut_1 || no reason given")


def test_a_record_whose_mutant_is_now_killed_is_reported_as_unused():
    records = kill_rate.read_equivalents(
        "clvlib.core.units.x_parse__mutmut_1 || x = 1 || was equivalent before a change renumbered it\n"
        "clvlib.core.units.x_parse__mutmut_3 || x = 3 || not run in this run\n"
        "clvlib.analysis.formulas.x_simple_clv__mutmut_3 || y = 2 || still survives\n"
        "clvlib.analysis.formulas.x_simple_clv__mutmut_9 || z = 9 || its function has fewer mutants now\n"
    )
    assert kill_rate.unused_records(records, RESULTS) == [
        "unused: clvlib.core.units.x_parse__mutmut_1 is killed now, so its record no longer applies "
        "(renumbered?); remove or re-check it",
        "unused: clvlib.analysis.formulas.x_simple_clv__mutmut_9 is no mutant of this run (renumbered?); "
        "remove or re-check it",
    ]


def test_the_changed_line_of_a_mutant_that_replaces_or_only_deletes_a_line():
    header = "--- a/clvlib/models/fitting.py\n+++ b/clvlib/models/fitting.py\n@@ -1,3 +1,3 @@\n"
    replaced = header + ' x = f(\n-    method="L-BFGS-B",\n+    method=None,\n )\n'
    deleted = header + ' x = f(\n-    method="L-BFGS-B",\n )\n'
    assert kill_rate.changed_line(replaced) == "method=None,"
    assert kill_rate.changed_line(deleted) == '(removed) method="L-BFGS-B",'
    assert kill_rate.changed_line(header + "-a\n-b\n") is None
    assert kill_rate.changed_line("") is None


def test_the_recorded_equivalents_each_give_a_reason():
    records = kill_rate.read_equivalents(kill_rate.EQUIVALENT_FILE.read_text(encoding="utf-8"))
    assert records, "the file exists and parses"
    for name, (_line, reason) in records.items():
        assert kill_rate._LINE.match(f"    {name}: survived"), f"{name} is not a mutmut mutant name"
        assert len(reason.split()) >= 3, f"{name}: say why it cannot change behaviour"


def test_main_lists_every_missed_mutant_with_its_status(tmp_path, capsys):
    results = tmp_path / "results.txt"
    results.write_text(RESULTS, encoding="utf-8")
    assert kill_rate.main([str(results)]) == 1
    out = capsys.readouterr().out
    assert "Missed (3; `mutmut show NAME` shows each change):" in out
    assert "  clvlib.core.units.x_parse__mutmut_2: no tests" in out, "a mutant no test reaches is listed too"
    assert "  clvlib.analysis.formulas.x_simple_clv__mutmut_3: survived" in out
