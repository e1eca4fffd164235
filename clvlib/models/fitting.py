"""Shared machinery for the maximum-likelihood fitters (BG/NBD, Gamma-Gamma).

Parameters are optimised on the log scale (so they stay positive without bounds that
distort the search) with L-BFGS-B and the models' exact gradients. Standard errors come
from the Hessian of the log-likelihood, obtained by differencing the exact gradient.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import optimize, stats

LOG_BOUND = 18.0  # parameters are kept within exp(+-18) ~ [1.5e-8, 6.6e7]


def maximize_log_likelihood(
    value_and_grad: Callable[[np.ndarray], tuple[float, np.ndarray]],
    start: np.ndarray,
    names: list[str],
    model: str,
) -> np.ndarray:
    """Maximise a log-likelihood given as value_and_grad(params) -> (LL, dLL/dparams).

    Raises ValueError in plain English when the optimiser fails or a parameter runs to
    the edge of the allowed range (the data do not pin the model down).
    """

    def objective(theta):
        params = np.exp(theta)
        ll, grad = value_and_grad(params)
        if not np.isfinite(ll):
            return np.inf, np.zeros_like(theta)
        return -ll * scale, -grad * params * scale  # chain rule for the log scale

    # Scale so the objective is O(1): tolerances then mean the same for 100 or 10^6 customers.
    ll0, _ = value_and_grad(np.exp(start))
    scale = 1.0 / max(abs(ll0), 1.0)
    result = optimize.minimize(
        objective,
        start,
        jac=True,
        method="L-BFGS-B",
        bounds=[(-LOG_BOUND, LOG_BOUND)] * len(start),
        # ftol 1e-12 on an O(1) objective: the log-likelihood is exact to ~1e-11 relative.
        options={"maxiter": 5000, "ftol": 1e-12, "gtol": 1e-8},
    )
    theta = result.x
    at_edge = np.abs(theta) > LOG_BOUND - 1.0
    if at_edge.any():
        which = ", ".join(n for n, e in zip(names, at_edge, strict=True) if e)
        raise ValueError(
            f"The {model} fit did not settle: {which} ran off towards "
            f"{'zero' if theta[at_edge][0] < 0 else 'infinity'}. The data do not pin the model "
            "down (too few customers, or too few with repeat purchases); use more customers "
            "or a longer calibration period."
        )
    _, grad = objective(theta)
    if not np.all(np.isfinite(theta)) or (not result.success and np.max(np.abs(grad)) > 1e-4):
        raise ValueError(f"The {model} fit did not converge ({result.message}).")
    return np.exp(theta)


def hessian_from_gradient(grad: Callable[[np.ndarray], np.ndarray], params: np.ndarray) -> np.ndarray:
    """Central differences of an exact gradient (relative step 1e-5), symmetrised."""
    k = len(params)
    hess = np.empty((k, k))
    for i in range(k):
        h = 1e-5 * max(abs(params[i]), 1e-8)
        up, down = params.copy(), params.copy()
        up[i] += h
        down[i] -= h
        hess[:, i] = (grad(up) - grad(down)) / (2 * h)
    return (hess + hess.T) / 2


def summary_table(
    value_and_grad: Callable[[np.ndarray], tuple[float, np.ndarray]], params: np.ndarray, names: list[str]
) -> pd.DataFrame:
    """coef, se(coef) and a 95% Wald interval, one row per parameter.

    The standard errors come from the Hessian of the log-likelihood at ``params``,
    differenced from the exact gradient that ``value_and_grad`` returns.
    """
    hessian = hessian_from_gradient(lambda p: value_and_grad(p)[1], params)
    try:
        cov = np.linalg.inv(-hessian)
        se = np.sqrt(np.where(np.diag(cov) > 0, np.diag(cov), np.nan))
    except np.linalg.LinAlgError:
        se = np.full(len(params), np.nan)
    z = stats.norm.ppf(0.975)
    return pd.DataFrame(
        {
            "coef": params,
            "se(coef)": se,
            "coef lower 95%": params - z * se,
            "coef upper 95%": params + z * se,
        },
        index=pd.Index(names, name="parameter"),
    )


def dot(a: np.ndarray, b: np.ndarray) -> float:
    """Sum of a*b without BLAS: on long vectors multithreaded BLAS dot products spin up
    threads on every call, which made fits several times slower on small machines."""
    return float(np.add.reduce(a * b))


def as_float_array(values, name: str) -> np.ndarray:
    """A 1-d float array with a clear error for missing or non-numeric values."""
    raw = np.asarray(values).ravel()
    if raw.dtype.kind in "fiub":
        arr = raw.astype(float, copy=False)
    else:
        arr = np.asarray(pd.to_numeric(pd.Series(raw), errors="coerce"), dtype=float)
    if arr.size == 0:
        raise ValueError(f"{name} is empty: there are no customers to fit.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} has {int((~np.isfinite(arr)).sum())} missing or infinite values.")
    return arr
