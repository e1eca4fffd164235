"""Display copies of tables: money with its currency, shares as %, nothing else changed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clvlib.course.tables import readable


def test_money_and_shares_are_formatted_and_other_floats_rounded():
    table = pd.DataFrame({"cac": [34.786842, np.nan], "share": [0.1190, 0.0405], "months": [35.967742, 2.0],
                          "customers": [1292, 671]}, index=["affiliate", "referral"])
    shown = readable(table, money=["cac"], shares=["share"])
    assert shown["cac"].tolist() == ["$34.79", "n/a"]
    assert shown["share"].tolist() == ["11.9%", "4.0%"]
    assert shown["months"].tolist() == [35.97, 2.0] and shown["customers"].tolist() == [1292, 671]
    assert table.at["affiliate", "cac"] == 34.786842  # the original is untouched
    assert readable(table, money=["cac"], money_code="EUR").at["affiliate", "cac"] == "€34.79"


def test_a_column_the_table_lacks_is_named():
    with pytest.raises(ValueError, match="no column 'price'.*it has cac"):
        readable(pd.DataFrame({"cac": [1.0]}), money=["price"])
