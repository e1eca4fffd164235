"""One web-shop horizon: lessons 04 and 05 and the report (07) read the same two parameters.

Before, the shop's predicted value counted 12 months in 04, 104 weeks in 05 and 52 weeks
in 07. Now each declares ``clv_horizon`` and ``clv_horizon_unit`` with the same default,
converts them to the models' weeks the same way, and params/default.yml sets them once.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import yaml

from clvlib.course import runner as report

ROOT = Path(__file__).resolve().parents[2]
SHOP_LESSONS = ("04_predictive_clv", "05_segmentation", "07_clv_report")


def _declared():
    return report.course_parameters([ROOT / "notebooks" / f"{name}.ipynb" for name in SHOP_LESSONS])


def test_the_shop_lessons_declare_one_horizon_with_one_default():
    declared = _declared()
    defaults = {name: (params["clv_horizon"].default, params["clv_horizon_unit"].default)
                for name, params in declared.items()}
    assert set(defaults.values()) == {(12.0, "month")}, defaults
    other = {name: [p for p in params if "horizon" in p and p not in ("clv_horizon", "clv_horizon_unit", "horizon_months")]
             for name, params in declared.items()}
    assert other == {name: [] for name in SHOP_LESSONS}, other  # no second shop horizon (clv_horizon_weeks was 05's)


def test_each_shop_lesson_converts_that_horizon_for_its_models():
    for name in SHOP_LESSONS:
        code = "\n".join(c.source for c in nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4).cells
                         if c.cell_type == "code")
        assert "convert_periods(clv_horizon, clv_horizon_unit," in code, name


def test_the_default_file_sets_it_once_for_all_three():
    params = yaml.safe_load((ROOT / "params" / "default.yml").read_text(encoding="utf-8"))
    assert (params["clv_horizon"], params["clv_horizon_unit"]) == (12.0, "month")
    overrides = params.get("per_notebook") or {}
    assert not any({"clv_horizon", "clv_horizon_unit"} & set(overrides.get(name, {})) for name in SHOP_LESSONS)
