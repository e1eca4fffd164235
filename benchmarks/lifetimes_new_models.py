"""The lifetimes 0.11.3 side of benchmarks/new_models.py; runs inside .bench/lifetimes-venv only.

Fits ModifiedBetaGeoFitter to the calibration summary and BetaGeoBetaBinomFitter to the
patterns (with their counts as weights), each timed as the best of three runs, and
ParetoNBDFitter to the calibration summary, timed once (one fit takes over a minute on
100,000 customers); prints one JSON object on stdout. Never imported by clvlib or its tests.

Usage: .bench/lifetimes-venv/bin/python benchmarks/lifetimes_new_models.py CAL.csv PATTERNS.csv
"""

import json
import sys
import time

import pandas as pd
from lifetimes import BetaGeoBetaBinomFitter, ModifiedBetaGeoFitter, ParetoNBDFitter


def best_of(fit, runs=3):
    best, out = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        out = fit()
        best = min(best, time.perf_counter() - start)
    return out, best


def main(cal_csv, patterns_csv):
    cal = pd.read_csv(cal_csv)
    mbg, t_mbg = best_of(lambda: ModifiedBetaGeoFitter().fit(cal["frequency"], cal["recency"], cal["T"]))
    pat = pd.read_csv(patterns_csv)
    bgbb, t_bgbb = best_of(lambda: BetaGeoBetaBinomFitter().fit(
        pat["frequency"], pat["recency"], pat["n_opportunities"], pat["n_customers"]))
    pnbd, t_pnbd = best_of(lambda: ParetoNBDFitter().fit(cal["frequency"], cal["recency"], cal["T"]), runs=1)
    print(json.dumps({
        "mbgnbd": {"seconds": t_mbg, "params": [float(mbg.params_[k]) for k in ("r", "alpha", "a", "b")]},
        "bgbb": {"seconds": t_bgbb, "params": [float(bgbb.params_[k]) for k in ("alpha", "beta", "gamma", "delta")]},
        "paretonbd": {"seconds": t_pnbd, "params": [float(pnbd.params_[k]) for k in ("r", "alpha", "s", "beta")]},
    }))


if __name__ == "__main__":
    main(*sys.argv[1:3])
