"""Non-contractual ("buy till you die") models: purchases and spend of customers who
buy when they like; one model per file.

Example
-------
>>> from clvlib.data import load_dataset
>>> from clvlib.models.noncontractual import BetaGeoNBD
>>> from clvlib.transactions import summarize_transactions
>>> summary = summarize_transactions(load_dataset().orders, "2025-12-31", time_unit="week")
>>> BetaGeoNBD(time_unit="week").fit(summary).time_unit_
'week'
"""

from clvlib.models.noncontractual.bgnbd import BetaGeoNBD
from clvlib.models.noncontractual.gammagamma import GammaGamma

__all__ = ["BetaGeoNBD", "GammaGamma"]
