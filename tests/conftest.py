"""Shared test settings.

Hypothesis: no per-example deadline (these machines are shared and timing is noisy;
speed goals live in `make bench`). Under CI the examples are derandomised, so a CI run
can only fail on an example that a local run would also find.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("default", deadline=None, print_blob=True)
settings.register_profile("ci", deadline=None, print_blob=True, derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")
