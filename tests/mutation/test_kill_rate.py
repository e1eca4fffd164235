"""The mutation report: statuses counted per module, targets applied, exit code."""

from __future__ import annotations

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
