"""Signup cohorts, retention matrices and churn by tenure, with right-censoring done right.

A subscriber pays at signup (month 0) and at every monthly anniversary until they
cancel. ``paid_months`` counts those payments: a customer who cancels on their second
anniversary paid for months 0 and 1, so ``paid_months = 2``. A customer still active on
the analysis date is *right-censored*: we know they paid at least the anniversaries
reached so far, nothing more.

The rules that keep censoring honest:

* a retention-matrix cell (cohort c, month k) exists only when every member of the
  cohort has reached their k-th anniversary by the analysis date. Cells beyond that are
  absent from the long table (and blank in the wide pivot), never counted as churn;
* churn by tenure is a life table: at month k, the customers *at risk* are those who
  paid for month k - 1 and whose k-th anniversary has been observed.

Example
-------
>>> from clvlib.data import load_dataset
>>> from clvlib.analysis import cohorts
>>> ds = load_dataset()
>>> long = cohorts.retention_matrix(ds.subscriptions, ds.analysis_date)
>>> list(long.columns)
['cohort', 'months_since_signup', 'cohort_size', 'active', 'share_active']
>>> int(long["share_active"].isna().sum())
0
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clvlib.core.calendar import add_months, whole_months_between
from clvlib.core.checks import parse_date, require_frame
from clvlib.core.product_limit import product_limit

REQUIRED = ("customer_id", "signup_date", "cancel_date")


def lifetime_spans(subscriptions: pd.DataFrame, analysis_date) -> tuple[pd.Series, pd.Series, pd.Series, pd.Timestamp]:
    """Check the subscriptions table; return each customer's ``(signup, end, churned)`` and the analysis date.

    ``churned`` = cancelled on or before the analysis date; ``end`` is then the cancel
    date, otherwise the analysis date (right-censored: a later cancel date counts as
    still active, so an analysis can be re-run "as of" an earlier date). Dates may be
    datetimes or text. One ValueError lists every problem: missing signup dates,
    signups after the analysis date, cancellations before signup, repeated customer_ids.
    Shared by :func:`customer_tenure` (paid months) and
    :func:`clvlib.analysis.lifetimes.durations_from_subscriptions` (tenure in months).
    """
    require_frame(subscriptions, "subscriptions", REQUIRED,
                  hint="Load it with clvlib.data.load_dataset or map your column names in the params file.")
    analysis = parse_date(analysis_date, "analysis_date")
    signup = pd.to_datetime(subscriptions["signup_date"], errors="coerce")
    cancel = pd.to_datetime(subscriptions["cancel_date"], errors="coerce")
    if signup.isna().all():
        raise ValueError("Every signup_date is missing or unreadable: cannot measure any tenure.")
    problems = []
    for mask, what in (
        (signup.isna(), "have no readable signup_date"),
        (signup > analysis, f"signed up after the analysis date {analysis.date()}"),
        (cancel < signup, "have a cancel_date before their signup_date"),
    ):
        if mask.any():
            examples = ", ".join(map(str, subscriptions.loc[mask, "customer_id"].head(5)))
            problems.append(f"{int(mask.sum())} customers {what} (e.g. {examples})")
    if subscriptions["customer_id"].duplicated().any():
        dup = subscriptions["customer_id"][subscriptions["customer_id"].duplicated()]
        problems.append(f"{dup.size} customer_ids appear more than once (e.g. {', '.join(map(str, dup.head(5)))})")
    if problems:
        raise ValueError("Cannot use the subscriptions table: " + "; ".join(problems) + ".")
    churned = cancel.notna() & (cancel <= analysis)
    return signup, cancel.where(churned, analysis), churned, analysis


def customer_tenure(subscriptions: pd.DataFrame, analysis_date) -> pd.DataFrame:
    """One row per customer: cohort, paid_months so far and whether they churned.

    For a churned customer ``paid_months`` is their whole lifetime T (anniversaries
    before the cancel date, plus the signup payment). For an active one it is the
    payments observed so far (T > paid_months - 1 is all we know).
    """
    signup, end, churned, when = lifetime_spans(subscriptions, analysis_date)
    signup = signup.dt.normalize()
    # Paid periods before cancelling: anniversaries strictly before the cancel date, plus signup.
    before_cancel = whole_months_between(signup, end)
    at_anniversary = add_months(signup, before_cancel.to_numpy()) >= end.dt.normalize()
    lifetime = (before_cancel + (~at_anniversary).astype(int)).clip(lower=1)
    observed = whole_months_between(signup, when) + 1  # payments made by the analysis date
    out = pd.DataFrame(
        {
            "customer_id": subscriptions["customer_id"],
            "cohort": signup.dt.to_period("M"),
            "signup_date": signup,
            "paid_months": np.where(churned, lifetime, observed).astype(int),
            "churned": churned.to_numpy(),
        },
        index=subscriptions.index,
    )
    return out


def retention_matrix(subscriptions: pd.DataFrame, analysis_date, max_months: int | None = None) -> pd.DataFrame:
    """Long table of cohort × months since signup: cohort_size, active, share_active.

    Only observed cells are returned: (cohort, k) appears when every member of the
    cohort had reached their k-th anniversary by ``analysis_date``. Use
    :func:`retention_table` for the wide version a heatmap needs.
    """
    tenure = customer_tenure(subscriptions, analysis_date)
    when = parse_date(analysis_date, "analysis_date")
    groups = tenure.groupby("cohort", sort=True)
    # The last month every member has reached = the anniversaries of the cohort's latest signup.
    last_signup = groups["signup_date"].max()
    last_k = whole_months_between(last_signup.reset_index(drop=True), when).to_numpy()
    if max_months is not None:
        last_k = np.minimum(last_k, int(max_months))
    rows = []
    for (cohort, members), k_max in zip(groups, last_k, strict=True):
        paid = members["paid_months"].to_numpy()
        ks = np.arange(k_max + 1)
        # Active at month k = paid for more than k months.
        paid_at_most = np.cumsum(np.bincount(np.minimum(paid, k_max + 1), minlength=k_max + 2))[: k_max + 1]
        rows.append(
            pd.DataFrame(
                {"cohort": cohort, "months_since_signup": ks, "cohort_size": len(paid), "active": len(paid) - paid_at_most}
            )
        )
    long = pd.concat(rows, ignore_index=True)
    long["share_active"] = long["active"] / long["cohort_size"]
    return long


def retention_table(long: pd.DataFrame, value: str = "share_active") -> pd.DataFrame:
    """Pivot :func:`retention_matrix` to cohorts (rows) × months since signup (columns).

    Blank (NaN) cells are months a cohort has not reached yet: not observed, not churn.
    """
    if value not in ("share_active", "active"):
        raise ValueError("value must be 'share_active' or 'active'.")
    return long.pivot(index="cohort", columns="months_since_signup", values=value)


def churn_by_tenure(
    subscriptions: pd.DataFrame, analysis_date, by: str | None = None, min_at_risk: int = 1
) -> pd.DataFrame:
    """Life table of monthly churn: at month k, how many were at risk and how many left.

    ``at_risk`` = customers who paid for month k - 1 and whose k-th anniversary was
    observed (or who cancelled); ``churned`` = those whose lifetime ended at k;
    ``churn_rate`` = churned / at_risk (the hazard); ``survival`` = the product of
    (1 - churn_rate) up to k. ``by`` splits the table by a column such as "channel".
    Months with fewer than ``min_at_risk`` customers at risk are left out.
    """
    tenure = customer_tenure(subscriptions, analysis_date)
    if by is not None:
        if by not in subscriptions.columns:
            raise ValueError(f"Column {by!r} is not in subscriptions; choose one of {', '.join(subscriptions.columns)}.")
        tenure[by] = subscriptions[by].to_numpy()
        groups = tenure.groupby(by, sort=True)
    else:
        groups = [(None, tenure)]
    frames = []
    for key, g in groups:
        table = _life_table(g["paid_months"].to_numpy(), g["churned"].to_numpy(), min_at_risk)
        if by is not None:
            table.insert(0, by, key)
        frames.append(table)
    return pd.concat(frames, ignore_index=True)


def _life_table(paid: np.ndarray, churned: np.ndarray, min_at_risk: int) -> pd.DataFrame:
    """The product-limit table at months 1 .. longest: churned customers leave at paid_months;
    active ones are censored at their last observed anniversary, paid_months - 1."""
    fit = product_limit(np.where(churned, paid, paid - 1), churned, times=np.arange(1, int(paid.max()) + 1))
    keep = fit.at_risk >= max(int(min_at_risk), 1)  # at_risk never grows, so this keeps a prefix
    return pd.DataFrame(
        {
            "months_since_signup": fit.times[keep].astype(int),
            "at_risk": fit.at_risk[keep],
            "churned": fit.deaths[keep],
            "churn_rate": fit.hazard[keep],
            "survival": fit.survival[keep],
        }
    )


def cohort_survivors(
    subscriptions: pd.DataFrame,
    analysis_date,
    first_cohort: str | pd.Period | None = None,
    last_cohort: str | pd.Period | None = None,
) -> pd.Series:
    """Active customers at months 0, 1, 2, ... for the signup cohorts first..last, pooled.

    The series stops at the last month observed for *every* chosen cohort, so it is a
    plain survivor curve (no censoring inside): exactly what
    :meth:`clvlib.models.contractual.sbg.ShiftedBetaGeometric.fit` takes.
    """
    long = retention_matrix(subscriptions, analysis_date)
    chosen = long
    if first_cohort is not None:
        chosen = chosen[chosen["cohort"] >= pd.Period(first_cohort, "M")]
    if last_cohort is not None:
        chosen = chosen[chosen["cohort"] <= pd.Period(last_cohort, "M")]
    if chosen.empty:
        raise ValueError(
            f"No customers signed up between {first_cohort} and {last_cohort}; "
            f"cohorts run from {long['cohort'].min()} to {long['cohort'].max()}."
        )
    last_k = chosen.groupby("cohort")["months_since_signup"].max().min()
    chosen = chosen[chosen["months_since_signup"] <= last_k]
    series = chosen.groupby("months_since_signup")["active"].sum().astype(int)
    series.name = "active"
    return series


def lifetime_counts(
    subscriptions: pd.DataFrame, analysis_date, max_months: int | None = None
) -> pd.DataFrame:
    """Customers by lifetime for a censored sBG fit: ``churned`` (T = t) and ``censored`` (T > t).

    Every customer counts once: churned at t = paid_months if they cancelled, otherwise
    censored at t = paid_months - 1 (the last anniversary observed). ``max_months``
    cuts observation at that month (a calibration window): longer lives are censored there.
    Feed the columns to :meth:`clvlib.models.contractual.sbg.ShiftedBetaGeometric.fit_lifetime_counts`.
    """
    tenure = customer_tenure(subscriptions, analysis_date)
    paid = tenure["paid_months"].to_numpy()
    churned = tenure["churned"].to_numpy()
    last_seen = np.where(churned, paid, paid - 1)  # T for churned, the censoring point otherwise
    if max_months is not None:
        cut = int(max_months)
        if cut < 1:
            raise ValueError("max_months must be 1 or more.")
        beyond = last_seen > cut
        churned = churned & ~beyond
        last_seen = np.minimum(last_seen, cut)
    size = int(last_seen.max()) + 1
    out = pd.DataFrame(
        {
            "churned": np.bincount(last_seen[churned], minlength=size),
            "censored": np.bincount(last_seen[~churned], minlength=size),
        }
    )
    out.index.name = "months_since_signup"
    return out


def observed_churn_rate(subscriptions: pd.DataFrame, analysis_date, by: str | list[str] | None = None) -> pd.DataFrame:
    """Average monthly churn per segment: churns / renewal decisions observed (constant-churn MLE).

    One number per group, as an analyst would compute it from the data: ``at_risk``
    (customer-months at which a renewal was due and observed), ``churned`` and
    ``churn_rate``. It hides the spread of churn *inside* each group.
    """
    tenure = customer_tenure(subscriptions, analysis_date)
    keys = [by] if isinstance(by, str) else list(by or [])
    missing = [k for k in keys if k not in subscriptions.columns]
    if missing:
        raise ValueError(f"Column(s) {', '.join(missing)} not in subscriptions.")
    paid = tenure["paid_months"].to_numpy()
    churned = tenure["churned"].to_numpy()
    frame = pd.DataFrame(
        {
            # Renewal decisions seen: T for a churned customer, paid_months - 1 for an active one.
            "at_risk": np.where(churned, paid, paid - 1),
            "churned": churned.astype(int),
        },
        index=subscriptions.index,
    )
    if keys:
        for k in keys:
            frame[k] = subscriptions[k].to_numpy()
        out = frame.groupby(keys, sort=True)[["at_risk", "churned"]].sum()
    else:
        out = frame[["at_risk", "churned"]].sum().to_frame("all customers").T
    if (out["at_risk"] == 0).any():
        empty = ", ".join(str(i) for i in out.index[out["at_risk"] == 0])
        raise ValueError(f"No renewals observed yet for {empty}: their churn rate cannot be estimated.")
    out["churn_rate"] = out["churned"] / out["at_risk"]
    return out
