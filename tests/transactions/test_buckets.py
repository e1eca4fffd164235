"""Customer buckets: every order lands in exactly one bucket, with all of its customer's orders."""

from __future__ import annotations

import pandas as pd
import pytest

from clvlib.transactions.buckets import ORDERS_PER_GB, bucket_count, memory_bytes, write_buckets

duckdb = pytest.importorskip("duckdb")


def test_memory_limits_read_as_bytes_and_buckets_follow_them():
    assert memory_bytes("2GB") == 2e9 and memory_bytes("1.5 gib") == 1.5 * 2**30 and memory_bytes("256MB") == 256e6
    with pytest.raises(ValueError, match="must be a size such as '2GB'"):
        memory_bytes("two gigs")
    # 2 GB holds 2 * ORDERS_PER_GB orders per pass: one more order needs a second bucket.
    assert bucket_count(2 * ORDERS_PER_GB, "2GB") == 1
    assert bucket_count(2 * ORDERS_PER_GB + 1, "2GB") == 2
    assert bucket_count(100_000_000, "1GB") == 20


def test_every_order_up_to_the_end_lands_in_one_bucket_with_its_customer(tmp_path):
    orders = pd.DataFrame({
        "cust": [f"c{i % 37}" for i in range(500)],
        "day": pd.Timestamp("2024-01-01") + pd.to_timedelta([i % 90 for i in range(500)], unit="D"),
        "amount": [float(i) for i in range(500)],
    })
    con = duckdb.connect()
    con.register("orders", orders)
    globs = write_buckets(con, "orders", tmp_path / "b", 4, "2024-03-15", "cust", "day", "amount")
    assert len(globs) == 4
    parts = [con.execute(f"SELECT cust, day, amount FROM read_parquet('{g}', hive_partitioning = false)").df()
             for g in globs]
    kept = orders[orders["day"] <= "2024-03-15"]
    assert sum(len(p) for p in parts) == len(kept) and len(kept) < len(orders)
    customers = [set(p["cust"]) for p in parts]
    assert sum(len(c) for c in customers) == len(set().union(*customers)) == kept["cust"].nunique()
    together = pd.concat(parts).sort_values("amount", ignore_index=True)
    assert together["amount"].tolist() == sorted(kept["amount"].tolist())
