"""The value of a new subscriber: the lessons' reconciling sentences use the report's own figure."""

from __future__ import annotations

import pytest

from clvlib.analysis import acquisition, kpi_models, kpis
from clvlib.course.new_subscriber import (
    REPORT_MARGIN,
    REPORT_METHOD,
    Estimate,
    relation_sentence,
    report_estimate,
)

REPORT = Estimate("The report", 100.0, REPORT_METHOD, 36, REPORT_MARGIN)


def test_the_report_estimate_is_the_figure_the_report_prints(dataset):
    view = kpis.as_of_view(dataset, None)
    figures, channels, _ = kpi_models.model_kpis(view, 0.4, 0.10, 36, cac_window_months=120)
    estimate = report_estimate(dataset.subscriptions, dataset.analysis_date, 0.4, 0.10, 36)
    assert estimate.value == pytest.approx(figures["clv_new_subscriber"], rel=1e-12)
    assert estimate.horizon_months == channels.attrs["horizon_months"]


def test_the_horizon_is_capped_where_the_data_end(dataset):
    longest = acquisition.longest_common_horizon_months(dataset.subscriptions, dataset.analysis_date)
    assert report_estimate(dataset.subscriptions, dataset.analysis_date, 0.4, 0.10, 10_000).horizon_months == longest


def test_the_same_definition_is_called_the_reports_figure():
    same = Estimate("Lesson 06", 100.2, REPORT_METHOD, 36, REPORT_MARGIN)
    assert relation_sentence(same, REPORT) == (
        "Lesson 06 gives $100.20 for a new subscriber: the report's figure (lesson 07, $100.00), by the same definition.")


@pytest.mark.parametrize("field, value, reason", [
    ("method", "a constant 92% monthly retention", "uses a constant 92% monthly retention instead of Kaplan-Meier"),
    ("horizon_months", None, "counts every future month (extrapolated past the data) instead of 36 months"),
    ("horizon_months", 24, "counts 24 months instead of 36 months"),
    ("margin", "the example's $10.00 a month", "takes the example's $10.00 a month instead of each channel's"),
])
def test_each_difference_is_named_and_only_that_one(field, value, reason):
    fields = {"source": "Lesson 0X", "value": 142.0, "method": REPORT_METHOD, "horizon_months": 36,
              "margin": REPORT_MARGIN, field: value}
    sentence = relation_sentence(Estimate(**fields), REPORT, "EUR")
    assert sentence.startswith("Lesson 0X gives €142.00 for a new subscriber, 42% above the report's €100.00")
    assert reason in sentence and sentence.count(" instead of ") == 1, sentence


def test_every_difference_is_listed_and_a_lower_value_is_below():
    lesson = Estimate("Lesson 01", 80.0, "the retention formula", None, "the example's margin")
    sentence = relation_sentence(lesson, REPORT)
    assert "20% below the report's $100.00" in sentence and sentence.count(" instead of ") == 3
    assert "; and takes the example's margin" in sentence


def test_a_gap_with_no_difference_to_name_says_so():
    sentence = relation_sentence(Estimate("Lesson 0Y", 90.0, REPORT_METHOD, 36, REPORT_MARGIN), REPORT)
    assert sentence.endswith("with the same estimator, horizon and margin: the data it was given differ.")
