"""What a customer costs to acquire, by channel, and whether they are worth it.

Customer acquisition cost (CAC) is marketing spend divided by the new customers it
brought in. Compared with a channel's customer lifetime value (CLV) it answers the
question a marketing budget asks: where does the next dollar do the most good? The
cheapest channel is not necessarily the best one: cheap customers who leave quickly
can be worth less than what they cost.

Conventions used throughout (each one is an assumption; change it if your business
differs):

* **Attribution**: spend in a channel and month buys the subscribers who signed up
  through that channel in that same month (no lag, no cross-channel effects).
* **CAC undefined**: a channel-month with spend but no new customer has no CAC (a
  ratio with zero below). Tables show it as ``<NA>`` with ``cac_defined = False`` and a
  ``note`` saying why, never as infinity or a silent NaN.
* **CLV** is margin, not revenue: monthly revenue x margin rate, times the discounted
  expected number of paid months from :mod:`clvlib.analysis.lifetimes` (the first month is paid
  at signup and not discounted).
* **Payback** is the number of monthly payments after which the expected cumulative
  discounted margin of one acquired customer (churners included) covers the CAC.
* **Budget scenarios** assume diminishing returns: new customers = N0 x (spend /
  spend0) ** elasticity, with 0 < elasticity <= 1, and that extra customers are worth as
  much as today's.

Money is in the currency of the input tables, time in months. One module per job:
:mod:`~clvlib.analysis.acquisition.cac` (CAC per channel and month, pooled),
:mod:`~clvlib.analysis.acquisition.channel_value` (CLV per channel, LTV:CAC, bootstrap
intervals), :mod:`~clvlib.analysis.acquisition.payback` (payback curves and periods) and
:mod:`~clvlib.analysis.acquisition.budget` (budget scenarios); every public name is
re-exported here.

Example
-------
>>> from clvlib.data import load_dataset
>>> from clvlib.analysis import acquisition
>>> ds = load_dataset()
>>> cac = acquisition.cac_by_channel(ds.marketing_spend, ds.subscriptions)
>>> cac["cac"].idxmin()  # the cheapest channel...
'affiliate'
>>> table = acquisition.ltv_to_cac(ds.subscriptions, ds.marketing_spend, ds.analysis_date,
...                                margin_rate=0.40, discount_rate_annual=0.10, horizon_months=36)
>>> table["ltv_to_cac"].idxmax()  # ...is not the one that pays back most per dollar
'referral'
"""


from clvlib.analysis.acquisition.budget import (
    budget_baseline,
    budget_scenario,
    optimal_budget_split,
)
from clvlib.analysis.acquisition.cac import (
    NOTE_FREE,
    NOTE_NO_CUSTOMERS,
    NOTE_NO_SPEND_ROW,
    NOTE_NOTHING,
    NOTE_OK,
    cac_by_channel,
    cac_by_channel_month,
)
from clvlib.analysis.acquisition.channel_value import (
    RULE_OF_THUMB_LTV_TO_CAC,
    TIME_UNIT,
    LtvToCacBootstrap,
    bootstrap_ltv_to_cac,
    channel_rankings,
    clv_by_channel,
    combine_clv_and_cac,
    longest_common_horizon_months,
    ltv_to_cac,
)
from clvlib.analysis.acquisition.payback import (
    cumulative_discounted_margin,
    ltv_to_cac_by_horizon,
    payback_curves,
    payback_months_from_curve,
    payback_table,
)

__all__ = [
    "NOTE_FREE",
    "NOTE_NOTHING",
    "NOTE_NO_CUSTOMERS",
    "NOTE_NO_SPEND_ROW",
    "NOTE_OK",
    "RULE_OF_THUMB_LTV_TO_CAC",
    "TIME_UNIT",
    "LtvToCacBootstrap",
    "bootstrap_ltv_to_cac",
    "budget_baseline",
    "budget_scenario",
    "cac_by_channel",
    "cac_by_channel_month",
    "channel_rankings",
    "clv_by_channel",
    "combine_clv_and_cac",
    "cumulative_discounted_margin",
    "longest_common_horizon_months",
    "ltv_to_cac",
    "ltv_to_cac_by_horizon",
    "optimal_budget_split",
    "payback_curves",
    "payback_months_from_curve",
    "payback_table",
]
