"""`make bench`: clvlib.btyd against lifetimes 0.11.3 on the same data, in the same run.

1. A synthetic order log: 1,000,000 transactions of 100,000 customers over two years
   (calibration = first year, holdout = second year).
2. clvlib: summary, calibration/holdout split, BG/NBD fit on 100k customers, Gamma-Gamma fit.
3. lifetimes 0.11.3, the same steps on the same CSV, in a throwaway virtualenv under
   .bench/ (created here on first run; lifetimes is never a clvlib dependency and needs
   pandas < 2 and numpy < 2, hence the separate environment).
   Then MBG/NBD, BG/BB (monthly opportunities) and Pareto/NBD fits on both sides (benchmarks/new_models.py).
4. 10,000,000 transactions summarised by DuckDB from Parquet files in a child process,
   whose time and peak memory (its own max RSS) are printed.

Summary and split are timed once; the fits, which take well under a second, as the best of
three runs on both sides. One line per comparison contains the word "ratio" and the figure as N.Nx. Targets:
summary+split >= 30x faster, BG/NBD fit >= 5x faster with the same log-likelihood to 1e-6
relative, 10M transactions through DuckDB under 3 GB peak memory.
Run with: .venv/bin/python benchmarks/run.py  [--skip-lifetimes] [--skip-duckdb]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import venv
from pathlib import Path

import numpy as np
import pandas as pd

from clvlib.models.noncontractual import BetaGeoNBD, GammaGamma
from clvlib.models.noncontractual.bgnbd import log_likelihood_and_gradient
from clvlib.transactions import (
    calibration_holdout_split,
    calibration_summary,
    summarize_transactions,
)

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / ".bench"
LIFETIMES_VENV = BENCH / "lifetimes-venv"
# Versions that lifetimes 0.11.3 (2019) works with: it predates pandas 2 and numpy 2.
LIFETIMES_PINS = ["lifetimes==0.11.3", "pandas==1.5.3", "numpy==1.26.4", "scipy==1.13.1", "autograd==1.6.2"]
START = pd.Timestamp("2022-01-01")
CALIBRATION_END = "2022-12-31"
OBSERVATION_END = "2023-12-31"


def synthetic_orders(n_customers: int, n_transactions: int, seed: int, id_offset: int = 0) -> pd.DataFrame:
    """Exactly ``n_transactions`` orders of ``n_customers`` customers from the BG/NBD story.

    Everyone buys once in the first 180 days (weekly rate lambda ~ Gamma(1.5, 6), dropout
    p ~ Beta(0.7, 6) after each repeat purchase), which gives about 12 orders per
    customer over two years; randomly chosen repeat orders are then removed until exactly
    ``n_transactions`` remain. Order values are Gamma with a customer-specific mean.
    """
    rng = np.random.default_rng(seed)
    horizon_days = (pd.Timestamp(OBSERVATION_END) - START).days
    first = rng.integers(0, 180, n_customers).astype(float)
    lam, p = rng.gamma(1.5, 1 / 6.0, n_customers) / 7.0, rng.beta(0.7, 6.0, n_customers)
    cust, days = [np.arange(n_customers)], [first.copy()]
    clock, alive = first.copy(), np.ones(n_customers, dtype=bool)
    while alive.any():
        idx = np.flatnonzero(alive)
        clock[idx] += rng.exponential(1 / lam[idx])
        bought = clock[idx] <= horizon_days
        alive[idx[~bought]] = False
        buyers = idx[bought]
        cust.append(buyers)
        days.append(clock[buyers].copy())
        alive[buyers[rng.random(len(buyers)) < p[buyers]]] = False
    cust, days = np.concatenate(cust), np.floor(np.concatenate(days)).astype(np.int64)
    surplus = len(cust) - n_transactions
    if surplus < 0:
        raise RuntimeError("the generator made too few orders; raise the purchase rate")
    drop = n_customers + rng.choice(len(cust) - n_customers, surplus, replace=False)
    keep = np.ones(len(cust), dtype=bool)
    keep[drop] = False
    cust, days = cust[keep], days[keep]
    mean_value = rng.gamma(4.0, 8.0, n_customers)
    value = np.round(rng.gamma(5.0, mean_value[cust] / 5.0), 2)
    ids = np.char.add("C", np.char.zfill((np.arange(n_customers) + id_offset).astype(str), 8))
    return pd.DataFrame(
        {
            "customer_id": ids[cust],
            "order_date": START + pd.to_timedelta(days, unit="D"),
            "order_value": value,
        }
    )


def timed(fn, *args, repeats: int = 1, **kwargs):
    """Result and the best wall time of ``repeats`` runs (fits: 3 on both sides)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn(*args, **kwargs)
        best = min(best, time.perf_counter() - start)
    return out, best


