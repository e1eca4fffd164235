"""`make report`: the papermill runner (clvlib.course.runner) and the executive report (notebook 07).

The slow tests (marked ``notebooks``) run real kernels: the whole course once on a small
foreign-format dataset through params/example_own_data.yml (nbval runs it once on the
embedded data), and a tiny course with a failing notebook. The executive report's KPIs
from that one run are compared with the same KPIs computed here, in this process, from
the same inputs: two runs, identical numbers, without a second kernel run. The fast
tests check the params and data gate, which must reject bad input before any kernel starts.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml

from clvlib.analysis import kpi_models, kpis
from clvlib.core.units import convert_periods
from clvlib.course import runner as report
from clvlib.course.runner import execute, index_page
from clvlib.data import load_dataset

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
EXECUTIVE = NOTEBOOKS / "07_clv_report.ipynb"
FOREIGN = ROOT / "tests" / "data" / "foreign"
EXAMPLE_PARAMS = ROOT / "params" / "example_own_data.yml"


def _notebook(folder: Path, name: str, parameters: str, *cells: str, hide_code: bool = False) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    if hide_code:
        nb.metadata["clvlib"] = {"hide_code": True}
    params = nbformat.v4.new_code_cell(parameters)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {name}"), params, *(nbformat.v4.new_code_cell(c) for c in cells)]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, str(path))
    return path


def _params(tmp_path: Path, values: dict) -> Path:
    path = tmp_path / "params.yml"
    path.write_text(yaml.safe_dump(values), encoding="utf-8")
    return path


class _KpiReader(HTMLParser):
    """Collects data-kpi / data-value attributes, whatever order the exporter wrote them in."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if "data-kpi" in found:
            self.values[found["data-kpi"]] = found.get("data-value", "")


def kpi_values(html_path: Path) -> dict[str, float | None]:
    reader = _KpiReader()
    reader.feed(html_path.read_text(encoding="utf-8"))
    return {k: (float(v) if v else None) for k, v in reader.values.items()}


# --------------------------------------------------------------------------- fast: the gate


@pytest.fixture
def tiny_course(tmp_path):
    folder = tmp_path / "notebooks"
    _notebook(folder, "00_first", "data_source: dict = {}  # data\ndiscount_rate_annual: float = 0.1  # yearly",
              "print(discount_rate_annual)")
    _notebook(folder, "01_second", 'as_of_date: str = ""  # as of', "print(as_of_date)", hide_code=True)
    return folder


def test_misspelled_parameter_is_rejected_before_anything_runs_with_a_suggestion(tmp_path, tiny_course, capsys):
    params = _params(tmp_path, {"discount_rate_anual": 0.2})
    out = tmp_path / "reports"
    code = report.main(["--params", str(params), "--out", str(out), "--notebooks", str(tiny_course)])
    err = capsys.readouterr().err
    assert code == report.EXIT_BAD_INPUT == 2
    assert "discount_rate_anual" in err and "did you mean 'discount_rate_annual'" in err
    assert len(err.strip().splitlines()) == 1, "the reason fits on one line"
    assert not out.exists(), "nothing may run (or be written) for a bad params file"


def test_per_notebook_section_is_checked_against_that_notebook(tmp_path, tiny_course):
    # as_of_date exists in the course, but not in 00_first
    params = _params(tmp_path, {"per_notebook": {"00_first": {"as_of_date": "2025-06-30"}}})
    result = report.run_report(params, tmp_path / "reports", [tiny_course])
    assert result.exit_code == 2 and "notebook 00_first does not declare it" in result.reason
    params = _params(tmp_path, {"per_notebook": {"01_secnd": {"as_of_date": "2025-06-30"}}})
    result = report.run_report(params, tmp_path / "reports", [tiny_course])
    assert result.exit_code == 2 and "did you mean '01_second'" in result.reason


def test_wrong_type_is_rejected(tmp_path, tiny_course):
    params = _params(tmp_path, {"discount_rate_annual": "ten percent"})
    result = report.run_report(params, tmp_path / "reports", [tiny_course])
    assert result.exit_code == 2 and "declares it as float" in result.reason


