"""The product-limit (Kaplan-Meier) estimator of a survival curve from censored lifetimes.

S(t) = product over event times u <= t of (1 - d_u / n_u), where d_u customers left at
u and n_u were still at risk just before (lifetime >= u: someone censored at u counts as
at risk at u, as in lifelines). Written once, vectorised, and used by the cohort life
table (whole months) and the LTV:CAC bootstrap (many weighted resamples in one call);
``tests/core/test_product_limit.py`` checks it against lifelines' ``KaplanMeierFitter``.

>>> fit = product_limit([1, 2, 2, 3, 4], [True, True, False, True, False])
>>> fit.times.tolist(), fit.at_risk.tolist(), fit.deaths.tolist()
([1.0, 2.0, 3.0, 4.0], [5, 4, 2, 1], [1, 1, 1, 0])
>>> fit.survival.round(4).tolist()                # 4/5, x 3/4, x 1/2, x 1
[0.8, 0.6, 0.3, 0.3]
>>> step_values(fit.times, fit.survival, [0, 2.5, 9]).round(4).tolist()
[1.0, 0.6, 0.3]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ProductLimit:
    """A product-limit fit at ``times`` (ascending).

    ``at_risk``, ``deaths`` and ``survival`` have one entry per time, or one row per
    replicate and one column per time when the fit was given a matrix of weights.
    """

    times: np.ndarray
    at_risk: np.ndarray
    deaths: np.ndarray
    survival: np.ndarray

    @property
    def hazard(self) -> np.ndarray:
        """d / n at each time: the share of those at risk who left then (0 where nobody was at risk)."""
        return _hazard(self.deaths, self.at_risk)


def _hazard(deaths: np.ndarray, at_risk: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(at_risk > 0, deaths / at_risk, 0.0)


def product_limit(durations, events, weights=None, times=None) -> ProductLimit:
    """Product-limit survival from ``durations`` (any unit) and ``events`` (True = left, False = censored).

    ``weights``: how many times each customer counts (a bootstrap resample is the
    original customers with integer weights); a 2-D array gives one fit per row, all in
    one pass. ``times``: where to report the table (default: every distinct duration).
    The survival is a product over the reported times, so ``times`` must include every
    event time up to the last one you read (whole months do, for anniversary data).
    """
    durations = np.asarray(durations, dtype=float)
    events = np.asarray(events, dtype=bool)
    if durations.ndim != 1 or durations.shape != events.shape:
        raise ValueError("durations and events must be 1-D and of the same length (one entry per customer).")
    if durations.size == 0:
        raise ValueError("There are no lifetimes to estimate a survival curve from.")
    if np.isnan(durations).any() or (durations < 0).any():
        raise ValueError("Every duration must be a number, 0 or more.")
    order = np.argsort(durations, kind="stable")
    durations, events = durations[order], events[order]
    if weights is None:
        weights = np.ones(durations.size, dtype=np.int64)
    else:
        weights = np.asarray(weights)
        if weights.shape[-1] != order.size:
            raise ValueError("weights must have one entry per customer (one row per replicate).")
        weights = weights[..., order]
    times = np.unique(durations) if times is None else np.asarray(times, dtype=float)
    # Running totals from the longest duration down (at risk) and up (events).
    zero = np.zeros(weights.shape[:-1] + (1,), dtype=weights.dtype)
    from_end = np.concatenate([np.cumsum(weights[..., ::-1], axis=-1)[..., ::-1], zero], axis=-1)
    event_total = np.concatenate([zero, np.cumsum(weights * events, axis=-1)], axis=-1)
    first = np.searchsorted(durations, times, side="left")
    after = np.searchsorted(durations, times, side="right")
    at_risk = from_end[..., first]
    deaths = event_total[..., after] - event_total[..., first]
    survival = np.cumprod(1.0 - _hazard(deaths, at_risk), axis=-1)
    return ProductLimit(times=times, at_risk=at_risk, deaths=deaths, survival=survival)


def step_values(times, values, at) -> np.ndarray:
    """A right-continuous step curve read at ``at``: the value at the last time <= t, 1 before the first.

    ``values`` may have one row per replicate (columns follow ``times``).
    """
    times = np.asarray(times, dtype=float)
    values = np.asarray(values, dtype=float)
    position = np.searchsorted(times, np.asarray(at, dtype=float), side="right") - 1
    return np.where(position >= 0, values[..., np.maximum(position, 0)], 1.0)
