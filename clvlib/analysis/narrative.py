"""What the numbers mean: the executive report's findings, each from one explicit rule.

Every rule is a small function that reads a table and returns a sentence when its
condition holds, or None when it does not; :func:`what_this_means` keeps the sentences
that fired. The conditions are the module's constants, so a reader (and a test) can say
why a sentence is on the page or not:

* :func:`cac_moved`: spend or new subscribers moved materially -> what happened to CAC;
* :func:`channel_payback`: which channels pay back within the horizon, which one deserves
  the next dollar (best LTV:CAC that pays back; its bootstrap interval is quoted);
* :func:`channel_crossed`: a channel's LTV:CAC crossed 1:1 (payback) or the 3:1 reference;
* :func:`value_concentration`: the top 20% of shop customers hold at least half the value;
* :func:`riskiest_group`: one group of subscribers churns at least 1.25x as fast as the rest;
* :func:`no_new_shop_customers`: nobody has placed a first order for 90 days or more.
"""

from __future__ import annotations

import math

import pandas as pd

from clvlib.analysis.acquisition import RULE_OF_THUMB_LTV_TO_CAC
from clvlib.analysis.kpi_text import format_value
from clvlib.core.money import DEFAULT_CURRENCY, Currency

CONCENTRATION_SHARE = 0.5  # the top 20% hold at least this share of value: say so
RISK_RATIO = 1.25  # a group churning this many times as fast as the rest is worth naming
NO_NEW_CUSTOMERS_DAYS = 90  # no first order for this long: the shop is not acquiring
CROSSING_LINES = (1.0, RULE_OF_THUMB_LTV_TO_CAC)  # LTV:CAC lines a channel can cross


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _date(day) -> str:
    day = pd.Timestamp(day)
    return f"{day.day} {day.strftime('%b %Y')}"


def _listing(names) -> str:
    names = [str(n) for n in names]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def cac_moved(changes: pd.DataFrame, money: str | Currency = DEFAULT_CURRENCY) -> str | None:
    """Spend and new subscribers side by side, and what that did to the cost of a new subscriber.

    Fires when marketing spend or new subscribers changed materially (``material`` column of
    :func:`clvlib.analysis.materiality.mark_material`) and CAC is defined in both periods.
    """
    needed = {"marketing_spend", "new_subscribers", "blended_cac"}
    if not needed <= set(changes.index) or "material" not in changes.columns:
        return None
    if not (changes.at["marketing_spend", "material"] or changes.at["new_subscribers", "material"]):
        return None
    cac = changes.loc["blended_cac"]
    if _missing(cac["relative_change"]) or _missing(changes.at["marketing_spend", "relative_change"]):
        return None

    def moved(name):
        rel = changes.at[name, "relative_change"]
        word = "rose" if rel > 0 else "fell" if rel < 0 else "held"
        return f"{word} {abs(rel):.1%}" if rel else word

    noise = "" if changes.at["new_subscribers", "material"] else " (within normal variation)"
    cheaper = "dearer" if cac["relative_change"] > 0 else "cheaper"
    return (f"Marketing spend {moved('marketing_spend')} and new subscribers {moved('new_subscribers')}{noise}, "
            f"so each new subscriber cost {format_value(cac['current'], 'money', money)}, "
            f"{abs(cac['relative_change']):.1%} {cheaper} than the period before.")


