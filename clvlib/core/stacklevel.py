"""Where a warning points: the user's line, however deep inside clvlib it was raised.

``warnings.warn(..., stacklevel=2)`` names the caller of the function that warns, which is
clvlib itself whenever a public method reaches the warning through another clvlib function
(``ShiftedBetaGeometric.fit`` -> ``fit_lifetime_counts``). :func:`user_stacklevel` counts the
frames up to the first one outside the package instead.

This module is kept out of mutation testing (``do_not_mutate`` in pyproject.toml): mutmut
calls mutated functions through extra frames of its own, so a mutated copy of this function
would count those frames too.
"""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE = str(Path(__file__).resolve().parents[1])


def user_stacklevel() -> int:
    """The ``stacklevel`` that makes a warning raised by the calling function name the first
    line outside clvlib (call it in the same statement as ``warnings.warn``)."""
    frame, level = sys._getframe(1), 1
    while frame is not None and str(Path(frame.f_code.co_filename).resolve()).startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    return level
