"""Writes orders_de.csv: every 4th customer of the embedded web-shop orders as a German ERP export.

Run ``.venv/bin/python tests/data/european/make_export.py`` to rewrite it;
tests/data/test_european_export.py checks the shipped file is what this writes. The
export has what real European exports have: a byte-order mark, ';' between values,
decimal commas (35,70), dd.mm.yyyy dates, German column names with umlauts, and extra
columns clvlib does not use (an order number and a free-text note).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
EXPORT = HERE / "orders_de.csv"
EMBEDDED_ORDERS = HERE.parents[2] / "data" / "orders.csv"
EVERY_NTH_CUSTOMER = 4


def european_orders() -> pd.DataFrame:
    """The embedded orders of every 4th customer (sorted by id), in the export's columns and formats."""
    orders = pd.read_csv(EMBEDDED_ORDERS, dtype=str)
    keep = sorted(orders["customer_id"].unique())[::EVERY_NTH_CUSTOMER]
    chosen = orders[orders["customer_id"].isin(keep)].reset_index(drop=True)
    day = pd.to_datetime(chosen["order_date"], format="%Y-%m-%d")
    return pd.DataFrame({
        "Bestellnr.": [f"B-{i + 1:06d}" for i in range(len(chosen))],
        "Kundennummer": chosen["customer_id"],
        "Bestelldatum": day.dt.strftime("%d.%m.%Y"),
        "Betrag": chosen["order_value"].str.replace(".", ",", regex=False),
        "Kanal": chosen["channel"],
        "Bemerkung": ["Rückfrage; bitte anrufen" if i % 97 == 0 else "" for i in range(len(chosen))],
    })


def write_export(path: Path = EXPORT) -> Path:
    """Write the export: UTF-8 with a byte-order mark (as Excel saves 'CSV UTF-8'), ';'-separated, CRLF."""
    european_orders().to_csv(path, sep=";", index=False, encoding="utf-8-sig", lineterminator="\r\n")
    return path


if __name__ == "__main__":
    print(f"Wrote {write_export()}")
