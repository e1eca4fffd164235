"""Keeping against winning a subscriber, and whom a retention offer should go to: value at stake.

A retention offer (a credit, a call, a gift) costs ``offer_cost`` per subscriber contacted
and, as a stated assumption, cuts that subscriber's chance of leaving at their next renewal
by the share ``churn_cut_share``. The fitted sBG says how likely each subscriber is to
leave: new ones often, long-standing ones rarely (the survivors are the loyal). So:

* **cost of keeping one customer** = offer cost / customers kept per offer
  = offer cost / (churn_cut_share x churn at the next renewal). It is cheap where churn is
  high and very dear for the loyal, who would have stayed anyway;
* **cost of winning one** = CAC (marketing spend / new subscribers, from the data).
  "Winning costs 5 to 25 times more than keeping" is :func:`keep_vs_win`'s ratio
  ``cac_per_cost_to_keep``, computed per tenure instead of quoted;
* **value at stake** of a subscriber = churn at the next renewal x the value of their future
  if they renew (margin x DERL / retention rate). An offer saves, in expectation,
  churn_cut_share x value at stake: target the highest value at stake, not the highest CLV.

>>> from clvlib.models.contractual.sbg import ShiftedBetaGeometric
>>> model = ShiftedBetaGeometric.from_params({"alpha": 1.0, "beta": 9.0}, time_unit="month")
>>> table = keep_vs_win(model, cac=100.0, monthly_margin=10.0, discount_rate_monthly=0.01,
...                     offer_cost=5.0, churn_cut_share=0.5, renewals=[0, 12])
>>> table["churn_next"].round(4).tolist()    # 1 / 10 at the first renewal, 1 / 22 after a year
[0.1, 0.0455]
>>> table["cost_to_keep"].round(1).tolist()  # 5 / (0.5 x churn)
[100.0, 220.0]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clvlib.analysis.levers import residual_lifetimes
from clvlib.models.base import check_fitted
from clvlib.models.contractual.sbg import ShiftedBetaGeometric

TARGETING_RULES = ("highest value at stake", "highest CLV (the loyal)", "everyone alike (random)")


def _check_offer(offer_cost: float, churn_cut_share: float) -> None:
    if not (np.isfinite(offer_cost) and offer_cost > 0):
        raise ValueError(f"offer_cost is money per subscriber contacted, more than 0; got {offer_cost!r}.")
    if not 0 < churn_cut_share <= 1:
        raise ValueError(f"churn_cut_share is the share of churn an offer removes (0.3 = 30 %), in (0, 1]; got {churn_cut_share!r}.")


def _future_if_kept(model: ShiftedBetaGeometric, renewals, discount_rate_monthly: float) -> tuple[np.ndarray, np.ndarray]:
    """(churn at the next renewal, discounted payments if they renew) for customers with these renewals."""
    renewals = np.asarray(renewals, dtype=int)
    retention_next = model.retention_rate(renewals + 1)
    # DERL counts the next payment with its probability r(n + 1); given that they renew it is DERL / r.
    return 1.0 - retention_next, residual_lifetimes(model, renewals, discount_rate_monthly) / retention_next


def keep_vs_win(
    model: ShiftedBetaGeometric, cac: float, monthly_margin: float, discount_rate_monthly: float,
    offer_cost: float, churn_cut_share: float, renewals=(0, 1, 2, 3, 6, 12, 24),
) -> pd.DataFrame:
    """Cost of keeping one subscriber at each tenure against the cost of winning a new one (CAC).

    One row per number of renewals made: ``churn_next`` (chance of leaving at the next
    renewal), ``kept_per_offer``, ``cost_to_keep`` (offer cost per customer kept),
    ``value_if_kept`` (their discounted future margin), ``cac``, ``value_new`` (a new
    subscriber's CLV), ``cac_per_cost_to_keep`` (how many times dearer winning is than
    keeping) and ``net_keep`` / ``net_win`` (value minus what it cost).
    """
    check_fitted(model)
    _check_offer(offer_cost, churn_cut_share)
    if not (np.isfinite(cac) and cac > 0):
        raise ValueError(f"cac is money per new subscriber, more than 0; got {cac!r}.")
    renewals = np.asarray(list(renewals), dtype=int)
    churn_next, payments_if_kept = _future_if_kept(model, renewals, discount_rate_monthly)
    kept = churn_cut_share * churn_next
    value_new = monthly_margin * model.discounted_expected_lifetime(discount_rate_monthly, "month")
    table = pd.DataFrame(
        {
            "churn_next": churn_next, "kept_per_offer": kept, "cost_to_keep": offer_cost / kept,
            "value_if_kept": monthly_margin * payments_if_kept, "cac": float(cac), "value_new": value_new,
        },
        index=pd.Index(renewals, name="renewals"),
    )
    table["cac_per_cost_to_keep"] = table["cac"] / table["cost_to_keep"]
    table["net_keep"] = table["value_if_kept"] - table["cost_to_keep"]
    table["net_win"] = table["value_new"] - table["cac"]
    return table


def value_at_stake(model: ShiftedBetaGeometric, base: pd.DataFrame, discount_rate_monthly: float) -> pd.DataFrame:
    """Per active subscriber: churn at the next renewal, CLV, value if kept and value at stake.

    ``base`` is :func:`clvlib.analysis.levers.active_base`. ``clv`` = margin x DERL (what the
    subscriber is worth today); ``value_at_stake`` = churn_next x value_if_kept (what their
    leaving would cost, in expectation).
    """
    check_fitted(model)
    churn_next, payments_if_kept = _future_if_kept(model, base["renewals"], discount_rate_monthly)
    margin = base["monthly_margin"].to_numpy(dtype=float)
    out = pd.DataFrame(
        {"renewals": base["renewals"].to_numpy(), "monthly_margin": margin, "churn_next": churn_next,
         "clv": margin * payments_if_kept * (1.0 - churn_next), "value_if_kept": margin * payments_if_kept},
        index=base.index,
    )
    out["value_at_stake"] = out["churn_next"] * out["value_if_kept"]
    return out


def targeting_comparison(
    stake: pd.DataFrame, share_contacted: float, offer_cost: float, churn_cut_share: float
) -> pd.DataFrame:
    """Contact ``share_contacted`` of the base by each rule; customers kept and value saved per dollar.

    Rules (:data:`TARGETING_RULES`): the highest value at stake, the highest CLV (the loyal),
    and everyone alike (the expected result of contacting a random share: the base's average).
    """
    _check_offer(offer_cost, churn_cut_share)
    if not 0 < share_contacted <= 1:
        raise ValueError(f"share_contacted is a share of the base in (0, 1]; got {share_contacted!r}.")
    n = max(1, int(round(share_contacted * len(stake))))
    chosen = {
        TARGETING_RULES[0]: stake.nlargest(n, "value_at_stake"),
        TARGETING_RULES[1]: stake.nlargest(n, "clv"),
    }
    rows = {}
    for rule, group in chosen.items():
        rows[rule] = {"contacted": n, "churn_next": group["churn_next"].mean(),
                      "kept": churn_cut_share * group["churn_next"].sum(),
                      "value_saved": churn_cut_share * group["value_at_stake"].sum()}
    rows[TARGETING_RULES[2]] = {"contacted": n, "churn_next": stake["churn_next"].mean(),
                                "kept": churn_cut_share * stake["churn_next"].mean() * n,
                                "value_saved": churn_cut_share * stake["value_at_stake"].mean() * n}
    table = pd.DataFrame.from_dict(rows, orient="index").rename_axis("targeting")
    table["cost"] = offer_cost * table["contacted"]
    table["value_saved_per_dollar"] = table["value_saved"] / table["cost"]
    table["cost_per_customer_kept"] = table["cost"] / table["kept"]
    return table
