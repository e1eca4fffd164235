"""Replicating Fader, Hardie & Lee (2005) on CDNOW: the published numbers and our fit beside them.

The paper fits BG/NBD on the 2,357-customer CDNOW sample, calibrated on the first 39
weeks (to 1997-09-30, same-day purchases counted once) and checked on the next 39. The
Gamma-Gamma parameters are from Fader & Hardie (2013), "The Gamma-Gamma Model of
Monetary Value", on the same calibration period's 946 repeat buyers.

Example
-------
>>> sorted(PUBLISHED)[:3]
['a', 'alpha', 'b']
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from clvlib.models.noncontractual import BetaGeoNBD, GammaGamma
from clvlib.transactions import calibration_holdout_split, calibration_summary

CALIBRATION_END = "1997-09-30"
OBSERVATION_END = "1998-06-30"
#: BG/NBD (Fader, Hardie & Lee 2005, Marketing Science 24(2)) and Gamma-Gamma (Fader & Hardie 2013).
PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "log-likelihood": -9582.4,
             "p": 6.25, "q": 3.74, "gamma": 15.44}


@dataclass(frozen=True)
class CdnowReplication:
    """The split, the calibration summary, both fitted models and the comparison table."""

    split: pd.DataFrame
    calibration: pd.DataFrame
    bgnbd: BetaGeoNBD
    gamma_gamma: GammaGamma

    @property
    def no_repeat_customers(self) -> int:
        """Customers with no repeat purchase in calibration (the paper: 1,411 of 2,357)."""
        return int((self.calibration["frequency"] == 0).sum())

    @property
    def comparison(self) -> pd.DataFrame:
        """Our estimates (column ``clvlib``) beside the published ones, one row per number."""
        ours = {**self.bgnbd.params_.to_dict(), "log-likelihood": self.bgnbd.log_likelihood_,
                **self.gamma_gamma.params_.to_dict()}
        return pd.DataFrame({"clvlib": pd.Series(ours), "published": pd.Series(PUBLISHED)})


def replicate_fhl_2005(orders: pd.DataFrame) -> CdnowReplication:
    """Fit BG/NBD and Gamma-Gamma in weeks on CDNOW orders as the papers did."""
    split = calibration_holdout_split(orders, CALIBRATION_END, OBSERVATION_END, time_unit="week")
    calibration = calibration_summary(split)
    bgnbd = BetaGeoNBD(time_unit="week").fit(calibration)
    gamma_gamma = GammaGamma(time_unit="week").fit(calibration)
    return CdnowReplication(split, calibration, bgnbd, gamma_gamma)
