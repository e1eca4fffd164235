"""Parameter values are checked before anything runs: allowed words, ranges, strict dates, the data's window.

Each mistake from the issue (time_unit: fortnight, a margin of 40, -0.5, as_of_date in
the future, a date in the wrong format) is refused, all of them in one message, exit 2,
with no report folder written.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from clvlib.course import runner as report
from clvlib.course.runner import values
from clvlib.data import load_dataset

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "notebooks"


def test_the_lifetime_models_offered_are_the_ones_clvlib_fits():
    from clvlib.models.survival import PARAMETRIC_MODELS

    assert values.CHOICES["clv_model"] == ("kaplan_meier", *PARAMETRIC_MODELS)


def test_every_ruled_parameter_is_one_the_course_declares():
    declared = report.course_parameters(sorted(COURSE.glob("[0-9][0-9]_*.ipynb")))
    names = {n for params in declared.values() for n in params}
    ruled = set(values.CHOICES) | set(values.SHARES) | set(values.AT_LEAST) | set(values.DATES)
    assert ruled <= names, ruled - names


@pytest.mark.parametrize(
    "name, value, expected",
    [
        ("time_unit", "fortnight", "time_unit is 'fortnight': allowed are 'day', 'week', 'month'"),
        ("clv_model", "gompertz", "clv_model is 'gompertz': allowed are 'kaplan_meier', 'weibull', 'loglogistic', 'lognormal', 'exponential'"),
        ("gross_margin_rate", 40, "gross_margin_rate is 40: 40 looks like a percentage: write 0.40"),
        ("discount_rate_annual", 8, "discount_rate_annual is 8: 8 looks like a percentage: write 0.08"),
        ("gross_margin_rate", -0.5, "gross_margin_rate is -0.5: it must be a share between 0 and 1 (included)"),
        ("confidence", 1, "confidence is 1: it must be a share between 0 and 1"),
        ("n_boot", 0, "n_boot is 0: it must be at least 10"),
        ("clv_horizon", -12.0, "clv_horizon is -12: it must be more than 0"),
        ("calibration_end", "30/06/2025", "calibration_end is '30/06/2025': write a day as YYYY-MM-DD"),
        ("as_of_date", "2025", "as_of_date is '2025': write a day as YYYY-MM-DD"),
        ("as_of_date", "2025-02-30", "as_of_date is '2025-02-30': write a day as YYYY-MM-DD"),
    ],
)
def test_a_bad_value_is_one_plain_sentence(name, value, expected):
    (problem,) = values.value_problems({name: value})
    assert problem.startswith(expected), problem


@pytest.mark.parametrize(
    "params",
    [{"gross_margin_rate": 0.4, "discount_rate_annual": 0.0, "time_unit": "month", "as_of_date": "",
      "calibration_end": "2024-12-31", "confidence": 0.9, "n_boot": 500, "top_share": 0.2, "middle_share": 0.5}],
)
def test_sensible_values_pass(params):
    assert values.value_problems(params) == []


def test_rules_between_two_values_and_per_notebook_sections_are_checked():
    found = values.value_problems({"top_share": 0.5, "middle_share": 0.3, "per_notebook": {
        "05_segmentation": {"at_risk_after_days": 400, "lapsed_after_days": 365}}})
    assert found == ["middle_share (0.3) is the top and middle tiers together, so it must be more than top_share (0.5)",
                     "per_notebook 05_segmentation: lapsed_after_days (365) must be longer than at_risk_after_days (400)"]


def test_dates_outside_the_data_are_refused(dataset):
    found = values.date_window_problems({"as_of_date": "2099-01-01", "calibration_end": "2023-06-30"}, dataset)
    first_signup = dataset.subscriptions["signup_date"].min().date()
    first_order = dataset.orders["order_date"].min().date()
    assert found == [
        f"as_of_date 2099-01-01 is outside the data: subscriptions run from {first_signup} to the analysis date 2025-12-31",
        f"calibration_end 2023-06-30 must fall inside the orders' period, after the first order ({first_order}) "
        "and before its end 2025-12-31",
    ]
    assert values.date_window_problems({"as_of_date": "2025-06-30", "calibration_end": "2024-12-31"}, dataset) == []


def test_the_runner_lists_every_problem_at_once_exit_2_and_writes_nothing(tmp_path, capsys):
    params = tmp_path / "params.yml"
    params.write_text(yaml.safe_dump({
        "time_unit": "fortnight", "gross_margin_rate": 40, "discount_rate_annual": -0.5,
        "per_notebook": {"07_clv_report": {"as_of_date": "2099-01-01"}},
        "data_source": {"analysis_date": "05/06/2025"},
    }), encoding="utf-8")
    out = tmp_path / "reports"
    code = report.main(["--params", str(params), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    for expected in ("time_unit is 'fortnight'", "40 looks like a percentage: write 0.40",
                     "discount_rate_annual is -0.5", "data_source.analysis_date is not a date written YYYY-MM-DD: '05/06/2025'"):
        assert expected in err, expected
    assert "Traceback" not in err


def test_a_date_in_the_future_of_the_data_is_refused_once_the_data_are_loaded(tmp_path):
    params = tmp_path / "params.yml"
    params.write_text("as_of_date: '2026-03-31'\n", encoding="utf-8")
    result = report.run_report(params, tmp_path / "reports")
    assert result.exit_code == 2
    assert "as_of_date 2026-03-31 is outside the data" in result.reason
    assert load_dataset().analysis_date.date().isoformat() in result.reason


def _notebook_accepts(read, word) -> bool:
    try:
        read(word)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("word", ["EUR", "eur", " Eur ", "gbp", "euro", "US$", "", "€"])
def test_the_currency_check_accepts_exactly_what_the_notebooks_read(word):
    """The lessons read the code with clvlib.core.money.currency (any case, spaces trimmed)."""
    from clvlib.core.money import currency

    refused = values.value_problems({"currency": word})
    assert (refused == []) == _notebook_accepts(currency, word), refused
    if refused:
        assert refused[0].startswith(f"currency is {word!r}: allowed are 'USD', 'EUR'"), refused


@pytest.mark.parametrize("word", ["week", "Week", "weeks", "W", "Month", "fortnight", "year"])
def test_the_time_unit_check_accepts_what_the_notebooks_read(word):
    """time_unit is read with TimeUnit.parse ('Weeks' is a week); a year is not a model period."""
    from clvlib.core.units import TimeUnit

    def read(w):
        if TimeUnit.parse(w).value not in values.CHOICES["time_unit"]:
            raise ValueError(w)

    assert (values.value_problems({"time_unit": word}) == []) == _notebook_accepts(read, word)
    # a horizon may be counted in years, so only the fortnight is refused there
    assert (values.value_problems({"clv_horizon_unit": word}) == []) == (word != "fortnight")
