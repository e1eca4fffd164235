"""A hostile corpus, end to end through the report runner: every mistake an analyst can make with
a params file or an export is refused before any notebook runs, with one plain message, exit
code 2, and ``reports/latest`` left where it was.

Each case is a params file (and, where needed, a data file made from the embedded data with
one thing wrong) run through ``python -m clvlib.course.runner``'s entry point on the real
course. The classes: number formats, periods, zero and extreme values, encodings, params
mistakes. (Kills are in test_stopping.py.)
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
import yaml

from clvlib.course import runner as report
from clvlib.data import DATA_DIR, DataNoteWarning, load_dataset

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def reports(tmp_path):
    """A reports folder whose latest points at an earlier good run."""
    out = tmp_path / "reports"
    good = out / "2025-01-01T000000Z"
    good.mkdir(parents=True)
    report.publish_latest(out, good)
    return out


def orders_csv(tmp_path: Path, name: str = "orders.csv", *, sep: str = ",", encoding: str = "utf-8",
               edit=None, n: int = 400) -> Path:
    """The first ``n`` embedded orders, changed by ``edit`` (a function of the text frame)."""
    frame = pd.read_csv(DATA_DIR / "orders.csv", dtype=str, nrows=n)
    if edit is not None:
        frame = edit(frame)
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, sep=sep, index=False, encoding=encoding)
    return path


def run(tmp_path: Path, reports: Path, params: dict | bytes, capsys) -> tuple[int, str]:
    path = tmp_path / "params.yml"
    if isinstance(params, bytes):
        path.write_bytes(params)
    else:
        path.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    latest = os.readlink(reports / "latest")
    code = report.main(["--params", str(path), "--out", str(reports)])
    err = capsys.readouterr().err
    assert os.readlink(reports / "latest") == latest, "reports/latest must not move"
    assert sorted(p.name for p in reports.iterdir() if not p.name.startswith(".")) == [
        "2025-01-01T000000Z", "LATEST", "latest"], "no run folder is written"
    assert "Traceback" not in err and err.startswith("report: nothing run: ")
    return code, err


def _value(row_value: str, rows=(0, 1)):
    def edit(frame):
        frame.loc[list(rows), "order_value"] = row_value
        return frame
    return edit


# Each case: (id, params builder taking tmp_path, expected phrases in the message)
CASES = [
    # number formats
    ("semicolon file with 1,250", lambda t: {"data_source": {"orders": {
        "path": str(orders_csv(t, sep=";", edit=_value("1,250"))), "separator": ";"}}},
     ["column 'order_value': 2 rows could be thousands-grouped numbers (is 1,250 1250 or 1.25?)",
      "set thousands: ',' (1,250 = 1250) or decimal: ',' (1,250 = 1.25)"]),
    ("decimal commas without the setting", lambda t: {"data_source": {"orders": {
        "path": str(orders_csv(t, sep=";", edit=_value("35,70"))), "separator": ";"}}},
     ["2 rows are not numbers", "set decimal: ',' in data_source.orders"]),
    ("a decimal mark that is no mark", lambda t: {"data_source": {"orders": {"decimal": ";"}}},
     ["data_source.orders has decimal ';'"]),
    # periods
    ("orders of another period", lambda t: {"data_source": {"orders": str(orders_csv(t, edit=lambda f: f.assign(
        order_date=pd.to_datetime(f["order_date"]).sub(pd.DateOffset(years=26)).dt.strftime("%Y-%m-%d"))))}},
     ["data_source.orders covers a period that does not overlap the subscriptions': orders (1998-01-01 to",
      "give the orders their own period with period_end: 1998-"]),
    ("analysis date in 2099", lambda t: {"data_source": {"analysis_date": "2099-01-01"}},
     ["data_source.subscriptions ends with its last signup on 2025-", "days before the analysis date 2099-01-01"]),
    ("orders after their own period_end", lambda t: {"data_source": {"orders": {"period_end": "2025-06-30"}}},
     ["column 'order_date':", "are after the end of this table's period 2025-06-30 (is period_end right?)"]),
    # zero and extreme values
    ("an order above max_order_value", lambda t: {"data_source": {"orders": {
        "path": str(orders_csv(t, edit=_value("1e15", rows=(3,)))), "max_order_value": 5000}}},
     ["column 'order_value': 1 row is above max_order_value (5,000.00) set in data_source.orders",
      "line 5 (customer_id="]),
    ("a negative order", lambda t: {"data_source": {"orders": str(orders_csv(t, edit=_value("-12.50", rows=(7,))))}},
     ["1 row is negative (amounts must be 0 or more)"]),
    ("max_order_value on the wrong table", lambda t: {"data_source": {"subscriptions": {"max_order_value": 5}}},
     ["data_source.subscriptions has max_order_value, which only the orders table takes"]),
    # encodings and files
    ("a Latin-1 export read as UTF-8", lambda t: {"data_source": {"orders": str(orders_csv(
        t, encoding="latin-1", edit=lambda f: f.assign(customer_id=f["customer_id"] + "é")))}},
     ["is not utf-8-sig text (an unreadable byte on line 2)", "encoding: cp1252"]),
    ("an unknown encoding", lambda t: {"data_source": {"orders": {"encoding": "klingon"}}},
     ["has an unknown encoding 'klingon'"]),
    ("a folder instead of a file", lambda t: {"data_source": {"orders": str(t)}},
     ["is a folder, not a CSV file (for the orders table)"]),
    ("a missing file in a folder with spaces", lambda t: {"data_source": {"orders": str(t / "my exports" / "o.csv")}},
     ["1 problem found in " + "{tmp}/my exports/o.csv", "the file does not exist (the orders table was to be read"]),
    # params mistakes
    ("time unit fortnight", lambda t: {"time_unit": "fortnight"}, ["time_unit is 'fortnight': allowed are 'day', 'week', 'month'"]),
    ("margin of 40", lambda t: {"gross_margin_rate": 40}, ["40 looks like a percentage: write 0.40"]),
    ("negative margin", lambda t: {"gross_margin_rate": -0.5}, ["gross_margin_rate is -0.5: it must be a share"]),
    ("as_of_date in the future", lambda t: {"as_of_date": "2099-01-01"}, ["as_of_date 2099-01-01 is outside the data"]),
    ("analysis date day-first", lambda t: {"data_source": {"analysis_date": "05/06/2025"}},
     ["data_source.analysis_date is not a date written YYYY-MM-DD: '05/06/2025'"]),
    ("analysis date as a year", lambda t: {"data_source": {"analysis_date": "2025"}},
     ["data_source.analysis_date is not a date written YYYY-MM-DD: '2025'"]),
    ("lifetime model misspelt", lambda t: {"clv_model": "weibul"}, ["clv_model is 'weibul': allowed are 'kaplan_meier', 'weibull'"]),
    ("a parameter misspelt", lambda t: {"discount_rate_anual": 0.1}, ["did you mean 'discount_rate_annual'"]),
    ("a data_source key misspelt", lambda t: {"data_source": {"orders": {"thousand": "."}}},
     ["has unknown key 'thousand' (did you mean 'thousands'?)"]),
]


@pytest.mark.parametrize("builder, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_refused_before_anything_runs(tmp_path, reports, capsys, builder, expected):
    code, err = run(tmp_path, reports, builder(tmp_path), capsys)
    assert code == 2
    for phrase in expected:
        assert phrase.replace("{tmp}", str(tmp_path)) in err, phrase


def test_a_params_file_in_latin_1_is_refused(tmp_path, reports, capsys):
    code, err = run(tmp_path, reports, "# société\ngross_margin_rate: 0.4\n".encode("latin-1"), capsys)
    assert code == 2 and "is not UTF-8 text (an unreadable byte on line 1)" in err


def test_several_mistakes_are_listed_in_one_message(tmp_path, reports, capsys):
    params = {"time_unit": "fortnight", "gross_margin_rate": 40,
              "data_source": {"orders": {"path": str(orders_csv(tmp_path, sep=";", edit=_value("1,250"))),
                                         "separator": ";"}}}
    code, err = run(tmp_path, reports, params, capsys)
    assert code == 2
    assert "time_unit is 'fortnight'" in err and "write 0.40" in err and "thousands-grouped" in err


def test_free_orders_are_legal_and_an_implausible_order_is_a_note_not_a_refusal(tmp_path):
    """Zero-value orders load (the counting models use them; Gamma-Gamma leaves them out with a
    count); an order of 1e15 without max_order_value loads with a note naming its line."""
    path = orders_csv(tmp_path, edit=lambda f: _value("0", rows=(2, 3))(_value("1e15", rows=(5,))(f)))
    params = {"data_source": {"orders": str(path)}}
    dataset, _ = report.validate_data(params)
    assert (dataset.orders["order_value"] == 0).sum() == 2
    (note,) = dataset.notes
    assert note.startswith(f"{path}: 1 order is more than 100 times the median order ($")
    assert "line 7 (customer_id=" in note and "order_value=1e+15" in note
    with pytest.warns(DataNoteWarning, match="1 order is more than 100 times the median order"):
        assert load_dataset(params["data_source"]).orders["order_value"].max() == 1e15, "flagged, not dropped"
