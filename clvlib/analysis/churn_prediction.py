"""Who will cancel next? Subscription churn as a classification problem, with a proper time split.

A churn classifier is trained on what was known at an earlier cut-off and judged on a later one:

* **training**: subscribers active at ``test_cutoff - horizon_months``, their attributes and
  tenure then, labelled 1 if they cancelled in the following ``horizon_months``;
* **test**: subscribers active at ``test_cutoff``, labelled the same way over the next
  ``horizon_months``, which the data must cover (:func:`time_split` checks).

The training labels end on the test cut-off, so nothing the model learns comes from the test
period. Shuffling subscribers into train and test instead would let the model learn from
cancellations that happen *after* the moment it is supposed to predict from: leakage.

Lesson 03's Cox model answers the same question another way: fitted on the lifetimes observed
up to the cut-off, it gives each active subscriber P(cancel within k months | still here at
their tenure) = 1 - S(tenure + k | x) / S(tenure | x) (:func:`cox_churn_probability`). Both
rank subscribers; :func:`at_risk_list` turns a ranking into the list a retention team calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from clvlib.analysis.lifetimes import durations_from_subscriptions
from clvlib.analysis.ml_clv import sklearn_module, threadpool_limits
from clvlib.analysis.ml_features import months_after, subscriber_snapshot
from clvlib.core.checks import parse_date
from clvlib.models.logistic import design_matrix
from clvlib.models.survival import fit_cox


@dataclass(frozen=True)
class TimeSplit:
    """Training and test snapshots of one churn question, and the model inputs built from them."""

    train: pd.DataFrame  # subscriber_snapshot at the training cut-off
    test: pd.DataFrame  # subscriber_snapshot at the test cut-off
    X_train: pd.DataFrame
    X_test: pd.DataFrame  # same columns as X_train
    covariates: tuple[str, ...]
    baselines: dict[str, str]
    usage: tuple[str, ...] = ()  # early-usage inputs of the classifier only (blank until measured)


def time_split(subscriptions: pd.DataFrame, test_cutoff, horizon_months: int, data_end,
               covariates: Sequence[str], usage: Sequence[str] = ()) -> TimeSplit:
    """Snapshots at ``test_cutoff - horizon_months`` (train) and ``test_cutoff`` (test), and their inputs.

    Model inputs: ``tenure_months`` and ``covariates`` (categories as 0/1 columns against the
    training snapshot's most common level), then the ``usage`` columns as numbers, blank
    where not yet measured on the cut-off (:data:`clvlib.analysis.ml_features.KNOWN_AFTER_DAYS`;
    the gradient-boosted classifier reads blanks, the Cox model does not get these). Raises ValueError when the data end before
    ``test_cutoff + horizon_months`` (the test labels would be incomplete).
    """
    cut, end = parse_date(test_cutoff, "test cut-off"), parse_date(data_end, "data end")
    horizon_end = months_after(cut, horizon_months)
    if horizon_end > end:
        raise ValueError(f"The test cut-off {cut.date()} plus {horizon_months} months ends on {horizon_end.date()}, "
                         f"after the data end {end.date()}: the labels would be incomplete. "
                         f"Choose a cut-off on or before {months_after(end, -horizon_months).date()}.")
    train_cut = months_after(cut, -horizon_months)
    shown = [c for c in ("monthly_revenue",) if c in subscriptions.columns and c not in covariates]  # for the list
    attributes = [*covariates, *usage, *shown]
    train = subscriber_snapshot(subscriptions, train_cut, horizon_months, attributes)
    test = subscriber_snapshot(subscriptions, cut, horizon_months, attributes)
    for name, snap in (("training", train), ("test", test)):
        if snap["cancelled_within"].nunique() < 2:
            raise ValueError(f"In the {name} snapshot ({snap.attrs['cutoff']}) nobody or everybody cancelled "
                             f"within {horizon_months} months: choose another cut-off or horizon.")
    inputs = ["tenure_months", *covariates]
    X_train, baselines = design_matrix(train, inputs, table_name="training snapshot")
    X_test = _inputs_like(test, inputs, baselines, X_train.columns)
    X_train, X_test = (X.assign(**{u: snap[u].astype(float).to_numpy() for u in usage})
                       for X, snap in ((X_train, train), (X_test, test)))
    return TimeSplit(train, test, X_train, X_test, tuple(covariates), baselines, tuple(usage))


def _inputs_like(frame: pd.DataFrame, inputs: Sequence[str], baselines: dict[str, str], columns) -> pd.DataFrame:
    """The design matrix of ``frame`` with exactly ``columns`` (a level it lacks is a column of zeros)."""
    parts = []
    for name in inputs:
        values = frame[name]
        if name in baselines:
            levels = values.astype(str)
            parts += [levels.eq(c.split("=", 1)[1]).astype(float).rename(c) for c in columns if c.startswith(f"{name}=")]
        else:
            parts.append(values.astype(float).rename(name))
    return pd.concat(parts, axis=1)[list(columns)]


def without_usage(split: TimeSplit) -> TimeSplit:
    """The same split with the early-usage inputs left out (to see what they add)."""
    usage = list(split.usage)
    return replace(split, X_train=split.X_train.drop(columns=usage), X_test=split.X_test.drop(columns=usage), usage=())


def churn_classifier(seed: int = 0):
    """Gradient-boosted trees for "cancels within the horizon" (shallow, slow learning, L2-penalised)."""
    ensemble = sklearn_module("ensemble")
    return ensemble.HistGradientBoostingClassifier(
        learning_rate=0.05, max_iter=100, max_leaf_nodes=8, min_samples_leaf=30,
        l2_regularization=1.0, early_stopping=False, random_state=seed)


def classifier_churn_probability(split: TimeSplit, seed: int = 0) -> pd.Series:
    """Train on the training snapshot, predict each test subscriber's chance of cancelling (index: customer_id)."""
    model = churn_classifier(seed)  # imported first: threadpoolctl limits only libraries already loaded
    with threadpool_limits(limits=1):
        model.fit(split.X_train.to_numpy(), split.train["cancelled_within"].to_numpy())
        probability = model.predict_proba(split.X_test.to_numpy())[:, 1]
    return pd.Series(probability, index=pd.Index(split.test["customer_id"], name="customer_id"), name="gradient boosting")


def cox_churn_probability(subscriptions: pd.DataFrame, split: TimeSplit) -> pd.Series:
    """Lesson 03's Cox model fitted on lifetimes up to the test cut-off: P(cancel within k months | tenure)."""
    cut = pd.Timestamp(split.test.attrs["cutoff"])
    known = subscriptions[pd.to_datetime(subscriptions["signup_date"]) <= cut]
    durations = durations_from_subscriptions(known, cut)
    cox = fit_cox(durations, list(split.covariates), baselines=split.baselines)
    X = _inputs_like(split.test, list(split.covariates), cox.baselines_, cox.params_.index)
    horizon = float(split.test.attrs["horizon_months"])
    tenure = split.test["tenure_months"].to_numpy(dtype=float)
    staying = cox.predict_survival_function(X, times=[horizon], conditional_after=tenure).to_numpy()[0]
    return pd.Series(1.0 - staying, index=pd.Index(split.test["customer_id"], name="customer_id"), name="Cox (lesson 03)")


def at_risk_list(split: TimeSplit, probability: pd.Series, top: int = 20) -> pd.DataFrame:
    """The ``top`` test subscribers most likely to cancel, with their monthly revenue at risk when known."""
    table = split.test.set_index("customer_id").assign(churn_probability=probability)
    if "monthly_revenue" in table.columns:
        table["revenue_at_risk_monthly"] = table["churn_probability"] * table["monthly_revenue"].astype(float)
    keep = ["churn_probability", "tenure_months", *split.covariates, *split.usage,
            *[c for c in ("monthly_revenue", "revenue_at_risk_monthly") if c in table.columns and c not in split.covariates]]
    ranked = table.sort_values(["churn_probability", "tenure_months"], ascending=[False, True], kind="stable")
    return ranked[list(dict.fromkeys(keep))].head(top)


def churn_rate(split: TimeSplit) -> float:
    """Share of the test snapshot that cancelled within the horizon (what a random ranking catches per call)."""
    return float(np.mean(split.test["cancelled_within"]))
