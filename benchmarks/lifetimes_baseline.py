"""The lifetimes 0.11.3 side of the benchmark; runs inside .bench/lifetimes-venv only.

Reads the same order log as clvlib, times the same steps with lifetimes' own functions
and prints one JSON object on stdout. Never imported by clvlib or its tests.

Usage: .bench/lifetimes-venv/bin/python benchmarks/lifetimes_baseline.py ORDERS.csv CAL_END OBS_END OUT_DIR
"""

import json
import sys
import time

import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import calibration_and_holdout_data, summary_data_from_transaction_data

REPEATS = 3


def main(path, calibration_end, observation_end, out_dir):
    orders = pd.read_csv(path, dtype={"customer_id": str}, parse_dates=["order_date"])
    timings = {}

    start = time.perf_counter()
    # freq="D" merges same-day purchases; freq_multiplier=7 measures time in fractional weeks.
    summary = summary_data_from_transaction_data(
        orders, "customer_id", "order_date", monetary_value_col="order_value",
        observation_period_end=observation_end, freq="D", freq_multiplier=7,
    )
    timings["summary"] = time.perf_counter() - start

    start = time.perf_counter()
    split = calibration_and_holdout_data(
        orders, "customer_id", "order_date", calibration_period_end=calibration_end,
        observation_period_end=observation_end, freq="D", freq_multiplier=7,
        monetary_value_col="order_value",
    )
    timings["split"] = time.perf_counter() - start

    # Fits are short, so each is timed as the best of REPEATS runs (the same on both sides).
    timings["bgnbd_fit"] = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        bgf = BetaGeoFitter().fit(split["frequency_cal"], split["recency_cal"], split["T_cal"])
        timings["bgnbd_fit"] = min(timings["bgnbd_fit"], time.perf_counter() - start)

    repeat = split[split["frequency_cal"] > 0]
    timings["gamma_gamma_fit"] = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        ggf = GammaGammaFitter().fit(repeat["frequency_cal"], repeat["monetary_value_cal"])
        timings["gamma_gamma_fit"] = min(timings["gamma_gamma_fit"], time.perf_counter() - start)

    summary.to_csv(f"{out_dir}/lifetimes_summary.csv")
    split.to_csv(f"{out_dir}/lifetimes_split.csv")
    print(json.dumps({
        "timings": timings,
        "bgnbd": {k: float(v) for k, v in bgf.params_.items()},
        "gamma_gamma": {k: float(v) for k, v in ggf.params_.items()},
    }))


if __name__ == "__main__":
    main(*sys.argv[1:5])
