"""Per-customer CLV intervals from parameter uncertainty (BG/NBD x Gamma-Gamma).

A fitted model's parameters are estimates; on the log scale they are approximately normal
around the estimates with the covariance the likelihood's Hessian gives
(:func:`clvlib.models.fitting.log_parameter_covariance`). We draw parameter vectors from that
normal (BG/NBD and Gamma-Gamma independently: their likelihoods share no parameter and the
data they use are independent under the models), compute every customer's CLV under each
draw exactly as :func:`clvlib.analysis.predictive_clv.customer_lifetime_value` does, and take
percentiles across draws. What the interval covers: the CLV the same formula would give with
the *true* parameters for this customer's history, the expected discounted margin; not the
margin the customer will actually bring, which varies far more (Poisson purchases, random spend).

Speed: the expected discounted purchases of a customer factor into P(alive | x, t_x, T), a
closed form, times the discounted purchases of a customer known to be alive, which depends on
(x, T) only and is where the hypergeometric function is spent. That factor is computed with
the model's own conditional expectation, step by step and discounted as
``customer_lifetime_value`` does, at up to ``T_NODES`` values of T per frequency x (all the
distinct T values when there are that few, else Chebyshev points in ln(alpha + T) where it is
smooth) and interpolated; the interpolation error is below 1e-9 relative (tested). 100,000
customers x 200 draws take seconds, in chunks of customers so memory stays small.

Example
-------
>>> from clvlib.data import load_dataset
>>> from clvlib.models.noncontractual import BetaGeoNBD, GammaGamma
>>> from clvlib.transactions import summarize_transactions
>>> summary = summarize_transactions(load_dataset().orders, "2025-12-31", time_unit="week")
>>> bgnbd, gg = BetaGeoNBD("week").fit(summary), GammaGamma().fit(summary)
>>> table = clv_intervals(bgnbd, gg, summary, horizon=52, horizon_unit="week", margin_rate=0.3,
...                       discount_rate_annual=0.1, level=0.9, n_draws=50, seed=1)
>>> list(table.columns)
['clv', 'lower', 'upper']
>>> bool((table["lower"] <= table["clv"]).mean() > 0.95 and (table["clv"] <= table["upper"]).mean() > 0.95)
True
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.polynomial import chebyshev

from clvlib.analysis.predictive_clv import customer_lifetime_value
from clvlib.core.discounting import discount_factors_at
from clvlib.core.units import TimeUnit, convert_rate
from clvlib.models.fitting import log_parameter_covariance
from clvlib.models.noncontractual import BetaGeoNBD, GammaGamma

T_NODES = 14  # interpolation nodes in T per frequency (Chebyshev; error ~1e-10 relative)
CHUNK_CUSTOMERS = 20_000  # customers x draws computed at once (20,000 x 200 floats = 32 MB)


def draw_parameters(model, n_draws: int, rng: np.random.Generator) -> np.ndarray:
    """``n_draws`` parameter vectors (one per row) from the asymptotic normal of the
    log-parameters of a fitted model, exponentiated (so every draw is positive)."""
    log_params = np.log(model.params_.to_numpy(dtype=float))
    return np.exp(rng.multivariate_normal(log_params, log_parameter_covariance(model), size=n_draws))


@dataclass(frozen=True)
class ClvDraws:
    """CLV of every customer (rows, ``index``) under every parameter draw (columns), in money,
    and the draws themselves (one row per draw, in each model's ``param_names`` order)."""

    values: np.ndarray
    bgnbd_params: np.ndarray
    gamma_gamma_params: np.ndarray
    index: pd.Index


class _AliveValue:
    """Discounted purchases of a customer known to be alive, per draw, interpolated in T."""

    def __init__(self, models, x, big_t, alpha_hat, clv_args):
        self.groups = {}
        rows = []
        for xv in np.unique(x):
            t_values = np.unique(big_t[x == xv])
            if len(t_values) <= T_NODES:
                nodes, span = t_values, None
            else:
                span = (np.log(alpha_hat + t_values[0]), np.log(alpha_hat + t_values[-1]))
                std = np.cos(np.pi * (np.arange(T_NODES) + 0.5) / T_NODES)  # Chebyshev points
                nodes = np.exp((span[0] + span[1]) / 2 + (span[1] - span[0]) / 2 * std) - alpha_hat
                nodes = np.clip(nodes, t_values[0], t_values[-1])
            self.groups[xv] = (slice(len(rows), len(rows) + len(nodes)), nodes, span)
            rows.extend((xv, t) for t in nodes)
        grid_x, grid_t = (np.array([row[i] for row in rows], dtype=float) for i in (0, 1))
        # Recency = T keeps every P(alive) well away from 0; it is divided out below.
        grid_recency = np.where(grid_x > 0, grid_t, 0.0)
        self.alpha_hat = alpha_hat
        # predictive_clv's definition (one step per model period, the last cut at the horizon,
        # discounted from the end of each step), from the same model methods and discount factors.
        horizon = clv_args["horizon"]
        steps = np.minimum(np.arange(1, int(np.ceil(horizon)) + 1, dtype=float), horizon)
        rate = convert_rate(clv_args["discount_rate_annual"], "year", clv_args["horizon_unit"])
        discount = discount_factors_at(steps, rate)
        columns = []
        for bgnbd in models:
            cumulative = bgnbd.conditional_expected_purchases(steps[:, None], grid_x, grid_recency, grid_t)
            alive = bgnbd.probability_alive(grid_x, grid_recency, grid_t)
            columns.append(discount @ np.diff(cumulative, axis=0, prepend=0.0) / alive)
        self.values = np.column_stack(columns)  # grid rows x draws

    def at(self, x, big_t) -> np.ndarray:
        """customers x draws."""
        out = np.empty((len(x), self.values.shape[1]))
        for xv in np.unique(x):
            where = np.flatnonzero(x == xv)
            rows, nodes, span = self.groups[xv]
            if span is None:
                out[where] = self.values[rows][np.searchsorted(nodes, big_t[where])]
            else:
                to_std = (2 * np.log(self.alpha_hat + big_t[where]) - span[0] - span[1]) / (span[1] - span[0])
                from_std = (2 * np.log(self.alpha_hat + nodes) - span[0] - span[1]) / (span[1] - span[0])
                coef = chebyshev.chebfit(from_std, self.values[rows], T_NODES - 1)
                out[where] = chebyshev.chebval(to_std, coef).T
        return out


def _draw_both(bgnbd, gamma_gamma, n_draws, seed) -> tuple[np.ndarray, np.ndarray]:
    """Seeded parameter draws of both models (BG/NBD first)."""
    rng = np.random.default_rng(seed)
    return draw_parameters(bgnbd, n_draws, rng), draw_parameters(gamma_gamma, n_draws, rng)


def _draw_chunks(bgnbd, summary, clv_args, margin_rate, bg_params, gg_params) -> Iterator:
    """(customer slice, CLV of those customers x draws), chunk by chunk."""
    unit = bgnbd.time_unit_
    bg_models = [BetaGeoNBD.from_params(p, time_unit=unit) for p in bg_params]
    gg_models = [GammaGamma.from_params(p, time_unit=unit) for p in gg_params]
    x, t_x, big_t, m = (summary[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T", "monetary_value"))
    alive_value = _AliveValue(bg_models, x, big_t, bgnbd.alpha_, clv_args)
    for start in range(0, len(x), CHUNK_CUSTOMERS):
        part = slice(start, start + CHUNK_CUSTOMERS)
        value = alive_value.at(x[part], big_t[part]) * margin_rate
        for j, (bg, gg) in enumerate(zip(bg_models, gg_models, strict=True)):
            # q <= 1: a spend distribution without a mean; that draw's CLV is unbounded.
            spend = gg.conditional_expected_order_value(x[part], m[part]) if gg.q_ > 1 else np.inf
            value[:, j] *= bg.probability_alive(x[part], t_x[part], big_t[part]) * spend
        yield part, value


def _prepared(bgnbd, gamma_gamma, summary, horizon, horizon_unit, margin_rate, discount_rate_annual, n_draws):
    """The point CLV (customer_lifetime_value validates every input) and the shared arguments."""
    point = customer_lifetime_value(bgnbd, gamma_gamma, summary, horizon, horizon_unit, margin_rate, discount_rate_annual)
    if int(n_draws) != n_draws or n_draws < 20:
        raise ValueError(f"n_draws must be a whole number of at least 20 (200 is usual); got {n_draws!r}.")
    clv_args = {"horizon": horizon, "horizon_unit": TimeUnit.parse(horizon_unit),
                "discount_rate_annual": discount_rate_annual}
    return point, clv_args


def clv_draws(
    bgnbd: BetaGeoNBD, gamma_gamma: GammaGamma, summary: pd.DataFrame, horizon: float,
    horizon_unit: TimeUnit | str, margin_rate: float, discount_rate_annual: float,
    n_draws: int = 200, seed: int = 0,
) -> ClvDraws:
    """Every customer's CLV under ``n_draws`` parameter vectors drawn from the fitted models'
    asymptotic normals (seeded). Arguments as in ``customer_lifetime_value``; holds all
    customers x draws in memory, so prefer :func:`clv_intervals` for large customer bases."""
    point, clv_args = _prepared(bgnbd, gamma_gamma, summary, horizon, horizon_unit, margin_rate,
                                discount_rate_annual, n_draws)
    values = np.empty((len(summary), int(n_draws)))
    bg_params, gg_params = _draw_both(bgnbd, gamma_gamma, int(n_draws), seed)
    for part, chunk in _draw_chunks(bgnbd, summary, clv_args, margin_rate, bg_params, gg_params):
        values[part] = chunk
    return ClvDraws(values, bg_params, gg_params, point.index)


def clv_intervals(
    bgnbd: BetaGeoNBD, gamma_gamma: GammaGamma, summary: pd.DataFrame, horizon: float,
    horizon_unit: TimeUnit | str, margin_rate: float, discount_rate_annual: float,
    level: float = 0.9, n_draws: int = 200, seed: int = 0,
) -> pd.DataFrame:
    """Each customer's CLV with a ``level`` interval from parameter uncertainty.

    Arguments as in :func:`clvlib.analysis.predictive_clv.customer_lifetime_value`; both
    models must be fitted on data (their Hessians give the uncertainty). Returns, indexed
    like ``summary``: ``clv`` (at the estimates, as ``customer_lifetime_value`` gives it),
    ``lower`` and ``upper``, the (1-level)/2 and (1+level)/2 percentiles of the CLV over
    ``n_draws`` seeded parameter draws. ``attrs`` record level, n_draws, seed and the CLV's.
    """
    if not 0 < level < 1:
        raise ValueError(f"level is a fraction between 0 and 1 (0.9 for a 90% interval), not {level!r}.")
    point, clv_args = _prepared(bgnbd, gamma_gamma, summary, horizon, horizon_unit, margin_rate,
                                discount_rate_annual, n_draws)
    lower, upper = np.empty(len(summary)), np.empty(len(summary))
    bg_params, gg_params = _draw_both(bgnbd, gamma_gamma, int(n_draws), seed)
    for part, chunk in _draw_chunks(bgnbd, summary, clv_args, margin_rate, bg_params, gg_params):
        lower[part], upper[part] = percentile_interval(chunk, level)
    out = pd.DataFrame({"clv": point["clv"], "lower": lower, "upper": upper}, index=point.index)
    out.attrs.update(point.attrs, level=level, n_draws=int(n_draws), seed=seed)
    return out


def percentile_interval(values: np.ndarray, level: float) -> np.ndarray:
    """The (1-level)/2 and (1+level)/2 percentiles of each row of a customers x draws array:
    an array of two rows, lower and upper.

    >>> percentile_interval(np.arange(101.0)[None, :], 0.9).ravel().round(6).tolist()
    [5.0, 95.0]
    """
    return np.quantile(values, [(1 - level) / 2, (1 + level) / 2], axis=1)


def coverage_in_world(values: np.ndarray, true_clv, levels=(0.5, 0.8, 0.9, 0.95)) -> pd.Series:
    """Share of one simulated world's customers whose percentile interval covers the true CLV.

    ``values`` is the world's customers x draws CLV array (``clv_draws(...).values``),
    ``true_clv`` the CLV of the same customers under the true parameters. One value per level.

    >>> coverage_in_world(np.tile(np.arange(101.0), (2, 1)), [50.0, 97.0], levels=[0.9]).tolist()
    [0.5]
    """
    truth = np.asarray(true_clv, dtype=float)
    shares = {}
    for level in levels:
        lower, upper = percentile_interval(np.asarray(values), level)
        shares[float(level)] = float(np.mean((lower <= truth) & (truth <= upper)))
    return pd.Series(shares, name="covered").rename_axis("level")


def interval_coverage(shares: pd.DataFrame) -> pd.DataFrame:
    """Coverage over simulated worlds: ``shares`` has one row per world and one column per
    level (rows of :func:`coverage_in_world`). Returns one row per level: ``coverage`` (mean
    share covered), ``std_error`` (between-world standard deviation / sqrt(worlds)),
    ``bound_std_error`` (sqrt(level (1-level) / worlds): an upper bound on the standard error
    whatever the correlation between customers of one world; customers of one world share the
    parameter draws, so worlds, not customers, are the replications) and ``n_worlds``.

    >>> interval_coverage(pd.DataFrame({0.9: [1.0, 0.8, 0.9, 1.0]}))["coverage"].round(3).tolist()
    [0.925]
    """
    n = len(shares)
    levels = np.asarray(shares.columns, dtype=float)
    return pd.DataFrame(
        {"coverage": shares.mean().to_numpy(), "std_error": shares.std(ddof=1).to_numpy() / np.sqrt(n),
         "bound_std_error": np.sqrt(levels * (1 - levels) / n), "n_worlds": n},
        index=pd.Index(levels, name="level"),
    )
