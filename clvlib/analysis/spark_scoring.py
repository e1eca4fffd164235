"""Predictive CLV for every customer of a Spark DataFrame: the in-memory code, run where the data live.

A model fitted on the distinct histories (small, whatever the size of the log) scores
customers who do not fit on one machine. :func:`score_with_spark` ships the two fitted
models to Spark's executors as their ``to_dict()`` (a few numbers) and runs
:func:`clvlib.analysis.predictive_clv.customer_lifetime_value` on each Arrow batch of
customers through ``mapInPandas``: the same numpy code as the in-memory path, no second
copy of any formula, so the scores equal ``customer_lifetime_value`` on the whole table
(to rounding, 1e-9 in the tests).

Before anything runs, the driver checks what a lazy Spark job would only report as a
Python traceback from an executor: the columns (by name), the units, horizon, margin and
discount rate (by calling ``customer_lifetime_value`` on a one-customer probe, so the
checks are the in-memory path's own) and, with ``check=True``, every row: one aggregation
counts missing values, negative or fractional frequencies, negative recencies, recencies
after T and negative spend, and the error names the column, the count and example
customers. PySpark (and pyarrow, which ``mapInPandas`` needs) is imported only inside
these functions, so ``import clvlib`` never needs it; on a cluster, clvlib must be
installed on the executors too.

Example (no Spark needed: :func:`score_batches` is what each executor runs)
-------
>>> import pandas as pd
>>> from clvlib.models.noncontractual import BetaGeoNBD, GammaGamma
>>> bgnbd = BetaGeoNBD.from_params({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}, time_unit="week")
>>> gg = GammaGamma.from_params({"p": 6.25, "q": 3.74, "gamma": 15.44}, time_unit="week")
>>> batch = pd.DataFrame({"customer_id": [7, 8], "frequency": [0.0, 2.0], "recency": [0.0, 30.43],
...                       "T": [38.86, 38.86], "monetary_value": [0.0, 22.35]})
>>> settings = dict(time_unit="week", horizon=52, horizon_unit="week", margin_rate=0.3,
...                 discount_rate_annual=0.1, customer_col="customer_id")
>>> scores = next(score_batches(iter([batch]), bgnbd.to_dict(), gg.to_dict(), settings))
>>> list(scores.columns)
['customer_id', 'probability_alive', 'expected_purchases', 'expected_order_value', 'clv']
>>> # 1 / (1 + a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x)) = 1 / (1 + 0.2315 * 1.6258)
>>> round(float(scores["probability_alive"].iloc[1]), 4)
0.7266
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import pandas as pd

from clvlib.analysis.predictive_clv import customer_lifetime_value
from clvlib.core.units import TimeUnit
from clvlib.models.noncontractual.bgnbd import BetaGeoNBD
from clvlib.models.noncontractual.gammagamma import GammaGamma

#: What a summary must hold, besides the customer id (columns of ``summarize_with_spark``).
SUMMARY_INPUTS = ("frequency", "recency", "T", "monetary_value")
#: The score columns, as :func:`customer_lifetime_value` names them.
SCORE_COLUMNS = ("probability_alive", "expected_purchases", "expected_order_value", "clv")
MAX_EXAMPLES = 3


def score_batches(
    batches: Iterable[pd.DataFrame],
    bgnbd_saved: Mapping[str, Any],
    gamma_gamma_saved: Mapping[str, Any],
    settings: Mapping[str, Any],
) -> Iterator[pd.DataFrame]:
    """Score each batch of customers with ``customer_lifetime_value``: what each executor runs.

    ``bgnbd_saved`` / ``gamma_gamma_saved`` are the models' ``to_dict()``; ``settings`` holds
    ``time_unit`` (of the summary), ``horizon``, ``horizon_unit``, ``margin_rate``,
    ``discount_rate_annual`` and ``customer_col``. Each output frame has the customer id
    and :data:`SCORE_COLUMNS`, row for row as the batch (see the module example).
    """
    bgnbd = BetaGeoNBD.from_dict(bgnbd_saved)
    gamma_gamma = GammaGamma.from_dict(gamma_gamma_saved)
    customer_col = settings["customer_col"]
    for batch in batches:
        if batch.empty:
            continue
        summary = batch.loc[:, list(SUMMARY_INPUTS)].astype(float)
        summary.attrs["time_unit"] = settings["time_unit"]
        scores = customer_lifetime_value(
            bgnbd, gamma_gamma, summary, horizon=settings["horizon"], horizon_unit=settings["horizon_unit"],
            margin_rate=settings["margin_rate"], discount_rate_annual=settings["discount_rate_annual"],
        )
        out = scores.loc[:, list(SCORE_COLUMNS)]
        out.insert(0, customer_col, batch[customer_col].to_numpy())
        yield out.reset_index(drop=True)


def _check_columns(columns: list[str], customer_col: str) -> None:
    missing = [c for c in (customer_col, *SUMMARY_INPUTS) if c not in columns]
    if missing:
        raise ValueError(
            f"The Spark summary has no column {', '.join(missing)} (it has: {', '.join(columns)}). "
            "Build it with clvlib.transactions.spark.summarize_with_spark, or rename the columns; "
            "for a calibration/holdout split, select the _cal columns under these names."
        )


def _probe(bgnbd, gamma_gamma, settings: Mapping[str, Any]) -> None:
    """Run the in-memory path on one made-up customer, so its own checks of units, horizon,
    margin and rate raise here, on the driver, in plain English."""
    probe = pd.DataFrame({"customer_id": [0], "frequency": [1.0], "recency": [1.0], "T": [2.0],
                          "monetary_value": [1.0]})
    list(score_batches([probe], bgnbd.to_dict(), gamma_gamma.to_dict(),
                       {**settings, "customer_col": "customer_id"}))


def _row_problems(customer_col: str) -> dict:
    """Spark conditions, each true on a row that cannot be scored, by plain-English name."""
    from pyspark.sql import functions as F

    col = F.col
    nulls = {f"{c} missing": col(c).isNull() | F.isnan(col(c)) for c in SUMMARY_INPUTS}
    return {
        f"{customer_col} missing": col(customer_col).isNull(),
        **nulls,
        "frequency negative or not a whole number": (col("frequency") < 0) | (col("frequency") != F.floor("frequency")),
        "recency negative": col("recency") < 0,
        "recency after T (the last purchase after the end of observation)": col("recency") > col("T"),
        "monetary_value negative (net refunds?)": col("monetary_value") < 0,
    }


def check_summary_rows(summary, customer_col: str = "customer_id") -> None:
    """Raise one ValueError listing every kind of row that cannot be scored, with counts and
    example customers; one aggregation pass over ``summary`` (a Spark DataFrame), plus one
    small query per kind of problem found. Nothing is dropped silently."""
    from pyspark.sql import functions as F

    problems = _row_problems(customer_col)
    cast = summary.select(customer_col, *[F.col(c).cast("double").alias(c) for c in SUMMARY_INPUTS])
    counts = cast.agg(*[F.sum(F.when(cond, 1).otherwise(0)).alias(f"p{i}")
                        for i, cond in enumerate(problems.values())]).first()
    lines = []
    for i, (name, cond) in enumerate(problems.items()):
        n_rows = counts[f"p{i}"] or 0
        if n_rows:
            examples = [str(r[0]) for r in cast.filter(cond).select(customer_col).limit(MAX_EXAMPLES).collect()]
            lines.append(f"- {name}: {n_rows:,} rows (e.g. {customer_col} {', '.join(examples)})")
    if lines:
        raise ValueError(
            "The Spark summary has rows that cannot be scored; fix or drop them first (none is dropped silently):\n"
            + "\n".join(lines)
        )


def score_with_spark(
    summary,
    bgnbd: BetaGeoNBD,
    gamma_gamma: GammaGamma,
    *,
    time_unit: TimeUnit | str,
    horizon: float,
    horizon_unit: TimeUnit | str,
    margin_rate: float,
    discount_rate_annual: float,
    customer_col: str = "customer_id",
    check: bool = True,
):
    """P(alive), expected purchases, expected order value and CLV per customer, as a lazy Spark DataFrame.

    ``summary`` is a Spark DataFrame with ``customer_col``, frequency, recency, T and
    monetary_value in ``time_unit`` periods (as ``summarize_with_spark`` returns it; a
    Spark DataFrame carries no unit, so it is given here and checked against the models').
    The other arguments are those of :func:`customer_lifetime_value`. The result has
    ``customer_col`` (its type kept) and :data:`SCORE_COLUMNS` as doubles, one row per
    customer; nothing is computed until it is written or collected, except the checks
    (``check=False`` skips the pass over the rows, for a summary made by clvlib).
    """
    from pyspark.sql import functions as F
    from pyspark.sql.types import DoubleType, StructField, StructType

    _check_columns(list(summary.columns), customer_col)
    settings = {
        "time_unit": TimeUnit.parse(time_unit).value, "horizon": horizon, "horizon_unit": horizon_unit,
        "margin_rate": margin_rate, "discount_rate_annual": discount_rate_annual, "customer_col": customer_col,
    }
    _probe(bgnbd, gamma_gamma, settings)
    if check:
        check_summary_rows(summary, customer_col)
    schema = StructType(
        [StructField(customer_col, summary.schema[customer_col].dataType, nullable=False)]
        + [StructField(c, DoubleType(), nullable=False) for c in SCORE_COLUMNS]
    )
    inputs = summary.select(customer_col, *[F.col(c).cast("double").alias(c) for c in SUMMARY_INPUTS])
    # The models travel as plain dicts inside the function Spark pickles for its executors.
    score = functools.partial(score_batches, bgnbd_saved=bgnbd.to_dict(),
                              gamma_gamma_saved=gamma_gamma.to_dict(), settings=settings)
    return inputs.mapInPandas(score, schema)
