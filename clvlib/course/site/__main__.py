"""``python -m clvlib.course.site``: build the course website (``make site``), or only check the report.

Exit codes: 0 built (or, with ``--check-report``, the report is fit to use); 1 the report is
stale or missing, or the build found a broken link or an outside load (one line each).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from clvlib.course.site.build import SiteError, build_site
from clvlib.course.site.report import report_problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m clvlib.course.site", description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=".", help="the checkout (default: the current folder)")
    parser.add_argument("--report", default="reports/latest", help="the report folder whose outputs to show")
    parser.add_argument("--out", default="build/site", help="where to build (the site is OUT/html)")
    parser.add_argument("--check-report", action="store_true",
                        help="only say whether the report is fit to use (exit 1 when not)")
    parser.add_argument("--stale-ok", action="store_true",
                        help="show lessons edited since the run as they ran (a lesson added since still fails)")
    args = parser.parse_args(argv)
    root = Path(args.root)
    report = root / args.report if not Path(args.report).is_absolute() else Path(args.report)
    if args.check_report:
        problems = report_problems(root, report)
        for problem in problems:
            print(f"make site: {problem}")
        return 1 if problems else 0
    if args.stale_ok:
        for problem in report_problems(root, report):
            print(f"make site: shown anyway: {problem}")
    try:
        built = build_site(root, report, root / args.out, check_report=not args.stale_ok)
    except SiteError as error:
        print(f"make site: {error}", file=sys.stderr)
        return 1
    print(f"Built {built.pages} pages ({len(built.lessons)} lessons) in {built.seconds:.0f} s; "
          f"every internal link resolves and nothing loads from another host.")
    if built.warnings:
        print(f"{len(built.warnings)} Sphinx warnings (docstring formatting), listed in "
              f"{built.site_dir.parent / 'html-sphinx-warnings.txt'}.")
    print(f"Open {built.site_dir / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