def test_bad_data_fails_fast_with_the_clvlib_data_message(tmp_path, tiny_course):
    bad = tmp_path / "subs.csv"
    bad.write_text("customer_id,signup_date,cancel_date,plan,monthly_revenue,channel\n"
                   "a,2025-13-45,,basic,15,search\n", encoding="utf-8")
    params = _params(tmp_path, {"data_source": {"subscriptions": str(bad)}})
    result = report.run_report(params, tmp_path / "reports", [tiny_course])
    assert result.exit_code == 2
    assert result.reason.startswith("bad data:") and "signup_date" in result.reason and "subs.csv" in result.reason
    assert not (tmp_path / "reports").exists()


def test_missing_params_file_and_empty_notebook_folder_exit_2(tmp_path, tiny_course):
    assert report.main(["--params", str(tmp_path / "nope.yml"), "--notebooks", str(tiny_course)]) == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert report.main(["--params", str(_params(tmp_path, {})), "--notebooks", str(empty)]) == 2


def test_each_notebook_gets_only_the_parameters_it_declares(tiny_course):
    declared = report.course_parameters(sorted(tiny_course.glob("*.ipynb")))
    params = {"discount_rate_annual": 0.2, "as_of_date": "2025-06-30",
              "per_notebook": {"01_second": {"as_of_date": "2025-03-31"}}}
    assert report.parameters_for("00_first", declared["00_first"], params) == {"discount_rate_annual": 0.2}
    assert report.parameters_for("01_second", declared["01_second"], params) == {"as_of_date": "2025-03-31"}


def test_yaml_dates_reach_notebooks_as_text(tmp_path):
    path = tmp_path / "p.yml"
    path.write_text("as_of_date: 2025-06-30\ndata_source: {analysis_date: 2025-12-31}\n", encoding="utf-8")
    assert report.load_params(path) == {"as_of_date": "2025-06-30", "data_source": {"analysis_date": "2025-12-31"}}


def test_relative_data_paths_are_resolved_before_the_notebooks_run(monkeypatch):
    monkeypatch.chdir(ROOT / "tests")  # not the project root: the path is found from the root
    params = report.load_params(EXAMPLE_PARAMS)
    _, source = report.validate_data(params)
    for table in ("subscriptions", "orders", "marketing_spend"):
        assert Path(source[table]["path"]).is_absolute() and Path(source[table]["path"]).exists()
        assert source[table]["columns"] == params["data_source"][table]["columns"]


def test_publish_latest_replaces_the_link_atomically(tmp_path):
    first, second = tmp_path / "2025-01-01T000000Z", tmp_path / "2025-01-02T000000Z"
    first.mkdir()
    second.mkdir()
    assert report.publish_latest(tmp_path, first) == "symlink"
    report.publish_latest(tmp_path, second)
    assert os.readlink(tmp_path / "latest") == second.name
    assert (tmp_path / "LATEST").read_text().strip() == second.name
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temp names left


def test_index_page_shows_status_links_parameters_and_inputs(tmp_path):
    (tmp_path / "01_a.html").write_text("<html></html>")
    (tmp_path / "01_a.ipynb").write_text("{}")
    meta = {
        "run": "2025-01-01T000000Z", "started_utc": "2025-01-01 00:00:00", "seconds": 12.34,
        "status": "failed", "reason": "02_b failed in cell [3]: ValueError: x < 0",
        "notebooks": [
            {"name": "01_a", "status": "ok", "seconds": 1.0, "error": "", "hide_code": True,
             "parameters": {"data_source": {"orders": "o.csv"}, "rate": 0.1}},
            {"name": "02_b", "status": "failed", "seconds": 2.0, "error": "ValueError: x < 0", "hide_code": False,
             "parameters": {}},
        ],
        "params_file": "p.yml", "parameters": {"rate": 0.1},
        "inputs": {"params file": {"path": "/p.yml", "bytes": 1234, "sha256": "ab" * 32}},
        "versions": {"pandas": "2.3.3"},
    }
    page = index_page.write_index(tmp_path, meta).read_text(encoding="utf-8")
    assert page == (tmp_path / "index.html").read_text(encoding="utf-8")
    assert '<b id="status">failed</b>' in page and '<b id="total-seconds">12.3 s</b>' in page
    assert "FAILED: 02_b failed in cell [3]: ValueError: x &lt; 0" in page  # escaped, never raw HTML
    assert '<a href="01_a.html">HTML</a> · <a href="01_a.ipynb">notebook</a>' in page
    assert "02_b.html" not in page, "no link to a file that was not written"
    assert "<td>data_source (see below), rate=0.1</td>" in page
    assert 'Start with the <a href="01_a.html">executive report</a>' in page
    assert "<td class='num'>1,234</td>" in page and "ab" * 32 in page and "<td>2.3.3</td>" in page


