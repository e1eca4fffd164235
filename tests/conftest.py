"""Shared test settings and fixtures.

``dataset``: the embedded Beanstalk Coffee data, loaded once per test session (loading
and validating it is the slow part of many tests). Tests must not change it in place;
take a ``.copy()`` of a table to modify it.

Hypothesis: no per-example deadline (these machines are shared and timing is noisy;
speed goals live in `make bench`). Under CI the examples are derandomised, so a CI run
can only fail on an example that a local run would also find.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

settings.register_profile("default", deadline=None, print_blob=True)
settings.register_profile("ci", deadline=None, print_blob=True, derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")


@pytest.fixture(scope="session")
def dataset():
    """The embedded dataset (``clvlib.data.load_dataset()``), shared by every test that reads it."""
    # Imported here, not at the top, so a broken loader fails only the tests that use it.
    from clvlib.data import load_dataset

    return load_dataset()
