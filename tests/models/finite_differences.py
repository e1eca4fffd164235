"""Central finite differences: the reference each model's analytic gradient is checked against."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def central_difference_gradient(f: Callable[[np.ndarray], float], params, relative_step: float = 1e-6) -> np.ndarray:
    """(f(p + h e_i) - f(p - h e_i)) / 2h for each parameter i, with h = relative_step * p_i.

    A step relative to each parameter keeps small and large parameters equally well resolved
    (the parameters are positive); the error is O(h^2), about 1e-12 relative here.
    """
    params = np.asarray(params, dtype=float)
    gradient = np.empty(len(params))
    for i, h in enumerate(relative_step * params):
        up, down = params.copy(), params.copy()
        up[i] += h
        down[i] -= h
        gradient[i] = (f(up) - f(down)) / (2 * h)
    return gradient
