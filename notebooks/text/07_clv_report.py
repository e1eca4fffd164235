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
# Where the business stands on the as-of date and what changed since the previous period:
# customers, revenue, churn, the lifetime value of a new customer, what each acquisition
# channel returns per unit of spend, and the web-shop customers by lifecycle stage. Every
# sentence that states a number is generated from the data, so it stays true when the data change.

# %% tags=["parameters"]
data_source: dict = {}  # {} means the embedded Beanstalk Coffee data; see params/ for your own files
as_of_date: str = ""  # report as of this day (YYYY-MM-DD); empty means the data's analysis date
period_months: int = 1  # length of the reporting period in months (3 for a quarter)
history_periods: int = 12  # how many periods the trend charts show
gross_margin_rate: float = 0.40  # share of revenue kept after the cost of the coffee and shipping
discount_rate_annual: float = 0.10  # yearly discount rate for lifetime values
horizon_months: int = 36  # a subscriber's value counts margin up to this many months (capped by the data, as in lesson 06)
clv_model: str = "kaplan_meier"  # lifetime model per channel: kaplan_meier (lesson 06), weibull, loglogistic, lognormal, exponential
clv_horizon: float = 12.0  # web-shop value counts this far ahead, in clv_horizon_unit (one shop horizon: 04, 05, 07)
clv_horizon_unit: str = "month"  # unit of clv_horizon: "week", "month" or "year"
cac_window_months: int = 120  # CAC pools spend and signups over this many months up to the as-of date; 120 covers all of most data, as lesson 06 pools
currency: str = "USD"  # ISO code of the data's money: USD $1,234, EUR €1,234, GBP £1,234, CHF, JPY, SEK/NOK/DKK 1,234 kr

# %%
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, Markdown, display

from clvlib.analysis import cohorts, kpi_models, kpi_text, kpis, materiality, narrative, tracking
from clvlib.core.money import currency as currency_named
from clvlib.core.units import convert_periods
from clvlib.data import load_dataset
from clvlib.plots import executive as executive_plots

# %%
money = currency_named(currency)  # an unknown code stops here with the list of known ones
dataset = load_dataset(data_source)
now = kpis.as_of_view(dataset, as_of_date or None)
as_of = now.analysis_date
start, end = kpis.period_bounds(as_of, period_months)
previous_start, previous_end = kpis.period_bounds(as_of, period_months, periods_back=1)
# The shop's periods end where the orders do (another period's export ends earlier).
shop_as_of = kpis.orders_end(now, as_of)
shop_now, shop_before = (kpis.period_bounds(shop_as_of, period_months, periods_back=b) for b in (0, 1))
before = kpis.as_of_view(dataset, previous_end, orders_as_of=shop_before[1])

# %%
shop_value_label = {"shop_value_12m": f"Expected web-shop margin, next {clv_horizon:g} {clv_horizon_unit}s"}
settings = dict(gross_margin_rate=gross_margin_rate, discount_rate_annual=discount_rate_annual,
                horizon_months=horizon_months, clv_model=clv_model, cac_window_months=cac_window_months,
                shop_horizon_weeks=convert_periods(clv_horizon, clv_horizon_unit, "week"))  # the shop models work in weeks
figures_now, channels_now, mix_now = kpi_models.model_kpis(now, **settings, bootstrap_replicates=500)
figures_before, channels_before, mix_before = kpi_models.model_kpis(before, **settings)
current = kpis.period_kpis(now, start, end, shop_now) | figures_now
previous = kpis.period_kpis(before, previous_start, previous_end, shop_before) | figures_before
churn_counts = (*kpis.churn_counts(now.subscriptions, start, end),
                *kpis.churn_counts(before.subscriptions, previous_start, previous_end))
changes = materiality.mark_material(kpis.change_table(current, previous, labels=shop_value_label), churn_counts=churn_counts)
history = kpis.kpi_history(now, as_of, history_periods, period_months)
channels = channels_now.assign(previous_ltv_to_cac=channels_before["ltv_to_cac"])
mix = pd.DataFrame({"share": mix_now, "previous_share": mix_before})
horizon = channels_now.attrs["horizon_months"]

# %%
source_note = "the embedded Beanstalk Coffee data" if dataset.is_embedded else ", ".join(
    str(p.name) for p in dataset.files.values())
