"""`make bench-scale`: DuckDB summary and split of 10M, 30M and 100M transactions under a 2 GB cap.

1. Synthetic orders from the generator of benchmarks/run.py, as Parquet parts of 1,000,000
   transactions of 100,000 customers each (part i has seed 100 + i, as run.py's 10M case),
   cached in .bench/scale/orders/ between runs: 10M = the first 10 parts, 30M = 30,
   100M = all 100 parts (10,000,000 customers).
2. For each size, a child process runs ``write_parquet`` twice (the summary, then the
   calibration/holdout split) with ``memory_limit=2GB`` and a spill folder, writing both
   to .bench/scale/results/; it reports its wall time and its own peak RSS (ru_maxrss),
   which is the peak of the whole process (Python, pandas and DuckDB). Each call checks
   the orders (one scan) and, above 10M orders at 2 GB, cuts them into customer buckets
   in the spill folder first; "temp GB" is the largest size that folder reached.
3. The parent reads the split's distinct calibration histories (``history_counts``) and
   fits BG/NBD on them with ``n_customers`` as weights.
4. At 10M, the old query shape (join back to the customer days, ORDER BY, result as one
   pandas frame) runs in another child under the same cap, for a ratio line.
5. Spark local mode summarises and splits the same parts (benchmarks/scale_spark.py): time and
   peak memory of its process tree (the JVM included), a ratio line against DuckDB, and BG/NBD
   on Spark's distinct histories (checked equal to DuckDB's). Without PySpark or Java the
   Spark rows say so and DuckDB's still run; --skip-spark leaves them out.

The spill folder is removed after each run; the orders and results stay (``--clean``
deletes .bench/scale/ and exits). Target: 100M transactions with peak RSS <= 2.5 GB.
Run with: .venv/bin/python benchmarks/scale.py [--sizes 10 30 100] [--skip-old] [--skip-spark] [--clean]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import scale_spark
from run import BENCH, CALIBRATION_END, OBSERVATION_END, ROOT, synthetic_orders

from clvlib.models.noncontractual import BetaGeoNBD
from clvlib.transactions import history_counts, write_parquet
from clvlib.transactions.out_of_core import connect, order_reader

SCALE = BENCH / "scale"
ORDERS = SCALE / "orders"
RESULTS = SCALE / "results"
SPILL = SCALE / "spill"
PART_TRANSACTIONS, PART_CUSTOMERS = 1_000_000, 100_000
MEMORY_LIMIT = "2GB"
TARGET_PEAK_GB = 2.5


def part_path(i: int) -> Path:
    return ORDERS / f"part-{i:03d}.parquet"


def ensure_parts(n_parts: int) -> None:
    """Write the missing Parquet parts (each written to a temporary name, then renamed)."""
    missing = [i for i in range(n_parts) if not part_path(i).exists()]
    if not missing:
        return
    ORDERS.mkdir(parents=True, exist_ok=True)
    print(f"Writing {len(missing)} parts of {PART_TRANSACTIONS:,} transactions to {ORDERS} ...", flush=True)
    start = time.perf_counter()
    for i in missing:
        chunk = synthetic_orders(PART_CUSTOMERS, PART_TRANSACTIONS, seed=100 + i, id_offset=i * PART_CUSTOMERS)
        with connect("1GB") as con:
            con.register("chunk", chunk)
            tmp = part_path(i).with_suffix(".tmp")
            con.execute(f"COPY chunk TO '{tmp}' (FORMAT parquet)").fetchall()
        tmp.rename(part_path(i))
    print(f"  done in {time.perf_counter() - start:.0f} s", flush=True)


def old_summary_sql(source: str, observation_end: str) -> str:
    """The query shape before issue 18 (join back to the customer days, global ORDER BY), weeks."""
    return f"""WITH customer_days AS (
    SELECT customer_id, CAST(order_date AS DATE) AS order_day, SUM(order_value) AS day_value
    FROM {source} WHERE CAST(order_date AS DATE) <= DATE '{observation_end}'
    GROUP BY customer_id, CAST(order_date AS DATE)
), customers AS (
    SELECT customer_id, MIN(order_day) AS first_day, MAX(order_day) AS last_day,
           COUNT(*) AS n_days, SUM(day_value) AS total_value
    FROM customer_days GROUP BY customer_id
)
SELECT c.customer_id, c.n_days - 1 AS frequency,
       date_diff('day', c.first_day, c.last_day) / 7.0 AS recency,
       date_diff('day', c.first_day, DATE '{observation_end}') / 7.0 AS T,
       CASE WHEN c.n_days > 1 THEN (c.total_value - d.day_value) / (c.n_days - 1) ELSE 0.0 END AS monetary_value