# --------------------------------------------------------------------------- slow: real kernels


def _expected_kpis_from_foreign_csvs(as_of: str = "2025-12-31") -> dict[str, float]:
    """The executive report's simple KPIs recomputed from the raw foreign files, by hand."""
    subs = pd.read_csv(FOREIGN / "members.csv", dtype=str, keep_default_na=False)
    joined = pd.to_datetime(subs["Joined"], format="%d/%m/%Y")
    left = pd.to_datetime(subs["Left"].replace("", None), format="%d/%m/%Y")
    fee = subs["Fee per month"].astype(float)
    end, start = pd.Timestamp(as_of), pd.Timestamp(as_of) - pd.DateOffset(months=1)

    def active(day):
        return (joined <= day) & (left.isna() | (left > day))

    left_in = (left > start) & (left <= end)
    orders = pd.read_csv(FOREIGN / "shop_orders.csv")
    order_day = pd.to_datetime(orders["Date"], format="%d/%m/%Y")
    in_period = (order_day > start) & (order_day <= end)
    spend = pd.read_csv(FOREIGN / "ad_costs.csv")
    month_start = pd.to_datetime(spend["Month starting"], format="%d/%m/%Y")
    spent = spend.loc[(month_start > start) & (month_start <= end), "Cost"].sum()
    new = int(((joined > start) & (joined <= end)).sum())
    return {
        "active_subscribers": int(active(end).sum()),
        "new_subscribers": new,
        "cancellations": int(left_in.sum()),
        "churn_rate": float((active(start) & left_in).sum() / active(start).sum()),
        "mrr": float(fee[active(end)].sum()),
        "shop_revenue": float(orders.loc[in_period, "Amount"].sum()),
        "shop_orders": int(in_period.sum()),
        "shop_buyers": int(orders.loc[in_period, "Client"].nunique()),
        "marketing_spend": float(spent),
        "blended_cac": float(spent / new),
    }


def _executive_kpis_in_process(params_path: Path) -> dict[str, float | int | None]:
    """The executive report's current-period KPIs, computed here as notebook 07 computes them:
    its parameter defaults, overridden by what the params file passes it."""
    declared = report.course_parameters([EXECUTIVE])[EXECUTIVE.stem]
    passed = report.parameters_for(EXECUTIVE.stem, declared, report.load_params(params_path))
    p = {name: parameter.default for name, parameter in declared.items()} | passed
    now = kpis.as_of_view(load_dataset(p["data_source"]), p["as_of_date"] or None)
    start, end = kpis.period_bounds(now.analysis_date, p["period_months"])
    settings = ("gross_margin_rate", "discount_rate_annual", "horizon_months", "clv_model", "cac_window_months")
    shop_horizon_weeks = convert_periods(p["clv_horizon"], p["clv_horizon_unit"], "week")  # the one shop horizon
    figures, _, _ = kpi_models.model_kpis(now, **{k: p[k] for k in settings}, shop_horizon_weeks=shop_horizon_weeks)
    return kpis.period_kpis(now, start, end) | figures


@pytest.fixture(scope="module")
def foreign_runs(foreign_course_run):
    """The whole course on the foreign data (tests/course/conftest.py runs it once per session)."""
    if not EXECUTIVE.exists():
        pytest.skip("notebooks/07_clv_report.ipynb is missing")
    return foreign_course_run


