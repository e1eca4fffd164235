"""The BG/NBD with time-invariant customer covariates on purchase and dropout (channel, plan, ...).

Following Fader & Hardie (2007), "Incorporating time-invariant covariates into the Pareto/NBD
and BG/NBD models" (brucehardie.com note 019), each customer i with covariates z_i (a row of
numbers: 0/1 dummies for a channel or a plan, or a centred numeric value) has

* alpha_i = alpha * exp(-gamma' z_i): the mean purchase rate r / alpha_i is the base's times
  exp(gamma' z_i), so **exp(gamma_k) multiplies the purchase rate** per unit of z_k;
* a_i = a * exp(delta' z_i) with b shared: the odds a_i / b of the mean dropout probability
  after a purchase are the base's times exp(delta' z_i), so **exp(delta_k) multiplies the
  odds of dropping out**.

Why BG/NBD and not Pareto/NBD: its likelihood is closed form (no hypergeometric function per
customer), so a fit with a different alpha_i and a_i for every row stays fast and its gradient
exact. Why one dropout coefficient per covariate where the note puts one on a and one on b: a
and b are weakly identified even without covariates (CDNOW's standard errors are a third of
their estimates), a second vector would mostly be noise, and one multiplier on the dropout
odds is what a manager can read. The base (z = 0) is the reference group: code a channel as
dummies that leave one channel out (``pandas.get_dummies(..., drop_first=True)``).

The parameters are all positive, as every model's: r, alpha, a, b and the multipliers
``purchase[<covariate>]`` = exp(gamma_k) and ``dropout[<covariate>]`` = exp(delta_k), fitted
on the log scale (so the optimiser works on gamma and delta themselves). :attr:`effects`
reports each multiplier with a 95% interval exp(log m +- 1.96 se(log m)). Without covariates
the model is the BG/NBD, to the last digit of its log-likelihood.

Example
-------
>>> from clvlib.data.simulate_covariates import simulate_bgnbd_covariate_histories
>>> histories = simulate_bgnbd_covariate_histories(4000, purchase_multiplier=2.0, seed=3)
>>> model = BetaGeoNBDWithCovariates("week").fit(histories, covariates=["web"])
>>> list(model.params_.index)
['r', 'alpha', 'a', 'b', 'purchase[web]', 'dropout[web]']
>>> effect = model.effects.loc[("purchase", "web")]
>>> bool(effect["lower_95"] < 2.0 < effect["upper_95"])
True
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import digamma, expit, gammaln, hyp2f1

from clvlib.core.units import TimeUnit
from clvlib.models.base import FittedModel, check_fitted
from clvlib.models.fitting import log_parameter_covariance, maximize_log_likelihood, penalized
from clvlib.models.noncontractual.bgnbd import BetaGeoNBD, histories_table

BASE = ("r", "alpha", "a", "b")
PROCESSES = ("purchase", "dropout")


def parameter_names(covariates) -> tuple[str, ...]:
    """r, alpha, a, b, then purchase[z] for every covariate, then dropout[z]."""
    return BASE + tuple(f"{p}[{c}]" for p in PROCESSES for c in covariates)


def customer_parameters(params, z) -> tuple[float, np.ndarray, np.ndarray, float]:
    """(r, alpha_i, a_i, b) for covariate rows ``z`` (n x k) under ``params`` (4 + 2k, in name order)."""
    params = np.asarray(params, dtype=float)
    k = (len(params) - 4) // 2
    z = np.asarray(z, dtype=float)
    if z.ndim != 2 or z.shape[1] != k:
        raise ValueError(f"Covariates must be a table with one column per covariate ({k}); got shape {z.shape}.")
    log_purchase, log_dropout = np.log(params[4:4 + k]), np.log(params[4 + k:])
    alpha_i = params[1] * np.exp(-(z @ log_purchase))
    a_i = params[2] * np.exp(z @ log_dropout)
    return float(params[0]), alpha_i, a_i, float(params[3])


def log_likelihood_and_gradient(params, frequency, recency, T, z, weights=None):
    """Weighted BG/NBD log-likelihood with alpha_i and a_i per row, and its exact gradient.

    The per-row derivatives in (r, alpha_i, a_i, b) are the BG/NBD's
    (:func:`clvlib.models.noncontractual.bgnbd.log_likelihood_and_gradient`); the chain rule
    gives d alpha_i / d alpha = alpha_i / alpha, d alpha_i / d m_k = -z_k alpha_i / m_k for a
    purchase multiplier m_k, and d a_i / d a = a_i / a, d a_i / d d_k = z_k a_i / d_k.
    """
    x, t_x, big_t = (np.asarray(v, dtype=float).ravel() for v in (frequency, recency, T))
    n = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float).ravel()
    params = np.asarray(params, dtype=float)
    z = np.asarray(z, dtype=float).reshape(len(x), -1)
    k = z.shape[1]
    r, alpha_i, a_i, b = customer_parameters(params, z)
    repeat = x > 0
    b_x1 = np.where(repeat, b + x - 1, 1.0)
    log_a3 = -(r + x) * np.log(alpha_i + big_t)
    log_a4 = np.where(repeat, np.log(a_i) - np.log(b_x1) - (r + x) * np.log(alpha_i + t_x), -np.inf)
    log_mix = np.logaddexp(log_a3, log_a4)
    w = np.where(repeat, np.exp(np.maximum(log_a4 - log_mix, -700.0)), 0.0)
    ll = (
        gammaln(r + x) - gammaln(r) + r * np.log(alpha_i)
        + gammaln(a_i + b) + gammaln(b + x) - gammaln(b) - gammaln(a_i + b + x) + log_mix
    )
    psi_ab, psi_abx = digamma(a_i + b), digamma(a_i + b + x)
    d_r = digamma(r + x) - digamma(r) + np.log(alpha_i) - (1 - w) * np.log(alpha_i + big_t) - w * np.log(alpha_i + t_x)
    d_alpha_i = r / alpha_i - (r + x) * ((1 - w) / (alpha_i + big_t) + w / (alpha_i + t_x))
    d_a_i = psi_ab - psi_abx + w / a_i
    d_b = psi_ab + digamma(b + x) - digamma(b) - psi_abx - np.where(repeat, w / b_x1, 0.0)
    n_alpha, n_a = n * d_alpha_i * alpha_i, n * d_a_i * a_i  # derivatives in ln(alpha_i), ln(a_i)
    grad = np.concatenate([
        [n @ d_r, n_alpha.sum() / params[1], n_a.sum() / params[2], n @ d_b],
        -(n_alpha @ z) / params[4:4 + k],
        (n_a @ z) / params[4 + k:],
    ])
    return float(n @ ll), grad


class BetaGeoNBDWithCovariates(FittedModel):
    """BG/NBD with covariates on the purchase rate and the dropout odds; time in ``time_unit``.

    ``fit(summary, covariates=[...])`` takes a per-customer summary with frequency, recency, T
    and numeric covariate columns (an ``n_customers`` column or ``weights`` counts the
    customers each row stands for). Fitted: ``params_`` (r, alpha, a, b, ``purchase[z]``,
    ``dropout[z]``), ``summary`` with standard errors, :attr:`effects` (multipliers with 95%
    intervals), ``covariates_``, ``log_likelihood_``, ``n_obs_``, ``n_histories_`` (distinct
    (history, covariates) rows fitted). ``param_names`` is r, alpha, a, b on the class and
    grows by two per covariate on a fitted model. ``penalizer_coef`` is a ridge on every
    log-parameter, so on gamma and delta too (:func:`clvlib.models.fitting.penalized`).
    """

    param_names = BASE
    fit_call = "fit(summary, covariates=[...])"

    def __init__(self, time_unit: TimeUnit | str = "week", penalizer_coef: float = 0.0):
        super().__init__(time_unit)
        self.penalizer_coef = penalizer_coef  # L2 on ln(params): clvlib.models.fitting.penalized

    def fit(self, summary: pd.DataFrame, covariates=(), weights=None) -> BetaGeoNBDWithCovariates:
        """Fit on distinct (frequency, recency, T, covariates) rows; returns self."""
        covariates = [covariates] if isinstance(covariates, str) else list(covariates)
        z = _covariate_matrix(summary, covariates)
        histories_table(self, summary, None, None, weights, "BG/NBD with covariates")  # validates
        weights = summary["n_customers"] if weights is None and "n_customers" in summary else weights
        n = np.ones(len(summary)) if weights is None else np.asarray(weights, dtype=float)
        table = pd.DataFrame(z, columns=covariates).assign(
            frequency=summary["frequency"].to_numpy(float), recency=summary["recency"].to_numpy(float),
            T=summary["T"].to_numpy(float), n_customers=n)
        table = table.groupby(["frequency", "recency", "T", *covariates], sort=False, as_index=False).sum()
        table = table[table["n_customers"] > 0]
        x, t_x, big_t, n = (table[c].to_numpy(float) for c in ("frequency", "recency", "T", "n_customers"))
        z = table[covariates].to_numpy(float).reshape(len(table), len(covariates))

        def value_and_grad(params):
            return log_likelihood_and_gradient(params, x, t_x, big_t, z, n)

        objective = penalized(value_and_grad, self.penalizer_coef, n.sum())
        names = parameter_names(covariates)
        # Start from the BG/NBD without covariates (no effect: every multiplier 1).
        plain = BetaGeoNBD(self.time_unit).fit(x, t_x, big_t, n).params_.to_numpy()
        start = np.log(np.r_[plain, np.ones(2 * len(covariates))])
        params = maximize_log_likelihood(objective, start, list(names), "BG/NBD with covariates")
        self._set_names(covariates)
        self._set_fit(params, time_unit=self.time_unit, log_likelihood=value_and_grad(params)[0],
                      n_obs=n.sum(), value_and_grad=objective)
        self.n_histories_ = len(table)
        return self

    def _set_names(self, covariates) -> None:
        self.covariates_ = list(covariates)
        self.param_names = parameter_names(self.covariates_)

    # ------------------------------------------------------------------ known parameters, save, load
    @classmethod
    def from_params(cls, params, *, time_unit: TimeUnit | str) -> BetaGeoNBDWithCovariates:
        """A model from known parameters: r, alpha, a, b and a ``purchase[z]`` and ``dropout[z]``
        multiplier for each covariate z (by name; by position only r, alpha, a, b)."""
        covariates: list[str] = []
        if isinstance(params, Mapping | pd.Series):
            effects = {k: float(v) for k, v in params.items() if str(k).startswith(tuple(f"{p}[" for p in PROCESSES))}
            covariates = [k[len("purchase["):-1] for k in effects if k.startswith("purchase[")]
            expected = set(parameter_names(covariates)) - set(BASE)
            if set(effects) != expected:
                raise ValueError(
                    "BetaGeoNBDWithCovariates needs a purchase[z] and a dropout[z] multiplier for every "
                    f"covariate z; got {', '.join(effects)}."
                )
            bad = [k for k, v in effects.items() if not (np.isfinite(v) and v > 0)]
            if bad:
                raise ValueError(f"BetaGeoNBDWithCovariates multipliers must be positive numbers; check {', '.join(bad)}.")
            values = np.r_[cls._checked_params({k: v for k, v in params.items() if k not in effects}),
                           [effects[n] for n in parameter_names(covariates)[4:]]]
        else:
            values = cls._checked_params(params)
        model = cls(time_unit=time_unit)
        model._set_names(covariates)
        model._set_fit(values, time_unit=time_unit, log_likelihood=float("nan"), n_obs=float("nan"))
        model.n_histories_ = None
        return model

    @classmethod
    def from_dict(cls, saved) -> BetaGeoNBDWithCovariates:
        """The model that :meth:`to_dict` saved (its covariates are in the parameter names)."""
        model = super().from_dict(saved)
        errors = saved.get("std_error") or {}
        model._std_error = np.array([np.nan if errors.get(n) is None else float(errors[n]) for n in model.param_names])
        return model

    def _extra_state(self) -> dict:
        return {"n_histories": self.n_histories_, "penalizer_coef": float(self.penalizer_coef)}

    def _restore_extra_state(self, extra: dict) -> None:
        self.n_histories_ = extra.get("n_histories")
        self.penalizer_coef = float(extra.get("penalizer_coef", 0.0))

    # ------------------------------------------------------------------ effects
    @property
    def effects(self) -> pd.DataFrame:
        """One row per (process, covariate): the multiplier and its 95% interval, from the log scale.

        ``purchase`` rows multiply the purchase rate, ``dropout`` rows the odds of dropping out
        after a purchase, per unit of the covariate. Intervals are exp(ln m +- 1.96 se(ln m)) with
        se from the Hessian of the fit (NaN for a model built from known parameters).
        """
        check_fitted(self)
        names = list(self.param_names[4:])
        multiplier = self.params_.to_numpy()[4:]
        if getattr(self, "_value_and_grad", None) is None:
            se_log = np.full(len(names), np.nan)
        else:
            se_log = np.sqrt(np.diag(log_parameter_covariance(self)))[4:]
        z = stats.norm.ppf(0.975)
        index = pd.MultiIndex.from_tuples([(n.split("[")[0], n[n.index("[") + 1:-1]) for n in names],
                                          names=["process", "covariate"])
        return pd.DataFrame({"multiplier": multiplier, "lower_95": multiplier * np.exp(-z * se_log),
                             "upper_95": multiplier * np.exp(z * se_log), "se_log": se_log}, index=index)

    # ------------------------------------------------------------------ predictions
    def _customers(self, z, n_rows: int):
        check_fitted(self)
        k = len(self.covariates_)
        if z is None:
            if k:
                raise ValueError(f"Pass the covariates ({', '.join(self.covariates_)}) of the customers to predict for.")
            z = np.zeros((n_rows, 0))
        elif isinstance(z, pd.DataFrame):
            z = _covariate_matrix(z, self.covariates_)
        z = np.asarray(z, dtype=float)
        if z.ndim == 1 and k == 1:
            z = z[:, None]
        return customer_parameters(self.params_.to_numpy(), z)

    def probability_alive(self, frequency, recency, T, covariates=None) -> np.ndarray:
        """P(alive | x, t_x, T, z): the BG/NBD's, with each customer's alpha_i and a_i."""
        x, t_x, big_t = np.broadcast_arrays(*(np.atleast_1d(np.asarray(v, dtype=float)) for v in (frequency, recency, T)))
        r, alpha_i, a_i, b = self._customers(covariates, x.size)
        repeat = x > 0
        log_odds_dead = (np.log(a_i) - np.log(np.where(repeat, b + x - 1, 1.0))
                         + (r + x) * (np.log(alpha_i + big_t) - np.log(alpha_i + t_x)))
        return np.where(repeat, expit(-log_odds_dead), 1.0)

    def conditional_expected_purchases(self, t, frequency, recency, T, covariates=None) -> np.ndarray:
        """E[Y(t) | x, t_x, T, z]: repeat purchases in the next ``t`` periods (FHL eq. 10, per customer)."""
        x, t_x, big_t = np.broadcast_arrays(*(np.atleast_1d(np.asarray(v, dtype=float)) for v in (frequency, recency, T)))
        r, alpha_i, a_i, b = self._customers(covariates, x.size)
        hyp = hyp2f1(r + x, a_i - 1, a_i + b + x - 1, -np.asarray(t, dtype=float) / (alpha_i + big_t))
        alive = self.probability_alive(x, t_x, big_t, covariates)
        return (a_i + b + x - 1) / (a_i - 1) * (1 - hyp) * alive

    def expected_purchases(self, t, covariates=None) -> np.ndarray:
        """Unconditional E[X(t)] of a new customer with covariates z (FHL eq. 9 with alpha_i, a_i)."""
        t = np.atleast_1d(np.asarray(t, dtype=float))
        r, alpha_i, a_i, b = self._customers(covariates, t.size)
        return (a_i + b - 1) / (a_i - 1) * (1 - hyp2f1(r, a_i - 1, a_i + b - 1, -t / alpha_i))


def _covariate_matrix(frame: pd.DataFrame, covariates: list[str]) -> np.ndarray:
    """The covariate columns as numbers, with a plain error naming a missing or non-numeric column."""
    missing = [c for c in covariates if c not in frame.columns]
    if missing:
        raise ValueError(f"The customer summary has no covariate column {', '.join(map(str, missing))} "
                         f"(it has {', '.join(map(str, frame.columns))}).")
    for c in covariates:
        values = pd.to_numeric(frame[c], errors="coerce") if frame[c].dtype != bool else frame[c].astype(float)
        bad = values.isna() | ~np.isfinite(values.astype(float))
        if bad.any():
            rows = ", ".join(map(str, frame.index[bad.to_numpy()][:5]))
            raise ValueError(
                f"Covariate {c!r} has {int(bad.sum())} missing or non-numeric values (customers {rows}). "
                "Covariates must be numbers: code a channel or a plan as 0/1 columns with "
                "pandas.get_dummies(..., drop_first=True), and fill or drop missing values first."
            )
    return frame[covariates].astype(float).to_numpy().reshape(len(frame), len(covariates))


__all__ = ["BetaGeoNBDWithCovariates", "customer_parameters", "log_likelihood_and_gradient", "parameter_names"]
