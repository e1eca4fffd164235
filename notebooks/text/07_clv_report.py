# ---
# jupyter:
#   clvlib:
#     hide_code: true
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Customer value report
#
# *The executive summary of the course's numbers, refreshed by `make report`.*
#
# This page says where the business stands on the as-of date and what changed since the
# previous period: customers, revenue, churn, the lifetime value of a new customer, value
# per acquisition dollar by channel, and the mix of web-shop customers by lifecycle stage.
# Every sentence below is generated from the numbers, so it stays true when the data change.
#
# **What you will learn** (if you read the notebook version): how the models of lessons
# 02–06 become a handful of numbers a manager can act on, and how `make report` produces
# this page every night without anyone opening a notebook.

# %% tags=["parameters"]
data_source: dict = {}  # {} means the embedded Beanstalk Coffee data; see params/ for your own files
as_of_date: str = ""  # report as of this day (YYYY-MM-DD); empty means the data's analysis date
period_months: int = 1  # length of the reporting period in months (3 for a quarter)
history_periods: int = 12  # how many periods the trend charts show
gross_margin_rate: float = 0.40  # share of revenue kept after the cost of the coffee and shipping
discount_rate_annual: float = 0.10  # yearly discount rate for lifetime values
horizon_months: int = 36  # a subscriber's value counts margin up to this many months after signup
clv_model: str = "weibull"  # lifetime model per channel: weibull, loglogistic, lognormal, exponential
cac_window_months: int = 12  # CAC pools spend and signups over this many months up to the as-of date

# %%
import warnings

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, Markdown, display

from clvlib.analysis import kpi_models, kpi_text, kpis
from clvlib.data import load_dataset
from clvlib.plots import executive as executive_plots

# %%
# Optimisers may take a step through log(0) on the way; the fits themselves are checked below.
warnings.filterwarnings("ignore", category=RuntimeWarning)

dataset = load_dataset(data_source)
now = kpis.as_of_view(dataset, as_of_date or None)
as_of = now.analysis_date
start, end = kpis.period_bounds(as_of, period_months)
previous_start, previous_end = kpis.period_bounds(as_of, period_months, periods_back=1)
before = kpis.as_of_view(dataset, previous_end)

# %%
# Model-based figures (CLV by channel, LTV:CAC, shop value for the next 52 weeks, stage mix) now and a period earlier.
model_settings = dict(gross_margin_rate=gross_margin_rate, discount_rate_annual=discount_rate_annual,
                      horizon_months=horizon_months, clv_model=clv_model, cac_window_months=cac_window_months)
figures_now, channels_now, mix_now = kpi_models.model_kpis(now, **model_settings)
figures_before, channels_before, mix_before = kpi_models.model_kpis(before, **model_settings)
current = kpis.period_kpis(now, start, end) | figures_now
previous = kpis.period_kpis(before, previous_start, previous_end) | figures_before
changes = kpis.change_table(current, previous)
history = kpis.kpi_history(now, as_of, history_periods, period_months)
channels = channels_now.assign(previous_ltv_to_cac=channels_before["ltv_to_cac"])
mix = pd.DataFrame({"share": mix_now, "previous_share": mix_before})

# %%
source_note = "the embedded Beanstalk Coffee data" if dataset.is_embedded else ", ".join(
    str(p.name) for p in dataset.files.values())
display(Markdown(
    f"**As of {as_of:%d %B %Y}** · this period: {start + pd.Timedelta(days=1):%d %b %Y} to {end:%d %b %Y}, "
    f"compared with {previous_start + pd.Timedelta(days=1):%d %b %Y} to {previous_end:%d %b %Y} · data: {source_note}"
))

# %% [markdown]
# ## Headlines

# %%
sentences = kpi_text.narrative(changes, as_of, previous_end, channels=channels.rename(columns={"ltv_to_cac": "ltv_cac"}),
                               segment_mix=mix)
display(Markdown("\n".join(f"- {s}" for s in sentences)))

# %% [markdown]
# ## Key figures
#
# Green arrows are good news, red ones bad; churn and acquisition cost are better when they
# go down. Money is in the currency of the data; lifetime values are margin, discounted.

