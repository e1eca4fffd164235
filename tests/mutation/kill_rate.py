"""Print the mutation kill rate per module from mutmut's results (`make mutate` runs it).

A mutant is *killed* when at least one test fails on it (a timeout counts as killed: the test
suite noticed). It *survives* when every test passes, and counts against the kill rate, as does
a mutant no test reaches ("no tests"). Mutants not run yet are left out and reported.

Targets (issue 17): 95% for the models and the closed-form formulas, 90% over everything
mutated. The script exits 1 when a target is missed, so `make mutate` fails loudly.

Equivalent mutants -- changes that cannot alter behaviour, such as ``float("NAN")`` for
``float("nan")`` -- are recorded in ``tests/mutation/equivalent.txt``, one per line with the
mutated line and a one-line reason, and left out of the rate. mutmut numbers mutants in
order, so a code change renumbers them: each record is re-checked against ``mutmut show``
and a record whose mutated line no longer matches is reported as stale and NOT left out; a
record whose mutant is now killed is reported as unused.

Usage: ``python tests/mutation/kill_rate.py [results.txt]`` -- without a file it calls
``mutmut results --all true`` itself.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

KILLED = {"killed", "timeout", "segfault", "caught by type check"}
NOT_KILLED = {"survived", "no tests", "suspicious"}
EQUIVALENT = "equivalent"  # a survivor recorded (and re-checked) as unable to change behaviour
EQUIVALENT_FILE = Path(__file__).with_name("equivalent.txt")
# Modules held to the stricter target: the models and the closed-form formulas.
STRICT = ("clvlib.models.", "clvlib.analysis.formulas")
STRICT_TARGET, OVERALL_TARGET = 0.95, 0.90
# Functions are named module.x_function__mutmut_N; methods module.xǁClassǁmethod__mutmut_N.
_LINE = re.compile(r"^\s*(?P<module>[\w.]+?)\.x[_ǁ]\S*__mutmut_\d+: (?P<status>.+?)\s*$")


def statuses(results_text: str) -> dict[str, tuple[str, str]]:
    """Mutant name -> (module, status) from ``mutmut results --all true`` output."""
    found = {}
    for line in results_text.splitlines():
        match = _LINE.match(line)
        if match:
            found[line.split(":")[0].strip()] = (match["module"], match["status"])
    return found


def parse(results_text: str, equivalent: set[str] = frozenset()) -> dict[str, Counter]:
    """Count mutant statuses per module; survivors named in ``equivalent`` count as equivalent."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for name, (module, status) in statuses(results_text).items():
        counts[module][EQUIVALENT if status == "survived" and name in equivalent else status] += 1
    return counts


def read_equivalents(text: str) -> dict[str, tuple[str, str]]:
    """``name || mutated line || reason`` records (``#`` starts a comment) -> name: (line, reason)."""
    records = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = [part.strip() for part in line.split(" || ")]
        if len(parts) != 3 or not all(parts):
            raise ValueError(f"equivalent.txt line {number}: write 'mutant name || mutated line || reason'.")
        records[parts[0]] = (parts[1], parts[2])
    return records


def confirmed_equivalents(records: dict[str, tuple[str, str]], shown_line) -> tuple[set[str], list[str]]:
    """The records whose mutant still makes the recorded change (``shown_line(name)`` gives the
    mutant's added line, or None), and a note for each stale one."""
    confirmed, stale = set(), []
    for name, (line, _) in records.items():
        now = shown_line(name)
        if now is not None and " ".join(now.split()) == " ".join(line.split()):
            confirmed.add(name)
        else:
            stale.append(f"stale: {name} no longer makes the recorded change ({line}); re-check it")
    return confirmed, stale


def unused_records(records: dict[str, tuple[str, str]], results_text: str) -> list[str]:
    """A note for each record whose mutant the tests now kill, or that names no mutant at all:
    after a code change renumbered the function, the record no longer applies."""
    status = {name: state for name, (_, state) in statuses(results_text).items()}
    return [f"unused: {name} is killed now, so its record no longer applies (renumbered?); remove or re-check it"
            if name in status else f"unused: {name} is no mutant of this run (renumbered?); remove or re-check it"
            for name in records if status.get(name, "killed") in KILLED]


def changed_line(diff: str) -> str | None:
    """The one line a mutant adds, as ``mutmut show`` prints its diff; for a mutant that only
    deletes a line, that line marked ``(removed)``; None for anything else."""
    lines = diff.splitlines()
    added = [ln[1:].strip() for ln in lines if ln.startswith("+") and not ln.startswith("+++")]
    removed = [ln[1:].strip() for ln in lines if ln.startswith("-") and not ln.startswith("---")]
    if len(added) == 1:
        return added[0]
    return f"(removed) {removed[0]}" if not added and len(removed) == 1 else None


def _mutmut_shown_line(name: str) -> str | None:
    mutmut = Path(sys.executable).with_name("mutmut")
    return changed_line(subprocess.run([str(mutmut), "show", name], capture_output=True, text=True).stdout)


def kill_rate(counter: Counter) -> float | None:
    """Killed / (killed + not killed); None when no mutant of the module has been run."""
    killed = sum(counter[s] for s in KILLED)
    tried = killed + sum(counter[s] for s in NOT_KILLED)
    return killed / tried if tried else None


def table(counts: dict[str, Counter]) -> tuple[str, bool]:
    """The per-module table and whether every target is met."""
    rows = [f"{'module':<48} {'mutants':>7} {'killed':>7} {'missed':>8} {'rate':>6}  target"]
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
    if total[EQUIVALENT]:
        rows.append(f"({total[EQUIVALENT]} survivors recorded as equivalent in tests/mutation/equivalent.txt are left out.)")
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
    survivors = {name for name, (_, status) in statuses(text).items() if status == "survived"}
    all_records = read_equivalents(EQUIVALENT_FILE.read_text(encoding="utf-8"))
    records = {n: r for n, r in all_records.items() if n in survivors}
    if argv:  # a saved results file: the records cannot be re-checked without the mutants
        shown = {name: line for name, (line, _) in records.items()}
    else:  # one `mutmut show` per record, a few at a time (each start-up takes a second or two)
        with ThreadPoolExecutor(max_workers=4) as pool:
            shown = dict(zip(records, pool.map(_mutmut_shown_line, records), strict=True))
    equivalent, stale = confirmed_equivalents(records, shown.get)
    report, ok = table(parse(text, equivalent))
    print(report)
    for note in stale + unused_records(all_records, text):
        print(note)
    missed = {name: status for name, (_, status) in statuses(text).items() if status in NOT_KILLED}
    left = sorted(set(missed) - equivalent)
    print(f"Missed ({len(left)}; `mutmut show NAME` shows each change):" if left else "No survivors.")
    for name in left:
        print(f"  {name}: {missed[name]}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
