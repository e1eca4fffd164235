"""Linking two customer tables through a shared key (a hashed e-mail): one person seen by both silos.

Real exports link people the way the subscription system and the web shop both know them:
an e-mail address, usually hashed. The key arrives messy (upper and lower case, stray
spaces, blanks), some people hold two records on one side, and many have no counterpart
on the other. Nothing is dropped silently here: every record ends in the linkage with its
key (or none), the counts of each problem are in :attr:`Linkage.report`, and the match rate
says how many it is based on.

Example
-------
>>> import pandas as pd
>>> subs = pd.DataFrame({"customer_id": ["S1", "S2", "S3"], "email_hash": ["ab12", " CD34", None]})
>>> orders = pd.DataFrame({"customer_id": ["C1", "C1", "C2"], "email_hash": ["AB12 ", None, "ef56"]})
>>> linkage = link_tables(subs, orders)
>>> linkage.pairs
  person_key subscriber_id shop_customer_id
0       ab12            S1               C1
>>> linkage.report.loc["subscriptions", ["records", "without_key", "linked"]].tolist()
[3, 1, 1]
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from clvlib.core.checks import require_frame

SIDES = ("subscriptions", "orders")
ID_COLUMNS = {"subscriptions": "subscriber_id", "orders": "shop_customer_id"}


def normalise_key(values: pd.Series) -> pd.Series:
    """The key as both systems would write it: spaces trimmed, lower case; blank or missing -> NA.

    >>> normalise_key(pd.Series([" AB12", "ab12 ", "", None])).tolist()
    ['ab12', 'ab12', <NA>, <NA>]
    """
    text = values.astype("string").str.strip().str.lower()
    return text.mask(text.eq(""))


def has_key(frame: pd.DataFrame, key: str = "email_hash") -> bool:
    """True when ``frame`` has the key column with at least one value (an analyst's export may not).

    >>> has_key(pd.DataFrame({"customer_id": ["S1"]}))
    False
    """
    return key in frame.columns and normalise_key(frame[key]).notna().any()


def record_keys(frame: pd.DataFrame, table: str, key: str = "email_hash", id_column: str = "customer_id") -> pd.DataFrame:
    """One row per distinct (record id, normalised key); a record with no key at all keeps one row with NA.

    An order log repeats a customer's key on every order (blank on guest orders): the
    customer's key is any value it carries; a customer with two different keys keeps both rows.
    """
    require_frame(frame, table, [id_column, key], hint=f"Linking needs a shared key such as {key} in both tables.")
    pairs = pd.DataFrame({"record_id": frame[id_column].astype(str), "person_key": normalise_key(frame[key])})
    keyed = pairs.dropna().drop_duplicates()
    unkeyed = pairs.loc[~pairs["record_id"].isin(keyed["record_id"]), ["record_id"]].drop_duplicates()
    unkeyed = unkeyed.assign(person_key=pd.Series(pd.NA, index=unkeyed.index, dtype="string"))
    out = pd.concat([frame for frame in (keyed, unkeyed) if len(frame)], ignore_index=True)
    return out.sort_values("record_id", kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class Linkage:
    """Two tables linked by a key: the pairs, every record with its key, and what went wrong where."""

    pairs: pd.DataFrame  # person_key, subscriber_id, shop_customer_id: one row per linked pair of records
    records: dict  # side -> record_id, person_key, linked (one row per record and key)
    report: pd.DataFrame  # one row per side: records, without_key, several_keys, sharing_a_key, linked, unlinked


def _side_report(records: pd.DataFrame) -> dict[str, int]:
    per_record = records.groupby("record_id")["person_key"]
    records_sharing = records.dropna().groupby("person_key")["record_id"].transform("nunique") > 1
    linked = records.groupby("record_id")["linked"].any()
    return {
        "records": int(per_record.ngroups),
        "without_key": int(per_record.count().eq(0).sum()),
        "several_keys": int(per_record.nunique().gt(1).sum()),
        "sharing_a_key": int(records.dropna()[records_sharing]["record_id"].nunique()),
        "linked": int(linked.sum()),
        "unlinked": int((~linked).sum()),
    }


def link_tables(
    subscriptions: pd.DataFrame, orders: pd.DataFrame, key: str = "email_hash", id_column: str = "customer_id"
) -> Linkage:
    """Link subscriber records to shop customers through the normalised ``key``.

    A person with two subscriber records (a comeback) or two shop accounts gets every pair;
    the report counts, per side, the records without a key, with several keys, sharing a key
    with another record of the same side, and linked or not. Raises ValueError naming the
    table when the key column is missing.
    """
    sides = {"subscriptions": record_keys(subscriptions, "subscriptions", key, id_column),
             "orders": record_keys(orders, "orders", key, id_column)}
    left = sides["subscriptions"].dropna().rename(columns={"record_id": ID_COLUMNS["subscriptions"]})
    right = sides["orders"].dropna().rename(columns={"record_id": ID_COLUMNS["orders"]})
    pairs = left.merge(right, on="person_key").sort_values(list(ID_COLUMNS.values()), kind="stable")
    pairs = pairs[["person_key", *ID_COLUMNS.values()]].reset_index(drop=True)
    linked_keys = set(pairs["person_key"])
    records = {side: frame.assign(linked=frame["person_key"].isin(linked_keys).fillna(False).astype(bool))
               for side, frame in sides.items()}
    report = pd.DataFrame({side: _side_report(frame) for side, frame in records.items()}).T
    return Linkage(pairs=pairs, records=records, report=report)


def match_rate(linkage: Linkage, side: str = "subscriptions", confidence: float = 0.95) -> dict[str, float]:
    """The share of ``side``'s records that have a counterpart on the other side, with a Wilson interval.

    Only records that carry a key can be linked, on either side. ``observed_rate`` is the share
    of ``side``'s keyed records that found a partner; a partner whose own record has no key is
    invisible, so ``match_rate`` divides by the share of the other side's records that carry a
    key (and so does the interval). Both read as the rate for everyone only if a missing key is
    unrelated to being on both sides. ``match_rate_all_records`` is the plain share of all
    records linked: a lower bound.

    >>> subs = pd.DataFrame({"customer_id": ["S1", "S2", "S3", "S4"], "email_hash": ["a", "b", "c", None]})
    >>> shop = pd.DataFrame({"customer_id": ["C1", "C2"], "email_hash": ["A", None]})
    >>> rate = match_rate(link_tables(subs, shop))
    >>> round(rate["observed_rate"], 4), round(rate["match_rate"], 4), rate["records_with_key"]
    (0.3333, 0.6667, 3)
    """
    if side not in SIDES:
        raise ValueError(f"side must be one of {', '.join(SIDES)}, not {side!r}.")
    row, other = linkage.report.loc[side], linkage.report.loc[[s for s in SIDES if s != side][0]]
    with_key = int(row["records"] - row["without_key"])
    if with_key == 0 or other["records"] == other["without_key"]:
        raise ValueError(f"No {side} record (or no record on the other side) carries a key: "
                         "a match rate needs keyed records on both sides.")
    linked = int(row["linked"])
    other_keyed_share = float(1 - other["without_key"] / other["records"])
    low, high = wilson_interval(linked, with_key, confidence)
    return {"match_rate": min(1.0, linked / with_key / other_keyed_share),
            "lower": min(1.0, low / other_keyed_share), "upper": min(1.0, high / other_keyed_share),
            "observed_rate": linked / with_key, "other_side_keyed_share": other_keyed_share,
            "records_with_key": with_key, "linked_records": linked,
            "match_rate_all_records": linked / int(row["records"])}


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a binomial share (better than ±1.96 s.e. near 0 or 1).

    >>> [round(x, 4) for x in wilson_interval(10, 100)]
    [0.0552, 0.1744]
    """
    z = NormalDist().inv_cdf(0.5 + confidence / 2)  # the stdlib: scipy.stats costs seconds to import
    share = successes / trials
    centre = (share + z**2 / (2 * trials)) / (1 + z**2 / trials)
    half = z * np.sqrt(share * (1 - share) / trials + z**2 / (4 * trials**2)) / (1 + z**2 / trials)
    return float(centre - half), float(centre + half)


def combined_value(linkage: Linkage, subscriber_value: pd.Series, shop_value: pd.Series) -> pd.DataFrame:
    """Per linked person: the value each silo sees and the person's combined value.

    ``subscriber_value`` and ``shop_value`` are indexed by record id (any money, e.g. margin to
    date). A person's records on one side are summed (a comeback's two subscriptions);
    columns ``subscription_value``, ``shop_value``, ``combined_value``, ``subscriber_records``
    and ``shop_records``, indexed by person_key.
    """
    pairs = linkage.pairs
    out = {}
    for side, values, column in (("subscriptions", subscriber_value, "subscriber_id"),
                                 ("orders", shop_value, "shop_customer_id")):
        ids = pairs[["person_key", column]].drop_duplicates()
        missing = sorted(set(ids[column]) - set(values.index.astype(str)))
        if missing:
            raise ValueError(f"The {side} values have no entry for {len(missing)} linked records "
                             f"(e.g. {', '.join(missing[:5])}): give a value for every record.")
        ids = ids.assign(value=values.rename(index=str).reindex(ids[column]).to_numpy())
        out[side] = ids.groupby("person_key").agg(value=("value", "sum"), records=(column, "nunique"))
    table = pd.DataFrame({
        "subscription_value": out["subscriptions"]["value"], "shop_value": out["orders"]["value"],
        "subscriber_records": out["subscriptions"]["records"], "shop_records": out["orders"]["records"],
    })
    table.insert(2, "combined_value", table["subscription_value"] + table["shop_value"])
    table.index.name = "person_key"
    return table


def silo_view(combined: pd.DataFrame) -> pd.DataFrame:
    """Mean value per linked person as each silo sees it, and as a whole; with the share each silo misses.

    >>> people = pd.DataFrame({"subscription_value": [100.0, 300.0], "shop_value": [50.0, 50.0],
    ...                        "combined_value": [150.0, 350.0]})
    >>> silo_view(people)["share_missed"].round(3).tolist()
    [0.2, 0.8, 0.0]
    """
    total = combined["combined_value"].sum()
    rows = {
        "subscription team sees": combined["subscription_value"],
        "web shop sees": combined["shop_value"],
        "one customer, both channels": combined["combined_value"],
    }
    return pd.DataFrame({
        "mean_value": {name: values.mean() for name, values in rows.items()},
        "total_value": {name: values.sum() for name, values in rows.items()},
        "share_missed": {name: 1 - values.sum() / total for name, values in rows.items()},
    })


def key_quality(frame: pd.DataFrame, key: str = "email_hash") -> pd.Series:
    """How messy a key column is: rows, blank, with stray spaces, with upper case, distinct before and after normalising.

    >>> key_quality(pd.DataFrame({"email_hash": ["ab", " AB", "", None]})).to_dict()
    {'rows': 4, 'blank': 2, 'stray_spaces': 1, 'upper_case': 1, 'distinct_as_written': 2, 'distinct_normalised': 1}
    """
    require_frame(frame, "key", [key])
    text = frame[key].astype("string")
    normalised = normalise_key(text)
    written = text.dropna()[text.dropna().str.strip().ne("")]
    return pd.Series({
        "rows": len(frame),
        "blank": int(normalised.isna().sum()),
        "stray_spaces": int(written.ne(written.str.strip()).sum()),
        "upper_case": int(written.str.contains("[A-Z]", regex=True).sum()),
        "distinct_as_written": int(written.nunique()),
        "distinct_normalised": int(normalised.nunique()),
    })


def subscriber_comebacks(linkage: Linkage, subscriptions: pd.DataFrame) -> pd.DataFrame:
    """People with several subscriber records: did each record end before the next began (a comeback)?

    One row per shared key: ``records``, ``first_signup``, ``last_signup`` and ``came_back``
    (every earlier record cancelled on or before the next one's signup: a won-back subscriber,
    not a duplicate to delete).
    """
    require_frame(subscriptions, "subscriptions", ["customer_id", "signup_date", "cancel_date"])
    keyed = linkage.records["subscriptions"].dropna(subset=["person_key"])
    shared = keyed[keyed["person_key"].duplicated(keep=False)]
    dates = subscriptions.assign(record_id=subscriptions["customer_id"].astype(str))
    shared = shared.merge(dates[["record_id", "signup_date", "cancel_date"]], on="record_id")
    shared = shared.sort_values(["person_key", "signup_date"], kind="stable")
    next_signup = shared.groupby("person_key")["signup_date"].shift(-1)
    ended_first = (shared["cancel_date"] <= next_signup) | next_signup.isna()
    out = shared.assign(ended_first=ended_first).groupby("person_key").agg(
        records=("record_id", "nunique"), first_signup=("signup_date", "min"),
        last_signup=("signup_date", "max"), came_back=("ended_first", "all"))
    return out
