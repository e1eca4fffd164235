"""Non-contractual ("buy till you die") models: purchases and spend of customers who
buy when they like; one model per file.

Example
-------
A model built from the parameters Fader, Hardie & Lee (2005) published for CDNOW (weeks)
predicts the 1.226 purchases of the customer in Hardie's BG/NBD spreadsheet:

>>> from clvlib.models.noncontractual import BetaGeoNBD
>>> cdnow = BetaGeoNBD.from_params({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}, time_unit="week")
>>> round(float(cdnow.conditional_expected_purchases(39, 2, 30.43, 38.86)), 3)
1.226
"""

from clvlib.models.noncontractual.alive_path import alive_path, alive_path_from_dates
from clvlib.models.noncontractual.bgbb import BetaGeoBetaBinom
from clvlib.models.noncontractual.bgnbd import BetaGeoNBD
from clvlib.models.noncontractual.bgnbd_covariates import BetaGeoNBDWithCovariates
from clvlib.models.noncontractual.gammagamma import GammaGamma
from clvlib.models.noncontractual.mbgnbd import ModifiedBetaGeoNBD
from clvlib.models.noncontractual.paretonbd import ParetoNBD

__all__ = [
    "BetaGeoBetaBinom",
    "BetaGeoNBD",
    "BetaGeoNBDWithCovariates",
    "GammaGamma",
    "ModifiedBetaGeoNBD",
    "ParetoNBD",
    "alive_path",
    "alive_path_from_dates",
]
