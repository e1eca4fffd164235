"""`make bench`, continued: the MBG/NBD, BG/BB and Pareto/NBD fits against lifetimes 0.11.3, on the same data.

Called by benchmarks/run.py after the BG/NBD comparison, with the lifetimes virtualenv it built:

* MBG/NBD on the benchmark's calibration summary of 100,000 customers (weeks), against
  lifetimes' ``ModifiedBetaGeoFitter`` on the same three columns;
* BG/BB on the same order log read as calendar months of opportunities
  (:func:`clvlib.transactions.opportunities.opportunity_patterns`: distinct (x, t_x, n)
  patterns with counts), against lifetimes' ``BetaGeoBetaBinomFitter`` on the same patterns
  and weights;
* Pareto/NBD on the same calibration summary as the MBG/NBD, against lifetimes'
  ``ParetoNBDFitter``. A fit takes about a minute on both sides, so each side is timed
  once (the line says so) rather than as the best of three.

The other fits are timed as the best of three runs on both sides; each line says the ratio and both
log-likelihoods, evaluated by clvlib's function at each side's estimates.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pandas as pd

from clvlib.models.noncontractual import BetaGeoBetaBinom, ModifiedBetaGeoNBD, ParetoNBD
from clvlib.models.noncontractual.bgbb import log_likelihood_and_gradient as bgbb_log_likelihood
from clvlib.models.noncontractual.mbgnbd import log_likelihood_and_gradient as mbgnbd_log_likelihood
from clvlib.models.noncontractual.paretonbd import (
    log_likelihood_and_gradient as paretonbd_log_likelihood,
)
from clvlib.transactions.opportunities import opportunity_patterns

HERE = Path(__file__).resolve().parent
PATTERN_COLUMNS = ["frequency", "recency", "n_opportunities", "n_customers"]


def _best_of(fit, runs=3):
    best, out = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        out = fit()
        best = min(best, time.perf_counter() - start)
    return out, best


def _line(label, ours, theirs, ll_ours, ll_theirs):
    rel = abs(ll_ours - ll_theirs) / abs(ll_ours)
    return (f"{label}: clvlib {ours:.2f} s, lifetimes {theirs:.2f} s, ratio {theirs / ours:.1f}x; "
            f"LL clvlib {ll_ours:.3f}, lifetimes {ll_theirs:.3f}, relative difference {rel:.1e} "
            f"({'within' if rel <= 1e-6 else 'OUTSIDE'} 1e-6)")


def compare_new_models(python: Path, cal: pd.DataFrame, orders_csv: Path, observation_end: str, bench: Path) -> bool:
    """Time both fits on both sides and print one ratio line each; False if lifetimes failed."""
    cal_csv, patterns_csv = bench / "mbgnbd_input.csv", bench / "bgbb_patterns.csv"
    cal[["frequency", "recency", "T"]].to_csv(cal_csv, index=False)
    orders = pd.read_csv(orders_csv, dtype={"customer_id": str}, parse_dates=["order_date"])
    patterns = opportunity_patterns(orders, observation_end, "month")
    patterns[PATTERN_COLUMNS].to_csv(patterns_csv, index=False)

    mbg, t_mbg = _best_of(lambda: ModifiedBetaGeoNBD("week").fit(cal))
    bgbb, t_bgbb = _best_of(lambda: BetaGeoBetaBinom("month").fit(patterns))
    pnbd, t_pnbd = _best_of(lambda: ParetoNBD("week").fit(cal), runs=1)

    result = subprocess.run([str(python), str(HERE / "lifetimes_new_models.py"), str(cal_csv), str(patterns_csv)],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        print("lifetimes MBG/NBD and BG/BB baseline failed:\n" + result.stderr[-3000:])
        return False
    theirs = json.loads(result.stdout.strip().splitlines()[-1])

    data = [cal[c].to_numpy(float) for c in ("frequency", "recency", "T")]
    ll_theirs = mbgnbd_log_likelihood(theirs["mbgnbd"]["params"], *data)[0]
    print(_line(f"MBG/NBD fit {len(cal) // 1000}k customers", t_mbg, theirs["mbgnbd"]["seconds"],
                mbg.log_likelihood_, ll_theirs))
    columns = [patterns[c].to_numpy(float) for c in PATTERN_COLUMNS]
    ll_theirs = bgbb_log_likelihood(theirs["bgbb"]["params"], *columns)[0]
    print(_line(f"BG/BB fit {int(patterns['n_customers'].sum()) // 1000}k customers as {len(patterns):,} "
                "monthly (x, t_x, n) patterns", t_bgbb, theirs["bgbb"]["seconds"], bgbb.log_likelihood_, ll_theirs))
    ll_theirs = paretonbd_log_likelihood(theirs["paretonbd"]["params"], *data)[0]
    print(_line(f"Pareto/NBD fit {len(cal) // 1000}k customers (one run each)", t_pnbd,
                theirs["paretonbd"]["seconds"], pnbd.log_likelihood_, ll_theirs))
    lt = dict(zip(("r", "alpha", "s", "beta"), theirs["paretonbd"]["params"], strict=True))
    print(f"  Pareto/NBD clvlib {pnbd!r}; lifetimes " + ", ".join(f"{k}={v:.3f}" for k, v in lt.items()))
    print(f"  MBG/NBD clvlib {mbg!r}\n  BG/BB clvlib {bgbb!r}")
    return True