# %%
display(HTML(kpi_text.kpi_table_html(changes, current_label=f"{start + pd.Timedelta(days=1):%d %b} to {end:%d %b %Y}",
                                     previous_label=f"{previous_start + pd.Timedelta(days=1):%d %b} to {previous_end:%d %b %Y}")))

# %% [markdown]
# ## Trends

# %%
fig = executive_plots.plot_kpi_trends(history)
plt.show()

# %% [markdown]
# ## Acquisition channels
#
# What a new customer is worth (discounted margin over the horizon) against what they
# cost to acquire, by the channel they came through. A channel below 3:1 is not
# necessarily losing money, but it has little room for error.

# %%
executive_plots.plot_ltv_to_cac_bars(channels)
plt.show()
table = pd.DataFrame({
    "lifetime value": channels["clv"].map(lambda v: kpi_text.format_value(float(v), "money")),
    "cost to acquire": channels["cac"].map(lambda v: kpi_text.format_value(None if pd.isna(v) else float(v), "money")),
    "LTV:CAC": channels["ltv_to_cac"].map(lambda v: kpi_text.format_value(None if pd.isna(v) else float(v), "ratio")),
    "LTV:CAC last period": channels["previous_ltv_to_cac"].map(
        lambda v: kpi_text.format_value(None if pd.isna(v) else float(v), "ratio")),
})
table.index.name = "channel"
display(table)

# %% [markdown]
# ## Web-shop customers by lifecycle stage
#
# Shop customers buy when they like, so nobody tells us when they leave. Their stage
# comes from how recently they bought and the BG/NBD model's probability that they are
# still active: **new** (first order in the last 90 days), **active**, **at risk**,
# **lapsed**.

# %%
executive_plots.plot_segment_shares(mix, "Share of web-shop customers by stage")
plt.show()

# %% [markdown]
# ## What this means for the business
#
# - Watch churn and the value of a new subscriber together: a fall in churn raises the
#   value of every customer acquired from now on.
# - Put the next acquisition dollar where LTV:CAC is highest, not where CAC is lowest.
# - Win-back campaigns belong to the *at risk* shop customers: the *lapsed* are mostly gone.
#
# ## How these numbers are made
#
# - **Period**: the `period_months` months ending on the as-of date, compared with the
#   same length just before. Everything is computed from what was known on each date:
#   later signups, orders and cancellations are ignored.
# - **Churn in the period**: subscribers active at the start who cancelled within it.
# - **Lifetime value of a new subscriber**: monthly margin × discounted expected paid
#   months up to `horizon_months`, from a survival model fitted per channel
#   (`clvlib.models.survival` through `clvlib.analysis.acquisition`), averaged over channels weighted by
#   their subscribers.
# - **CAC**: marketing spend / new subscribers, pooled over the last `cac_window_months` months.
# - **Shop value**: BG/NBD purchases × Gamma-Gamma order value × margin, discounted
#   (`clvlib.btyd`); stages from `clvlib.analysis.segments.lifecycle_stages`.
#
# The figures are checked below (the checks show nothing unless one fails).

# %%
# Sanity checks that hold on any data.
assert start < end <= dataset.analysis_date
assert current["active_subscribers"] >= 0 and current["new_subscribers"] >= 0
assert current["churn_rate"] is None or 0 <= current["churn_rate"] <= 1
assert current["mrr"] >= 0 and current["shop_revenue"] >= 0
assert abs(mix["share"].sum() - 1) < 1e-9
assert (channels["clv"] > 0).all()
assert list(history.index)[-1] == end and len(history) == history_periods
assert all(isinstance(s, str) and s for s in sentences)
if dataset.is_embedded and not as_of_date:
    # Beanstalk Coffee: the cheapest channel to acquire through is not the best per dollar.
    assert channels["cac"].astype(float).idxmin() == "affiliate"
    assert channels["ltv_to_cac"].astype(float).idxmax() == "referral"
    assert 1500 < current["active_subscribers"] < 1800
