"""Shared machinery for the maximum-likelihood fitters: optimiser, standard errors, summary table.

Every fitted model (sBG, constant churn, BG/NBD, Gamma-Gamma) hands these helpers its
log-likelihood as ``value_and_grad(params) -> (LL, dLL/dparams)`` with the exact gradient.
Parameters are optimised on the log scale (so they stay positive without bounds that
distort the search) with L-BFGS-B. Standard errors come from the Hessian of the
log-likelihood, obtained by differencing the exact gradient.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import optimize, stats

LOG_BOUND = 18.0  # parameters are kept within exp(+-18) ~ [1.5e-8, 6.6e7]
# The objective where the log-likelihood is undefined (NaN or -inf): far above any value of the
# O(1)-scaled objective, yet finite. With inf, L-BFGS-B's line search stops at the failed step
# and reports success, leaving the fit wherever it was; a finite wall makes it step back.
UNDEFINED_OBJECTIVE = 1e10


def maximize_log_likelihood(
    value_and_grad: Callable[[np.ndarray], tuple[float, np.ndarray]],
    start,
    names: list[str],
    model: str,
    *,
    log_bounds: tuple[float, float] = (-LOG_BOUND, LOG_BOUND),
    raise_at_edge: bool = True,
) -> np.ndarray:
    """Maximise a log-likelihood given as value_and_grad(params) -> (LL, dLL/dparams).

    ``start`` is one vector of log-parameters, or several (one per row): the best of
    the fits from each start is kept. Raises ValueError in plain English when the
    optimiser fails or, with ``raise_at_edge``, when a parameter runs to the edge of
    ``log_bounds`` (the data do not pin the model down). A model whose edge has a
    meaning of its own (the sBG's edge is constant churn) passes ``raise_at_edge=False``.
    """

    def objective(theta):
        params = np.exp(theta)
        ll, grad = value_and_grad(params)
        if not np.isfinite(ll):
            return UNDEFINED_OBJECTIVE, np.zeros_like(theta)
        return -ll * scale, -grad * params * scale  # chain rule for the log scale

    starts = np.atleast_2d(np.asarray(start, dtype=float))
    # Scale so the objective is O(1): tolerances then mean the same for 100 or 10^6 customers.
    ll0, _ = value_and_grad(np.exp(starts[0]))
    scale = 1.0 / max(abs(ll0), 1.0)
    lower, upper = log_bounds
    best = None
    for theta0 in starts:
        result = optimize.minimize(
            objective,
            theta0,
            jac=True,
            method="L-BFGS-B",
            bounds=[(lower, upper)] * len(theta0),
            # ftol 1e-12 on an O(1) objective: the log-likelihood is exact to ~1e-11 relative.
            options={"maxiter": 5000, "ftol": 1e-12, "gtol": 1e-8},
        )
        if best is None or result.fun < best.fun:
            best = result
    theta = best.x
    at_edge = (theta < lower + 1.0) | (theta > upper - 1.0)
    if raise_at_edge and at_edge.any():
        which = ", ".join(n for n, e in zip(names, at_edge, strict=True) if e)
        raise ValueError(
            f"The {model} fit did not settle: {which} ran off towards "
            f"{'zero' if theta[at_edge][0] < (lower + upper) / 2 else 'infinity'}. The data do not pin the model "
            "down (too few customers, or too few with repeat purchases); use more customers "
            "or a longer calibration period."
        )
    _, grad = objective(theta)
    grad = np.where(at_edge, 0.0, grad)  # at a bound the slope may point outwards
    if not np.all(np.isfinite(theta)) or (not best.success and np.max(np.abs(grad)) > 1e-4):
        raise ValueError(f"The {model} fit did not converge ({best.message}).")
    return np.exp(theta)


def penalized(
    value_and_grad: Callable[[np.ndarray], tuple[float, np.ndarray]], penalizer_coef: float, n_obs: float
) -> Callable[[np.ndarray], tuple[float, np.ndarray]]:
    """The log-likelihood minus an L2 (ridge) penalty on the log-parameters.

    Minimised, ``-LL/n_obs + penalizer_coef * sum(ln(params)**2)``: the penalty is added to
    the *mean* negative log-likelihood per customer, as in lifetimes, so one coefficient means
    the same for 100 or 10^6 customers. Unlike lifetimes 0.11.3, which squares the parameters
    themselves (pulling alpha, a scale in periods, towards 0), the penalty is on their
    logarithms: it pulls every parameter towards 1 and is the same whatever the time unit
    moves a scale parameter to. Read as a log-prior, the estimates are a posterior mode and
    the standard errors from this function's Hessian are its Laplace approximation.
    ``penalizer_coef = 0`` returns ``value_and_grad`` itself: the unpenalised fit, exactly.

    >>> f = penalized(lambda p: (-float(np.sum((p - 3.0) ** 2)), -2 * (p - 3.0)), 0.5, 10)
    >>> value, grad = f(np.array([np.e]))   # the penalty at ln(params) = 1 is 0.5 * 1 * 10 customers
    >>> round(value, 4), round(float(grad[0]), 4)
    (-5.0794, -3.1154)
    """
    coef = float(penalizer_coef)
    if not (np.isfinite(coef) and coef >= 0):
        raise ValueError(f"penalizer_coef must be a number 0 or more (0.001 to 0.1 is usual); got {penalizer_coef!r}.")
    if coef == 0:
        return value_and_grad
    weight = coef * float(n_obs)

    def value_and_grad_penalized(params):
        params = np.asarray(params, dtype=float)
        ll, grad = value_and_grad(params)
        log_params = np.log(params)
        return ll - weight * float(np.sum(log_params**2)), grad - weight * 2.0 * log_params / params

    return value_and_grad_penalized


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


def covariance_matrix(
    value_and_grad: Callable[[np.ndarray], tuple[float, np.ndarray]], params: np.ndarray
) -> np.ndarray:
    """The asymptotic covariance (-H)^-1 of the estimates, H the Hessian of the log-likelihood at ``params``.

    H is differenced from the exact gradient that ``value_and_grad`` returns. Raises
    ``numpy.linalg.LinAlgError`` when H is singular.
    """
    hessian = hessian_from_gradient(lambda p: value_and_grad(p)[1], np.asarray(params, dtype=float))
    return np.linalg.inv(-hessian)


def standard_errors(
    value_and_grad: Callable[[np.ndarray], tuple[float, np.ndarray]], params: np.ndarray
) -> np.ndarray:
    """Standard errors sqrt(diag((-H)^-1)) from the Hessian H of the log-likelihood at ``params``.

    A flat direction (a singular or indefinite Hessian) gives NaN for the parameters it touches.
    """
    try:
        variance = np.diag(covariance_matrix(value_and_grad, params))
    except np.linalg.LinAlgError:
        return np.full(len(params), np.nan)
    return np.sqrt(np.where(variance > 0, variance, np.nan))


def log_parameter_covariance(model) -> np.ndarray:
    """Covariance of a fitted model's log-parameters (delta method: Cov(theta) / (theta theta')).

    ``model`` is a :class:`clvlib.models.base.FittedModel` fitted on data (it keeps the
    log-likelihood whose Hessian gives the covariance). Raises ValueError in plain English for
    a model built from known parameters or whose Hessian is not negative definite.
    """
    name = type(model).__name__
    value_and_grad = getattr(model, "_value_and_grad", None)
    if getattr(model, "params_", None) is None or value_and_grad is None:
        raise ValueError(
            f"This {name} has no parameter uncertainty: it was not fitted on data (built with "
            "from_params or loaded from a file). Fit it on customer histories first."
        )
    params = model.params_.to_numpy(dtype=float)
    try:
        covariance = covariance_matrix(value_and_grad, params) / np.outer(params, params)
    except np.linalg.LinAlgError:
        covariance = np.full((len(params), len(params)), np.nan)
    if not np.all(np.isfinite(covariance)) or np.any(np.linalg.eigvalsh((covariance + covariance.T) / 2) <= 0):
        raise ValueError(
            f"The {name} fit has a flat direction (its Hessian is not negative definite), so its "
            "parameter uncertainty is undefined; use more customers or a penalizer."
        )
    return (covariance + covariance.T) / 2


def summary_table(params: pd.Series, std_error) -> pd.DataFrame:
    """estimate, std_error and a 95% Wald interval (lower_95, upper_95), one row per parameter."""
    estimate = params.to_numpy(dtype=float)
    se = np.asarray(std_error, dtype=float)
    z = stats.norm.ppf(0.975)
    return pd.DataFrame(
        {"estimate": estimate, "std_error": se, "lower_95": estimate - z * se, "upper_95": estimate + z * se},
        index=pd.Index(params.index, name="parameter"),
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


def summary_columns(summary: pd.DataFrame, columns: tuple[str, ...], weights, model: str, hint: str = ""):
    """The named columns of a per-customer summary, and weights (its ``n_customers`` column
    when there is one and no ``weights`` were given)."""
    missing = [c for c in columns if c not in summary.columns]
    if missing:
        raise ValueError(
            f"The customer summary given to {model} has no column {', '.join(missing)} "
            f"(it has {', '.join(map(str, summary.columns))}).{hint}"
        )
    if weights is None and "n_customers" in summary.columns:
        weights = summary["n_customers"]
    return [summary[c] for c in columns], weights
