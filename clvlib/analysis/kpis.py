"""Business KPIs for one reporting period, their change, and the sentences that say so.

The executive report (notebook 07) shows where the business stands on an as-of date
and what changed since the previous period. Only simple counts and sums are computed
here; the model-based figures (CLV, CAC, shop value, lifecycle stages) come from their
own modules, gathered by :func:`model_kpis`.

Definitions (a period is ``period_months`` long and ends on the as-of date, both ends
at midnight, start excluded: ``(start, end]``):

* ``active_subscribers``: signed up on or before the end and not cancelled by then;
* ``new_subscribers``: signed up within the period;
* ``cancellations``: cancelled within the period (whenever they signed up);
* ``churn_rate``: the share of subscribers active at the start who cancelled within
  the period (a probability over the period, not annualised);
* ``mrr``: monthly recurring revenue, the monthly_revenue of the active subscribers;
* ``shop_revenue``, ``shop_orders``, ``shop_buyers``: web-shop orders dated within the
  period, their number and the number of distinct customers who placed them;
* ``marketing_spend``: spend of the calendar months that start within the period;
* ``blended_cac``: marketing_spend / new_subscribers (None when nobody signed up).

Example
-------
>>> import pandas as pd
>>> subs = pd.DataFrame({"customer_id": ["a", "b", "c"],
...     "signup_date": pd.to_datetime(["2025-01-10", "2025-11-20", "2025-12-05"]),
...     "cancel_date": pd.to_datetime(["2025-12-10", None, None]),
...     "monthly_revenue": [15.0, 25.0, 40.0]})
>>> k = subscription_kpis(subs, *period_bounds("2025-12-31"))
>>> k["active_subscribers"], k["new_subscribers"], k["churn_rate"], k["mrr"]
(2, 1, 0.5, 65.0)
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable

import pandas as pd

# name -> (label for people, kind, True when a rise is good news / False when bad / None neutral)
KPI_INFO: dict[str, tuple[str, str, bool | None]] = {
    "active_subscribers": ("Active subscribers", "count", True),
    "new_subscribers": ("New subscribers", "count", True),
    "cancellations": ("Cancellations", "count", False),
    "churn_rate": ("Churn in the period", "share", False),
    "mrr": ("Monthly recurring revenue", "money", True),
    "shop_revenue": ("Web-shop revenue", "money", True),
    "shop_orders": ("Web-shop orders", "count", True),
    "shop_buyers": ("Web-shop buyers", "count", True),
    "marketing_spend": ("Marketing spend", "money", None),
    "blended_cac": ("Cost per new subscriber (blended CAC)", "money", False),
    # Model-based KPIs: computed by the report from clvlib.models.survival / btyd / segments.
    "clv_new_subscriber": ("Lifetime value of a new subscriber (discounted margin)", "money", True),
    "shop_value_12m": ("Expected web-shop margin, next 12 months", "money", True),
    "shop_active_share": ("Shop customers in the 'active' stage", "share", True),
}


def _day(value) -> pd.Timestamp:
    try:
        day = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ValueError(f"{value!r} is not a date: use YYYY-MM-DD, e.g. 2025-12-31.") from None
    if pd.isna(day):
        raise ValueError("The as-of date is missing: give a date such as 2025-12-31.")
    return day.normalize()


def period_bounds(as_of, period_months: int = 1, periods_back: int = 0) -> tuple[pd.Timestamp, pd.Timestamp]:
    """``(start, end)`` of the period ending ``periods_back`` periods before ``as_of``.

    Offsets are counted from the as-of date each time (not chained), so month ends stay
    month ends: as of 2025-12-31 the previous month is (2025-10-31, 2025-11-30].

    >>> [str(d.date()) for d in period_bounds("2025-12-31", 1, periods_back=1)]
    ['2025-10-31', '2025-11-30']
    """
    if not isinstance(period_months, int) or period_months < 1:
        raise ValueError(f"period_months must be a whole number of months, at least 1 (got {period_months!r}).")
    if not isinstance(periods_back, int) or periods_back < 0:
        raise ValueError(f"periods_back must be 0 or more (got {periods_back!r}).")
    as_of = _day(as_of)
    end = as_of - pd.DateOffset(months=periods_back * period_months)
    start = as_of - pd.DateOffset(months=(periods_back + 1) * period_months)
    return start, end


def _need(frame: pd.DataFrame, table: str, columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"The {table} table has no {', '.join(missing)} column(s); it has: {', '.join(map(str, frame.columns))}. "
            "Load it with clvlib.data.load_dataset."
        )


def active_at(subscriptions: pd.DataFrame, day) -> pd.Series:
    """True for subscribers active at the end of ``day`` (signed up, not yet cancelled)."""
    _need(subscriptions, "subscriptions", ("signup_date", "cancel_date"))
    day = _day(day)
    cancel = subscriptions["cancel_date"]
    return (subscriptions["signup_date"] <= day) & (cancel.isna() | (cancel > day))


def subscription_kpis(subscriptions: pd.DataFrame, start, end) -> dict[str, float | int | None]:
    """Active, new, cancelled subscribers, churn and MRR for the period ``(start, end]``."""
    _need(subscriptions, "subscriptions", ("signup_date", "cancel_date", "monthly_revenue"))
    start, end = _day(start), _day(end)
    if start >= end:
        raise ValueError(f"The period must end after it starts (got {start.date()} to {end.date()}).")
    active_start = active_at(subscriptions, start)
    active_end = active_at(subscriptions, end)
    cancel = subscriptions["cancel_date"]
    cancelled_in = (cancel > start) & (cancel <= end)
    signed_in = (subscriptions["signup_date"] > start) & (subscriptions["signup_date"] <= end)
    at_risk = int(active_start.sum())
    return {
        "active_subscribers": int(active_end.sum()),
        "new_subscribers": int(signed_in.sum()),
        "cancellations": int(cancelled_in.sum()),
        "churn_rate": float((active_start & cancelled_in).sum() / at_risk) if at_risk else None,
        "mrr": float(subscriptions.loc[active_end, "monthly_revenue"].sum()),
    }


def shop_kpis(orders: pd.DataFrame, start, end) -> dict[str, float | int]:
    """Web-shop revenue, orders and distinct buyers for the period ``(start, end]``."""
    _need(orders, "orders", ("customer_id", "order_date", "order_value"))
    start, end = _day(start), _day(end)
    within = (orders["order_date"] > start) & (orders["order_date"] <= end)
    return {
        "shop_revenue": float(orders.loc[within, "order_value"].sum()),
        "shop_orders": int(within.sum()),
        "shop_buyers": int(orders.loc[within, "customer_id"].nunique()),
    }


def spend_in_period(marketing_spend: pd.DataFrame, start, end) -> float:
    """Spend of the calendar months whose first day falls in ``(start, end]``."""
    _need(marketing_spend, "marketing_spend", ("month", "spend"))
    start, end = _day(start), _day(end)
    month = marketing_spend["month"]
    first_day = month.dt.start_time if isinstance(month.dtype, pd.PeriodDtype) else pd.to_datetime(month)
    within = (first_day > start) & (first_day <= end)
    return float(marketing_spend.loc[within, "spend"].sum())


def period_kpis(dataset, start, end) -> dict[str, float | int | None]:
    """Every KPI of :data:`KPI_INFO` for ``(start, end]`` from a clvlib Dataset."""
    out: dict[str, float | int | None] = {}
    out.update(subscription_kpis(dataset.subscriptions, start, end))
    out.update(shop_kpis(dataset.orders, start, end))
    out["marketing_spend"] = spend_in_period(dataset.marketing_spend, start, end)
    new = out["new_subscribers"]
    out["blended_cac"] = out["marketing_spend"] / new if new else None
    return out


def kpi_history(dataset, as_of, n_periods: int = 12, period_months: int = 1) -> pd.DataFrame:
    """KPIs for the ``n_periods`` periods ending on ``as_of``, oldest first (index = period end)."""
    if not isinstance(n_periods, int) or n_periods < 1:
        raise ValueError(f"n_periods must be 1 or more (got {n_periods!r}).")
    rows = {}
    for back in range(n_periods - 1, -1, -1):
        start, end = period_bounds(as_of, period_months, back)
        rows[end] = period_kpis(dataset, start, end)
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "period_end"
    return table


def change_table(current: dict, previous: dict) -> pd.DataFrame:
    """One row per KPI: current, previous, change and relative change (None when undefined).

    For shares (churn) ``change`` is in points of share (0.01 = one percentage point).
    """
    rows = []
    for name, (label, kind, good_when_up) in KPI_INFO.items():
        if name not in current:
            continue
        now, before = current.get(name), previous.get(name)
        change = now - before if now is not None and before is not None else None
        relative = change / before if change is not None and before else None
        rows.append(
            {"kpi": name, "label": label, "kind": kind, "current": now, "previous": before,
             "change": change, "relative_change": relative, "good_when_up": good_when_up}
        )
    return pd.DataFrame(rows, dtype=object).set_index("kpi")  # object: ints stay ints, None stays None


# --------------------------------------------------------------------------- words


def format_value(value, kind: str) -> str:
    """A KPI value as people read it: 1,234 / $1,234 / 4.2%; 'n/a' when undefined."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if kind == "money":
        return f"${value:,.0f}" if abs(value) >= 100 else f"${value:,.2f}"
    if kind == "share":
        return f"{value:.1%}"
    if kind == "ratio":
        return f"{value:.1f}:1"
    return f"{value:,.0f}"


