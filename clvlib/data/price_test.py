"""Loading a price test: a subscriptions export with an ``arm`` column, checked like the real thing.

A price test is a randomised experiment: new subscribers were assigned to a control arm
(the usual price) or a test arm (another price) and their tenures were observed until the
analysis date. Its file has the columns of a subscriptions table (customer_id, signup_date,
cancel_date, plan, monthly_revenue, channel) plus ``arm``, so it is read and checked by the
subscriptions loader (:func:`clvlib.data.loaders.load_table`: every problem at once, with
file, column and rows), then this module checks what makes it an experiment: exactly two
arms, no blank arm, one price per arm.

>>> test = load_price_test()          # Beanstalk Coffee's test (data/experiments/price_test.csv)
>>> test.groupby("arm")["monthly_revenue"].first().to_dict()
{'control': 25.0, 'higher_price': 29.0}
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from clvlib.data.errors import DataValidationError, Problem, plural
from clvlib.data.loaders import load_table
from clvlib.data.sources import DATA_DIR, DEFAULT_ANALYSIS_DATE, display_path

EMBEDDED_PRICE_TEST = DATA_DIR / "experiments" / "price_test.csv"
EMBEDDED_PRICE_TEST_TRUTH = DATA_DIR / "experiments" / "truth" / "price_test_truth.json"


def _examples(frame: pd.DataFrame, mask: pd.Series) -> tuple[str, ...]:
    return tuple(f"customer_id {c}" for c in frame.loc[mask, "customer_id"].head(5))


def arm_problems(frame: pd.DataFrame, file: str) -> list[Problem]:
    """What stops a loaded table from being a two-arm price test (an empty list when it is one).

    >>> table = pd.DataFrame({"customer_id": ["a", "b", "c"], "arm": ["A", "B", "B"],
    ...                       "monthly_revenue": [25.0, 29.0, 30.0]})
    >>> [p.describe() for p in arm_problems(table, "test.csv")]
    ["column 'arm': arm 'B' has more than one monthly_revenue (29, 30): a price test gives each arm one price"]
    """
    if "arm" not in frame.columns:
        return [Problem(file, "arm", "is missing: a price test says which arm (e.g. control or higher_price) "
                                     "each subscriber was assigned to")]
    problems = []
    arm = frame["arm"].astype("string").str.strip()
    blank = arm.isna() | arm.eq("")
    if blank.any():
        problems.append(Problem(file, "arm", f"is blank in {plural(int(blank.sum()), 'row')}", int(blank.sum()),
                                _examples(frame, blank)))
    arms = sorted(arm[~blank].unique())
    if len(arms) != 2:
        problems.append(Problem(file, "arm", f"has {len(arms)} different values ({', '.join(arms) or 'none'}); "
                                             "a price test compares exactly two arms"))
    for name in arms:
        prices = sorted(frame.loc[arm.eq(name), "monthly_revenue"].astype(float).unique())
        if len(prices) > 1:
            shown = ", ".join(f"{p:g}" for p in prices[:5])
            problems.append(Problem(file, "arm", f"arm '{name}' has more than one monthly_revenue ({shown}): "
                                                 "a price test gives each arm one price"))
    return problems


def load_price_test(
    path: str | Path | None = None, columns: dict[str, str] | None = None, date_format: str | None = None,
    analysis_date: str | pd.Timestamp = DEFAULT_ANALYSIS_DATE, **reading,
) -> pd.DataFrame:
    """Load and check a price test file (default: the embedded one); raises DataValidationError.

    ``columns``, ``date_format`` and ``reading`` (encoding, separator, decimal, thousands) work
    as in :func:`clvlib.data.loaders.load_subscriptions`.
    """
    path = EMBEDDED_PRICE_TEST if path is None else Path(path)
    frame = load_table("subscriptions", path, columns, date_format, analysis_date, **reading)
    problems = arm_problems(frame, display_path(path))
    if problems:
        raise DataValidationError(problems)
    frame["arm"] = frame["arm"].astype(str).str.strip()
    return frame


def load_price_test_truth(path: str | Path = EMBEDDED_PRICE_TEST_TRUTH) -> dict:
    """The embedded price test's true parameters (written by ``make data``): what the estimate must recover."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def find_price_test(path: str | Path | None, is_embedded: bool, analysis_date=DEFAULT_ANALYSIS_DATE) -> pd.DataFrame | None:
    """The price test a lesson should read: ``path`` if given, else the embedded one with the embedded data, else None.

    An analyst's own data never silently borrow Beanstalk Coffee's experiment: without a
    file of their own there is no test (None), and the lesson says so.

    >>> find_price_test(None, is_embedded=False) is None
    True
    >>> len(find_price_test("", is_embedded=True)) > 0
    True
    """
    if path:
        return load_price_test(path, analysis_date=analysis_date)
    return load_price_test(analysis_date=analysis_date) if is_embedded else None
