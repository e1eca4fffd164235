"""Discounting: the factor 1 / (1 + d)^t that turns a future amount into today's money.

One function computes it for every part of the package: the closed-form formulas, the
discounted lifetime of a survival curve, the acquisition payback curves and the
predictive CLV. The rate ``d`` is per period of ``t`` (convert a yearly rate with
:func:`clvlib.core.units.convert_rate`).

>>> discount_factors(3, 0.10).round(4).tolist()           # paid at t = 0, 1, 2
[1.0, 0.9091, 0.8264]
>>> discount_factors_at([0.5, 1.0], 0.10).round(4).tolist()
[0.9535, 0.9091]
"""

from __future__ import annotations

import numpy as np


def check_discount_rate(value, name: str = "discount_rate") -> np.ndarray | float:
    """The rate as a float (or array), or a plain-English ValueError when it is not above -1."""
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any(arr <= -1):
        raise ValueError(f"{name} must be above -1 (0.10 = 10% per period); got {value!r}.")
    return arr if arr.ndim else float(arr)


def discount_factors_at(times, discount_rate: float) -> np.ndarray:
    """1 / (1 + d)^t at any (fractional) times ``t``, counted in periods of the rate."""
    d = check_discount_rate(discount_rate)
    return (1.0 + d) ** -np.asarray(times, dtype=float)


def discount_factors(n_periods: int, discount_rate: float, first_payment_now: bool = True) -> np.ndarray:
    """1 / (1 + d)^t for the n_periods payment times.

    ``first_payment_now=True``: payments at t = 0, 1, ..., n - 1 (the first is not
    discounted, as with a subscription paid at signup). ``False``: at t = 1, ..., n
    (every payment at the end of its period, the finance-textbook convention).

    >>> discount_factors(2, 0.10, first_payment_now=False).round(4).tolist()
    [0.9091, 0.8264]
    """
    if int(n_periods) != n_periods or n_periods < 0:
        raise ValueError(f"n_periods must be a whole number 0 or more; got {n_periods!r}.")
    start = 0 if first_payment_now else 1
    return discount_factors_at(np.arange(start, start + int(n_periods)), discount_rate)
