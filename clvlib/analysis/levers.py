"""What raises CLV: each lever applied to the fitted models, its gain per customer and across the base.

Every scenario changes a fitted model's parameters (or the data it is evaluated on) in the
way the lever acts, and values the customers again with the same model calls as before,
never with a made-up multiplier on CLV itself:

* **retention** (subscriptions, sBG): a new subscriber's mean monthly churn
  alpha / (alpha + beta) falls by ``points`` with alpha, the spread of churn between
  customers, kept. Customers further along gain less (they already churn less);
* **price** (subscriptions, sBG): the monthly price rises by a share; the extra revenue is
  all margin (costs do not change) and churn is multiplied by the response a price test
  measured (:mod:`clvlib.analysis.price_test`), through the same alpha-keeping change;
* **order value** (shop, Gamma-Gamma): cross-sell and up-sell scale every order by
  1 + uplift, which in the Gamma-Gamma model is the scale gamma times 1 + uplift (and the
  spend seen so far with it);
* **frequency** (shop, BG/NBD): each customer buys 1 + uplift times as often from now on.
  In BG/NBD a customer can drop out only right after a purchase, so that world is the same
  as the fitted one with its clock running 1 + uplift times faster: the horizon is
  stretched and the discount rate per model period shrunk to match.

A subscriber's value is the margin of their future payments, discounted, from the fitted
sBG's DERL (Fader & Hardie 2010) given the renewals they have made; a shop customer's is
:func:`clvlib.analysis.predictive_clv.customer_lifetime_value`. :func:`lever_row` turns the
values before and after into the gain per customer and across the base, the intervention's
cost and the break-even cost (the most a lever may cost per customer before it loses money).

>>> from clvlib.models.contractual.sbg import ShiftedBetaGeometric
>>> model = ShiftedBetaGeometric.from_params({"alpha": 1.0, "beta": 9.0}, time_unit="month")
>>> round(model.mean_churn_, 3), round(with_churn_multiplier(model, 0.5).mean_churn_, 3)
(0.1, 0.05)
>>> round(retention_points_multiplier(model, 0.02), 2)   # 2 points off 10 % churn = churn x 0.8
0.8
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import optimize

from clvlib.analysis.cohorts import customer_tenure
from clvlib.analysis.predictive_clv import customer_lifetime_value
from clvlib.core.units import TimeUnit, check_same_unit
from clvlib.models.base import check_fitted
from clvlib.models.contractual.sbg import ShiftedBetaGeometric
from clvlib.models.noncontractual.bgnbd import BetaGeoNBD
from clvlib.models.noncontractual.gammagamma import GammaGamma

# ----------------------------------------------------------------------------- subscriptions


def with_churn_multiplier(model: ShiftedBetaGeometric, multiplier: float) -> ShiftedBetaGeometric:
    """The sBG whose new-subscriber mean churn is ``multiplier`` times the model's, alpha kept.

    alpha / (alpha + beta') = multiplier x alpha / (alpha + beta), so beta' = (alpha + beta) / multiplier - alpha.
    """
    check_fitted(model)
    if not (np.isfinite(multiplier) and multiplier > 0):
        raise ValueError(f"A churn multiplier must be a positive number (1.2 = churn up 20 %); got {multiplier!r}.")
    beta = (model.alpha_ + model.beta_) / multiplier - model.alpha_
    if beta <= 0:
        raise ValueError(
            f"Multiplying churn by {multiplier:g} would push a new subscriber's mean churn "
            f"({model.mean_churn_:.1%}) to 100 % or more; use a smaller change."
        )
    return ShiftedBetaGeometric.from_params({"alpha": model.alpha_, "beta": beta}, time_unit=model.time_unit_)


def retention_points_multiplier(model: ShiftedBetaGeometric, points: float) -> float:
    """The churn multiplier that raises a new subscriber's retention by ``points`` (0.02 = 2 points)."""
    check_fitted(model)
    if not 0 <= points < model.mean_churn_:
        raise ValueError(
            f"points must be between 0 and the mean churn of a new subscriber ({model.mean_churn_:.3f}); "
            f"got {points!r}. Write 2 percentage points as 0.02."
        )
    return 1.0 - points / model.mean_churn_


def active_base(subscriptions: pd.DataFrame, analysis_date, margin_rate: float) -> pd.DataFrame:
    """Subscribers active on the analysis date: renewals made so far, monthly revenue and margin.

    Indexed by customer_id. ``renewals`` = payments so far - 1 (the signup payment is not a renewal).
    """
    if not 0 <= margin_rate <= 1:
        raise ValueError(f"margin_rate is a share of revenue between 0 and 1, not {margin_rate!r}.")
    if "monthly_revenue" not in subscriptions.columns:
        raise ValueError("The subscriptions table has no monthly_revenue column.")
    tenure = customer_tenure(subscriptions, analysis_date)
    active = ~tenure["churned"].to_numpy()
    revenue = subscriptions["monthly_revenue"].astype(float).to_numpy()[active]
    base = pd.DataFrame(
        {"renewals": tenure["paid_months"].to_numpy()[active] - 1, "monthly_revenue": revenue,
         "monthly_margin": revenue * margin_rate},
        index=pd.Index(tenure["customer_id"].to_numpy()[active], name="customer_id"),
    )
    if base.empty:
        raise ValueError("No subscriber is active on the analysis date: there is no base to apply a lever to.")
    return base


def residual_lifetimes(model: ShiftedBetaGeometric, renewals, discount_rate_monthly: float) -> np.ndarray:
    """DERL per customer: expected discounted future payments given the renewals each has made."""
    renewals = np.asarray(renewals, dtype=int)
    distinct = np.unique(renewals)  # one hypergeometric call per tenure, not per customer
    values = {n: model.discounted_expected_residual_lifetime(discount_rate_monthly, int(n), "month") for n in distinct}
    return np.array([values[n] for n in renewals], dtype=float)


def subscriber_values(
    model: ShiftedBetaGeometric, base: pd.DataFrame, discount_rate_monthly: float, price_change_share: float = 0.0
) -> pd.Series:
    """Each active subscriber's future margin, discounted (money); a price change adds its revenue to margin."""
    check_same_unit(model.time_unit_, TimeUnit.MONTH, what="subscription base (monthly renewals)")
    if price_change_share <= -1:
        raise ValueError(f"A price change share must be above -1 (0.10 = +10 %); got {price_change_share!r}.")
    margin = base["monthly_margin"] + base["monthly_revenue"] * price_change_share
    return (margin * residual_lifetimes(model, base["renewals"], discount_rate_monthly)).rename("value")


def retention_lever(model, base, discount_rate_monthly: float, points: float) -> tuple[pd.Series, pd.Series]:
    """Values (before, after) when a new subscriber's retention rises by ``points``."""
    after = with_churn_multiplier(model, retention_points_multiplier(model, points))
    return subscriber_values(model, base, discount_rate_monthly), subscriber_values(after, base, discount_rate_monthly)


def price_lever(
    model, base, discount_rate_monthly: float, price_change_share: float, churn_multiplier: float
) -> tuple[pd.Series, pd.Series]:
    """Values (before, after) when the price changes by a share and churn is multiplied by the response."""
    after = with_churn_multiplier(model, churn_multiplier)
    return (subscriber_values(model, base, discount_rate_monthly),
            subscriber_values(after, base, discount_rate_monthly, price_change_share))


def break_even_churn_multiplier(model, base, discount_rate_monthly: float, price_change_share: float) -> float:
    """The churn multiplier at which a price change stops adding value to the base (inf: it never does).

    Compare it with a price test's interval: a rise pays as long as churn is multiplied by less.
    Defined for a price rise (share > 0); the search stops where churn would reach 100 %.
    """
    if price_change_share <= 0:
        raise ValueError(f"The break-even churn multiplier is for a price rise (share > 0); got {price_change_share!r}.")
    before = float(subscriber_values(model, base, discount_rate_monthly).sum())

    def gain(multiplier: float) -> float:
        after = subscriber_values(with_churn_multiplier(model, multiplier), base, discount_rate_monthly, price_change_share)
        return float(after.sum()) - before

    highest = (1.0 - 1e-9) / model.mean_churn_  # where a new subscriber's mean churn would reach 100 %
    if gain(highest) >= 0:
        return math.inf
    return float(optimize.brentq(gain, 1.0, highest, xtol=1e-10))


def new_subscriber_value(model: ShiftedBetaGeometric, monthly_margin: float, discount_rate_monthly: float) -> float:
    """CLV of a subscriber not yet acquired: monthly margin x DEL (the first payment undiscounted)."""
    return float(monthly_margin * model.discounted_expected_lifetime(discount_rate_monthly, "month"))


# ----------------------------------------------------------------------------- shop


def _uplift(name: str, value: float) -> float:
    if not (np.isfinite(value) and value > -1):
        raise ValueError(f"{name} is a share above -1 (0.10 = +10 %); got {value!r}.")
    return float(value)


def order_value_lever(
    bgnbd: BetaGeoNBD, gamma_gamma: GammaGamma, summary: pd.DataFrame, horizon: float, horizon_unit,
    margin_rate: float, discount_rate_annual: float, uplift: float,
) -> tuple[pd.Series, pd.Series]:
    """Shop CLV (before, after) when every order is worth 1 + ``uplift`` times as much."""
    scale = 1.0 + _uplift("uplift", uplift)
    params = gamma_gamma.params_.copy()
    params["gamma"] *= scale  # order value ~ Gamma(p, nu), nu ~ Gamma(q, gamma): scaling orders scales gamma
    richer = GammaGamma.from_params(params, time_unit=gamma_gamma.time_unit_)
    scaled = summary.copy()
    scaled["monetary_value"] = summary["monetary_value"] * scale
    args = (horizon, horizon_unit, margin_rate, discount_rate_annual)
    before = customer_lifetime_value(bgnbd, gamma_gamma, summary, *args)["clv"]
    return before, customer_lifetime_value(bgnbd, richer, scaled, *args)["clv"]


def frequency_lever(
    bgnbd: BetaGeoNBD, gamma_gamma: GammaGamma, summary: pd.DataFrame, horizon: float, horizon_unit,
    margin_rate: float, discount_rate_annual: float, uplift: float,
) -> tuple[pd.Series, pd.Series]:
    """Shop CLV (before, after) when every customer buys 1 + ``uplift`` times as often from now on.

    ``horizon`` calendar periods of the faster world are ``horizon x (1 + uplift)`` periods of
    the fitted one, and a year of discounting is ``1 + uplift`` of its years.
    """
    speed = 1.0 + _uplift("uplift", uplift)
    before = customer_lifetime_value(bgnbd, gamma_gamma, summary, horizon, horizon_unit, margin_rate,
                                     discount_rate_annual)["clv"]
    slower_discount = (1.0 + discount_rate_annual) ** (1.0 / speed) - 1.0  # a fitted-model year is 1/speed of a calendar one
    after = customer_lifetime_value(bgnbd, gamma_gamma, summary, horizon * speed, horizon_unit, margin_rate,
                                    slower_discount)["clv"]
    return before, after


# ----------------------------------------------------------------------------- the table


def lever_row(
    lever: str, before: pd.Series, after: pd.Series, cost_per_customer: float,
    bounds: tuple[pd.Series, pd.Series] | None = None, business: str = "",
) -> dict:
    """One lever's line: value before, gain per customer and in total, cost, net gain, break-even cost.

    ``bounds`` are the values after the lever at the two ends of its effect's interval (the
    price lever's churn response); they give ``gain_per_customer_lower`` and ``_upper``.

    >>> row = lever_row("x", pd.Series([10.0, 20.0]), pd.Series([12.0, 26.0]), cost_per_customer=1.0)
    >>> row["gain_per_customer"], row["gain_total"], row["net_gain_total"], row["break_even_cost_per_customer"]
    (4.0, 8.0, 6.0, 4.0)
    """
    if not before.index.equals(after.index):
        raise ValueError("The values before and after a lever must be for the same customers.")
    if not (np.isfinite(cost_per_customer) and cost_per_customer >= 0):
        raise ValueError(f"cost_per_customer must be 0 or more (money per customer); got {cost_per_customer!r}.")
    gain = after - before
    n = len(before)
    row = {
        "lever": lever, "business": business, "customers": n,
        "value_per_customer_before": float(before.mean()), "gain_per_customer": float(gain.mean()),
        "gain_total": float(gain.sum()), "cost_per_customer": float(cost_per_customer),
        "net_gain_total": float(gain.sum() - cost_per_customer * n),
        "break_even_cost_per_customer": float(gain.mean()),
    }
    gains = sorted(float((b - before).mean()) for b in bounds) if bounds else [np.nan, np.nan]
    row["gain_per_customer_lower"], row["gain_per_customer_upper"] = gains
    return row


def lever_table(rows: list[dict]) -> pd.DataFrame:
    """The levers side by side, indexed by lever, best net gain first."""
    table = pd.DataFrame(rows).set_index("lever")
    table["pays"] = table["net_gain_total"] > 0
    return table.sort_values("net_gain_total", ascending=False)