FROM customers AS c JOIN customer_days AS d ON d.customer_id = c.customer_id AND d.order_day = c.first_day
ORDER BY c.customer_id"""


def child(n_parts: int, shape: str) -> None:
    """Run in the child process: summarise and split (or the old query); print one JSON line."""
    files = [str(part_path(i)) for i in range(n_parts)]
    timings = {}
    start = time.perf_counter()
    if shape == "old":
        with connect(MEMORY_LIMIT, temp_directory=SPILL) as con:
            frame = con.sql(old_summary_sql(order_reader(files), OBSERVATION_END)).df()
        customers = len(frame)
        timings["summary"] = time.perf_counter() - start
    else:
        customers = write_parquet(files, RESULTS / f"summary_{n_parts}m.parquet", OBSERVATION_END, "week",
                                  memory_limit=MEMORY_LIMIT, temp_directory=SPILL)
        timings["summary"] = time.perf_counter() - start
        write_parquet(files, RESULTS / f"split_{n_parts}m.parquet", OBSERVATION_END, "week",
                      calibration_end=CALIBRATION_END, memory_limit=MEMORY_LIMIT, temp_directory=SPILL)
        timings["split"] = time.perf_counter() - start - timings["summary"]
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(json.dumps({"customers": customers, "timings": timings, "peak_gb": peak_gb}))


def folder_bytes(folder: Path) -> int:
    total = 0
    for dirpath, _, names in os.walk(folder):
        for name in names:
            try:
                total += os.path.getsize(os.path.join(dirpath, name))
            except OSError:  # a spill file removed while we looked
                pass
    return total


def run_child(n_parts: int, shape: str) -> dict | None:
    """The child's JSON report plus the largest size the spill folder reached (polled)."""
    SPILL.mkdir(parents=True, exist_ok=True)
    peak_spill, done = [0], threading.Event()

    def watch():
        while not done.wait(0.5):
            peak_spill[0] = max(peak_spill[0], folder_bytes(SPILL))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    result = subprocess.run([sys.executable, __file__, "--child", str(n_parts), shape],
                            capture_output=True, text=True, check=False, cwd=ROOT)
    done.set()
    watcher.join()
    shutil.rmtree(SPILL, ignore_errors=True)
    if result.returncode != 0:
        print(f"{n_parts}M ({shape} query) failed:\n{result.stderr[-3000:]}", flush=True)
        return None
    report = json.loads(result.stdout.strip().splitlines()[-1])
    report["spill_gb"] = peak_spill[0] / 1024**3
    return report


def fit_histories(n_parts: int) -> tuple[int, float, BetaGeoNBD]:
    start = time.perf_counter()
    table = history_counts(RESULTS / f"split_{n_parts}m.parquet", memory_limit=MEMORY_LIMIT)
    model = BetaGeoNBD("week").fit(table)
    return len(table), time.perf_counter() - start, model


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 30, 100],
                        help="millions of transactions (each a number of 1M-transaction parts, at most 100)")
    parser.add_argument("--skip-old", action="store_true", help="skip the old query shape at 10M")
    parser.add_argument("--skip-spark", action="store_true", help="skip Spark local mode (scale_spark.py)")
    parser.add_argument("--clean", action="store_true", help=f"delete {SCALE} (cached orders and results) and exit")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(int(args.child[0]), args.child[1])
        return 0
    if args.clean:
        shutil.rmtree(SCALE, ignore_errors=True)
        print(f"Removed {SCALE}.")
        return 0

    ensure_parts(max(args.sizes))
    print(f"Orders (kept between runs; --clean deletes them): {ORDERS}")
    print(f"Summaries and splits written to: {RESULTS}; spill folder {SPILL} (removed after each run)")
    print(f"memory_limit={MEMORY_LIMIT}, {os.cpu_count()} cores; summary+split = two write_parquet calls\n")
    header = (f"{'transactions':>12} {'customers':>11} {'summary s':>9} {'split s':>8} {'peak RSS GB':>11} "
              f"{'temp GB':>10} {'histories':>10} {'fit s':>6}")
    print(header, flush=True)
    ok, reports = True, {}
    for size in args.sizes:
        report = reports[size] = run_child(size, "new")
        if report is None:
            ok = False
            continue
        n_histories, t_fit, model = fit_histories(size)
        t = report["timings"]
        ok &= report["peak_gb"] <= TARGET_PEAK_GB
        print(f"{size * PART_TRANSACTIONS:>12,} {report['customers']:>11,} {t['summary']:>9.1f} {t['split']:>8.1f} "
              f"{report['peak_gb']:>11.2f} {report['spill_gb']:>10.2f} {n_histories:>10,} {t_fit:>6.1f}", flush=True)
        print(f"{'':>12} BG/NBD on the calibration histories: r={model.r_:.4f} alpha={model.alpha_:.4f} "
              f"a={model.a_:.4f} b={model.b_:.4f} ({model.n_obs_:,.0f} customers)", flush=True)
    verdict = "meets" if ok else "MISSES"
    print(f"\nEvery size within peak RSS <= {TARGET_PEAK_GB} GB under memory_limit={MEMORY_LIMIT}: {verdict}")
    if 10 in args.sizes and not args.skip_old:
        new, old = reports[10], run_child(10, "old")
        if new and old:
            print(f"10M summary, old query shape (join + ORDER BY + pandas frame, no input check) vs new (checked, to Parquet): "
                  f"time ratio {old['timings']['summary'] / new['timings']['summary']:.1f}x "
                  f"({old['timings']['summary']:.1f} s vs {new['timings']['summary']:.1f} s), peak RSS ratio "
                  f"{old['peak_gb'] / new['peak_gb']:.1f}x ({old['peak_gb']:.2f} GB vs {new['peak_gb']:.2f} GB)")
    if not args.skip_spark:
        ok &= scale_spark.report(args.sizes, reports, lambda size: [str(part_path(i)) for i in range(size)],
                                 RESULTS, SCALE / "spark-tmp")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
