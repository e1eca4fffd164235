"""KPI values and changes in words and HTML: the executive report's sentences and table.

Everything here formats numbers it is given (from :mod:`clvlib.analysis.kpis`); it
computes nothing new, so a sentence can never disagree with the table beside it.

>>> format_value(1234.5, "money"), format_value(0.042, "share"), format_value(None, "count")
('$1,234', '4.2%', 'n/a')
"""

from __future__ import annotations

import html
import math

import pandas as pd

from clvlib.analysis.acquisition import RULE_OF_THUMB_LTV_TO_CAC


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
            below = [str(c) for c in ranked.index if ranked.at[c, "ltv_cac"] < RULE_OF_THUMB_LTV_TO_CAC]
            rule = f"the {RULE_OF_THUMB_LTV_TO_CAC:g}:1 rule of thumb"
            if len(below) == len(ranked):
                text += f" No channel reaches {rule}."
            elif below:
                text += f" Below {rule}: {', '.join(below)}."
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
