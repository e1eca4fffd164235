"""Budget scenarios: what moving marketing spend between channels would bring, under diminishing returns.

Assumption (state it whenever you show a result): new customers = N0 x (spend / spend0)
** elasticity in each channel, with 0 < elasticity <= 1, and an extra customer is worth
as much as today's.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from clvlib.analysis.acquisition.cac import _pooled_cac, cac_by_channel_month


def _check_elasticity(elasticity: float, strict: bool = False) -> None:
    upper_ok = elasticity < 1 if strict else elasticity <= 1
    if not np.isfinite(elasticity) or elasticity <= 0 or not upper_ok:
        limit = "below 1" if strict else "at most 1"
        raise ValueError(
            f"elasticity must be above 0 and {limit} (got {elasticity!r}): 0.7 means doubling spend brings "
            "2**0.7 = 1.6x the customers (diminishing returns); 1 means every dollar is as good as the last."
        )


def budget_baseline(
    marketing_spend: pd.DataFrame, subscriptions: pd.DataFrame, clv_table: pd.DataFrame, last_months: int = 12
) -> pd.DataFrame:
    """Average monthly spend and new customers per channel over the last months, with CLV.

    Index channel; columns spend, new_customers (both per month), cac, clv. This is the
    starting point the budget scenario scales from.
    """
    if not isinstance(last_months, int | np.integer) or last_months < 1:
        raise ValueError(f"last_months must be a whole number of months, at least 1 (got {last_months!r}).")
    monthly = cac_by_channel_month(marketing_spend, subscriptions)
    months = sorted(monthly["month"].unique())[-int(last_months):]
    pooled = _pooled_cac(monthly, months)
    n = len(months)
    table = pd.DataFrame(
        {
            "spend": pooled["spend"].astype(float) / n,
            "new_customers": pooled["new_customers"].astype(float) / n,
            "cac": pooled["cac"],
        }
    )
    missing = sorted(set(table.index) - set(clv_table.index))
    if missing:
        raise ValueError(f"No CLV for channel(s) {', '.join(missing)}.")
    table["clv"] = clv_table.loc[table.index, "clv"].astype(float)
    table.attrs["months"] = [str(m) for m in months]
    return table


def budget_scenario(baseline: pd.DataFrame, new_spend: Mapping[str, float] | pd.Series, elasticity: float = 0.7) -> pd.DataFrame:
    """What a new split of the budget would bring, under stated diminishing returns.

    Assumption (state it whenever you show the result): in each channel, new customers
    = N0 x (spend / spend0) ** ``elasticity``, where spend0 and N0 are the baseline's;
    and a new customer is worth the channel's current CLV whatever the spend. With
    elasticity < 1, each extra dollar buys fewer customers than the last, so the
    marginal CAC (cost of the next customer, spend / (elasticity x customers)) is above
    the average CAC. Channels not named in ``new_spend`` keep their baseline spend.

    One row per channel plus a "total" row: spend, new_customers, value (customers x
    CLV), value_minus_spend, average_cac, marginal_cac, for the baseline and the scenario.
    """
    _check_elasticity(elasticity)
    need = {"spend", "new_customers", "clv"}
    if not isinstance(baseline, pd.DataFrame) or not need <= set(baseline.columns):
        raise ValueError("baseline must come from budget_baseline (columns spend, new_customers, clv).")
    new_spend = pd.Series(dict(new_spend) if not isinstance(new_spend, pd.Series) else new_spend, dtype=float)
    unknown = sorted(set(new_spend.index) - set(baseline.index))
    if unknown:
        raise ValueError(f"Unknown channel(s) {', '.join(unknown)}: the baseline has {', '.join(baseline.index)}.")
    if new_spend.isna().any() or (new_spend < 0).any():
        raise ValueError("Every new spend must be a number, 0 or more.")
    spend0 = baseline["spend"].astype(float)
    customers0 = baseline["new_customers"].astype(float)
    changed = new_spend.index[new_spend.ne(spend0.reindex(new_spend.index))]
    no_base = [c for c in changed if spend0[c] <= 0 or customers0[c] <= 0]
    if no_base:
        raise ValueError(
            f"Channel(s) {', '.join(no_base)} had no spend or no new customers in the baseline, so the response "
            "model (customers proportional to spend ** elasticity) has nothing to scale from."
        )
    spend1 = spend0.copy()
    spend1[new_spend.index] = new_spend
    ratio = (spend1 / spend0.where(spend0 > 0)).fillna(1.0)
    customers1 = customers0 * ratio**elasticity
    clv = baseline["clv"].astype(float)
    out = pd.DataFrame(
        {
            "spend_baseline": spend0,
            "spend_scenario": spend1,
            "new_customers_baseline": customers0,
            "new_customers_scenario": customers1,
            "value_baseline": customers0 * clv,
            "value_scenario": customers1 * clv,
        }
    )
    out["value_minus_spend_baseline"] = out["value_baseline"] - out["spend_baseline"]
    out["value_minus_spend_scenario"] = out["value_scenario"] - out["spend_scenario"]
    out.loc["total"] = out.sum()
    for when in ("baseline", "scenario"):
        customers = out[f"new_customers_{when}"]
        out[f"average_cac_{when}"] = (out[f"spend_{when}"] / customers.where(customers > 0)).astype("Float64")
    marginal = spend1 / (elasticity * customers1.where(customers1 > 0))
    out["marginal_cac_scenario"] = marginal.reindex(out.index).astype("Float64")  # total row: <NA>
    out.attrs["assumption"] = (
        f"new customers proportional to spend ** {elasticity:g} in each channel; "
        "each new customer worth the channel's current CLV"
    )
    return out


def optimal_budget_split(baseline: pd.DataFrame, total_spend: float, elasticity: float = 0.7) -> pd.Series:
    """The split of ``total_spend`` that maximises total CLV under the budget_scenario model.

    Maximising sum_c CLV_c N0_c (s_c / s0_c) ** e subject to sum_c s_c = total gives
    (Lagrange) s_c proportional to (CLV_c N0_c / s0_c ** e) ** (1 / (1 - e)): the more
    value per dollar a channel has today, the more it gets, tempered by diminishing
    returns. Needs elasticity < 1 (with 1, everything goes to one channel).
    """
    _check_elasticity(elasticity, strict=True)
    if not np.isfinite(total_spend) or total_spend < 0:
        raise ValueError(f"total_spend must be 0 or more, not {total_spend!r}.")
    spend0 = baseline["spend"].astype(float)
    customers0 = baseline["new_customers"].astype(float)
    if (spend0 <= 0).any() or (customers0 <= 0).any():
        raise ValueError("Every channel needs baseline spend and new customers to scale from.")
    log_weight = (np.log(baseline["clv"].astype(float) * customers0) - elasticity * np.log(spend0)) / (1 - elasticity)
    weight = np.exp(log_weight - log_weight.max())
    return (total_spend * weight / weight.sum()).rename("spend")
