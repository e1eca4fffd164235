"""KPI values and changes in words and HTML: the executive report's headlines and table.

Everything here formats numbers it is given (from :mod:`clvlib.analysis.kpis`); it
computes nothing new, so a sentence can never disagree with the table beside it: both
show a change through :func:`format_change`, and colour or judge it only when
:mod:`clvlib.analysis.materiality` calls it material. Money goes through one
:class:`clvlib.core.money.Currency`.

>>> format_value(1234.5, "money"), format_value(0.042, "share"), format_value(None, "count")
('$1,234', '4.2%', 'n/a')
>>> format_value(1234.5, "money", "EUR")
'€1,234'
"""

from __future__ import annotations

import html
import math

import pandas as pd

from clvlib.analysis import materiality
from clvlib.core.money import DEFAULT_CURRENCY, Currency, currency


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def format_value(value, kind: str, money: str | Currency = DEFAULT_CURRENCY) -> str:
    """A KPI value as people read it: 1,234 / $1,234 / 4.2% / 2.5:1; 'n/a' when undefined."""
    if _missing(value):
        return "n/a"
    if kind == "money":
        return currency(money).format(float(value))
    if kind == "share":
        return f"{value:.1%}"
    if kind == "ratio":
        return f"{value:.1f}:1"
    if kind == "months":
        return f"{value:.0f} months"
    return f"{value:,.0f}"


def format_change(row) -> str:
    """'+3.2%' (relative), '-0.4 pts' for shares, 'n/a' when undefined: the one spelling of a change."""
    if _missing(row["change"]):
        return "n/a"
    if row["kind"] == "share":
        return f"{row['change'] * 100:+.1f} pts"
    if _missing(row["relative_change"]):
        return f"{row['change']:+,.0f}"
    relative = row["relative_change"]
    return f"{relative:+.2%}" if abs(relative) < 0.001 else f"{relative:+.1%}"


def _direction(change) -> str:
    if _missing(change) or change == 0:
        return "unchanged"
    return "up" if change > 0 else "down"


def _material(changes: pd.DataFrame, name: str) -> bool:
    if "material" in changes.columns:
        return bool(changes.at[name, "material"])
    return materiality.is_material(name, changes.loc[name])


def _moved(changes: pd.DataFrame, name: str, detail: str = "") -> str:
    """'up 0.06%' / 'down 2.0 pts' (the table's figure without its sign) + ``detail``, or 'unchanged' + ``detail``;
    ', within normal variation' follows when the change is not material."""
    row = changes.loc[name]
    word = _direction(row["change"])
    if word == "unchanged":
        return f"unchanged{detail}"
    text = f"{word} {format_change(row).lstrip('+-')}{detail}"
    return text if _material(changes, name) else f"{text}, within normal variation"


def _date(day) -> str:
    day = pd.Timestamp(day)
    return f"{day.day} {day.strftime('%b %Y')}"


def shop_window_sentence(shop_as_of, as_of) -> str | None:
    """The sentence saying the shop figures end on the orders' own last day, or None when that is the as-of date.

    >>> shop_window_sentence("1998-06-30", "2025-12-31")
    'Web-shop figures are for the period ending 30 Jun 1998, the end of the orders data.'
    >>> shop_window_sentence("2025-12-31", "2025-12-31") is None
    True
    """
    if pd.Timestamp(shop_as_of) == pd.Timestamp(as_of):
        return None
    return f"Web-shop figures are for the period ending {_date(shop_as_of)}, the end of the orders data."