def line(label: str, ours: float, theirs: float, target: float, extra: str = "") -> str:
    ratio = theirs / ours
    verdict = "meets" if ratio >= target else "MISSES"
    return (
        f"{label}: clvlib {ours:.2f} s, lifetimes {theirs:.2f} s, ratio {ratio:.1f}x "
        f"({verdict} the {target:.0f}x target){extra}"
    )


def ensure_lifetimes_venv() -> Path:
    python = LIFETIMES_VENV / "bin" / "python"
    stamp = LIFETIMES_VENV / ".installed"
    if stamp.exists():
        return python
    print(f"Creating {LIFETIMES_VENV.relative_to(ROOT)} with {' '.join(LIFETIMES_PINS)} (first run only)...",
          flush=True)
    venv.EnvBuilder(with_pip=True, clear=True).create(LIFETIMES_VENV)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    *LIFETIMES_PINS], check=True)
    stamp.touch()
    return python


def run_clvlib(orders: pd.DataFrame) -> dict:
    _, t_summary = timed(summarize_transactions, orders, OBSERVATION_END, "week")
    split, t_split = timed(calibration_holdout_split, orders, CALIBRATION_END, OBSERVATION_END, "week")
    cal = calibration_summary(split)
    model, t_fit = timed(lambda: BetaGeoNBD("week").fit(cal), repeats=3)
    gg, t_gg = timed(lambda: GammaGamma().fit(cal["frequency"], cal["monetary_value"]), repeats=3)
    return {
        "split": split, "cal": cal, "model": model, "gg": gg,
        "timings": {"summary": t_summary, "split": t_split, "bgnbd_fit": t_fit, "gamma_gamma_fit": t_gg},
    }