def format_change(row) -> str:
    """'+3.2%' (relative), '-0.4 pts' for shares, 'n/a' when undefined."""
    if row["change"] is None or pd.isna(row["change"]):
        return "n/a"
    if row["kind"] == "share":
        return f"{row['change'] * 100:+.1f} pts"
    if row["relative_change"] is None or pd.isna(row["relative_change"]):
        return f"{row['change']:+,.0f}"
    relative = row["relative_change"]
    return f"{relative:+.2%}" if abs(relative) < 0.001 else f"{relative:+.1%}"


def _direction(change, threshold: float = 1e-12) -> str:
    if change is None or pd.isna(change) or abs(change) <= threshold:
        return "unchanged"
    return "up" if change > 0 else "down"


def _date(day) -> str:
    day = pd.Timestamp(day)
    return f"{day.day} {day.strftime('%b %Y')}"


def narrative(
    changes: pd.DataFrame,
    as_of,
    previous_end,
    channels: pd.DataFrame | None = None,
    segment_mix: pd.DataFrame | None = None,
) -> list[str]:
    """Plain-English sentences built only from the numbers given.

    ``changes`` is :func:`change_table`'s output; ``channels`` (optional) has one row per
    acquisition channel with ``clv``, ``cac`` and ``ltv_cac``; ``segment_mix`` (optional)
    has one row per segment with ``share`` and ``previous_share``.
    """
    def val(name, col="current"):
        return changes.at[name, col] if name in changes.index else None

    def fmt(name, col="current"):
        return format_value(val(name, col), changes.at[name, "kind"])

    sentences = []
    since = _date(previous_end)
    if "active_subscribers" in changes.index:
        ch = val("active_subscribers", "change")
        word = _direction(ch)
        tail = f" since {since}" if word == "unchanged" else f" ({ch:+,.0f}) since {since}"
        pct = f" {abs(val('active_subscribers', 'relative_change')):.1%}" if word != "unchanged" and val(
            "active_subscribers", "relative_change") is not None else ""
        text = f"On {_date(as_of)} there were {fmt('active_subscribers')} active subscribers, {word}{pct}{tail}"
        if "mrr" in changes.index:
            text += f"; they bring {fmt('mrr')} of recurring revenue a month ({format_change(changes.loc['mrr'])})"
        sentences.append(text + ".")
    if "churn_rate" in changes.index and val("churn_rate") is not None:
        ch = val("churn_rate", "change")
        word = _direction(ch)
        if word == "unchanged" or ch is None:
            detail = "the same as the period before" if word == "unchanged" and ch is not None else "with nothing to compare"
        else:
            better = "better" if ch < 0 else "worse"
            detail = f"{word} {abs(ch) * 100:.1f} points from {fmt('churn_rate', 'previous')} ({better})"
        text = f"{fmt('churn_rate')} of the subscribers active at the start of the period cancelled, {detail}"
        if {"new_subscribers", "cancellations"} <= set(changes.index):
            text += f"; {fmt('new_subscribers')} new subscribers joined and {fmt('cancellations')} left"
        sentences.append(text + ".")
    if {"shop_revenue", "shop_orders", "shop_buyers"} <= set(changes.index):
        word = _direction(val("shop_revenue", "change"))
        sentences.append(
            f"The web shop took {fmt('shop_revenue')} from {fmt('shop_orders')} orders by {fmt('shop_buyers')} buyers, "
            f"{word} {format_change(changes.loc['shop_revenue']).lstrip('+-') if word != 'unchanged' else ''}".rstrip()
            + " on the period before."
        )
    if {"blended_cac", "marketing_spend"} <= set(changes.index) and val("blended_cac") is not None:
        sentences.append(
            f"Marketing spent {fmt('marketing_spend')}, {fmt('blended_cac')} per new subscriber across all channels."
        )
    if channels is not None and len(channels) and {"ltv_cac", "cac"} <= set(channels.columns):
        ranked = channels.dropna(subset=["ltv_cac"]).sort_values("ltv_cac", ascending=False)
        if len(ranked) >= 2:
            best, worst = ranked.index[0], ranked.index[-1]
            cheapest = channels.dropna(subset=["cac"])["cac"].idxmin()
            text = (
                f"{str(best).capitalize()} customers return the most per acquisition dollar "
                f"(LTV:CAC {format_value(ranked.at[best, 'ltv_cac'], 'ratio')}); {worst} the least "
                f"({format_value(ranked.at[worst, 'ltv_cac'], 'ratio')})."
            )
            if cheapest != best:
                text += (
                    f" The cheapest channel to acquire through, {cheapest} "
                    f"({format_value(channels.at[cheapest, 'cac'], 'money')} per customer), is not the most valuable."
                )
            below = [str(c) for c in ranked.index if ranked.at[c, "ltv_cac"] < 3]
            if len(below) == len(ranked):
                text += " No channel reaches the 3:1 rule of thumb."
            elif below:
                text += f" Below the 3:1 rule of thumb: {', '.join(below)}."
            sentences.append(text)
    if segment_mix is not None and len(segment_mix) and "share" in segment_mix.columns:
        top = segment_mix["share"].idxmax()
        text = f"The largest group of shop customers is '{top}' ({segment_mix.at[top, 'share']:.0%})"
        if "previous_share" in segment_mix.columns:
            moves = (segment_mix["share"] - segment_mix["previous_share"]).dropna()
            if len(moves) and moves.abs().max() >= 0.005:
                mover = moves.abs().idxmax()
                text += (
                    f"; the biggest shift is '{mover}', {_direction(moves[mover])} "
                    f"{abs(moves[mover]) * 100:.1f} points to {segment_mix.at[mover, 'share']:.0%}"
                )
        sentences.append(text + ".")
    return sentences


