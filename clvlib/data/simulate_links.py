"""The simulated world grows: one person across both tables, who referred whom, and early app usage.

Added on top of :func:`clvlib.data.simulate.simulate_world` from a separate seeded stream
(``numpy.random.default_rng([seed, 11])``), drawn after everything else, so every column
that existed before keeps its exact bytes:

* ``email_hash`` in subscriptions and orders: the shared key real exports link people by
  (a truncated SHA-256 of the e-mail address), with the usual mess: the shop writes some
  hashes in upper case, a few values carry stray spaces, some records have no e-mail
  (phone signups, guest checkouts), a few people hold two shop accounts, and some
  cancelled subscribers come back later as a new subscriber record with the same e-mail;
* ``referrer_id`` on referred subscribers: an earlier subscriber who was active on the
  referred one's signup day (loyal subscribers refer more); for a few the code was not
  captured and the column is blank (the truth still knows);
* ``app_logins_first_30d``: logins in the first 30 days, fewer for subscribers with a
  higher true churn probability (blank when the analysis date comes before day 30), so a
  learned churn model has something real to learn.

The truth (who is whom, the true referrer of each referred subscriber, the true match
rate) goes to ``people_truth`` and ``referrals_truth``.

>>> from clvlib.data.simulate import simulate_world
>>> world = simulate_world(seed=3, scale=0.05)
>>> world["subscriptions"].columns[-3:].tolist()
['email_hash', 'referrer_id', 'app_logins_first_30d']
>>> 0 < world["links"]["true_match_rate"] < 1
True
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

LINK_STREAM = 11  # the issue that added this stream; keeps it apart from the main generator


@dataclass(frozen=True)
class LinkTruth:
    """True parameters of the linkage, the referrals and early usage (shares are of records)."""

    link_share: float = 0.16  # baseline share of subscriber people who also shop
    link_loyalty_slope: float = -0.9  # logit slope on log churn probability: loyal people shop more
    comeback_share: float = 0.015  # share of subscribers who are a returning earlier subscriber
    comeback_within_days: int = 365
    no_email_share_subscriptions: float = 0.04  # phone and gift signups
    guest_only_share_shop: float = 0.03  # shop customers who always check out as guests
    guest_order_share: float = 0.05  # single orders placed as a guest (no e-mail on that row)
    second_account_share: float = 0.012  # shop customers who are a second account of another
    upper_case_share_shop: float = 0.35  # the old shop platform writes hashes in upper case
    stray_space_share: float = 0.02  # values with leading or trailing spaces
    referrer_missing_share: float = 0.06  # referral signups whose code was not captured
    logins_mean_30d: float = 6.0  # mean app logins in the first 30 days at the reference churn
    logins_reference_churn: float = 0.08
    logins_churn_elasticity: float = -0.7  # d log(mean logins) / d log(churn probability)
    logins_max_mean_30d: float = 30.0  # about once a day at most
    logins_noise_sd: float = 0.5  # log-normal person-to-person noise
    hash_hex_chars: int = 16


def email_hash(person_id: str, hex_chars: int = 16) -> str:
    """The hashed e-mail of a simulated person (lower-case hex, truncated).

    >>> email_hash("P00001")
    'fc4eee0887d792d5'
    """
    return hashlib.sha256(f"{person_id.lower()}@beanstalk.example".encode()).hexdigest()[:hex_chars]


def _comebacks(subs: pd.DataFrame, n_pairs: int, within_days: int, rng: np.random.Generator) -> dict[int, int]:
    """Later subscriber row -> earlier row of the same person (who cancelled, then came back)."""
    signup = subs["signup_date"].to_numpy()
    cancel = subs["cancel_date"].to_numpy()
    window = np.timedelta64(within_days, "D")
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for later in rng.permutation(len(subs)):
        if len(pairs) >= n_pairs:
            break
        if later in used:
            continue
        ok = (cancel <= signup[later]) & (cancel >= signup[later] - window)
        ok[list(used)] = False
        candidates = np.flatnonzero(ok)
        if len(candidates) == 0:
            continue
        earlier = int(rng.choice(candidates))
        pairs[int(later)] = earlier
        used.update((int(later), earlier))
    return pairs


def _persons(subs: pd.DataFrame, churn: np.ndarray, n_shop: int, lt: LinkTruth, rng) -> tuple[np.ndarray, np.ndarray]:
    """A person number for each subscriber row and each shop customer."""
    comebacks = _comebacks(subs, int(round(lt.comeback_share * len(subs))), lt.comeback_within_days, rng)
    sub_person = np.arange(len(subs))
    for later, earlier in sorted(comebacks.items()):
        sub_person[later] = sub_person[earlier]
    heads = np.unique(sub_person)  # one draw per person: the first subscription's churn
    logit = np.log(lt.link_share / (1 - lt.link_share)) + lt.link_loyalty_slope * (
        np.log(churn[heads]) - np.log(churn).mean())
    linked = heads[rng.random(len(heads)) < 1 / (1 + np.exp(-logit))]
    linked = linked[: max(0, n_shop - 1)]
    shop_person = np.full(n_shop, -1)
    shop_person[rng.choice(n_shop, size=len(linked), replace=False)] = linked
    free = np.flatnonzero(shop_person < 0)
    shop_person[free] = len(subs) + np.arange(len(free))
    n_second = int(round(lt.second_account_share * n_shop))
    second = rng.choice(n_shop, size=n_second, replace=False)
    shop_person[second] = shop_person[rng.choice(n_shop, size=n_second, replace=False)]
    return sub_person, shop_person


def _person_ids(sub_person: np.ndarray, shop_person: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """P00001… numbered in the order people first appear (subscribers, then shop customers)."""
    order = pd.unique(np.concatenate([sub_person, shop_person]))
    label = {p: f"P{i:05d}" for i, p in enumerate(order, start=1)}
    return np.array([label[p] for p in sub_person]), np.array([label[p] for p in shop_person])


def _messy(hashes: np.ndarray, upper: np.ndarray, space: np.ndarray, rng) -> np.ndarray:
    """Hashes as an export writes them: some in upper case, a few with spaces around."""
    out = np.where(upper, np.char.upper(hashes.astype(str)), hashes.astype(str)).astype(object)
    left = rng.random(len(out)) < 0.5
    for i in np.flatnonzero(space):
        out[i] = f" {out[i]}" if left[i] else f"{out[i]}  "
    return out


def _referrers(subs: pd.DataFrame, churn: np.ndarray, person: np.ndarray, rng) -> np.ndarray:
    """For each referral signup, an earlier subscriber active that day (weight 1 / churn); '' when none."""
    signup = subs["signup_date"].to_numpy()
    cancel = subs["cancel_date"].fillna(pd.Timestamp.max).to_numpy()
    ids = subs["customer_id"].to_numpy()
    weight = 1.0 / churn
    out = np.full(len(subs), "", dtype=object)
    for i in np.flatnonzero(subs["channel"].to_numpy() == "referral"):
        ok = (signup < signup[i]) & (cancel > signup[i]) & (person != person[i])
        candidates = np.flatnonzero(ok)
        if len(candidates):
            out[i] = ids[rng.choice(candidates, p=weight[candidates] / weight[candidates].sum())]
    return out


def _logins(subs: pd.DataFrame, churn: np.ndarray, analysis_date: pd.Timestamp, lt: LinkTruth, rng) -> np.ndarray:
    """App logins in the first 30 days; NaN when day 30 is after the analysis date."""
    mean = lt.logins_mean_30d * (churn / lt.logins_reference_churn) ** lt.logins_churn_elasticity
    mean = np.minimum(mean * rng.lognormal(0.0, lt.logins_noise_sd, size=len(subs)), lt.logins_max_mean_30d)
    logins = rng.poisson(mean).astype(float)
    observed = subs["signup_date"] + pd.Timedelta(days=30) <= analysis_date
    return np.where(observed.to_numpy(), logins, np.nan)


def add_links(world: dict, seed: int, analysis_date: str, lt: LinkTruth = LinkTruth()) -> dict:
    """``world`` with the new columns appended and the truth tables added (a new dict)."""
    rng = np.random.default_rng([seed, LINK_STREAM])
    subs, orders = world["subscriptions"].copy(), world["orders"].copy()
    churn = world["subscriptions_truth"]["churn_prob_monthly"].to_numpy()
    shop_ids = world["orders_truth"]["customer_id"].to_numpy()
    sub_person, shop_person = _persons(subs, churn, len(shop_ids), lt, rng)
    sub_pid, shop_pid = _person_ids(sub_person, shop_person)
    sub_hash = np.array([email_hash(p, lt.hash_hex_chars) for p in sub_pid])
    shop_hash = np.array([email_hash(p, lt.hash_hex_chars) for p in shop_pid])
    sub_hash = _messy(sub_hash, np.zeros(len(subs), bool), rng.random(len(subs)) < lt.stray_space_share, rng)
    sub_hash[rng.random(len(subs)) < lt.no_email_share_subscriptions] = ""
    shop_upper = rng.random(len(shop_ids)) < lt.upper_case_share_shop
    guest_only = rng.random(len(shop_ids)) < lt.guest_only_share_shop
    row = pd.Index(shop_ids).get_indexer(orders["customer_id"])
    order_hash = _messy(shop_hash[row], shop_upper[row], rng.random(len(orders)) < lt.stray_space_share, rng)
    order_hash[guest_only[row] | (rng.random(len(orders)) < lt.guest_order_share)] = ""
    true_referrer = _referrers(subs, churn, sub_person, rng)
    shown_referrer = np.where(rng.random(len(subs)) < lt.referrer_missing_share, "", true_referrer)
    subs["email_hash"] = sub_hash
    subs["referrer_id"] = shown_referrer
    subs["app_logins_first_30d"] = _logins(subs, churn, pd.Timestamp(analysis_date), lt, rng)
    orders["email_hash"] = order_hash
    people = pd.DataFrame({"customer_id": np.concatenate([subs["customer_id"], shop_ids]),
                           "person_id": np.concatenate([sub_pid, shop_pid])})
    referred = subs["channel"].eq("referral").to_numpy()
    referrals = pd.DataFrame({"customer_id": subs["customer_id"][referred].to_numpy(),
                              "referrer_id": true_referrer[referred]})
    shop_people = set(shop_pid)
    summary = {
        **asdict(lt),
        "stream": [seed, LINK_STREAM],
        "true_match_rate": float(np.mean([p in shop_people for p in sub_pid])),
        "subscribers_also_shop_customers": int(sum(p in shop_people for p in sub_pid)),
        "people": int(people["person_id"].nunique()),
        "comeback_subscribers": int(len(subs) - len(set(sub_pid))),
        "shop_second_accounts": int(len(shop_ids) - len(set(shop_pid))),
        "match_rate_definition": "share of subscriber records whose person also has a shop account",
    }
    return {**world, "subscriptions": subs, "orders": orders, "people_truth": people,
            "referrals_truth": referrals, "links": summary}
