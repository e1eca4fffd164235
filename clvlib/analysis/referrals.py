"""Referral value: a referred customer's value credited to the subscriber who referred them.

A referral programme is judged by what referred customers are worth. Credited to the
referrer, that value shows who brings customers in, and what a referrer is worth beyond
their own subscription. Every referred row is accounted for: credited to a known referrer,
or counted as unattributed (no referrer recorded) or as pointing to an unknown id.

Example
-------
>>> import pandas as pd
>>> subs = pd.DataFrame({"customer_id": ["A", "B", "C", "D"], "referrer_id": [None, "A", "A", "Z"]})
>>> value = pd.Series({"A": 100.0, "B": 40.0, "C": 60.0, "D": 10.0})
>>> credit = referral_credit(subs, value)
>>> credit.table.loc["A", ["referred_customers", "referred_value", "value_with_referrals"]].tolist()
[2.0, 100.0, 200.0]
>>> credit.unknown_referrers
['Z']
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from clvlib.core.checks import require_frame


@dataclass(frozen=True)
class ReferralCredit:
    """Referred value per referrer, and the referred customers no known referrer gets credit for."""

    table: pd.DataFrame  # per referrer: own_value, referred_customers, referred_value, value_with_referrals
    referred_customers: int  # rows with a referrer_id (known or not)
    unattributed: list  # referral-channel customers with no referrer recorded
    unknown_referrers: list  # referrer ids that are not customers in the table
    unknown_referrer_value: float  # value of the customers those unknown ids referred


def _referrer_ids(subscriptions: pd.DataFrame, referrer_column: str) -> pd.Series:
    ids = subscriptions[referrer_column].astype("string").str.strip()
    return ids.mask(ids.eq(""))


def referral_credit(
    subscriptions: pd.DataFrame, value: pd.Series, referrer_column: str = "referrer_id", channel: str = "referral"
) -> ReferralCredit:
    """Each referred customer's ``value`` credited to their referrer.

    ``value`` is indexed by customer_id (any money, e.g. margin to date or predicted CLV).
    ``table`` has one row per referrer that is a customer in ``subscriptions``, sorted by
    referred value: ``own_value``, ``referred_customers``, ``referred_value`` and
    ``value_with_referrals``. Customers of the ``channel`` channel without a referrer are
    listed in ``unattributed`` (only when the table has a ``channel`` column).
    """
    require_frame(subscriptions, "subscriptions", ["customer_id", referrer_column],
                  hint="Referral credit needs the id of the referrer on each referred customer.")
    ids = subscriptions["customer_id"].astype(str)
    value = value.rename(index=str)
    missing = sorted(set(ids) - set(value.index))
    if missing:
        raise ValueError(f"value has no entry for {len(missing)} customers (e.g. {', '.join(missing[:5])}): "
                         "give a value for every customer in the subscriptions table.")
    referrer = _referrer_ids(subscriptions, referrer_column)
    referred = pd.DataFrame({"customer_id": ids, "referrer_id": referrer}).dropna()
    referred["value"] = value.reindex(referred["customer_id"]).to_numpy()
    known = referred["referrer_id"].isin(set(ids))
    per_referrer = referred[known].groupby("referrer_id").agg(
        referred_customers=("customer_id", "size"), referred_value=("value", "sum"))
    table = per_referrer.join(value.rename("own_value"), how="left")[["own_value", "referred_customers", "referred_value"]]
    table["referred_customers"] = table["referred_customers"].astype(float)
    table["value_with_referrals"] = table["own_value"] + table["referred_value"]
    table.index.name = "referrer_id"
    unattributed: list = []
    if "channel" in subscriptions.columns:
        no_referrer = subscriptions["channel"].astype(str).eq(channel).to_numpy() & referrer.isna().to_numpy()
        unattributed = sorted(ids[no_referrer])
    return ReferralCredit(
        table=table.sort_values(["referred_value", "referred_customers"], ascending=False, kind="stable"),
        referred_customers=len(referred),
        unattributed=unattributed,
        unknown_referrers=sorted(set(referred.loc[~known, "referrer_id"])),
        unknown_referrer_value=float(referred.loc[~known, "value"].sum()),
    )


def referral_summary(credit: ReferralCredit, value: pd.Series) -> dict[str, float]:
    """The programme in numbers: referrers, referred customers, the share of value they bring.

    >>> subs = pd.DataFrame({"customer_id": ["A", "B", "C"], "referrer_id": [None, "A", "A"]})
    >>> value = pd.Series({"A": 100.0, "B": 40.0, "C": 60.0})
    >>> referral_summary(referral_credit(subs, value), value)["referred_share_of_value"]
    0.5
    """
    table = credit.table
    total = float(value.sum())
    return {
        "referrers": int(len(table)),
        "referred_customers": int(credit.referred_customers),
        "referred_per_referrer": float(table["referred_customers"].mean()) if len(table) else 0.0,
        "referred_value": float(table["referred_value"].sum() + credit.unknown_referrer_value),
        "referred_share_of_value": float((table["referred_value"].sum() + credit.unknown_referrer_value) / total)
        if total else float("nan"),
        "mean_credit_per_referrer": float(table["referred_value"].mean()) if len(table) else 0.0,
        "unattributed_customers": len(credit.unattributed),
    }