@pytest.mark.notebooks
def test_every_course_notebook_runs_on_the_foreign_data(foreign_runs):
    _, whole_course = foreign_runs
    assert whole_course.exit_code == 0, whole_course.reason
    course = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert [n.name for n in whole_course.notebooks] == course
    assert all(n.status == "ok" for n in whole_course.notebooks)


@pytest.mark.notebooks
def test_executive_report_on_foreign_data_shows_the_expected_kpis(foreign_runs):
    out, first = foreign_runs
    assert first.exit_code == 0, first.reason
    html_path = out / "latest" / "07_clv_report.html"
    assert html_path.exists() and (out / "latest" / "index.html").exists()
    found = kpi_values(first.run_dir / "07_clv_report.html")
    expected = _expected_kpis_from_foreign_csvs()
    for name, value in expected.items():
        assert found[name] == pytest.approx(value, rel=1e-9), name
    html_text = html_path.read_text(encoding="utf-8")
    assert "data_source" not in html_text and "import " not in html_text, "the executive report shows no code"
    assert html_text.count("data:image/png;base64") >= 3, "the charts are in the page"


@pytest.mark.notebooks
def test_two_runs_with_the_same_inputs_give_identical_kpis(foreign_runs):
    """The report's kernel run and a run of the same code in this process agree to the last digit."""
    _, first = foreign_runs
    assert first.exit_code == 0, first.reason
    in_report = kpi_values(first.run_dir / "07_clv_report.html")
    in_process = _executive_kpis_in_process(EXAMPLE_PARAMS)
    assert len(in_report) == len(kpis.KPI_INFO) and set(in_report) == set(in_process)
    for name, value in in_process.items():
        assert in_report[name] == (None if value is None else float(value)), name


@pytest.mark.notebooks
def test_index_lists_parameters_checksums_versions_and_durations(foreign_runs):
    _, first = foreign_runs
    meta = json.loads((first.run_dir / "run.json").read_text())
    assert meta["status"] == "ok" and meta["seconds"] > 0
    assert meta["parameters"]["data_source"]["subscriptions"]["date_format"] == "%d/%m/%Y"
    members = meta["inputs"]["data: subscriptions"]
    assert members["path"].endswith("members.csv") and len(members["sha256"]) == 64
    assert {"pandas", "papermill", "lifelines", "python"} <= set(meta["versions"])
    executive = next(n for n in meta["notebooks"] if n["name"] == "07_clv_report")
    assert executive["hide_code"] and not any(n["hide_code"] for n in meta["notebooks"] if n is not executive)
    index = (first.run_dir / "index.html").read_text()
    assert "07_clv_report.html" in index and members["sha256"] in index


