"""Segmenting customers: RFM scores, value tiers, lifecycle stages and segment profiles.

Segments turn per-customer numbers into decisions: whom to thank, whom to win back,
whom to leave alone. This module keeps every rule explicit and parameterised:

* **RFM** (recency, frequency, monetary) scores each customer 1-5 per dimension by
  where their value sits among all customers (quintiles). Order data are full of ties
  (a quarter or more of customers bought exactly once), and the usual trick of ranking
  with ``method="first"`` would split identical customers into different scores by row
  order. Here the rule is: **a customer's score is 1 + the number of whole fifths of
  customers with a strictly worse value**, i.e. ``1 + floor(5 x share strictly worse)``.
  Equal values always share a score, better values never get a lower one, the worst
  value always scores 1, and without ties the scores are exact quintiles. With heavy
  ties some scores are simply not used (if 40 % bought once, they all score 1 and the
  next customers start at 3): the scores then say, honestly, that those customers
  cannot be told apart.
* **Value tiers** rank customers by predicted CLV (e.g. from :mod:`clvlib.btyd`) and
  the **Pareto/Lorenz curve** shows what share of the value the top X % hold.
* **Lifecycle stages** (new, active, at risk, lapsed) come from days since the first
  and last order and P(alive), with every threshold a parameter.
* **Profiles** summarise any segmentation (size, value, churn risk);
  :mod:`clvlib.analysis.value_drivers` shows what distinguishes high-value customers early on.

Example
-------
>>> import pandas as pd
>>> from clvlib.analysis.segments import percentile_scores
>>> percentile_scores(pd.Series([1, 1, 1, 2, 3, 4, 5, 6, 7, 8])).tolist()
[1, 1, 1, 2, 3, 3, 4, 4, 5, 5]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from clvlib.core.checks import parse_date, require_frame

LIFECYCLE_STAGES = ("new", "active", "at risk", "lapsed")
RFM_SEGMENTS = ("champions", "loyal", "promising", "needs attention", "at risk", "hibernating")


# --------------------------------------------------------------------------- RFM


def rfm_table(
    orders: pd.DataFrame,
    analysis_date,
    monetary: str = "mean",
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    value_col: str = "order_value",
) -> pd.DataFrame:
    """One row per customer: recency_days, frequency, monetary, first and last order date.

    ``recency_days`` = days from the last order to ``analysis_date`` (small = recent);
    ``frequency`` = number of orders; ``monetary`` = mean order value (``"mean"``, the
    default, so it is not just frequency again) or total spend (``"total"``);
    ``tenure_days`` = days since the first order. A ``channel`` column is carried over
    when the orders have one. Indexed by customer id.

    >>> orders = pd.DataFrame({"customer_id": ["a", "a", "b"],
    ...     "order_date": pd.to_datetime(["2025-01-01", "2025-03-01", "2025-02-01"]),
    ...     "order_value": [10.0, 30.0, 5.0]})
    >>> rfm_table(orders, "2025-03-31").reset_index()[["customer_id", "recency_days", "frequency", "monetary"]]
      customer_id  recency_days  frequency  monetary
    0           a            30          2      20.0
    1           b            58          1       5.0
    """
    require_frame(orders, "orders", (customer_col, date_col, value_col), hint="See clvlib.data.load_dataset.")
    if monetary not in ("mean", "total"):
        raise ValueError(f"monetary must be 'mean' (average order value) or 'total' (total spend), not {monetary!r}.")
    end = parse_date(analysis_date, "analysis_date")
    dates = pd.to_datetime(orders[date_col], errors="coerce").dt.normalize()
    values = pd.to_numeric(orders[value_col], errors="coerce")
    problems = []
    if dates.isna().any():
        problems.append(f"{int(dates.isna().sum())} orders have no readable {date_col}")
    if values.isna().any():
        problems.append(f"{int(values.isna().sum())} orders have a missing or non-numeric {value_col}")
    if (values < 0).any():
        problems.append(f"{int((values < 0).sum())} orders have a negative {value_col}")
    if (dates > end).any():
        problems.append(f"{int((dates > end).sum())} orders are after the analysis date {end.date()}")
    if problems:
        raise ValueError("Cannot compute RFM: " + "; ".join(problems) + ".")
    frame = pd.DataFrame({"customer_id": orders[customer_col].to_numpy(), "date": dates, "value": values})
    grouped = frame.groupby("customer_id", sort=True)
    out = pd.DataFrame(
        {
            "recency_days": (end - grouped["date"].max()).dt.days,
            "frequency": grouped.size(),
            "monetary": grouped["value"].mean() if monetary == "mean" else grouped["value"].sum(),
            "tenure_days": (end - grouped["date"].min()).dt.days,
            "first_order_date": grouped["date"].min(),
            "last_order_date": grouped["date"].max(),
        }
    )
    if "channel" in orders.columns:
        out["channel"] = orders.groupby(orders[customer_col], sort=True)["channel"].first()
    out.index.name = "customer_id"
    out.attrs.update(analysis_date=str(end.date()), monetary=monetary)
    return out


def percentile_scores(values: pd.Series, n_scores: int = 5, higher_is_better: bool = True) -> pd.Series:
    """Scores 1..n_scores by position among all values; ties share a score.

    score = 1 + floor(n_scores x share of values strictly worse), so ties never split,
    the worst value scores 1 and, without ties, scores are exact n-tiles (n = 10 gives
    two customers per score). ``higher_is_better=False`` is for recency in days (fewer
    days = better). Missing values raise ValueError.

    >>> percentile_scores(pd.Series([5, 5, 5, 5, 1]), n_scores=5).tolist()
    [2, 2, 2, 2, 1]
    """
    if not isinstance(n_scores, int | np.integer) or n_scores < 2:
        raise ValueError(f"n_scores must be a whole number, at least 2 (got {n_scores!r}).")
    series = pd.Series(values)
    if series.empty:
        raise ValueError("There are no values to score.")
    numbers = pd.to_numeric(series, errors="coerce")
    if numbers.isna().any():
        raise ValueError(f"{int(numbers.isna().sum())} values are missing or not numbers: scores need every value.")
    oriented = numbers.to_numpy(dtype=float) if higher_is_better else -numbers.to_numpy(dtype=float)
    ordered = np.sort(oriented)
    strictly_worse = np.searchsorted(ordered, oriented, side="left")  # how many are below
    # Integer arithmetic, not floats: floor(n_scores * k / n) exactly, so an exact fifth is not lost to rounding.
    scores = 1 + (n_scores * strictly_worse) // len(ordered)
    return pd.Series(scores.astype(int), index=series.index, name=series.name)


def rfm_scores(rfm: pd.DataFrame, n_scores: int = 5) -> pd.DataFrame:
    """Add r_score, f_score, m_score (1..n_scores, high = good), rfm_cell ("5-4-3") and rfm_total.

    Recency is scored with fewer days = better. ``rfm`` is the table from
    :func:`rfm_table` (columns recency_days, frequency, monetary).
    """
    missing = [c for c in ("recency_days", "frequency", "monetary") if c not in rfm.columns]
    if missing:
        raise ValueError(f"The RFM table has no {', '.join(missing)} column(s): build it with rfm_table().")
    out = rfm.copy()
    out["r_score"] = percentile_scores(rfm["recency_days"], n_scores, higher_is_better=False)
    out["f_score"] = percentile_scores(rfm["frequency"], n_scores)
    out["m_score"] = percentile_scores(rfm["monetary"], n_scores)
    out["rfm_cell"] = out["r_score"].astype(str) + "-" + out["f_score"].astype(str) + "-" + out["m_score"].astype(str)
    out["rfm_total"] = out["r_score"] + out["f_score"] + out["m_score"]
    return out


def rfm_segment_names(scores: pd.DataFrame) -> pd.Series:
    """Name customers from their R and F scores (1-5) with a simple, stated grid.

    champions: R >= 4 and F >= 4; loyal: R >= 3 and F >= 3 (not champions); promising:
    R >= 4 and F <= 2 (recent but few orders); at risk: R <= 2 and F >= 3 (used to buy
    often, not lately); hibernating: R <= 2 and F <= 2; needs attention: the rest (R = 3,
    F <= 2). M is left out on purpose: it describes basket size, not the relationship.
    """
    if not {"r_score", "f_score"} <= set(scores.columns):
        raise ValueError("Give the table from rfm_scores() (columns r_score and f_score).")
    r, f = scores["r_score"], scores["f_score"]
    conditions = [
        (r >= 4) & (f >= 4),
        (r >= 3) & (f >= 3),
        (r >= 4) & (f <= 2),
        (r <= 2) & (f >= 3),
        (r <= 2) & (f <= 2),
    ]
    names = np.select(conditions, ["champions", "loyal", "promising", "at risk", "hibernating"], "needs attention")
    return pd.Series(pd.Categorical(names, categories=RFM_SEGMENTS), index=scores.index, name="rfm_segment")


# --------------------------------------------------------------------------- value concentration


def _check_values(values, what: str = "values") -> pd.Series:
    series = pd.Series(values)
    numbers = pd.to_numeric(series, errors="coerce")
    if numbers.empty:
        raise ValueError(f"There are no {what}.")
    if numbers.isna().any():
        raise ValueError(f"{int(numbers.isna().sum())} {what} are missing or not numbers.")
    if (numbers < 0).any():
        raise ValueError(
            f"{int((numbers < 0).sum())} {what} are negative: a share of total value needs values of 0 or more."
        )
    if numbers.sum() <= 0:
        raise ValueError(f"All {what} are 0: there is no value to share out.")
    return numbers.astype(float)


def pareto_curve(values) -> pd.DataFrame:
    """Share of total value held by the top X % of customers (the Pareto / Lorenz view).

    Columns customer_share (0..1, most valuable first) and value_share (0..1), starting
    at (0, 0). Reading value_share at customer_share 0.2 gives "the top 20 % hold ...".
    """
    numbers = _check_values(values, "customer values")
    ordered = np.sort(numbers.to_numpy())[::-1]
    n = ordered.size
    return pd.DataFrame(
        {
            "customer_share": np.arange(n + 1) / n,
            "value_share": np.concatenate([[0.0], np.cumsum(ordered) / ordered.sum()]),
        }
    )


def top_share_of_value(values, top_share: float = 0.2) -> float:
    """Share of total value held by the most valuable ``top_share`` of customers.

    Interpolates linearly between customers, so it is exact when top_share x n is whole.

    >>> top_share_of_value([10, 0, 0, 0, 0], 0.2)
    1.0
    """
    if not 0 < top_share <= 1:
        raise ValueError(f"top_share is a share of customers between 0 and 1 (e.g. 0.2), not {top_share!r}.")
    curve = pareto_curve(values)
    return float(np.interp(top_share, curve["customer_share"], curve["value_share"]))


def gini_coefficient(values) -> float:
    """Gini coefficient of customer value: 0 = everyone worth the same, near 1 = one customer holds it all."""
    numbers = np.sort(_check_values(values, "customer values").to_numpy())
    n = numbers.size
    cumulative = np.cumsum(numbers)
    return float((n + 1 - 2 * np.sum(cumulative) / cumulative[-1]) / n)


def value_tiers(values, cutoffs: Sequence[float] = (0.2, 0.5), labels: Sequence[str] | None = None) -> pd.Series:
    """Tier customers by value: the top ``cutoffs[0]`` share, the next ones, and the rest.

    A customer's tier is decided by the share of customers with a strictly higher value,
    so equal values always land in the same tier (a tie at a boundary goes to the higher
    tier). Default labels: "top 20%", "20-50%", "bottom 50%". Returns an ordered
    categorical, best tier first.
    """
    numbers = _check_values(values, "customer values")
    cuts = list(cutoffs)
    if not cuts or any(not 0 < c < 1 for c in cuts) or cuts != sorted(set(cuts)):
        raise ValueError(f"cutoffs must be increasing shares strictly between 0 and 1, e.g. (0.2, 0.5); got {cutoffs!r}.")
    if labels is None:
        bounds = [0.0, *cuts, 1.0]
        labels = [f"top {cuts[0]:.0%}"]
        labels += [f"{lo:.0%}-{hi:.0%}" for lo, hi in zip(bounds[1:-2], bounds[2:-1], strict=True)]
        labels += [f"bottom {1 - cuts[-1]:.0%}"]
    labels = list(labels)
    if len(labels) != len(cuts) + 1:
        raise ValueError(f"Give {len(cuts) + 1} labels for {len(cuts)} cutoffs.")
    ordered = np.sort(numbers.to_numpy())
    strictly_better = ordered.size - np.searchsorted(ordered, numbers.to_numpy(), side="right")
    share_better = strictly_better / ordered.size
    tier = np.searchsorted(np.asarray(cuts), share_better, side="right")
    return pd.Series(
        pd.Categorical.from_codes(tier, categories=labels, ordered=True), index=numbers.index, name="value_tier"
    )


# --------------------------------------------------------------------------- lifecycle


def lifecycle_stages(
    customers: pd.DataFrame,
    new_within_days: int = 90,
    at_risk_after_days: int = 120,
    lapsed_after_days: int = 365,
    at_risk_below: float = 0.5,
    lapsed_below: float = 0.2,
) -> pd.Series:
    """Lifecycle stage of each customer from days since first/last order and P(alive).

    ``customers`` has tenure_days (days since the first order), recency_days (days since
    the last order) and probability_alive. Rules, first match wins:

    1. **new**: first order within ``new_within_days``;
    2. **lapsed**: P(alive) < ``lapsed_below`` or no order for more than ``lapsed_after_days``;
    3. **at risk**: P(alive) < ``at_risk_below`` or no order for more than ``at_risk_after_days``;
    4. **active**: everyone else.

    The recency rules matter because BG/NBD gives P(alive) = 1 to anyone who never
    bought twice (it only learns about dropping out from repeat purchases), however
    long ago that one order was. Returns an ordered categorical.
    """
    missing = [c for c in ("tenure_days", "recency_days", "probability_alive") if c not in customers.columns]
    if missing:
        raise ValueError(
            f"customers has no {', '.join(missing)} column(s): join rfm_table() with the BG/NBD probability_alive."
        )
    if not 0 <= lapsed_below <= at_risk_below <= 1:
        raise ValueError(
            f"Need 0 <= lapsed_below <= at_risk_below <= 1 (got {lapsed_below!r} and {at_risk_below!r})."
        )
    if not 0 <= at_risk_after_days <= lapsed_after_days:
        raise ValueError(
            f"Need 0 <= at_risk_after_days <= lapsed_after_days (got {at_risk_after_days!r} and {lapsed_after_days!r})."
        )
    if new_within_days < 0:
        raise ValueError(f"new_within_days must be 0 or more, not {new_within_days!r}.")
    p_alive = pd.to_numeric(customers["probability_alive"], errors="coerce")
    if p_alive.isna().any() or ((p_alive < 0) | (p_alive > 1)).any():
        raise ValueError("probability_alive must be a probability between 0 and 1 for every customer.")
    tenure, recency = customers["tenure_days"], customers["recency_days"]
    conditions = [
        tenure <= new_within_days,
        (p_alive < lapsed_below) | (recency > lapsed_after_days),
        (p_alive < at_risk_below) | (recency > at_risk_after_days),
    ]
    stage = np.select(conditions, ["new", "lapsed", "at risk"], "active")
    return pd.Series(
        pd.Categorical(stage, categories=LIFECYCLE_STAGES, ordered=True), index=customers.index, name="lifecycle_stage"
    )


# --------------------------------------------------------------------------- profiles


def segment_profiles(
    customers: pd.DataFrame,
    by: str | list[str],
    value_col: str = "clv",
    churn_risk_col: str | None = "churn_risk",
) -> pd.DataFrame:
    """Size, value and churn risk of each segment.

    One row per segment (empty segments left out): customers, share_of_customers,
    mean_value, total_value, share_of_value and, when ``churn_risk_col`` is given,
    mean_churn_risk (e.g. 1 - P(alive)). ``by`` may name several columns.
    """
    keys = [by] if isinstance(by, str) else list(by)
    needed = [*keys, value_col] + ([churn_risk_col] if churn_risk_col else [])
    missing = [c for c in needed if c not in customers.columns]
    if missing:
        raise ValueError(f"customers has no {', '.join(missing)} column(s); it has: {', '.join(map(str, customers.columns))}.")
    values = _check_values(customers[value_col], value_col)
    frame = customers[keys].assign(_value=values)
    if churn_risk_col:
        frame["_risk"] = pd.to_numeric(customers[churn_risk_col], errors="coerce")
    grouped = frame.groupby(keys, observed=True, sort=True)
    out = pd.DataFrame(
        {
            "customers": grouped.size(),
            "mean_value": grouped["_value"].mean(),
            "total_value": grouped["_value"].sum(),
        }
    )
    out.insert(1, "share_of_customers", out["customers"] / len(frame))
    out["share_of_value"] = out["total_value"] / values.sum()
    if churn_risk_col:
        out["mean_churn_risk"] = grouped["_risk"].mean()
    return out
