"""A European orders export (tests/data/european/) read with only a params file.

The export is every 4th customer of the embedded orders written as a German ERP would:
a byte-order mark, ';' between values, decimal commas, dd.mm.yyyy dates and extra
columns. Read through its params file, it must give back exactly the embedded orders it
was written from; through the report runner, lessons 04 and 05 must run on it and print
its own order and customer counts.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from clvlib.course import runner as report
from clvlib.data import DataValidationError, load_dataset

ROOT = Path(__file__).resolve().parents[2]
HERE = ROOT / "tests" / "data" / "european"
PARAMS = HERE / "params.yml"


def _make_export():
    spec = importlib.util.spec_from_file_location("make_export", HERE / "make_export.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _embedded_subset() -> pd.DataFrame:
    """What the export was written from: the embedded orders of every 4th customer, typed by hand."""
    orders = pd.read_csv(ROOT / "data" / "orders.csv", parse_dates=["order_date"])
    keep = sorted(orders["customer_id"].unique())[::4]
    return orders[orders["customer_id"].isin(keep)].reset_index(drop=True)


def test_the_shipped_export_is_what_make_export_writes(tmp_path):
    written = _make_export().write_export(tmp_path / "orders_de.csv")
    assert written.read_bytes() == (HERE / "orders_de.csv").read_bytes()
    raw = (HERE / "orders_de.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b";" in raw.splitlines()[0] and b"\r\n" in raw
    assert b"54,62" in raw and b"01.01.2024" in raw


def test_the_params_file_alone_reads_the_export_back_to_the_embedded_orders():
    params = report.load_params(PARAMS)
    orders = load_dataset(params["data_source"]).orders
    expected = _embedded_subset()
    assert len(orders) == len(expected) == 4573 and orders["customer_id"].nunique() == 625
    assert orders["customer_id"].tolist() == expected["customer_id"].tolist()
    assert orders["order_date"].tolist() == expected["order_date"].tolist()
    assert orders["order_value"].tolist() == expected["order_value"].tolist()  # 54,62 -> 54.62 exactly
    assert orders["channel"].tolist() == expected["channel"].tolist()
    assert {"Bestellnr.", "Bemerkung"} <= set(orders.columns), "extra columns are kept as they are"
    assert orders["Bemerkung"].iloc[0] == "Rückfrage; bitte anrufen"


def test_without_the_decimal_setting_the_export_is_refused_naming_it():
    source = report.load_params(PARAMS)["data_source"]
    del source["orders"]["decimal"], source["orders"]["thousands"]
    with pytest.raises(DataValidationError) as info:
        load_dataset(source)
    text = str(info.value)
    with_comma = int(_make_export().european_orders()["Betrag"].str.contains(",").sum())
    assert 4000 < with_comma < 4573  # whole amounts such as '15' are read alike either way
    assert f"column 'order_value': {with_comma} rows are not numbers" in text
    assert "set decimal: ',' in data_source.orders" in text


@pytest.mark.notebooks
def test_lessons_04_and_05_run_on_the_export_and_print_its_counts(tmp_path):
    out = tmp_path / "reports"
    lessons = [ROOT / "notebooks" / "04_predictive_clv.ipynb", ROOT / "notebooks" / "05_segmentation.ipynb"]
    result = report.run_report(PARAMS, out, lessons)
    assert result.exit_code == 0, result.reason
    assert os.readlink(out / "latest") == result.run_dir.name
    for lesson in lessons:
        executed = nbformat.read(str(result.run_dir / lesson.name), as_version=4)
        printed = "".join(o.get("text", "") for c in executed.cells if c.cell_type == "code" for o in c.outputs)
        assert "4,573 orders from 625 customers" in printed, lesson.name
