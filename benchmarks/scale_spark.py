"""Spark local mode in `make bench-scale`: the Parquet parts of benchmarks/scale.py summarised and split by Spark.

For each size, a child process starts a local Spark session (every core, driver memory
SPARK_DRIVER_MEMORY, spill folder .bench/scale/spark-tmp via SPARK_LOCAL_DIRS), reads the
same Parquet parts DuckDB read and runs ``summarize_with_spark`` then ``split_with_spark``
(each checks the orders in one pass first, as DuckDB's ``write_parquet`` does), writing
both to Parquet folders in .bench/scale/results/. It then collects the split's distinct
calibration histories (``spark_history_counts``) and fits BG/NBD on them. The session's
start (the JVM) is timed apart from the work.

Peak memory is that of the whole process tree: the child's Python, the Spark JVM it
launches (the driver, which in local mode is also the executor) and any Python workers,
their resident set sizes summed every 0.2 s from /proc (shared pages counted in each
process, so an upper bound). DuckDB's figure in scale.py is its one process's ru_maxrss.

Why SPARK_DRIVER_MEMORY = "4g": in local mode the driver JVM is the only executor, so its
heap is all the memory Spark's aggregations get; of 4 GB, Spark's unified memory is
(4 GB - 300 MB) x 0.6 = 2.2 GB shared by the tasks (one per core), and a hash aggregation
that outgrows its share sorts and spills to SPARK_LOCAL_DIRS instead of failing. That is
the same order as DuckDB's 2 GB cap, so the two engines are compared on a similar budget;
the JVM adds 1-2 GB outside the heap (metaspace, threads, Arrow and network buffers), so
the tree stays far below the machine's 24 GB even with other work running beside it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from run import CALIBRATION_END, OBSERVATION_END, ROOT

from clvlib.models.noncontractual import BetaGeoNBD

SPARK_DRIVER_MEMORY = "4g"
MACHINE_GB = 24
GB = 1024**3


def spark_missing() -> str | None:
    """Why Spark cannot run here (PySpark or Java missing), or None."""
    from clvlib.transactions.spark import spark_unavailable_reason

    return spark_unavailable_reason()


def read_orders(spark, files: list[str]):
    """The Parquet parts as a Spark DataFrame with a timestamp ``order_date``.

    DuckDB and pandas write nanosecond timestamps, a Parquet type Spark refuses
    (PARQUET_TYPE_ILLEGAL); read as nanoseconds since the epoch, they are cut to microseconds.
    """
    from pyspark.sql import functions as F

    spark.conf.set("spark.sql.legacy.parquet.nanosAsLong", "true")
    orders = spark.read.parquet(*files)
    if dict(orders.dtypes)["order_date"] in ("bigint", "long"):
        orders = orders.withColumn("order_date", F.expr("timestamp_micros(order_date DIV 1000)"))
    return orders


def child(files: list[str], results: Path, label: str) -> None:
    """Run in the child process: summary and split to Parquet, histories, fit; print one JSON line."""
    from clvlib.transactions.spark import (
        local_spark_session,
        spark_history_counts,
        split_with_spark,
        summarize_with_spark,
    )

    timings, start = {}, time.perf_counter()
    spark = local_spark_session("clvlib-bench-scale", cores=os.cpu_count() or 2,
                                shuffle_partitions=max(8, 2 * len(files)), driver_memory=SPARK_DRIVER_MEMORY)
    timings["start"] = time.perf_counter() - start
    orders = read_orders(spark, files)
    summary_path, split_path = results / f"spark_summary_{label}", results / f"spark_split_{label}"
    start = time.perf_counter()
    summarize_with_spark(orders, OBSERVATION_END, "week").write.mode("overwrite").parquet(str(summary_path))
    timings["summary"] = time.perf_counter() - start
    start = time.perf_counter()
    split_with_spark(orders, CALIBRATION_END, OBSERVATION_END, "week").write.mode("overwrite").parquet(str(split_path))
    timings["split"] = time.perf_counter() - start
    customers = spark.read.parquet(str(summary_path)).count()  # Parquet footers: no pass over the data
    start = time.perf_counter()
    histories = spark_history_counts(spark.read.parquet(str(split_path)), "week", calibration=True)
    histories.to_csv(results / f"spark_histories_{label}.csv", index=False)
    timings["histories"] = time.perf_counter() - start
    spark.stop()
    print(json.dumps({"customers": customers, "timings": timings, "histories": len(histories)}))


def tree_rss_bytes(root_pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc (0 once it is gone)."""
    parents, rss = {}, {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            statm = Path(f"/proc/{entry}/statm").read_text()
        except OSError:  # the process ended while we looked
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = int(statm.split()[1]) * page
    tree, frontier = {root_pid}, [root_pid]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(rss.get(pid, 0) for pid in tree)


def run_measured(command: list[str], env: dict[str, str]) -> tuple[subprocess.CompletedProcess, float]:
    """Run ``command``; return its result and the peak memory of its process tree in GB."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    peak, done = [0], threading.Event()

    def watch():
        while not done.wait(0.2):
            peak[0] = max(peak[0], tree_rss_bytes(process.pid))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    stdout, stderr = process.communicate()
    done.set()
    watcher.join()
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr), peak[0] / GB


def run_spark(files: list[str], results: Path, label: str, spill: Path) -> dict | None:
    """The child's JSON report plus the peak memory of its process tree, or None if it failed."""
    spill.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "SPARK_LOCAL_DIRS": str(spill), "PYSPARK_PYTHON": sys.executable}
    command = [sys.executable, __file__, "--child", label, str(results), *files]
    result, peak_gb = run_measured(command, env)
    shutil.rmtree(spill, ignore_errors=True)
    if result.returncode != 0:
        print(f"Spark {label} failed:\n{result.stderr[-3000:]}", flush=True)
        return None
    report = json.loads(result.stdout.strip().splitlines()[-1])
    report["peak_gb"] = peak_gb
    return report


