"""How good is a prediction? Error, ranking and calibration scores for per-customer forecasts.

Two kinds of forecast, one module:

* **values** (holdout spend per customer): :func:`mean_absolute_error`, :func:`root_mean_squared_error`,
  :func:`spearman_rank_correlation`, :func:`top_share_lift` (how much more the top decile by
  prediction spent than the average customer) and :func:`calibration_by_decile` (mean predicted
  against mean actual, decile by decile); :func:`value_scores` puts them in one row;
* **events** (will a subscriber cancel?): :func:`area_under_roc` (AUC, the chance that a random
  churner is ranked above a random stayer) and :func:`lift_table` (the lift chart's data).

Ties in a ranking are shared fairly: customers tied at the cut of a top share count pro rata,
and the AUC gives a tied churner/stayer pair half a point, so no score depends on row order.

Example
-------
>>> actual = [0.0, 10.0, 0.0, 30.0]
>>> predicted = [1.0, 8.0, 2.0, 20.0]
>>> round(mean_absolute_error(actual, predicted), 2), round(root_mean_squared_error(actual, predicted), 2)
(3.75, 5.22)
>>> area_under_roc([0, 1, 0, 1], [0.1, 0.8, 0.3, 0.2])
0.75
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats


def _pair(actual, predicted, what: str = "predicted") -> tuple[np.ndarray, np.ndarray]:
    """Both as float arrays of one length, with a plain error for a mismatch or a missing value."""
    a = np.asarray(actual, dtype=float)
    p = np.asarray(predicted, dtype=float)
    if a.shape != p.shape or a.ndim != 1:
        raise ValueError(f"actual and {what} need one value per customer each; got {a.shape} and {p.shape}.")
    if len(a) == 0:
        raise ValueError("No customers to score.")
    bad = ~(np.isfinite(a) & np.isfinite(p))
    if bad.any():
        raise ValueError(f"{int(bad.sum())} customers have a missing or infinite actual or {what} value "
                         f"(positions {np.flatnonzero(bad)[:5].tolist()}); drop or fill them first.")
    return a, p


def mean_absolute_error(actual, predicted) -> float:
    """Mean of |actual - predicted| (in the values' unit, e.g. dollars per customer)."""
    a, p = _pair(actual, predicted)
    return float(np.mean(np.abs(a - p)))


def root_mean_squared_error(actual, predicted) -> float:
    """Square root of the mean squared error: like the MAE, but large misses weigh more."""
    a, p = _pair(actual, predicted)
    return float(np.sqrt(np.mean((a - p) ** 2)))


def spearman_rank_correlation(actual, predicted) -> float:
    """Spearman's rank correlation (ties get their average rank): does the forecast order customers right?

    >>> round(spearman_rank_correlation([1, 2, 3, 4], [10, 20, 40, 30]), 6)
    0.8
    """
    a, p = _pair(actual, predicted)
    return float(stats.spearmanr(a, p).statistic)


def top_weights(predicted, share: float) -> np.ndarray:
    """Each customer's membership (0 to 1) of the top ``share`` by prediction; ties at the cut share the rest.

    >>> top_weights([5, 3, 3, 1], 0.5).tolist()
    [1.0, 0.5, 0.5, 0.0]
    """
    p = np.asarray(predicted, dtype=float)
    if not 0 < share <= 1:
        raise ValueError(f"share is a fraction of customers between 0 and 1, not {share!r}.")
    slots = share * len(p)
    order = np.sort(p)[::-1]
    cut = order[min(int(np.ceil(slots)) - 1, len(p) - 1)]
    above = p > cut
    tied = p == cut
    weights = above.astype(float)
    weights[tied] = (slots - above.sum()) / tied.sum()
    return weights


def top_share_lift(actual, predicted, share: float = 0.1) -> float:
    """Mean actual value of the top ``share`` by prediction, divided by the mean over everyone.

    2.0 means the customers the forecast puts in its top decile went on to spend twice the
    average; a forecast no better than chance scores about 1.

    >>> top_share_lift([0, 0, 10, 30], [1, 2, 3, 4], share=0.25)
    3.0
    """
    a, p = _pair(actual, predicted)
    weights = top_weights(p, share)
    overall = a.mean()
    if overall == 0:
        raise ValueError("Nobody has any actual value: a lift is undefined.")
    return float((weights @ a / weights.sum()) / overall)


def calibration_by_decile(actual, predicted, n_bins: int = 10) -> pd.DataFrame:
    """Customers cut into ``n_bins`` equal groups by prediction (1 = lowest): mean predicted and actual.

    A calibrated forecast has the two means equal in every group. Ties are kept together
    (groups by rank with ties averaged), so group sizes can differ slightly.

    >>> calibration_by_decile([1, 3, 2, 6], [1, 2, 3, 4], n_bins=2)  # doctest: +NORMALIZE_WHITESPACE
         n_customers  mean_predicted  mean_actual
    bin
    1              2             1.5          2.0
    2              2             3.5          4.0
    """
    a, p = _pair(actual, predicted)
    if not 1 <= n_bins <= len(p):
        raise ValueError(f"n_bins must be between 1 and the number of customers ({len(p)}), not {n_bins}.")
    ranks = stats.rankdata(p, method="average")  # 1..n, ties share a rank
    bins = np.minimum(np.ceil(ranks * n_bins / len(p)).astype(int), n_bins)
    frame = pd.DataFrame({"bin": bins, "predicted": p, "actual": a})
    return frame.groupby("bin").agg(
        n_customers=("actual", "size"), mean_predicted=("predicted", "mean"), mean_actual=("actual", "mean"))


def value_scores(actual, predicted, share: float = 0.1) -> dict[str, float]:
    """One row of the comparison table: MAE, RMSE, Spearman, top-share lift and total predicted / actual."""
    a, p = _pair(actual, predicted)
    return {
        "MAE": mean_absolute_error(a, p),
        "RMSE": root_mean_squared_error(a, p),
        "Spearman": spearman_rank_correlation(a, p),
        f"top {share:.0%} lift": top_share_lift(a, p, share),
        "total predicted / actual": float(p.sum() / a.sum()),
    }


def _labels(labels, scores) -> tuple[np.ndarray, np.ndarray]:
    y, s = _pair(labels, scores, what="score")
    if not np.isin(y, (0, 1)).all():
        raise ValueError("labels must be 0/1 (or False/True): 1 = the event happened (e.g. cancelled).")
    if y.min() == y.max():
        raise ValueError("labels are all the same: an AUC or a lift needs both events and non-events.")
    return y, s


def area_under_roc(labels, scores) -> float:
    """AUC: the chance a random positive (churner) scores above a random negative; ties count half.

    0.5 is a coin toss, 1.0 a perfect ranking. Computed from ranks (Mann-Whitney U).
    """
    y, s = _labels(labels, scores)
    ranks = stats.rankdata(s, method="average")
    n_pos = y.sum()
    n_neg = len(y) - n_pos
    return float((ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def lift_table(labels, scores, n_bins: int = 10) -> pd.DataFrame:
    """The lift chart's data: customers contacted best score first, ``n_bins`` steps.

    Columns: ``share_contacted`` (cumulative share of customers), ``share_of_events_caught``
    (cumulative share of all events among them), ``event_rate`` (in this step) and ``lift``
    (that rate over the overall rate). Ties at a step's cut count pro rata.

    >>> lift_table([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1], n_bins=2)  # doctest: +NORMALIZE_WHITESPACE
          share_contacted  share_of_events_caught  event_rate  lift
    step
    1                 0.5                     0.5         0.5   1.0
    2                 1.0                     1.0         0.5   1.0
    """
    y, s = _labels(labels, scores)
    rows, caught_before, contacted_before = [], 0.0, 0.0
    for step in range(1, n_bins + 1):
        weights = top_weights(s, step / n_bins)
        contacted, caught = weights.sum(), weights @ y
        rate = (caught - caught_before) / (contacted - contacted_before)
        rows.append({"step": step, "share_contacted": step / n_bins, "share_of_events_caught": caught / y.sum(),
                     "event_rate": rate, "lift": rate / y.mean()})
        caught_before, contacted_before = caught, contacted
    return pd.DataFrame(rows).set_index("step")


def error_difference_interval(actual, first, second, n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """MAE and RMSE of ``first`` minus those of ``second``, with a 95% paired-bootstrap interval.

    Customers are resampled with replacement (the same resample for both forecasts), so the
    interval says whether the gap between two forecasts on *these* customers is larger than the
    luck of which customers happened to be in the data. Negative: ``first`` has the smaller error.

    >>> table = error_difference_interval([0, 10, 20, 30], [0, 10, 20, 30], [1, 11, 21, 31], n_boot=50)
    >>> table.round(2)  # doctest: +NORMALIZE_WHITESPACE
          difference  lower_95  upper_95
    MAE         -1.0      -1.0      -1.0
    RMSE        -1.0      -1.0      -1.0
    """
    a, p1 = _pair(actual, first)
    _, p2 = _pair(actual, second)
    rng = np.random.default_rng(seed)
    rows = {}
    draws = rng.integers(0, len(a), size=(n_boot, len(a)))
    for name, power in (("MAE", 1), ("RMSE", 2)):
        e1, e2 = np.abs(a - p1) ** power, np.abs(a - p2) ** power
        root = (lambda v: v) if power == 1 else np.sqrt
        boot = root(e1[draws].mean(axis=1)) - root(e2[draws].mean(axis=1))
        low, high = np.quantile(boot, [0.025, 0.975])
        rows[name] = {"difference": float(root(e1.mean()) - root(e2.mean())), "lower_95": low, "upper_95": high}
    return pd.DataFrame.from_dict(rows, orient="index")
