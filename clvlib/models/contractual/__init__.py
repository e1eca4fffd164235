"""Contractual (subscription) retention models: customers are seen leaving.

* :mod:`~clvlib.models.contractual.sbg`: the shifted-beta-geometric model (Fader & Hardie 2007)
  and :func:`~clvlib.models.contractual.sbg.compare_projections`;
* :mod:`~clvlib.models.contractual.constant_churn`: one churn probability for everyone, the baseline;
* :mod:`~clvlib.models.contractual.retention`: input checks and the base class both share.
"""

from clvlib.models.contractual.constant_churn import ConstantChurn
from clvlib.models.contractual.sbg import ShiftedBetaGeometric, compare_projections

__all__ = ["ConstantChurn", "ShiftedBetaGeometric", "compare_projections"]