def fit_spark_histories(results: Path, label: str, duckdb_histories) -> tuple[BetaGeoNBD, bool]:
    """BG/NBD on Spark's histories, and whether they equal DuckDB's (counts exactly, times to 1e-9)."""
    import numpy as np
    import pandas as pd

    table = pd.read_csv(results / f"spark_histories_{label}.csv")
    table.attrs["time_unit"] = "week"
    keys = ["frequency", "recency", "T"]
    ours = table.sort_values(keys).reset_index(drop=True)
    theirs = duckdb_histories.sort_values(keys).reset_index(drop=True)
    same = (len(ours) == len(theirs)
            and (ours[["frequency", "n_customers"]].to_numpy() == theirs[["frequency", "n_customers"]].to_numpy()).all()
            and np.allclose(ours[["recency", "T"]], theirs[["recency", "T"]], rtol=1e-9, atol=1e-9))
    return BetaGeoNBD("week").fit(table), bool(same)


def report(sizes: list[int], duckdb_reports: dict, files_for, results: Path, spill: Path) -> bool:
    """Print Spark's rows after DuckDB's (or why Spark did not run); False if a size failed or missed."""
    from clvlib.transactions import history_counts

    print(f"\nSpark local mode, the same parts (driver memory {SPARK_DRIVER_MEMORY}, {os.cpu_count()} cores; "
          "peak = the process tree: Python + JVM + workers):")
    reason = spark_missing()
    if reason:
        print(f"  Spark rows skipped: {reason}")
        return True
    print(f"{'transactions':>12} {'customers':>11} {'start s':>8} {'summary s':>9} {'split s':>8} {'peak RSS GB':>11} "
          f"{'histories':>10} {'hist s':>7}", flush=True)
    ok = True
    for size in sizes:
        spark = run_spark(files_for(size), results, f"{size}m", spill)
        if spark is None:
            ok = False
            continue
        t = spark["timings"]
        print(f"{size * 1_000_000:>12,} {spark['customers']:>11,} {t['start']:>8.1f} {t['summary']:>9.1f} "
              f"{t['split']:>8.1f} {spark['peak_gb']:>11.2f} {spark['histories']:>10,} {t['histories']:>7.1f}", flush=True)
        duckdb_histories = history_counts(results / f"split_{size}m.parquet", memory_limit="2GB")
        model, same = fit_spark_histories(results, f"{size}m", duckdb_histories)
        print(f"{'':>12} BG/NBD on Spark's calibration histories: r={model.r_:.4f} alpha={model.alpha_:.4f} "
              f"a={model.a_:.4f} b={model.b_:.4f}; histories equal DuckDB's: {'yes' if same else 'NO'}", flush=True)
        ok &= same and spark["peak_gb"] <= MACHINE_GB
        duck = duckdb_reports.get(size)
        if duck:
            spark_s = t["summary"] + t["split"]
            duck_s = duck["timings"]["summary"] + duck["timings"]["split"]
            print(f"{size}M summary+split, Spark local vs DuckDB: time ratio {spark_s / duck_s:.1f}x "
                  f"({spark_s:.1f} s vs {duck_s:.1f} s; Spark's {t['start']:.0f} s start not included), "
                  f"peak memory ratio {spark['peak_gb'] / duck['peak_gb']:.1f}x "
                  f"({spark['peak_gb']:.2f} GB vs {duck['peak_gb']:.2f} GB)", flush=True)
    print(f"Spark within this {MACHINE_GB} GB machine at every size: {'yes' if ok else 'NO'}")
    return ok


if __name__ == "__main__":
    label, results, *files = sys.argv[2:]
    child(files, Path(results), label)
