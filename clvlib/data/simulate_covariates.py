"""Customer histories simulated from a BG/NBD whose purchase and dropout depend on a covariate.

The truth behind :class:`clvlib.models.noncontractual.BetaGeoNBDWithCovariates`'s recovery
tests: customers with the covariate (``z = 1``, e.g. acquired on the web) buy at a rate
``purchase_multiplier`` times the others' (alpha_i = alpha / purchase_multiplier^z) and have
``dropout_multiplier`` times their odds of dropping out after a purchase (a_i = a *
dropout_multiplier^z). Everything else is the BG/NBD story (Fader, Hardie & Lee 2005).

Example
-------
>>> histories = simulate_bgnbd_covariate_histories(1000, seed=1)
>>> list(histories.columns), histories.attrs["time_unit"]
(['frequency', 'recency', 'T', 'web'], 'week')
>>> bool((histories["recency"] <= histories["T"]).all())
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Parameters of the simulated base (customers with z = 0), in weeks: close to FHL's CDNOW fit.
BASE_PARAMS = {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5}


def simulate_bgnbd_covariate_histories(
    n_customers: int,
    *,
    base_params: dict[str, float] | None = None,
    purchase_multiplier: float = 1.8,
    dropout_multiplier: float = 0.6,
    share_with_covariate: float = 0.5,
    observed_weeks: tuple[float, float] = (26.0, 52.0),
    covariate: str = "web",
    seed: int = 0,
) -> pd.DataFrame:
    """Frequency, recency, T (weeks) and a 0/1 covariate column for ``n_customers`` customers.

    Each customer is observed for T ~ Uniform(``observed_weeks``) weeks after the first
    purchase. Their rate lambda ~ Gamma(r, rate alpha_i) and dropout probability p ~ Beta(a_i, b);
    repeat purchases arrive as a Poisson process and, after each, the customer leaves with
    probability p. Given n arrivals in (0, T], their times are uniform order statistics, so
    the x-th (the last one seen, x = min(n, purchases until dropout)) is T * Beta(x, n - x + 1).
    ``attrs`` hold the time unit and the truth (base parameters and both multipliers).
    """
    params = {**BASE_PARAMS, **(base_params or {})}
    if not 0 < share_with_covariate < 1:
        raise ValueError(f"share_with_covariate must be between 0 and 1; got {share_with_covariate!r}.")
    if purchase_multiplier <= 0 or dropout_multiplier <= 0:
        raise ValueError("purchase_multiplier and dropout_multiplier must be positive (1 means no effect).")
    rng = np.random.default_rng(seed)
    z = (rng.random(n_customers) < share_with_covariate).astype(float)
    big_t = rng.uniform(*observed_weeks, n_customers)
    alpha_i = params["alpha"] / purchase_multiplier**z
    a_i = params["a"] * dropout_multiplier**z
    rate = rng.gamma(params["r"], 1.0 / alpha_i)
    p = rng.beta(a_i, params["b"])
    arrivals = rng.poisson(rate * big_t)
    purchases_until_dropout = rng.geometric(np.clip(p, 1e-12, 1.0))
    x = np.minimum(arrivals, purchases_until_dropout)
    last = np.where(x > 0, rng.beta(np.maximum(x, 1), np.maximum(arrivals - x + 1, 1)), 0.0)
    out = pd.DataFrame({"frequency": x.astype(np.int64), "recency": big_t * last, "T": big_t, covariate: z})
    out.attrs.update(
        time_unit="week",
        truth={**params, "purchase_multiplier": purchase_multiplier, "dropout_multiplier": dropout_multiplier},
    )
    return out


__all__ = ["BASE_PARAMS", "simulate_bgnbd_covariate_histories"]