@pytest.mark.notebooks
def test_a_failing_notebook_keeps_its_traceback_and_leaves_latest_alone(tmp_path, tiny_course, capsys):
    out = tmp_path / "reports"
    params = _params(tmp_path, {"discount_rate_annual": 0.2})
    good = report.main(["--params", str(params), "--out", str(out), "--notebooks", str(tiny_course)])
    assert good == 0
    latest_before = os.readlink(out / "latest")
    progress = capsys.readouterr().out
    # Notebooks run side by side, so they may finish in either order.
    assert re.search(r"\[[12]/2\] 00_first \.\.\. ok", progress)
    assert re.search(r"\[[12]/2\] 01_second \.\.\. ok", progress)

    # Only the broken notebook runs (the two good ones already ran above); the params are
    # still checked against the whole course in its folder.
    broken = _notebook(tiny_course, "02_broken", "x: int = 1  # x", "raise RuntimeError('the coffee machine is broken')")
    code = report.main(["--params", str(params), "--out", str(out), "--notebooks", str(broken)])
    captured = capsys.readouterr()
    assert code == report.EXIT_NOTEBOOK_FAILED == 1
    assert "02_broken" in captured.err and "the coffee machine is broken" in captured.err
    assert len(captured.err.strip().splitlines()) == 1
    assert os.readlink(out / "latest") == latest_before, "a failed run never replaces the last good report"
    failed_dir = next(p for p in out.iterdir() if (p / "FAILED.txt").exists())
    kept = nbformat.read(str(failed_dir / "02_broken.ipynb"), as_version=4)
    tracebacks = [o for c in kept.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert tracebacks and tracebacks[0].ename == "RuntimeError"
    assert "02_broken" in (failed_dir / "FAILED.txt").read_text()
    assert json.loads((failed_dir / "run.json").read_text())["status"] == "failed"


def test_a_kernel_that_dies_at_start_is_retried_but_a_failing_cell_is_not(tmp_path, monkeypatch):
    """Two kernels started at once can be handed the same port; the loser is retried."""
    calls = []

    def dies_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")

    monkeypatch.setattr(execute, "_execute", dies_once)
    status, error, _ = execute._run_one(tmp_path / "a.ipynb", tmp_path / "b.ipynb", {}, 10, tmp_path / "log")
    assert (status, error, len(calls)) == ("ok", "", 2)

    calls.clear()

    def cell_fails(*args, **kwargs):
        calls.append(1)
        raise RuntimeError("the coffee machine is broken")

    monkeypatch.setattr(execute, "_execute", cell_fails)
    status, error, _ = execute._run_one(tmp_path / "a.ipynb", tmp_path / "b.ipynb", {}, 10, tmp_path / "log")
    assert status == "failed" and "coffee machine" in error and len(calls) == 1


def test_a_params_file_saved_in_latin_1_is_one_message_and_exit_2(tmp_path, tiny_course, capsys):
    """Not a UnicodeDecodeError traceback: the file, the line and what to do."""
    params = tmp_path / "société.yml"
    params.write_bytes("# paramètres de la société\nas_of_date: '2025-06-30'\n".encode("latin-1"))
    assert report.main(["--params", str(params), "--notebooks", str(tiny_course)]) == 2
    err = capsys.readouterr().err
    assert "is not UTF-8 text (an unreadable byte on line 1): save it as UTF-8" in err
    assert "Traceback" not in err


def test_make_report_passes_a_params_path_with_spaces_as_one_argument():
    """`make report PARAMS="my params.yml"` must reach the runner as one path (a dry run shows the command)."""
    out = subprocess.run(
        ["make", "-n", "report", "PARAMS=params/my company.yml"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert '--params "params/my company.yml"' in out


@pytest.mark.notebooks
def test_the_readme_cron_line_keeps_the_exit_code_contract(tmp_path):
    """The documented cron command, run as cron would (sh, project folder, bare PATH): a params
    file with a misspelled parameter gives exit 2, a failing notebook exit 1 (through `make`
    both would be 2); each reaches the `|| echo` alarm and the log says why."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (line,) = [x for x in readme.splitlines() if x.startswith("0 2 * * *")]
    command = line.split(None, 5)[5]  # drop the five schedule fields
    log = tmp_path / "cron.log"
    broken = _notebook(tmp_path / "course", "00_broken", "x: int = 1  # x", "raise RuntimeError('the coffee machine is broken')")

    def cron(params: Path, extra: str = "") -> str:
        run = (command.replace("/home/ana/clv-workbook/reports/cron.log", str(log))
               .replace("/home/ana/clv-workbook", str(ROOT))
               .replace("params/my_company.yml", f"{params} --out {tmp_path / 'reports'}{extra}")
               .replace(">> reports/cron.log", f">> {log}"))
        return subprocess.run(["sh", "-c", run], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"}).stdout

    assert cron(_params(tmp_path, {"discount_rate_anual": 0.1})).strip() == f"CLV report failed (exit 2), see {log}"
    assert "did you mean 'discount_rate_annual'" in log.read_text()
    failed = cron(_params(tmp_path, {"x": 2}), f" --notebooks {broken}")
    assert failed.strip() == f"CLV report failed (exit 1), see {log}"
    assert "the coffee machine is broken" in log.read_text()