def channel_payback(channels: pd.DataFrame, horizon_months: int, money: str | Currency = DEFAULT_CURRENCY) -> str | None:
    """Which channels pay back within the horizon, and which deserves more budget.

    ``channels``: one row per channel with ``ltv_to_cac``, ``payback_months`` (NA when not
    paid back) and optionally ``ltv_to_cac_lower`` / ``ltv_to_cac_upper``. Fires when at least
    one channel has an LTV:CAC.
    """
    table = channels.dropna(subset=["ltv_to_cac"])
    if not len(table):
        return None
    paid = table[table["payback_months"].notna()]
    late = [c for c in table.index if c not in paid.index]
    after = ", ".join(f"{c} after {float(paid.at[c, 'payback_months']):.0f}" for c in
                      paid["payback_months"].astype(float).sort_values().index)
    if not late:
        text = f"Every channel pays back its acquisition cost within the {horizon_months}-month horizon ({after} months)"
    elif len(paid):
        verb, negation = ("pays" if len(paid) == 1 else "pay"), ("does" if len(late) == 1 else "do")
        text = (f"{_listing(paid.index).capitalize()} {verb} back within the {horizon_months}-month horizon ({after} "
                f"months); {_listing(late)} {negation} not")
    else:
        text = f"No channel pays back its acquisition cost within the {horizon_months}-month horizon"
    if not len(paid):
        return text + "."
    ranked = paid["ltv_to_cac"].astype(float).sort_values(ascending=False)
    best = ranked.index[0]
    text += f". The next dollar does most in {best} (LTV:CAC {format_value(ranked.iloc[0], 'ratio')}"
    if {"ltv_to_cac_lower", "ltv_to_cac_upper"} <= set(paid.columns) and not _missing(paid.at[best, "ltv_to_cac_lower"]):
        text += (f", 90% interval {float(paid.at[best, 'ltv_to_cac_lower']):.1f}"
                 f"–{float(paid.at[best, 'ltv_to_cac_upper']):.1f}")
        if len(ranked) > 1:
            second = ranked.index[1]
            clear = float(paid.at[best, "ltv_to_cac_lower"]) > float(paid.at[second, "ltv_to_cac_upper"])
            text += (f"; clearly ahead of {second}" if clear else f"; not clearly ahead of {second}, whose interval overlaps")
    return text + ")."


def channel_crossed(channels: pd.DataFrame) -> str | None:
    """A channel's LTV:CAC crossed 1:1 or the 3:1 reference since the previous period.

    ``channels`` needs ``ltv_to_cac`` and ``previous_ltv_to_cac``.
    """
    found = []
    for channel, row in channels.iterrows():
        now, before = row.get("ltv_to_cac"), row.get("previous_ltv_to_cac")
        if _missing(now) or _missing(before):
            continue
        for line in CROSSING_LINES:
            if (before < line) != (now < line):
                word = "rose above" if now >= line else "fell below"
                found.append(f"{channel} {word} {line:g}:1 ({float(before):.1f} to {float(now):.1f})")
    return f"Since the previous period {'; '.join(found)}." if found else None


def value_concentration(top_20_share: float | None, customers: str = "web-shop customers") -> str | None:
    """The Pareto finding: fires when the top 20% of customers hold :data:`CONCENTRATION_SHARE` or more."""
    if _missing(top_20_share) or top_20_share < CONCENTRATION_SHARE:
        return None
    return (f"The top 20% of {customers} hold {top_20_share:.0%} of their expected value: keeping them matters "
            "more than winning back the rest.")


def riskiest_group(churn: pd.DataFrame) -> str | None:
    """The group that churns fastest, when it churns :data:`RISK_RATIO` times as fast as the others pooled.

    ``churn``: one row per group (index = a label people read) with ``churned`` and
    ``at_risk`` (renewal decisions), as :func:`clvlib.analysis.cohorts.observed_churn_rate` gives.
    """
    if len(churn) < 2 or (churn["at_risk"] <= 0).any():
        return None
    rate = churn["churned"] / churn["at_risk"]
    worst = rate.idxmax()
    rest = churn.drop(index=worst)
    rest_rate = rest["churned"].sum() / rest["at_risk"].sum()
    if rest_rate <= 0 or rate[worst] / rest_rate < RISK_RATIO:
        return None
    return (f"{str(worst).capitalize()} churn {rate[worst] / rest_rate:.1f}× as fast as the rest "
            f"({rate[worst]:.1%} against {rest_rate:.1%} a month): the first place to look for lost value.")


def no_new_shop_customers(first_order_dates: pd.Series, as_of) -> str | None:
    """A data-window fact: fires when the latest first order is :data:`NO_NEW_CUSTOMERS_DAYS` or more before ``as_of``."""
    if not len(first_order_dates):
        return None
    latest = pd.Timestamp(first_order_dates.max())
    if (pd.Timestamp(as_of) - latest).days < NO_NEW_CUSTOMERS_DAYS:
        return None
    return (f"No new web-shop customer since {_date(latest)}: the shop figures follow one ageing group of "
            "customers, so its revenue can only fall as they lapse until the shop acquires again.")


def what_this_means(sentences) -> list[str]:
    """The sentences of the rules that fired, in order (the Nones dropped)."""
    return [s for s in sentences if s]
