"""Predictive CLV: BG/NBD purchases x Gamma-Gamma spend x margin, discounted.

For each customer, split the horizon into steps of one model period (a week for a weekly
model). The expected number of purchases in step k is the increase of the conditional
expectation E[Y(k) | history] - E[Y(k-1) | history]; each step's margin is discounted
back from the end of the step::

    CLV = sum_k  dE[Y]_k * E[M | spend history] * margin_rate / (1 + d)^k

with d the discount rate per model period converted from ``discount_rate_annual``
(compound: (1 + annual)^(days per period / 365.25) - 1).

Units are checked, not assumed: the BG/NBD model, the customer summary, the Gamma-Gamma
model and the horizon must all be in the same time unit. A weekly
model with a horizon given in months would otherwise forecast 4.35 times too many
purchase periods; that kind of mix-up overstated CLV 3.7x in a popular library's
quickstart, so here it raises clvlib.core.units.UnitMismatchError naming both units.

Example
-------
>>> from clvlib.data import load_dataset
>>> from clvlib.models.noncontractual import BetaGeoNBD, GammaGamma
>>> from clvlib.analysis.predictive_clv import customer_lifetime_value
>>> from clvlib.transactions import summarize_transactions
>>> summary = summarize_transactions(load_dataset().orders, "2025-12-31", time_unit="week")
>>> bgnbd = BetaGeoNBD("week").fit(summary)
>>> gg = GammaGamma().fit(summary["frequency"], summary["monetary_value"])
>>> clv = customer_lifetime_value(bgnbd, gg, summary, horizon=52, horizon_unit="week",
...                               margin_rate=0.3, discount_rate_annual=0.1)
>>> list(clv.columns)
['probability_alive', 'expected_purchases', 'expected_order_value', 'clv']
>>> customer_lifetime_value(bgnbd, gg, summary, horizon=12, horizon_unit="month",
...                         margin_rate=0.3, discount_rate_annual=0.1)
Traceback (most recent call last):
...
clvlib.core.units.UnitMismatchError: The model was fitted in weeks but the horizon is in months. Convert the horizon to weeks (clvlib.core.units.convert_periods) or refit the model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clvlib.core.discounting import discount_factors_at
from clvlib.core.units import TimeUnit, check_same_unit, convert_rate
from clvlib.models.base import check_fitted
from clvlib.models.noncontractual.bgnbd import BetaGeoNBD
from clvlib.models.noncontractual.gammagamma import GammaGamma


def customer_lifetime_value(
    bgnbd: BetaGeoNBD,
    gamma_gamma: GammaGamma,
    summary: pd.DataFrame,
    horizon: float,
    horizon_unit: TimeUnit | str,
    margin_rate: float,
    discount_rate_annual: float,
) -> pd.DataFrame:
    """Discounted expected margin over ``horizon`` periods, one row per customer.

    ``summary`` has frequency, recency, T (in the model's unit, recorded in
    ``summary.attrs['time_unit']``) and monetary_value. Returns, indexed like
    ``summary``: probability_alive, expected_purchases (undiscounted, over the horizon),
    expected_order_value and clv (discounted margin, in money).
    """
    check_fitted(bgnbd)
    check_fitted(gamma_gamma)
    unit = bgnbd.time_unit_
    check_same_unit(unit, horizon_unit, what="horizon")
    summary_unit = summary.attrs.get("time_unit")
    if summary_unit is None:
        raise ValueError(
            "The customer summary does not record its time unit (summary.attrs['time_unit']); "
            "build it with clvlib.btyd.summarize_transactions, or set the attribute yourself."
        )
    check_same_unit(unit, summary_unit, what="customer summary")
    check_same_unit(unit, gamma_gamma.time_unit_, what="Gamma-Gamma model's data")
    missing = [c for c in ("frequency", "recency", "T", "monetary_value") if c not in summary.columns]
    if missing:
        raise ValueError(
            f"The summary has no column {', '.join(missing)}; for a calibration/holdout split "
            "use clvlib.btyd.calibration_summary(split)."
        )
    if not (np.isfinite(horizon) and horizon > 0):
        raise ValueError(f"The horizon must be a positive number of {unit}s, not {horizon!r}.")
    if not 0 <= margin_rate <= 1:
        raise ValueError(f"margin_rate is a fraction of revenue between 0 and 1, not {margin_rate!r}.")
    if discount_rate_annual <= -1:
        raise ValueError(f"discount_rate_annual must be above -1 (e.g. 0.10), not {discount_rate_annual!r}.")

    d = convert_rate(discount_rate_annual, "year", unit)
    steps = np.minimum(np.arange(1, int(np.ceil(horizon)) + 1, dtype=float), horizon)
    # Customers with the same (x, t_x, T) have the same forecast: compute each once, for
    # every step in one broadcast call (rows: steps, columns: distinct histories).
    keys = summary[["frequency", "recency", "T"]].astype(float)
    codes, uniques = pd.MultiIndex.from_frame(keys).factorize()
    x, t_x, big_t = (uniques.get_level_values(i).to_numpy() for i in range(3))
    cumulative = bgnbd.conditional_expected_purchases(steps[:, None], x, t_x, big_t)
    discounted = discount_factors_at(steps, d) @ np.diff(cumulative, axis=0, prepend=0.0)
    spend = gamma_gamma.conditional_expected_order_value(summary["frequency"], summary["monetary_value"])
    out = pd.DataFrame(
        {
            "probability_alive": bgnbd.probability_alive(x, t_x, big_t)[codes],
            "expected_purchases": cumulative[-1, codes],
            "expected_order_value": spend,
            "clv": discounted[codes] * spend * margin_rate,
        },
        index=summary.index,
    )
    out.attrs.update(
        time_unit=unit, horizon=horizon, margin_rate=margin_rate, discount_rate_annual=discount_rate_annual
    )
    return out