def kpi_table_html(changes: pd.DataFrame, current_label: str = "this period", previous_label: str = "previous") -> str:
    """The KPI table as HTML for the report, with machine-readable values.

    Each row is ``<tr id="kpi-NAME" data-kpi="NAME" data-value="..." data-previous="...">``
    holding the exact number (``repr`` precision; empty when undefined) so tests and
    scripts can read the report without parsing formatted text.
    """
    esc = html.escape

    def raw(value) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return ""
        return repr(int(value)) if isinstance(value, int) else repr(float(value))

    rows = []
    for name, row in changes.iterrows():
        direction = _direction(row["change"])
        tone = ""
        if row["good_when_up"] is not None and direction != "unchanged":
            tone = "good" if (direction == "up") == bool(row["good_when_up"]) else "bad"
        arrow = {"up": "&#9650;", "down": "&#9660;"}.get(direction, "")
        rows.append(
            f'<tr id="kpi-{esc(name)}" data-kpi="{esc(name)}" data-value="{raw(row["current"])}" '
            f'data-previous="{raw(row["previous"])}">'
            f"<td>{esc(row['label'])}</td>"
            f'<td class="value">{esc(format_value(row["current"], row["kind"]))}</td>'
            f"<td>{esc(format_value(row['previous'], row['kind']))}</td>"
            f'<td class="{tone}">{arrow} {esc(format_change(row))}</td></tr>'
        )
    style = (
        "<style>table.kpi-table{border-collapse:collapse;font-size:1.05em}"
        ".kpi-table td,.kpi-table th{padding:4px 12px;border-bottom:1px solid #ddd;text-align:right}"
        ".kpi-table td:first-child,.kpi-table th:first-child{text-align:left}"
        ".kpi-table td.value{font-weight:bold}.kpi-table .good{color:#1a7f37}.kpi-table .bad{color:#c62828}</style>"
    )
    return (
        f'{style}<table class="kpi-table" id="kpi-table"><thead><tr><th>KPI</th>'
        f"<th>{esc(current_label)}</th><th>{esc(previous_label)}</th><th>change</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def as_of_view(dataset, as_of=None):
    """The dataset as it looked at the end of ``as_of`` (default: its analysis date).

    Signups, orders and spend months after that day are left out, and a cancellation
    after it is blanked (the customer was still active then), so every model fitted on
    the view sees only what was known on that day. Returns a copy; the input is untouched.
    """
    import dataclasses

    analysis = _day(dataset.analysis_date)
    day = analysis if as_of in (None, "") else _day(as_of)
    if day > analysis:
        raise ValueError(
            f"The as-of date {day.date()} is after the data's analysis date {analysis.date()}: "
            "the data say nothing about it. Pick an earlier date or leave it empty."
        )
    subs = dataset.subscriptions
    first = subs["signup_date"].min()
    if pd.isna(first) or day < first:
        raise ValueError(f"The as-of date {day.date()} is before the first signup ({first.date()}): nothing to report.")
    subs = subs[subs["signup_date"] <= day].copy()
    subs["cancel_date"] = subs["cancel_date"].where(subs["cancel_date"] <= day)
    orders = dataset.orders[dataset.orders["order_date"] <= day].copy()
    spend = dataset.marketing_spend
    spend = spend[spend["month"].dt.start_time <= day].copy()
    return dataclasses.replace(dataset, subscriptions=subs.reset_index(drop=True),
                               orders=orders.reset_index(drop=True),
                               marketing_spend=spend.reset_index(drop=True), analysis_date=day)


def months_before(as_of, n_months: int) -> list[pd.Period]:
    """The ``n_months`` calendar months ending with the as-of date's month, oldest first."""
    last = _day(as_of).to_period("M")
    return [last - k for k in range(n_months - 1, -1, -1)]



def model_kpis(
    view,
    gross_margin_rate: float,
    discount_rate_annual: float,
    horizon_months: int,
    clv_model: str,
    cac_window_months: int,
    shop_horizon_weeks: int = 52,
):
    """Model-based figures as of one day: CLV and LTV:CAC by channel, shop value, stage mix.

    ``view`` is a dataset cut at its analysis date (:func:`as_of_view`). Returns
    ``(figures, channels, stage_mix)``: a dict of KPIs (``clv_new_subscriber``,
    ``shop_value_12m``, ``shop_active_share``), the per-channel CLV/CAC table from
    :mod:`clvlib.analysis.acquisition`, and the share of shop customers in each lifecycle stage.
    """
    from clvlib.analysis import acquisition, segments
    from clvlib.analysis.predictive_clv import customer_lifetime_value
    from clvlib.models.noncontractual import BetaGeoNBD, GammaGamma
    from clvlib.transactions import summarize_transactions

    clv_channels = acquisition.clv_by_channel(
        view.subscriptions, view.analysis_date, gross_margin_rate, discount_rate_annual, horizon_months, clv_model
    )
    cac = acquisition.cac_by_channel(
        view.marketing_spend, view.subscriptions, months=months_before(view.analysis_date, cac_window_months)
    )
    channels = acquisition.combine_clv_and_cac(clv_channels, cac)
    summary = summarize_transactions(view.orders, view.analysis_date, time_unit="week")
    bgnbd = BetaGeoNBD(time_unit="week").fit(summary)
    gamma_gamma = GammaGamma(time_unit="week").fit(summary["frequency"], summary["monetary_value"])
    shop = customer_lifetime_value(
        bgnbd, gamma_gamma, summary, horizon=shop_horizon_weeks, horizon_unit="week",
        margin_rate=gross_margin_rate, discount_rate_annual=discount_rate_annual,
    )
    customers = segments.rfm_table(view.orders, view.analysis_date).join(shop[["probability_alive", "clv"]])
    stages = segments.lifecycle_stages(customers)
    mix = stages.value_counts(normalize=True).reindex(list(segments.LIFECYCLE_STAGES), fill_value=0.0)
    figures = {
        # a new subscriber is a mix of channels: average their values, weighted by subscribers
        "clv_new_subscriber": float(
            (clv_channels["clv"] * clv_channels["customers"]).sum() / clv_channels["customers"].sum()
        ),
        "shop_value_12m": float(shop["clv"].sum()),
        "shop_active_share": float(mix["active"]),
    }
    return figures, channels, mix