def compare_with_lifetimes(orders_csv: Path, ours: dict) -> bool:
    try:
        python = ensure_lifetimes_venv()
    except (subprocess.CalledProcessError, OSError) as exc:
        print(f"lifetimes baseline unavailable: could not build {LIFETIMES_VENV} ({exc}).")
        return False
    print("Running lifetimes 0.11.3 on the same orders (the split alone takes a while)...", flush=True)
    result = subprocess.run(
        [str(python), str(ROOT / "benchmarks" / "lifetimes_baseline.py"), str(orders_csv),
         CALIBRATION_END, OBSERVATION_END, str(BENCH)],
        capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        print("lifetimes baseline failed:\n" + result.stderr[-3000:])
        return False
    theirs = json.loads(result.stdout.strip().splitlines()[-1])
    t_ours, t_theirs = ours["timings"], theirs["timings"]

    # Same data in, same summary out? (checks the two conventions really match)
    lt_split = pd.read_csv(BENCH / "lifetimes_split.csv", index_col=0, dtype={0: str})
    mine = ours["split"]
    same = (
        lt_split.index.equals(mine.index)
        and np.array_equal(lt_split["frequency_cal"], mine["frequency_cal"])
        and np.allclose(lt_split["recency_cal"], mine["recency_cal"])
        and np.allclose(lt_split["T_cal"], mine["T_cal"])
        and np.array_equal(lt_split["frequency_holdout"], mine["frequency_holdout"])
        and np.allclose(lt_split["monetary_value_cal"], mine["monetary_value_cal"])
    )
    print(f"calibration/holdout tables identical to lifetimes': {'yes' if same else 'NO'}")

    print(line("summary+split 1M tx", t_ours["summary"] + t_ours["split"],
               t_theirs["summary"] + t_theirs["split"], 30))
    print(line("  summary only", t_ours["summary"], t_theirs["summary"], 1))
    print(line("  split only", t_ours["split"], t_theirs["split"], 1))

    cal = ours["cal"]
    data = (cal["frequency"].to_numpy(float), cal["recency"].to_numpy(), cal["T"].to_numpy())
    ll_ours = ours["model"].log_likelihood_
    lt = theirs["bgnbd"]
    ll_theirs = log_likelihood_and_gradient([lt["r"], lt["alpha"], lt["a"], lt["b"]], *data)[0]
    rel = abs(ll_ours - ll_theirs) / abs(ll_ours)
    print(line(f"BG/NBD fit {len(cal) // 1000}k customers", t_ours["bgnbd_fit"], t_theirs["bgnbd_fit"], 5,
               f"; LL clvlib {ll_ours:.3f}, lifetimes {ll_theirs:.3f}, relative difference {rel:.1e} "
               f"({'within' if rel <= 1e-6 else 'OUTSIDE'} 1e-6)"))
    m = ours["model"]
    print(f"  params clvlib r={m.r_:.4f} alpha={m.alpha_:.4f} a={m.a_:.4f} b={m.b_:.4f}; "
          f"lifetimes r={lt['r']:.4f} alpha={lt['alpha']:.4f} a={lt['a']:.4f} b={lt['b']:.4f}")
    print(line("Gamma-Gamma fit", t_ours["gamma_gamma_fit"], t_theirs["gamma_gamma_fit"], 1))
    lg, gg = theirs["gamma_gamma"], ours["gg"]
    print(f"  params clvlib p={gg.p_:.4f} q={gg.q_:.4f} gamma={gg.gamma_:.4f}; "
          f"lifetimes p={lg['p']:.4f} q={lg['q']:.4f} gamma={lg['v']:.4f}")
    print(line("total (summary, split, both fits)", sum(t_ours.values()), sum(t_theirs.values()), 1))
    from new_models import (
        compare_new_models,  # benchmarks/new_models.py: MBG/NBD, BG/BB and Pareto/NBD
    )

    return compare_new_models(python, cal, orders_csv, OBSERVATION_END, BENCH)


DUCKDB_CHILD = """
import resource, sys, time
from clvlib.transactions import summarize_with_duckdb
start = time.perf_counter()
out = summarize_with_duckdb(sys.argv[1], sys.argv[2], "week", memory_limit=sys.argv[3])
elapsed = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(len(out), int(out["frequency"].sum()), elapsed, peak_mb)
"""


def duckdb_10m(parts: int = 10, per_part: int = 1_000_000, memory_limit: str = "1GB") -> None:
    import duckdb

    folder = BENCH / "orders_10m"
    folder.mkdir(parents=True, exist_ok=True)
    files = sorted(folder.glob("part-*.parquet"))
    if len(files) != parts:
        print(f"Writing {parts * per_part:,} synthetic transactions to {folder.relative_to(ROOT)}/ ...", flush=True)
        for f in files:
            f.unlink()
        for i in range(parts):
            chunk = synthetic_orders(per_part // 10, per_part, seed=100 + i, id_offset=i * per_part // 10)
            con = duckdb.connect()
            con.register("chunk", chunk)
            con.execute(f"COPY chunk TO '{folder / f'part-{i:02d}.parquet'}' (FORMAT parquet)")
            con.close()
    glob = str(folder / "part-*.parquet")
    result = subprocess.run([sys.executable, "-c", DUCKDB_CHILD, glob, OBSERVATION_END, memory_limit],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        print("DuckDB run failed:\n" + result.stderr[-3000:])
        return
    n_customers, n_repeat, elapsed, peak_mb = result.stdout.strip().splitlines()[-1].split()
    peak_gb = float(peak_mb) / 1024
    print(
        f"DuckDB summary of {parts * per_part / 1e6:.0f}M transactions ({int(n_customers):,} customers, "
        f"Parquet, memory_limit={memory_limit}): {float(elapsed):.1f} s, peak memory {peak_gb:.2f} GB "
        f"({'meets' if peak_gb < 3 else 'MISSES'} the 3 GB target)"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-lifetimes", action="store_true", help="only time clvlib")
    parser.add_argument("--skip-duckdb", action="store_true", help="skip the 10M-transaction DuckDB run")
    args = parser.parse_args(argv)
    BENCH.mkdir(exist_ok=True)

    orders = synthetic_orders(100_000, 1_000_000, seed=1)
    orders_csv = BENCH / "orders_1m.csv"
    orders.to_csv(orders_csv, index=False, date_format="%Y-%m-%d")
    print(f"{len(orders):,} transactions, {orders['customer_id'].nunique():,} customers, "
          f"calibration to {CALIBRATION_END}, holdout to {OBSERVATION_END}")
    ours = run_clvlib(orders)
    t = ours["timings"]
    print("clvlib: " + ", ".join(f"{k} {v:.2f} s" for k, v in t.items()) +
          f"; BG/NBD fitted on {ours['model'].n_histories_:,} distinct histories: {ours['model']!r}")
    ok = True
    if not args.skip_lifetimes:
        ok = compare_with_lifetimes(orders_csv, ours)
    if not args.skip_duckdb:
        duckdb_10m()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
