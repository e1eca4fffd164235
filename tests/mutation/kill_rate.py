"""Print the mutation kill rate per module from mutmut's results (`make mutate` runs it).

A mutant is *killed* when at least one test fails on it (a timeout counts as killed: the test
suite noticed). It *survives* when every test passes, and counts against the kill rate, as does
a mutant no test reaches ("no tests"). Mutants not run yet are left out and reported.

Targets (issue 17): 95% for the models and the closed-form formulas, 90% over everything
mutated. The script exits 1 when a target is missed, so `make mutate` fails loudly.

Usage: ``python tests/mutation/kill_rate.py [results.txt]`` -- without a file it calls
``mutmut results --all true`` itself.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

KILLED = {"killed", "timeout", "segfault", "caught by type check"}
NOT_KILLED = {"survived", "no tests", "suspicious"}
# Modules held to the stricter target: the models and the closed-form formulas.
STRICT = ("clvlib.models.", "clvlib.analysis.formulas")
STRICT_TARGET, OVERALL_TARGET = 0.95, 0.90
# Functions are named module.x_function__mutmut_N; methods module.xǁClassǁmethod__mutmut_N.
_LINE = re.compile(r"^\s*(?P<module>[\w.]+?)\.x[_ǁ]\S*__mutmut_\d+: (?P<status>.+?)\s*$")


def parse(results_text: str) -> dict[str, Counter]:
    """Count mutant statuses per module from ``mutmut results --all true`` output."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for line in results_text.splitlines():
        match = _LINE.match(line)
        if match:
            counts[match["module"]][match["status"]] += 1
    return counts


def kill_rate(counter: Counter) -> float | None:
    """Killed / (killed + not killed); None when no mutant of the module has been run."""
    killed = sum(counter[s] for s in KILLED)
    tried = killed + sum(counter[s] for s in NOT_KILLED)
    return killed / tried if tried else None


def table(counts: dict[str, Counter]) -> tuple[str, bool]:
    """The per-module table and whether every target is met."""
    rows = [f"{'module':<48} {'mutants':>7} {'killed':>7} {'survived':>8} {'rate':>6}  target"]
    ok, total = True, Counter()
    for module in sorted(counts):
        c = counts[module]
        total.update(c)
        rate = kill_rate(c)
        target = STRICT_TARGET if module.startswith(STRICT) else None
        met = rate is None or target is None or rate >= target
        ok &= met
        rows.append(
            f"{module:<48} {sum(c.values()):>7} {sum(c[s] for s in KILLED):>7} "
            f"{sum(c[s] for s in NOT_KILLED):>8} {_pct(rate):>6}  "
            f"{'' if target is None else f'{target:.0%}'}{'' if met else '  MISSED'}"
        )
    overall = kill_rate(total)
    overall_met = overall is not None and overall >= OVERALL_TARGET
    ok &= overall_met
    rows.append(
        f"{'all mutated modules':<48} {sum(total.values()):>7} {sum(total[s] for s in KILLED):>7} "
        f"{sum(total[s] for s in NOT_KILLED):>8} {_pct(overall):>6}  "
        f"{OVERALL_TARGET:.0%}{'' if overall_met else '  MISSED'}"
    )
    not_run = total["not checked"] + total["skipped"]
    if not_run:
        rows.append(f"({not_run} mutants not run yet are left out.)")
    return "\n".join(rows), ok


def _pct(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.1%}"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv:
        text = Path(argv[0]).read_text(encoding="utf-8")
    else:
        mutmut = Path(sys.executable).with_name("mutmut")
        text = subprocess.run(
            [str(mutmut), "results", "--all", "true"], capture_output=True, text=True, check=True
        ).stdout
    report, ok = table(parse(text))
    print(report)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