display(Markdown(
    f"**As of {as_of:%d %B %Y}** · this period: {start + pd.Timedelta(days=1):%d %b %Y} to {end:%d %b %Y}, "
    f"compared with {previous_start + pd.Timedelta(days=1):%d %b %Y} to {previous_end:%d %b %Y} · "
    f"data: {source_note} · money in {money.code}"
))

# %% [markdown]
# ## Headlines

# %%
headlines = kpi_text.narrative(changes, as_of, previous_end, money=money, shop_as_of=shop_as_of) + narrative.what_this_means([
    narrative.channel_payback(channels, horizon, money), narrative.channel_crossed(channels)])
display(Markdown(kpi_text.markdown_list(headlines)))

# %% [markdown]
# ## Key figures
#
# Green arrows are good news, red ones bad; churn and acquisition cost are better when they
# go down. Lifetime values are margin, discounted.

# %%
labels = {"current_label": f"{start + pd.Timedelta(days=1):%d %b} to {end:%d %b %Y}",
          "previous_label": f"{previous_start + pd.Timedelta(days=1):%d %b} to {previous_end:%d %b %Y}"}
display(HTML(kpi_text.kpi_table_html(changes, money=money, **labels)))
shop_window = kpi_text.shop_window_sentence(shop_as_of, as_of)
display(Markdown(f"*{materiality.materiality_rule()}*" + (f" *{shop_window}*" if shop_window else "")))

# %% [markdown]
# ## Trends

# %%
fig = executive_plots.plot_kpi_trends(history, money=money)
plt.show()

# %% [markdown]
# ## Acquisition channels
#
# What a new customer is worth (discounted margin over the horizon) against what they cost
# to acquire, by the channel they came through, computed as lesson 06 computes it. A bar is
# green when the channel pays back its acquisition cost within the horizon; the black
# whisker is the 90% bootstrap interval; 3:1 is drawn as a reference, not as a pass mark.

# %%
executive_plots.plot_ltv_to_cac_bars(channels, money=money)
plt.show()
table = pd.DataFrame({
    "lifetime value": channels["clv"].map(lambda v: kpi_text.format_value(v, "money", money)),
    "cost to acquire": channels["cac"].map(lambda v: kpi_text.format_value(v, "money", money)),
    "LTV:CAC": channels["ltv_to_cac"].map(lambda v: kpi_text.format_value(v, "ratio")),
    "90% interval": [f"{lo:.1f}–{hi:.1f}" if pd.notna(lo) else "n/a"
                     for lo, hi in zip(channels["ltv_to_cac_lower"], channels["ltv_to_cac_upper"], strict=True)],
    "payback": channels["payback_months"].map(lambda v: kpi_text.format_value(v, "months")),
    "LTV:CAC last period": channels["previous_ltv_to_cac"].map(lambda v: kpi_text.format_value(v, "ratio")),
}).rename_axis("channel")
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
# ## Did last period's predictions hold?
#
# The models fitted at the end of the previous period predicted this period: how many of
# the subscribers active then would still be active now (Kaplan-Meier), and how many
# purchase days the shop's existing customers would make (BG/NBD). The range is the 95%
# noise of the count; a result outside it is a reason to look at the model again.

# %%
check = pd.DataFrame([tracking.subscribers_still_active(before, now, start, end, period_months),
                      tracking.shop_purchases(before, now, *shop_now)]).set_index("prediction")
display(pd.DataFrame({
    "predicted (95% range)": [f"{p:,.0f} ({lo:,.0f}–{hi:,.0f})" for p, lo, hi
                              in zip(check["predicted"], check["lower_95"], check["upper_95"], strict=True)],
    "actual": check["actual"].map("{:,}".format),
    "verdict": check["holds"].map({True: "holds", False: "outside the range: look again"}),
}, index=check.index))

# %% [markdown]
# ## What this means for the business
#
# Each point below is written by a rule (`clvlib.analysis.narrative`) only when the numbers
# meet its condition; a finding that does not hold this period is left out.

# %%
by = "promo_signup" if "promo_signup" in now.subscriptions.columns else "channel"
churn_groups = cohorts.observed_churn_rate(now.subscriptions, as_of, by=by)
if by == "promo_signup":
    churn_groups = churn_groups.rename(index={True: "promotion sign-ups", False: "other sign-ups"})