def narrative(changes: pd.DataFrame, as_of, previous_end, money: str | Currency = DEFAULT_CURRENCY,
              shop_as_of=None) -> list[str]:
    """The headline sentences on subscribers, churn, the shop and spend, built only from ``changes``.

    ``changes`` is :func:`clvlib.analysis.kpis.change_table`'s output (with the ``material``
    column of :func:`clvlib.analysis.materiality.mark_material` when available). A change is
    written as the table writes it and judged (better/worse) only when material. When the shop's
    period ends on another day (``shop_as_of``, the orders' own end), a sentence after the shop's says so.
    """
    def has(*names):
        return set(names) <= set(changes.index)

    def fmt(name, col="current"):
        return format_value(changes.at[name, col], changes.at[name, "kind"], money)

    sentences = []
    since = _date(previous_end)
    if has("active_subscribers"):
        change = changes.at["active_subscribers", "change"]
        count = "" if _direction(change) == "unchanged" else f" ({change:+,.0f})"
        text = (f"On {_date(as_of)} there were {fmt('active_subscribers')} active subscribers, "
                f"{_moved(changes, 'active_subscribers', f'{count} since {since}')}")
        if has("mrr"):
            text += f"; they bring {fmt('mrr')} of recurring revenue a month ({_moved(changes, 'mrr')})"
        sentences.append(text + ".")
    if has("churn_rate") and not _missing(changes.at["churn_rate", "current"]):
        change = changes.at["churn_rate", "change"]
        if _missing(change):
            detail = "with nothing to compare"
        elif _direction(change) == "unchanged":
            detail = "the same as the period before"
        else:
            detail = _moved(changes, "churn_rate", f" from {fmt('churn_rate', 'previous')}")
            if _material(changes, "churn_rate"):
                detail += " (better)" if change < 0 else " (worse)"
        text = f"{fmt('churn_rate')} of the subscribers active at the start of the period cancelled, {detail}"
        if has("new_subscribers", "cancellations"):
            text += f"; {fmt('new_subscribers')} new subscribers joined and {fmt('cancellations')} left"
        sentences.append(text + ".")
    if has("shop_revenue", "shop_orders", "shop_buyers"):
        sentences.append(
            f"The web shop took {fmt('shop_revenue')} from {fmt('shop_orders')} orders by {fmt('shop_buyers')} "
            f"buyers, {_moved(changes, 'shop_revenue')} on the period before."
        )
        window = shop_window_sentence(shop_as_of, as_of) if shop_as_of is not None else None
        sentences += [window] if window else []
    if has("blended_cac", "marketing_spend") and not _missing(changes.at["blended_cac", "current"]):
        sentences.append(
            f"Marketing spent {fmt('marketing_spend')}, {fmt('blended_cac')} per new subscriber across all channels."
        )
    return sentences


def markdown_list(sentences, empty: str = "") -> str:
    """Sentences as a Markdown bullet list, every ``$`` escaped so JupyterLab and the HTML show money, not maths.

    >>> print(markdown_list(["Spent $7,317, $65.92 each."]))
    - Spent \\$7,317, \\$65.92 each.
    """
    lines = [f"- {s}".replace("$", "\\$") for s in sentences]
    return "\n".join(lines) if lines else empty


KPI_TABLE_STYLE = (
    "<style>table.kpi-table{border-collapse:collapse;font-size:1.05em}"
    ".kpi-table td,.kpi-table th{padding:4px 12px;border-bottom:1px solid #ddd;text-align:right}"
    ".kpi-table td:first-child,.kpi-table th:first-child{text-align:left}"
    ".kpi-table td.value{font-weight:bold}.kpi-table .good{color:#1a7f37}.kpi-table .bad{color:#c62828}"
    ".kpi-table .neutral{color:#777}</style>"
)


def change_tone(changes: pd.DataFrame, name: str) -> str:
    """'good' / 'bad' for a material change of a KPI with a good direction, else 'neutral' ('' when unchanged)."""
    row = changes.loc[name]
    direction = _direction(row["change"])
    if direction == "unchanged":
        return ""
    if row["good_when_up"] is None or not _material(changes, name):
        return "neutral"
    return "good" if (direction == "up") == bool(row["good_when_up"]) else "bad"


def kpi_table_html(changes: pd.DataFrame, current_label: str = "this period", previous_label: str = "previous",
                   money: str | Currency = DEFAULT_CURRENCY) -> str:
    """The KPI table as HTML for the report, with machine-readable values.

    Each row is ``<tr id="kpi-NAME" data-kpi="NAME" data-value="..." data-previous="...">``
    holding the exact number (``repr`` precision; empty when undefined) so tests and
    scripts can read the report without parsing formatted text. The change cell is
    coloured (``good``/``bad``) only when the change is material, grey (``neutral``) otherwise.
    """
    esc = html.escape

    def raw(value) -> str:
        if _missing(value):
            return ""
        return repr(int(value)) if isinstance(value, int) else repr(float(value))

    rows = []
    for name, row in changes.iterrows():
        arrow = {"up": "&#9650;", "down": "&#9660;"}.get(_direction(row["change"]), "")
        rows.append(
            f'<tr id="kpi-{esc(name)}" data-kpi="{esc(name)}" data-value="{raw(row["current"])}" '
            f'data-previous="{raw(row["previous"])}">'
            f"<td>{esc(row['label'])}</td>"
            f'<td class="value">{esc(format_value(row["current"], row["kind"], money))}</td>'
            f"<td>{esc(format_value(row['previous'], row['kind'], money))}</td>"
            f'<td class="{change_tone(changes, name)}">{arrow} {esc(format_change(row))}</td></tr>'
        )
    return (
        f'{KPI_TABLE_STYLE}<table class="kpi-table" id="kpi-table"><thead><tr><th>KPI</th>'
        f"<th>{esc(current_label)}</th><th>{esc(previous_label)}</th><th>change</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
