"""Customer buckets on disk: the order log cut by a hash of the customer id, so each summary pass fits in memory.

DuckDB's aggregations spill to disk, but a summary of 100 million orders still runs out
of a 2 GB cap: two hash aggregations of ~100M customer days and ~10M customers are
alive at once. Every customer's orders land in exactly one bucket, so summarising the
buckets one after the other and concatenating the rows gives the same table, with the
memory of one bucket. :func:`bucket_count` picks how many from the number of orders and
the memory limit; :func:`write_buckets` writes them in one streaming pass (no
aggregation, no sort), as Hive-partitioned Parquet.

>>> memory_bytes("2GB"), memory_bytes("512 MiB")
(2000000000.0, 536870912.0)
>>> bucket_count(100_000_000, "2GB"), bucket_count(30_000_000, "2GB"), bucket_count(1_000, "256MB")
(10, 3, 1)
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from clvlib.transactions.sql import _identifier

# Orders one GB of DuckDB memory summarises without trouble. Measured by benchmarks/scale.py:
# 10M orders of 1M customers peak at ~1 GB RSS, 30M fill a 2 GB cap; this keeps a margin of ~2.5x.
ORDERS_PER_GB = 5_000_000
_UNITS = {"": 1, "b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12, "kib": 2**10, "mib": 2**20, "gib": 2**30,
          "tib": 2**40}
_MEMORY = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([a-z]*)\s*$", re.IGNORECASE)


def memory_bytes(memory_limit: str) -> float:
    """A DuckDB memory limit such as ``"2GB"`` or ``"512MiB"`` in bytes."""
    match = _MEMORY.match(str(memory_limit))
    if not match or match.group(2).lower() not in _UNITS:
        raise ValueError(f"memory_limit {memory_limit!r} must be a size such as '2GB', '512MB' or '1GiB'.")
    return float(match.group(1)) * _UNITS[match.group(2).lower()]


def bucket_count(n_orders: int, memory_limit: str) -> int:
    """How many customer buckets keep one summary pass within ``memory_limit`` (1 = no cutting)."""
    per_bucket = ORDERS_PER_GB * memory_bytes(memory_limit) / 1e9
    return max(1, math.ceil(n_orders / per_bucket))


def write_buckets(con, source: str, folder: str | Path, n_buckets: int, observation_end: str,
                  customer_col: str, date_col: str, value_col: str) -> list[str]:
    """Copy the orders up to ``observation_end`` into ``n_buckets`` Parquet folders; return their globs.

    A bucket is ``hash(customer) % n_buckets``, so all of a customer's orders share one.
    The columns keep their names, so the summary query runs on a bucket unchanged.
    Buckets that received no order are not returned.
    """
    folder = Path(folder)
    cid, day = _identifier(customer_col, "customer_col"), _identifier(date_col, "date_col")
    value = _identifier(value_col, "value_col")
    target = "'" + str(folder).replace("'", "''") + "'"
    con.execute(
        f"COPY (SELECT {cid}, {day}, {value}, hash({cid}) % {int(n_buckets)} AS bucket "
        f"FROM {source} WHERE CAST({day} AS DATE) <= DATE '{observation_end}') "
        f"TO {target} (FORMAT parquet, PARTITION_BY (bucket))"
    ).fetchall()
    return [str(part / "*.parquet") for part in sorted(folder.glob("bucket=*"))]
