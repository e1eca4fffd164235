"""The command line behind ``make report``: ``python -m clvlib.course.runner --params FILE``.

Exit codes (for cron and CI): 0 every notebook ran; 1 a notebook failed or timed out;
2 bad params file, unknown parameter, bad value, bad data, no notebooks, or another run
busy in the same reports folder (nothing was run); 130 or 143 stopped by Ctrl-C or
SIGTERM (128 + the signal's number, as a shell reports it; the run folder is marked
interrupted).
``--write-defaults FILE`` writes a params file with every parameter at its default.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from clvlib.course.runner.params import ReportInputError, defaults_yaml
from clvlib.course.runner.publish import rel_path
from clvlib.course.runner.run import (
    DEFAULT_CELL_TIMEOUT_SECONDS,
    DEFAULT_JOBS,
    DEFAULT_NOTEBOOKS,
    DEFAULT_OUT,
    DEFAULT_PARAMS,
    EXIT_BAD_INPUT,
    EXIT_OK,
    gather_notebooks,
    run_report,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m clvlib.course.runner",
        description="Run every course notebook with papermill into reports/<UTC timestamp>/ "
        "and point reports/latest at it when all succeeded.",
        epilog="Exit codes: 0 ok; 1 a notebook failed (reports/latest unchanged); "
        "2 bad params or data, or another run busy (nothing run); 130/143 stopped by Ctrl-C/SIGTERM.",
    )
    parser.add_argument("--params", default=str(DEFAULT_PARAMS), help="YAML params file (default: params/default.yml)")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="folder for the dated reports (default: reports/)")
    parser.add_argument(
        "--notebooks", nargs="+", default=None, metavar="PATH",
        help="notebook files or folders to run (default: every NN_*.ipynb in notebooks/)",
    )
    parser.add_argument(
        "--timeout", type=int, default=DEFAULT_CELL_TIMEOUT_SECONDS,
        help="seconds any one cell may run before its notebook is stopped and counted as failed "
        f"(papermill's execution timeout; default {DEFAULT_CELL_TIMEOUT_SECONDS})",
    )
    parser.add_argument(
        "--jobs", type=int, default=DEFAULT_JOBS,
        help=f"notebooks run at the same time (default {DEFAULT_JOBS}, one per core)",
    )
    parser.add_argument(
        "--write-defaults", metavar="FILE", default=None,
        help="write a params file with every parameter at its notebook default, then stop",
    )
    args = parser.parse_args(argv)
    if args.write_defaults:
        try:
            to_run, _ = gather_notebooks([Path(p) for p in (args.notebooks or [DEFAULT_NOTEBOOKS])])
            Path(args.write_defaults).write_text(defaults_yaml(to_run), encoding="utf-8")
        except ReportInputError as exc:
            print(f"report: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        print(f"Wrote {args.write_defaults}")
        return EXIT_OK
    result = run_report(args.params, args.out, args.notebooks, args.timeout, jobs=args.jobs)
    if result.exit_code == EXIT_BAD_INPUT:
        print(f"report: nothing run: {result.reason}", file=sys.stderr)
        return result.exit_code
    where = rel_path(result.run_dir, Path.cwd()) if result.run_dir else ""
    if result.exit_code > EXIT_BAD_INPUT:  # stopped by a signal: 128 + its number, as a shell reports it
        marked = f"; {where} is marked interrupted (FAILED.txt)" if where else ""
        print(f"report: {result.reason}{marked}; {rel_path(Path(args.out), Path.cwd())}/latest unchanged.",
              file=sys.stderr)
        return result.exit_code
    if result.exit_code == EXIT_OK:
        print(f"Report written to {where} in {result.seconds:.1f} s; {rel_path(Path(args.out), Path.cwd())}/latest points to it.")
    else:
        print(f"report: FAILED after {result.seconds:.1f} s: {result.reason}; "
              f"{rel_path(Path(args.out), Path.cwd())}/latest unchanged.", file=sys.stderr)
    return result.exit_code
