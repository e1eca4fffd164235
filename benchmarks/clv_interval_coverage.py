"""How often per-customer CLV intervals cover the true CLV, over many simulated worlds.

Each world: an 18-month cohort simulated from the BG/NBD and Gamma-Gamma parameters of
tests/analysis/test_clv_intervals.py; both models are fitted, 200 parameter draws give each
customer's interval, and the share of customers whose interval holds the CLV under the *true*
parameters is recorded. Prints the coverage table and saves a CSV and the figure.

    .venv/bin/python benchmarks/clv_interval_coverage.py --worlds 200 --customers 2000 --out /tmp/coverage

(200 worlds x 2,000 customers took 352 s on 2 busy cores.)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "analysis"))  # the simulator and true parameters the test uses

from test_clv_intervals import BG_MONTHS, CLV_MONTHS, GG, simulate_world  # noqa: E402

from clvlib.analysis.clv_intervals import clv_draws, coverage_in_world, interval_coverage  # noqa: E402
from clvlib.analysis.predictive_clv import customer_lifetime_value  # noqa: E402
from clvlib.models.noncontractual import BetaGeoNBD, GammaGamma  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", type=int, default=200)
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--out", default="coverage", help="path prefix of the CSV and PNG written")
    args = parser.parse_args(argv)
    truth_bg = BetaGeoNBD.from_params(BG_MONTHS, time_unit="month")
    truth_gg = GammaGamma.from_params(GG, time_unit="month")
    shares, start = [], time.perf_counter()
    for world in range(args.worlds):
        summary = simulate_world(args.customers, 18.0, BG_MONTHS, "month", seed=50_000 + world)
        bg, gg = BetaGeoNBD("month").fit(summary), GammaGamma().fit(summary)
        draws = clv_draws(bg, gg, summary, n_draws=200, seed=90_000 + world, **CLV_MONTHS)
        true_clv = customer_lifetime_value(truth_bg, truth_gg, summary, **CLV_MONTHS)["clv"]
        shares.append(coverage_in_world(draws.values, true_clv))
        if (world + 1) % 10 == 0:
            print(f"{world + 1} worlds, {time.perf_counter() - start:.0f} s", flush=True)
    table = interval_coverage(pd.DataFrame(shares))
    print(table.to_string())
    pd.DataFrame(shares).to_csv(f"{args.out}.csv", index=False)
    import matplotlib

    matplotlib.use("Agg")
    from clvlib.plots.clv_intervals import plot_clv_interval_coverage

    plot_clv_interval_coverage(table).figure.savefig(f"{args.out}.png", dpi=110, bbox_inches="tight")
    print(f"Wrote {args.out}.csv and {args.out}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