first_orders = now.orders.groupby("customer_id")["order_date"].min()
meaning = narrative.what_this_means([
    narrative.cac_moved(changes, money), narrative.riskiest_group(churn_groups),
    narrative.value_concentration(mix_now.attrs["top_20_share_of_value"]),
    narrative.no_new_shop_customers(first_orders, shop_as_of),
])
display(Markdown(kpi_text.markdown_list(meaning, empty="- No rule fired this period: nothing stands out.")))

# %% [markdown]
# ## How these numbers are made
#
# - **Period**: the `period_months` months ending on the as-of date, compared with the
#   same length just before. Everything is computed from what was known on each date:
#   later signups, orders and cancellations are ignored.
# - **Churn in the period**: subscribers active at the start who cancelled within it.
# - **Lifetime value of a new subscriber**: monthly margin × discounted expected paid
#   months up to the horizon, per channel (`clv_model`, Kaplan-Meier by default, as lesson 06),
#   averaged over channels weighted by their subscribers. Kaplan-Meier reads survival straight
#   from the data, so no lifetime model has to be chosen as long as the horizon stays where every
#   channel's curve is still data (the horizon is capped there); lesson 03's AIC ranking is the rule
#   to follow when `clv_model` names a parametric model to extrapolate further.
# - **CAC**: marketing spend / new subscribers, pooled over the last `cac_window_months` months
#   (by default every month of the data, as lesson 06 pools them).
# - **Shop value**: BG/NBD purchases × Gamma-Gamma order value × margin, discounted,
#   over the next `clv_horizon` `clv_horizon_unit`s (the one web-shop horizon of lessons 04 and 05); stages from `clvlib.analysis.segments.lifecycle_stages`.
# - **Web-shop period**: when the orders are another period's export (their own `period_end`,
#   earlier than the as-of date), the shop's figures, models and prediction check use periods of
#   the same length ending on that date, and a sentence above says so.
#
# ### Where each figure comes from

# %%
display(pd.DataFrame([
    ("Lifetime value of a new subscriber", f"{clv_model} survival per channel, {horizon} months",
     "06 (01, 02: other estimators)"),
    ("LTV:CAC, payback and interval by channel", f"{clv_model}, CAC over up to {cac_window_months} months", "06"),
    ("Churn, subscribers, revenue", "counts in the period", "02"),
    ("Shop value and stages", f"BG/NBD × Gamma-Gamma, {clv_horizon:g} {clv_horizon_unit}s", "04, 05"),
], columns=["figure", "model", "lesson"]).set_index("figure"))

# %% [markdown]
# The figures are checked below (the checks show nothing unless one fails).

# %%
# Sanity checks that hold on any data.
assert start < end <= dataset.analysis_date, f"the report period should be {start} < {end} <= analysis date {dataset.analysis_date}"
assert current["active_subscribers"] >= 0 and current["new_subscribers"] >= 0, "subscriber counts should not be negative"
assert current["churn_rate"] is None or 0 <= current["churn_rate"] <= 1, f"churn rate should be missing or between 0 and 1; got {current['churn_rate']}"
assert current["mrr"] >= 0 and current["shop_revenue"] >= 0, "MRR and shop revenue should not be negative"
assert abs(mix["share"].sum() - 1) < 1e-9, f"the channel mix shares should sum to 100%; got {mix['share'].sum()}"
assert (channels["clv"] > 0).all(), "every channel should have a positive CLV"
assert list(history.index)[-1] == end and len(history) == history_periods, f"the history should end at {end} and cover {history_periods} periods; got {len(history)} ending {list(history.index)[-1]}"
assert shop_now[1] == min(end, dataset.period_end("orders")), "the shop's period ends where the orders do"
assert all(isinstance(s, str) and s for s in headlines + meaning), "every headline and meaning line should be a non-empty string"
if dataset.is_embedded and not as_of_date:
    # Beanstalk Coffee: the cheapest channel to acquire through is not the best per dollar.
    assert channels["cac"].astype(float).idxmin() == "affiliate", f"affiliate should have the lowest CAC; got {channels['cac'].astype(float).idxmin()}"
    assert channels["ltv_to_cac"].astype(float).idxmax() == "referral", f"referral should have the best LTV:CAC; got {channels['ltv_to_cac'].astype(float).idxmax()}"
    assert 1500 < current["active_subscribers"] < 1800, f"on the embedded data active subscribers should be 1,500 to 1,800; got {current['active_subscribers']}"
