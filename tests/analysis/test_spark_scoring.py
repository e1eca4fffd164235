"""Scores computed on Spark equal the in-memory customer_lifetime_value (issue 16, item 2).

The reference is :func:`clvlib.analysis.predictive_clv.customer_lifetime_value` on the whole
pandas summary; the Spark path cuts the customers into partitions and Arrow batches and
runs the same function on each. Equal means: the same customers, each once, and every
score within 1e-9 (relative) of the in-memory one. Misaligned ids, a batch scored twice,
a dropped batch or a parameter lost on the way to the executors would each fail these
tests. The Spark tests carry the ``spark`` marker and are skipped, with the reason, where
pyspark is not installed; ``score_batches`` (what an executor runs) is tested without Spark.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clvlib.analysis.predictive_clv import customer_lifetime_value
from clvlib.analysis.spark_scoring import SCORE_COLUMNS, score_batches, score_with_spark
from clvlib.core.units import UnitMismatchError
from clvlib.models.noncontractual import BetaGeoNBD, GammaGamma
from clvlib.models.noncontractual.gammagamma import FreeOrdersWarning
from clvlib.transactions import summarize_transactions

CLV_ARGS = {"horizon": 52, "horizon_unit": "week", "margin_rate": 0.3, "discount_rate_annual": 0.1}
RTOL = 1e-9


def fitted_models(summary: pd.DataFrame) -> tuple[BetaGeoNBD, GammaGamma]:
    return BetaGeoNBD("week").fit(summary), GammaGamma().fit(summary)


def in_memory_scores(summary: pd.DataFrame, bgnbd, gamma_gamma) -> pd.DataFrame:
    return customer_lifetime_value(bgnbd, gamma_gamma, summary, **CLV_ARGS)


def assert_same_scores(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Same customers exactly (each once), every score to 1e-9 relative."""
    assert got["customer_id"].is_unique, "a customer was scored twice"
    got = got.set_index("customer_id").sort_index()
    assert got.index.tolist() == sorted(expected.index.tolist())
    expected = expected.sort_index()
    for column in SCORE_COLUMNS:
        np.testing.assert_allclose(got[column].to_numpy(), expected[column].to_numpy(), rtol=RTOL, atol=0,
                                   err_msg=column)


@pytest.fixture(scope="module")
def embedded(dataset):
    summary = summarize_transactions(dataset.orders, "2025-12-31", "week")
    return (summary, *fitted_models(summary))


def test_executor_function_in_uneven_batches_equals_the_whole_table(embedded):
    summary, bgnbd, gamma_gamma = embedded
    rows = summary.reset_index().sample(frac=1.0, random_state=16)  # shuffled: ids out of order
    batches = [rows.iloc[i:i + 997] for i in range(0, len(rows), 997)] + [rows.iloc[:0]]  # and an empty one
    settings = {"time_unit": "week", "customer_col": "customer_id", **CLV_ARGS}
    out = pd.concat(score_batches(iter(batches), bgnbd.to_dict(), gamma_gamma.to_dict(), settings))
    assert_same_scores(out, in_memory_scores(summary, bgnbd, gamma_gamma))


# ------------------------------------------------------------------------------ on Spark (conftest's `spark`)
def score_on_spark(spark, summary: pd.DataFrame, bgnbd, gamma_gamma, partitions: int = 3, **kwargs) -> pd.DataFrame:
    frame = spark.createDataFrame(summary.reset_index()).repartition(partitions)
    scored = score_with_spark(frame, bgnbd, gamma_gamma, time_unit="week", **CLV_ARGS, **kwargs)
    return scored.toPandas()


@pytest.mark.spark
def test_spark_scores_equal_in_memory_on_the_embedded_orders(spark, embedded):
    summary, bgnbd, gamma_gamma = embedded
    assert_same_scores(score_on_spark(spark, summary, bgnbd, gamma_gamma), in_memory_scores(summary, bgnbd, gamma_gamma))


@pytest.mark.spark
@pytest.mark.network
def test_spark_scores_equal_in_memory_on_the_cdnow_master_log(spark, cdnow_loader):
    orders = cdnow_loader("master")[["customer_id", "order_date", "order_value"]]
    summary = summarize_transactions(orders, "1998-06-30", "week")
    with pytest.warns(FreeOrdersWarning):  # CDNOW has one repeat buyer whose repeat orders were free
        bgnbd, gamma_gamma = fitted_models(summary)
    assert len(summary) == 23_570  # every CDNOW customer (Fader, Hardie & Lee 2005)
    got = score_on_spark(spark, summary, bgnbd, gamma_gamma, partitions=4)
    assert_same_scores(got, in_memory_scores(summary, bgnbd, gamma_gamma))


@pytest.mark.spark
def test_scoring_a_spark_summary_end_to_end_equals_the_pandas_path(spark, dataset, embedded):
    from clvlib.transactions.spark import summarize_with_spark

    summary, bgnbd, gamma_gamma = embedded
    orders = spark.createDataFrame(dataset.orders[["customer_id", "order_date", "order_value"]])
    spark_summary = summarize_with_spark(orders, "2025-12-31", "week")
    got = score_with_spark(spark_summary, bgnbd, gamma_gamma, time_unit="week", **CLV_ARGS).toPandas()
    assert_same_scores(got, in_memory_scores(summary, bgnbd, gamma_gamma))


@pytest.mark.spark
def test_a_missing_column_or_a_unit_mix_up_is_said_on_the_driver(spark, embedded):
    summary, bgnbd, gamma_gamma = embedded
    frame = spark.createDataFrame(summary.reset_index().drop(columns="monetary_value"))
    with pytest.raises(ValueError, match="no column monetary_value"):
        score_with_spark(frame, bgnbd, gamma_gamma, time_unit="week", **CLV_ARGS)
    frame = spark.createDataFrame(summary.reset_index())
    with pytest.raises(UnitMismatchError, match="customer summary"):
        score_with_spark(frame, bgnbd, gamma_gamma, time_unit="month", **CLV_ARGS)
    with pytest.raises(ValueError, match="margin_rate"):
        score_with_spark(frame, bgnbd, gamma_gamma, time_unit="week", **{**CLV_ARGS, "margin_rate": 30})


@pytest.mark.spark
def test_rows_that_cannot_be_scored_are_named_with_counts_and_customers(spark, embedded):
    _, bgnbd, gamma_gamma = embedded
    rows = pd.DataFrame({
        "customer_id": ["ok", "no_recency", "late", "refund", "refund2", "half"],
        "frequency": [1.0, 1.0, 2.0, 1.0, 3.0, 1.5],
        "recency": [2.0, None, 9.0, 1.0, 2.0, 1.0],
        "T": [5.0, 5.0, 5.0, 5.0, 5.0, 5.0],
        "monetary_value": [10.0, 10.0, 10.0, -4.0, -1.0, 10.0],
    })
    with pytest.raises(ValueError) as caught:
        score_with_spark(spark.createDataFrame(rows), bgnbd, gamma_gamma, time_unit="week", **CLV_ARGS)
    message = str(caught.value)
    assert "- recency missing: 1 rows (e.g. customer_id no_recency)" in message
    assert "- recency after T (the last purchase after the end of observation): 1 rows (e.g. customer_id late)" in message
    assert "- monetary_value negative (net refunds?): 2 rows" in message
    assert "- frequency negative or not a whole number: 1 rows (e.g. customer_id half)" in message
    assert "customer_id ok" not in message
