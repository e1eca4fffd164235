"""Each table's period (its own period_end, else the analysis date), tables of different periods,
values lined up with spaces (a fixed-width log such as CDNOW's), and implausible amounts.
"""

from __future__ import annotations

import pandas as pd
import pytest

from clvlib.data import DataNoteWarning, DataValidationError, load_dataset, load_orders
from clvlib.data.plausibility import PLAUSIBLE_MULTIPLE, STALE_AFTER_DAYS

# The first lines of CDNOW_master.txt as the cache holds them: runs of spaces, a leading space, CRLF.
CDNOW_LINES = (" customer_id  date number_of_cds  dollar_value\r\n 00001 19970101  1   11.77\r\n"
               " 00002 19970112  1   12.00\r\n 00002 19970112  5   77.00\r\n\r\n 00003 19970102  2   20.76\r\n"
               " 00003 19970330  0    0.00\r\n")
CDNOW_SPEC = {"separator": "whitespace", "date_format": "%Y%m%d", "period_end": "1997-06-30",
              "columns": {"date": "order_date", "dollar_value": "order_value"}}


def test_values_lined_up_with_spaces_are_read_with_their_line_numbers(tmp_path):
    path = tmp_path / "cdnow.txt"
    path.write_bytes(CDNOW_LINES.encode())
    orders = load_orders(path, {"date": "order_date", "dollar_value": "order_value"}, "%Y%m%d",
                         analysis_date="1997-06-30", separator="whitespace")
    assert orders["customer_id"].tolist() == ["00001", "00002", "00002", "00003", "00003"]
    assert orders["order_value"].tolist() == [11.77, 12.0, 77.0, 20.76, 0.0]
    assert orders["number_of_cds"].tolist() == ["1", "1", "5", "2", "0"]
    path.write_bytes(CDNOW_LINES.replace("77.00", "7,7").encode())
    with pytest.raises(DataValidationError, match=r"line 4 \(customer_id='00002', order_value='7,7'\)"):
        load_orders(path, {"date": "order_date", "dollar_value": "order_value"}, "%Y%m%d",
                    analysis_date="1997-06-30", separator="whitespace")


def test_orders_of_another_period_are_refused_unless_they_have_their_own_period_end(tmp_path):
    path = tmp_path / "cdnow.txt"
    path.write_bytes(CDNOW_LINES.encode())
    spec = {k: v for k, v in CDNOW_SPEC.items() if k != "period_end"} | {"path": str(path)}
    with pytest.raises(DataValidationError) as info:
        load_dataset({"orders": spec})
    (problem,) = info.value.problems
    assert problem.describe() == (
        "data_source.orders covers a period that does not overlap the subscriptions': orders (1997-01-01 to "
        "1997-03-30) and subscriptions (2023-01-01 to 2025-12-31); if it is another period's export, give the "
        "orders their own period with period_end: 1997-03-30 under data_source.orders (lessons on the orders "
        "alone then use it)")
    with pytest.warns(DataNoteWarning, match="The orders' period does not overlap the subscriptions'"):
        ds = load_dataset({"orders": spec | {"period_end": "1997-06-30"}})
    assert ds.period_end("orders") == pd.Timestamp("1997-06-30")
    assert ds.period_end("subscriptions") == ds.analysis_date == pd.Timestamp("2025-12-31")
    assert ds.describe().loc["orders", "period_end"] == pd.Timestamp("1997-06-30").date()
    assert len(ds.notes) == 1


def test_a_table_that_ends_long_before_its_period_is_refused(tmp_path):
    with pytest.raises(DataValidationError) as info:
        load_dataset({"analysis_date": "2099-01-01"})
    text = str(info.value)
    for table, record in (("subscriptions", "signup"), ("orders", "order"), ("marketing_spend", "spend month")):
        assert f"data_source.{table} ends with its last {record} on 2025-" in text
    assert "days before the analysis date 2099-01-01: is this another period's export?" in text
    assert STALE_AFTER_DAYS == 730  # two years: the embedded data one year late still load
    assert len(load_dataset({"analysis_date": "2026-12-31"}).orders) == 18175


def test_a_bad_period_end_is_a_settings_problem():
    with pytest.raises(DataValidationError, match="data_source.orders has period_end '30.06.1997': write"):
        load_dataset({"orders": {"period_end": "30.06.1997"}})


def test_an_order_far_above_the_median_is_noted_and_max_order_value_refuses(tmp_path):
    path = tmp_path / "orders.csv"
    rows = [f"C{i},2025-01-{1 + i % 28:02d},{20 + i % 7}" for i in range(50)] + ["C99,2025-02-01,1e15"]
    path.write_text("customer_id,order_date,order_value\n" + "\n".join(rows) + "\n", encoding="utf-8")
    median = pd.Series([20 + i % 7 for i in range(50)] + [1e15]).median()
    with pytest.warns(DataNoteWarning) as caught:
        ds = load_dataset({"orders": str(path)})
    (note,) = ds.notes
    assert str(caught[0].message) == note
    assert f"1 order is more than {PLAUSIBLE_MULTIPLE} times the median order (${median:,.2f})" in note
    assert "line 52 (customer_id='C99', order_value=1e+15)" in note
    with pytest.raises(DataValidationError, match=r"1 row is above max_order_value \(10,000.00\)"):
        load_dataset({"orders": {"path": str(path), "max_order_value": 10_000}})
    with pytest.raises(DataValidationError, match="has max_order_value 'lots'"):
        load_dataset({"orders": {"path": str(path), "max_order_value": "lots"}})
