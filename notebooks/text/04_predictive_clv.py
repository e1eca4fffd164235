# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 04 · Predictive CLV: who will buy again, and what is each customer worth?
#
# Beanstalk Coffee's web shop has no contracts: people buy when they like and never tell us when
# they stop. So we cannot count churn; we have to *infer* it from silence. This lesson fits the two
# models most CLV systems are built on (lifetimes, pymc-marketing, CLVTools, BTYD):
#
# * **BG/NBD** (Fader, Hardie & Lee 2005): how many purchases each customer will make, and the
#   probability they are still a customer ("alive");
# * **Gamma-Gamma**: how much they will spend per purchase.
#
# **In this notebook you will learn**
#
# 1. to boil an order log down to four numbers per customer: frequency, recency, T and mean spend;
# 2. to fit BG/NBD and Gamma-Gamma by maximum likelihood, and check them on a holdout period;
# 3. why a customer who bought only once has P(alive) = 1 under BG/NBD, and what to make of it;
# 4. to turn the two models into a discounted CLV per customer, with the time units checked;
# 5. to replicate the original paper on the real CDNOW data, parameters beside the published ones.
# 6. to choose between BG/NBD, MBG/NBD and Pareto/NBD on the holdout, and to tell a real win from a tie.
#
# **Prerequisites.** Lessons 01 and 03 (discounting, censoring); the idea of maximum likelihood
# helps. **Estimated time:** 75 minutes. Every term is explained in the [glossary](../docs/glossary.md).

# %% [markdown]
# ## Parameters
#
# `make report PARAMS=params/your_file.yml` replaces these values without editing the notebook.

# %% tags=["parameters"]
data_source: dict = {}  # {} is the embedded Beanstalk Coffee data; see params/ for your own files
time_unit: str = "week"  # period for recency, T and the models: "day", "week" or "month"
calibration_end: str = ""  # last day of the calibration period (YYYY-MM-DD); empty means halfway through the orders
clv_horizon: float = 12.0  # how far ahead predicted CLV counts, in clv_horizon_unit (one shop horizon: 04, 05, 07)
clv_horizon_unit: str = "month"  # unit of clv_horizon: "week", "month" or "year"
gross_margin_rate: float = 0.40  # share of revenue kept as margin
discount_rate_annual: float = 0.10  # yearly discount rate applied to future margin
currency: str = "USD"  # ISO code of the data's money: USD $1,234, EUR €1,234, GBP £1,234, CHF, JPY, SEK/NOK/DKK 1,234 kr
cdnow_allow_download: bool = False  # fetch CDNOW from PyPI (0.6 MB) when it is not cached yet

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

# %%
from clvlib import transactions
from clvlib.analysis import cdnow_replication, segments
from clvlib.analysis.predictive_clv import customer_lifetime_value
from clvlib.core.money import currency as currency_named
from clvlib.core.units import UnitMismatchError, convert_periods
from clvlib.course.tables import readable, show_figure
from clvlib.data import cdnow, load_dataset, load_truth
from clvlib.models.noncontractual import BetaGeoNBD, GammaGamma, gammagamma, holdout
from clvlib.models.noncontractual.bgnbd import probability_alive_grid
from clvlib.plots import bgnbd as bgnbd_plots
from clvlib.plots import segments as segment_plots

# %%
dataset = load_dataset(data_source)
orders = dataset.orders
money = currency_named(currency)  # every amount is written in it; an unknown code stops here
observation_end = dataset.period_end("orders")  # the orders' own period_end, else the analysis date
truth = load_truth().params if dataset.is_embedded else {}  # the simulation's true parameters
first_order = orders["order_date"].min()
cal_end = pd.Timestamp(calibration_end) if calibration_end else (first_order + (observation_end - first_order) / 2).floor("D")
# The models work in `time_unit`; the CLV horizon is converted to it explicitly.
horizon_periods = convert_periods(clv_horizon, clv_horizon_unit, time_unit)
print(f"{len(orders):,} orders from {orders['customer_id'].nunique():,} customers, "
      f"{first_order.date()} to {observation_end.date()}; calibration ends {cal_end.date()}")
print(f"CLV horizon: {clv_horizon:g} {clv_horizon_unit}s = {horizon_periods:.1f} {time_unit}s")

# %% [markdown]
# ## 1. From an order log to four numbers per customer
#
# For each customer, counting from their **first** purchase:
#
# * **frequency** `x`: the number of *repeat* purchases (orders on the same day count once);
# * **recency** `t_x`: time from the first to the last purchase;
# * **T**: time from the first purchase to the end of the observation window;
# * **monetary_value**: the mean value of the repeat purchases (0 if there are none).
#
# Time is measured in `time_unit` with fractions (3 days = 0.43 weeks). The summary records its unit,
# so a model fitted on it knows what "one period" means. The same summary is available as SQL
# (`clvlib.transactions.summary_sql`), the query an analyst would run in a warehouse (Spark SQL, BigQuery,
# Snowflake), and `clvlib.transactions.summarize_with_duckdb` runs it on files larger than memory.

# %%
summary = transactions.summarize_transactions(orders, observation_end, time_unit=time_unit)
print(f"time unit recorded on the summary: {summary.attrs['time_unit']}")
summary.head()

# %%
readable(summary.describe().drop(index="count").rename_axis(f"{len(summary):,} customers"),
         money=["monetary_value"], money_code=money)

# %% [markdown]
# ## 2. Calibration and holdout
#
# To judge a forecast we need data the model has not seen. We fit on orders up to the calibration
# end and keep the rest as a **holdout**: for every customer acquired during calibration, we record
# how many purchases they made afterwards. The split is vectorised (about a second for a million
# orders; the same step takes over half a minute in `lifetimes`).

# %%
split = transactions.calibration_holdout_split(orders, cal_end, observation_end, time_unit=time_unit)
calibration = transactions.calibration_summary(split)
print(f"{len(split):,} customers in the calibration cohort; holdout of {split['duration_holdout'].iloc[0]:.1f} {time_unit}s")
horizon_to_holdout = horizon_periods / split["duration_holdout"].iloc[0]  # one shop horizon for 04, 05 and the report
print(f"The CLV horizon ({horizon_periods:.1f} {time_unit}s) is " + ("about as long as the holdout: the forecast it values is the one "
      "checked in section 4." if horizon_to_holdout <= 1.05 else f"{horizon_to_holdout:.1f}x the holdout: its later part is unchecked."))
split.head()

# %% [markdown]
# ## 3. The BG/NBD model
#
# The story, for one customer after their first purchase:
#
# * while **alive**, they buy at random at their own rate λ per period (a Poisson process);
#   across customers λ follows a Gamma distribution with shape `r` and rate `α`;
# * after each **repeat** purchase they leave for good with their own probability `p`;
#   across customers `p` follows a Beta(`a`, `b`) distribution.
#
# With `B` the beta function and `Γ` the gamma function, the likelihood of a history (x, t_x, T) is
#
# $$L = \frac{B(a, b+x)}{B(a,b)} \frac{\Gamma(r+x)\,\alpha^r}{\Gamma(r)\,(\alpha+T)^{r+x}}
#  + [x>0]\,\frac{B(a+1, b+x-1)}{B(a,b)} \frac{\Gamma(r+x)\,\alpha^r}{\Gamma(r)\,(\alpha+t_x)^{r+x}}$$
#
# the first term for "still alive at T", the second for "left right after the last purchase".
# `clvlib` maximises its logarithm (computed stably, with an exact gradient) over one row per
# distinct (x, t_x, T).

# %%
bgnbd = BetaGeoNBD(time_unit=time_unit).fit(calibration)
print(bgnbd)
bgnbd_estimates = bgnbd.summary  # estimates with standard errors, reused below
bgnbd_estimates.round(3)

# %% [markdown]
# The embedded shop was *simulated*, so we know the true parameters (in weeks). An estimate within
# about two standard errors of the truth is what sampling noise allows. An estimate far off means the
# data were not generated the way the model assumes: a model is only as right as its story, which is
# why it pays to test a method on a simulated world before trusting it on a real one.

# %%
if dataset.is_embedded and time_unit == "week":
    true_bgnbd = pd.Series({"r": truth["bgnbd_r"], "alpha": truth["bgnbd_alpha_weeks"],
                            "a": truth["bgnbd_a"], "b": truth["bgnbd_b"]})
    comparison = bgnbd_estimates[["estimate", "std_error"]].assign(truth=true_bgnbd)
    comparison["within 2 s.e."] = (comparison["estimate"] - comparison["truth"]).abs() < 2 * comparison["std_error"]
    display(comparison.round(3))

# %% [markdown]
# ## 4. Does it forecast? The holdout check
#
# For every customer, BG/NBD gives the expected number of purchases in the holdout period given
# their calibration history. Grouping customers by calibration frequency and comparing the mean
# forecast with what they actually did is the paper's main validation (its Figure 4). Tracking the
# whole cohort's repeat purchases period by period (Figures 2 and 3) shows whether the model gets
# the *timing* right, beyond the calibration end (dotted line).

# %%
by_frequency = holdout.holdout_by_frequency(bgnbd, split, max_frequency=7)
tracking = holdout.repeat_purchase_tracking(bgnbd, orders, cal_end, observation_end)
fig, axes = plt.subplots(1, 3, figsize=(17, 4.5))
bgnbd_plots.plot_holdout_by_frequency(by_frequency, ax=axes[0])
bgnbd_plots.plot_cumulative_tracking(tracking, ax=axes[1])
bgnbd_plots.plot_incremental_tracking(tracking, ax=axes[2])
plt.tight_layout()
show_figure(money)
by_frequency.round(2)

# %%
predicted_holdout = bgnbd.conditional_expected_purchases(
    split["duration_holdout"], split["frequency_cal"], split["recency_cal"], split["T_cal"])
actual_total, predicted_total = split["frequency_holdout"].sum(), predicted_holdout.sum()
print(f"holdout purchases: actual {actual_total:,}, predicted {predicted_total:,.0f} "
      f"({predicted_total / actual_total - 1:+.1%})")
assert np.isfinite(predicted_holdout).all() and (predicted_holdout >= 0).all(), "holdout predictions should be finite and non-negative for every customer"
assert bgnbd.time_unit_ == time_unit, f"the model should use the time unit {time_unit!r}; got {bgnbd.time_unit_!r}"
if dataset.is_embedded:
    assert abs(predicted_total / actual_total - 1) < 0.15, f"predicted holdout purchases should be within 15% of actual; got {predicted_total:.0f} vs {actual_total:.0f}"

# %% [markdown]
# ## 5. Is the customer still alive? And why one-time buyers always are
#
# $$P(\text{alive} \mid x, t_x, T) = \frac{1}{1 + [x>0]\,\frac{a}{b+x-1}\left(\frac{\alpha+T}{\alpha+t_x}\right)^{r+x}}$$
#
# A long silence after a burst of purchases (high frequency, old last purchase) is bad news; the
# same silence after one repeat purchase is less alarming. The heatmap shows it for customers
# watched for the same time T.
#
# For a customer who **never bought again** (x = 0) the formula gives exactly 1. In the BG/NBD story a
# customer can only leave *right after a repeat purchase*; someone who never repeated never had the
# chance, so the model says they are alive, with a low purchase rate that explains the silence. Do
# not "fix" this by overriding the number: their *expected purchases* are already small, which is
# what CLV uses. If you need a churn flag for them, add a recency rule (lesson 05 does), or use the
# MBG/NBD variant, which lets people leave right after their first purchase.

# %%
full_model = BetaGeoNBD(time_unit=time_unit).fit(summary)
typical_T = float(summary["T"].median())
grid = probability_alive_grid(full_model, T=typical_T, max_frequency=15)
bgnbd_plots.plot_probability_alive(grid)
show_figure(money)
p_alive = pd.Series(full_model.probability_alive(summary["frequency"], summary["recency"], summary["T"]),
                    index=summary.index)
print(f"P(alive) of one-time buyers: min {p_alive[summary['frequency'] == 0].min():.3f}, "
      f"max {p_alive[summary['frequency'] == 0].max():.3f}")
assert (p_alive[summary["frequency"] == 0] == 1).all(), "customers with no repeat purchase should have P(alive) = 1 under BG/NBD"
assert p_alive.between(0, 1).all(), "P(alive) should lie between 0 and 1"

# %% [markdown]
# ## 6. Spend per purchase: Gamma-Gamma
#
# Each purchase of a customer is worth a Gamma(`p`, ν) amount, and ν varies across customers as a
# Gamma(`q`, `γ`). The model's best guess of a customer's future spend is a weighted average of
# their own mean and the population mean, trusting their own mean more the more purchases we have
# seen. It assumes spend does not depend on how often someone buys: check that first.

# %%
correlation = gammagamma.frequency_spend_correlation(summary)
gamma_gamma = GammaGamma().fit(summary["frequency"], summary["monetary_value"])
print(f"frequency-spend correlation among repeat buyers: {correlation:.3f}")
print(gamma_gamma, f"-> mean spend per purchase {money.format(gamma_gamma.mean_order_value_, 2)}")
if dataset.is_embedded:
    display(gamma_gamma.summary[["estimate", "std_error"]].assign(
        truth=pd.Series({"p": truth["gg_p"], "q": truth["gg_q"], "gamma": truth["gg_gamma"]})).round(3))

# %%
assert abs(correlation) < 0.3, "spend depends on frequency: Gamma-Gamma's independence assumption is doubtful"
if dataset.is_embedded:
    true_mean = truth["gg_p"] * truth["gg_gamma"] / (truth["gg_q"] - 1)
    assert abs(gamma_gamma.mean_order_value_ / true_mean - 1) < 0.05, f"Gamma-Gamma mean order value should be within 5% of the truth; got {gamma_gamma.mean_order_value_} vs {true_mean}"

# %% [markdown]
# ## 7. Predicted CLV per customer, and how to use the ranking
#
# CLV = expected purchases in each future period × expected spend per purchase × margin, discounted
# back to today. The models, the summary and the horizon must share one time unit: a weekly model
# given "12" months would count 12 *weeks* (or, converted the wrong way, 4.35× too many). That mix-up
# overstated CLV 3.7× in a popular library's quickstart; here it is an error:

# %%
try:
    customer_lifetime_value(full_model, gamma_gamma, summary, clv_horizon, clv_horizon_unit,
                                 gross_margin_rate, discount_rate_annual)
except UnitMismatchError as error:
    print("Refused:", error)

# %%
clv = customer_lifetime_value(full_model, gamma_gamma, summary, horizon=horizon_periods,
                                   horizon_unit=time_unit, margin_rate=gross_margin_rate,
                                   discount_rate_annual=discount_rate_annual)
ranked = summary.join(clv).sort_values("clv", ascending=False)
top_decile_share = segments.top_share_of_value(clv["clv"], 0.1)
print(f"predicted margin over {clv_horizon:g} {clv_horizon_unit}s: {money.format(clv['clv'].sum())}; "
      f"the top 10% of customers hold {top_decile_share:.0%} of it")
ranked.head(10).round(2)

# %%
segment_plots.plot_pareto_curve(segments.pareto_curve(clv["clv"]), highlight=0.1)
show_figure(money)
assert clv["clv"].notna().all() and (clv["clv"] >= 0).all(), "every customer should get a CLV that is a non-negative number"
assert 0.1 <= top_decile_share <= 1, f"the top decile should hold between 10% and 100% of CLV; got {top_decile_share}"

# %% [markdown]
# **How to use the ranking.** Predicted CLV is forward-looking: it already discounts customers who
# have probably left and those who buy rarely. Use it to
#
# * **set budgets per customer**: never spend more to retain or win back a customer than their
#   predicted margin;
# * **prioritise**: the top decile deserves service and early access; customers with high past
#   spend but low P(alive) are the win-back list (worth a call before they are gone);
# * **track the base**: the sum of CLV is the value of the current customer base, and it should be
#   reported next to revenue.
#
# Refit regularly (monthly), and check the holdout fit each time.

# %% [markdown]
# ## 8. The real thing: replicating Fader, Hardie & Lee (2005) on CDNOW
#
# CDNOW was an online CD shop. The paper uses a 1/10 sample of the customers who first bought in
# the first quarter of 1997 (2,357 people), calibrates on the first 39 weeks (to 1997-09-30) with
# same-day purchases merged, and checks the forecast on the next 39 weeks. `clvlib.data.cdnow` reads the
# file from the project's cache (`data/cache/`, filled once by `make cdnow`, which `make report` and `make test` run for you). This notebook
# does not go online unless you set `cdnow_allow_download = True`; without the file it says so and
# skips the section.

# %%
cdnow_orders, why_not = cdnow.available_cdnow("sample", allow_download=cdnow_allow_download)
if cdnow_orders is None:
    print(f"CDNOW section skipped: {why_not}")
else:
    fhl = cdnow_replication.replicate_fhl_2005(cdnow_orders)
    print(f"{len(fhl.calibration):,} customers, {fhl.no_repeat_customers:,} without a repeat purchase in calibration")
    display(fhl.comparison.round(3))

# %% [markdown]
# BG/NBD parameters and log-likelihood: Fader, Hardie & Lee (2005), Marketing Science 24(2).
# Gamma-Gamma on the 946 repeat buyers: Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary
# Value". The holdout plots below are the paper's Figures 2 to 4.

# %%
if cdnow_orders is not None:
    cd_tracking = holdout.repeat_purchase_tracking(fhl.bgnbd, cdnow_orders, cdnow_replication.CALIBRATION_END, cdnow_replication.OBSERVATION_END)
    fig, axes = plt.subplots(1, 3, figsize=(17, 4.5))
    bgnbd_plots.plot_holdout_by_frequency(holdout.holdout_by_frequency(fhl.bgnbd, fhl.split), ax=axes[0])
    bgnbd_plots.plot_cumulative_tracking(cd_tracking, ax=axes[1])
    bgnbd_plots.plot_incremental_tracking(cd_tracking, ax=axes[2])
    plt.tight_layout()
    show_figure(money)
    week78 = cd_tracking.iloc[-1]
    print(f"repeat purchases by week 78: actual {week78['actual_cumulative']:,.0f}, "
          f"expected {week78['expected_cumulative']:,.0f}")

# %%
if cdnow_orders is not None:
    assert len(fhl.calibration) == 2357 and fhl.no_repeat_customers == 1411, f"the CDNOW calibration should have 2,357 customers, 1,411 without repeats; got {len(fhl.calibration)} and {fhl.no_repeat_customers}"
    assert np.allclose(fhl.bgnbd.params_.round(3), [0.243, 4.414, 0.793, 2.426]), f"BG/NBD parameters should match Fader-Hardie-Lee (0.243, 4.414, 0.793, 2.426); got {fhl.bgnbd.params_.round(3).tolist()}"
    assert round(fhl.bgnbd.log_likelihood_, 1) == -9582.4, f"BG/NBD log-likelihood should match Fader-Hardie-Lee (-9582.4); got {fhl.bgnbd.log_likelihood_:.1f}"
    assert abs(week78["expected_cumulative"] / week78["actual_cumulative"] - 1) < 0.1, f"expected cumulative repeat purchases at week 78 should be within 10% of actual; got {week78['expected_cumulative']} vs {week78['actual_cumulative']}"

# %% [markdown]
# ## 9. Which purchase model? Choose on the holdout, not by habit
#
# BG/NBD is one story of how customers leave. **MBG/NBD** (Batislam et al. 2007) lets them leave right
# after the *first* purchase too, so a one-time buyer silent for months is probably gone. **Pareto/NBD**
# (Schmittlein, Morrison & Colombo 1987), the original, lets them leave at any moment, not only after a
# purchase. `compare_models` fits all three on the calibration period and scores each on the holdout:
#
# * the **holdout total**: how far the cohort's forecast is from its actual repeat purchases (volume,
#   what a plan needs);
# * the **per-customer RMSE**: how far each customer's forecast is from what they bought (sizing,
#   what targeting needs);
# * the **χ²** of the calibration histogram of repeat purchases (Fader, Hardie & Lee's check), shown,
#   and ranked on only when every model has it (`ranked_on`).
#
# A ranking always has a winner, even when the models forecast alike. `model_choice_verdict` reads the
# table and keeps BG/NBD unless the winner is *materially* better: 3 points closer on the total without a
# worse per-customer error, or 1% better per customer without a worse total. Every number in its
# sentences comes from the table.

# %%
from clvlib.analysis.model_verdict import model_choice_verdict
from clvlib.models.noncontractual.model_choice import compare_models

shop_choice = compare_models(split)
shop_verdict = model_choice_verdict(shop_choice.table, "the shop")
print(f"ranked on: {', '.join(shop_choice.table.attrs['ranked_on'])}")
display(shop_choice.table.drop(columns="note").round(3))
print("\n".join(shop_verdict.sentences))

# %%
if cdnow_orders is not None:
    cdnow_choice = compare_models(fhl.split)
    cdnow_verdict = model_choice_verdict(cdnow_choice.table, "CDNOW")
    display(cdnow_choice.table.drop(columns="note").round(3))
    print("\n".join(cdnow_verdict.sentences))

# %%
assert shop_verdict.choice in shop_choice.models, f"the verdict should pick a fitted model; got {shop_verdict.choice}"
assert shop_verdict.sentences[-1].startswith("Verdict:"), f"the verdict should end in a recommendation; got {shop_verdict.sentences[-1]!r}"
if cdnow_orders is not None:
    pareto, mbg = cdnow_choice.models["Pareto/NBD"], cdnow_choice.models["MBG/NBD"]
    assert round(pareto.log_likelihood_, 1) == -9595.0, f"Pareto/NBD log-likelihood should match Fader-Hardie-Lee 2005 (-9595.0); got {pareto.log_likelihood_:.1f}"
    assert np.allclose(pareto.params_[["r", "alpha", "s"]].round(3), [0.553, 10.578, 0.606]), f"Pareto/NBD r, alpha, s should match the published 0.553, 10.578, 0.606; got {pareto.params_.round(3).tolist()}"
    assert np.allclose(mbg.params_.round(3), [0.525, 6.183, 0.891, 1.614]), f"MBG/NBD parameters should match BTYDplus's CDNOW demo (0.525, 6.183, 0.891, 1.614); got {mbg.params_.round(3).tolist()}"

# %% [markdown]
# How to read the two verdicts. A **tie** says the data cannot tell the stories apart: the choice of
# model then matters less than the calibration length or the margin you assume, and the simplest model
# is the one to explain to the business. A **material win** says one story of how customers leave
# fits this business better: use it for the forecast and say why. When *every* model misses the holdout
# total in the same direction, no choice among them fixes it: something the models leave out (a
# season, a promotion, a change in the business) is at work. Re-run the comparison when you refit.

# %% [markdown]
# ## 10. Monitoring: refit month by month, and know when to
#
# A model fitted once goes stale: new customers arrive, old ones change pace, a competitor opens. Monitoring
# means forecasting a short period ahead, every period, and comparing with what happened. At each month end
# from the calibration end on, `rolling_refits` forecasts the next month's purchase days by the customers
# known then, twice: with BG/NBD **refitted** on everything known at that month end, and with the parameters
# **frozen** at the first fit (same up-to-date customer histories, old parameters). The shaded band is the
# 95% Poisson noise around the frozen forecast: one month outside it happens by chance about one time in
# twenty, two in a row about one in four hundred.

# %%
from clvlib.analysis import monitoring
from clvlib.plots import ml as ml_plots

monitoring_start = cal_end + pd.offsets.MonthEnd(0)
monitoring_months = min(6, monitoring.months_available(monitoring_start, observation_end))
refits = None if monitoring_months == 0 else monitoring.rolling_refits(
    orders, monitoring_start, monitoring_months, observation_end, time_unit=time_unit)
if refits is not None:
    ml_plots.plot_monitoring(refits)
    plt.show()
    display(refits.round(1))

# %%
if refits is None:
    print(f"No whole month of orders after {monitoring_start.date()}: monitoring skipped.")
else:
    alert = monitoring.refit_alert(refits, consecutive=2)
    worst_miss = (refits["actual"] / refits["predicted_frozen"] - 1).abs().max()
    print(f"{int(refits['outside_band'].sum())} of {len(refits)} months outside the frozen model's band; "
          f"largest miss {worst_miss:.0%}; " + (f"refit signalled on {alert.date()}" if alert else "no refit signalled"))
    assert refits["n_customers"].is_monotonic_increasing, "the customers known at each month end should only grow"
    if dataset.is_embedded:
        assert worst_miss < 0.15, f"the simulated shop is stable: monthly misses should stay under 15%; got {worst_miss:.0%}"

# %% [markdown]
# **When to refit.** The rule behind the alert: refit when the actual count falls outside the frozen model's
# band two months running (a drift, not bad luck), and otherwise refit on a schedule anyway (a BG/NBD fit on
# distinct histories takes well under a second), checking the holdout fit each time (section 4). Watch the
# two lines as well: when the refitted and frozen forecasts part, the parameters themselves are moving,
# which is worth a look even inside the band. The band leaves out the parameters' own uncertainty, so a
# month outside it is a prompt to look, not proof that the model broke.

# %% [markdown]
# ## What this means for the business
#
# * Without contracts, "churn" is a probability, not a fact. BG/NBD turns each customer's history
#   into P(alive) and expected purchases, and it forecasts the holdout period well on both the
#   simulated shop and the real CDNOW data, using only three numbers per customer.
# * Value is concentrated: a small share of customers carries most of the predicted margin. That is
#   where retention money goes; the win-back list is high past value with falling P(alive).
# * One-time buyers show P(alive) = 1 by construction. Read it as "we cannot tell yet", and rely on
#   their (small) expected purchases, not on the alive flag.
# * Keep the time unit on every number. A horizon in months fed to a weekly model is the classic way
#   to overstate CLV several times over; `clvlib` refuses it.

# %% [markdown]
# ## Exercises
#
# Each exercise asks you to store named results (in `backticks`); the collapsed check cell under it
# says whether they are right and, if not, what is off. In the student edition (`make student`) the
# answer cells start as `name = ...`: replace the `...`. In this full edition each solution is in a
# collapsed cell (click its ⋯ to open it): try first, then look.

# %%
from clvlib.course.checking import check_choice, check_close

# %% [markdown]
# **Exercise 1.** What share of the customers in `summary` never made a repeat purchase
# (`share_one_time`), and what is their mean P(alive) under `full_model` (`p_alive_one_time`)?
# Why is that mean what it is? Store the letter of the reason in `why_1`.
#
# * (a) They bought recently, so the model thinks they are still around.
# * (b) Under BG/NBD a customer can only drop out right after a repeat purchase, so one who never
#   bought again cannot have dropped out yet: P(alive) is exactly 1.
# * (c) The model was fitted on them only.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
one_time = summary["frequency"] == 0
share_one_time = one_time.mean()
p_alive_one_time = p_alive[one_time].mean()
print(f"{share_one_time:.0%} one-time buyers, mean P(alive) {p_alive_one_time:.2f}")
why_1 = "b"

# %% jupyter={"source_hidden": true} tags=["check"]
never_again = summary["frequency"].eq(0)
check_close("share_one_time", share_one_time, never_again.sum() / len(summary), mistakes={
    "that is the share of repeat buyers; the question asks for those who never bought again.":
        1 - never_again.sum() / len(summary),
})
check_close("p_alive_one_time", p_alive_one_time, float(p_alive[never_again].mean()))
check_choice("why_1", why_1, "593b6e707345", {
    "a": "Every one-time buyer gets P(alive) = 1, however long ago they bought: recency plays no part.",
    "b": "A modelling assumption, not evidence: lesson 05 adds recency to judge them.",
    "c": "The models are fitted on every customer in the calibration period.",
})

# %% [markdown]
# **Exercise 2.** How many repeat purchases does `full_model` expect from a brand-new customer in
# their first year? Store it in `new_customer_first_year` (hint: convert 1 year to `time_unit` and use
# `expected_purchases`).

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
one_year = convert_periods(1, "year", time_unit)
new_customer_first_year = float(full_model.expected_purchases(one_year))

# %% jupyter={"source_hidden": true} tags=["check"]
year_in_units = convert_periods(1, "year", time_unit)
check_close("new_customer_first_year", new_customer_first_year,
            float(full_model.conditional_expected_purchases(year_in_units, 0, 0.0, 0.0)), mistakes={
    f"that is one {time_unit}: convert 1 year into {time_unit}s first.": float(full_model.expected_purchases(1)),
})


# %% [markdown]
# **Exercise 3.** Compute the total predicted CLV of all customers over **one year**
# (`one_year_total`) and over **two years** (`clv_two_years_total`). Is the second twice the first?
# Store the letter of the right answer in `why_3`.
#
# * (a) Exactly twice: the models assume a constant purchase rate.
# * (b) More than twice: customers buy more as they age.
# * (c) Less than twice: some customers drop out during the first year, and the second year's
#   margin is discounted more.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
def total_clv(years):
    table = customer_lifetime_value(full_model, gamma_gamma, summary, horizon=convert_periods(years, "year", time_unit),
                                    horizon_unit=time_unit, margin_rate=gross_margin_rate,
                                    discount_rate_annual=discount_rate_annual)
    return table["clv"].sum()

one_year_total, clv_two_years_total = total_clv(1), total_clv(2)
print(f"one year {money.format(one_year_total)}, two years {money.format(clv_two_years_total)}")
why_3 = "c"

# %% jupyter={"source_hidden": true} tags=["check"]
totals_check = [customer_lifetime_value(full_model, gamma_gamma, summary, convert_periods(y, "year", time_unit),
                                        time_unit, gross_margin_rate, discount_rate_annual)["clv"].sum() for y in (1, 2)]
check_close("one_year_total", one_year_total, totals_check[0])
check_close("clv_two_years_total", clv_two_years_total, totals_check[1], mistakes={
    "that is twice the one-year total: compute the two-year value itself.": 2 * totals_check[0],
})
check_choice("why_3", why_3, "c8f3b35bb634", {
    "a": "Each customer's rate is constant while alive, but customers keep dropping out.",
    "b": "Nobody speeds up in BG/NBD: a customer's purchase rate is constant while they are alive.",
    "c": "Dropout and discounting both shrink the second year.",
})

# %% [markdown]
# ## Quiz
#
# Answer with the letter of the option you choose; the check under each question explains it.
#
# **Question 1.** A customer bought 10 times in their first months, then nothing for a year, while
# customers like them buy every few weeks. What does BG/NBD say about their P(alive)? Store your
# letter in `quiz_1`.
#
# * (a) It is high: they bought many times.
# * (b) It is low: for a frequent buyer a long silence is strong evidence that they have left.
# * (c) It is exactly 1, as for every customer who bought again.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
quiz_1 = "b"

# %% jupyter={"source_hidden": true} tags=["check"]
check_choice("quiz_1", quiz_1, "4d46bf1666ef", {
    "a": "Frequency makes the silence more telling, not less (see the P(alive) grid).",
    "b": "The longer the silence relative to the customer's own pace, the likelier they have left.",
    "c": "Only customers with no repeat purchase have P(alive) = 1.",
})

# %% [markdown]
# **Question 2.** Why split the orders into a calibration period and a holdout period? Store your
# letter in `quiz_2`.
#
# * (a) To see whether the model forecasts purchases it has not seen, before trusting its forecasts.
# * (b) The models need two data sets to be fitted.
# * (c) To double the number of customers.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
quiz_2 = "a"

# %% jupyter={"source_hidden": true} tags=["check"]
check_choice("quiz_2", quiz_2, "f378cbdb3a98", {
    "a": "A model that cannot forecast the orders we already have should not be trusted with the future.",
    "b": "One period is enough to fit; the second is held back to test.",
    "c": "The customers are the same; the split is in time.",
})

# %% [markdown]
# ## Take-aways
#
# * Four numbers per customer (frequency, recency, T, mean spend) are all BG/NBD and Gamma-Gamma need.
# * BG/NBD forecasts purchases and P(alive); a one-time buyer has P(alive) = 1 by construction.
# * Gamma-Gamma forecasts spend per order and assumes spend does not depend on frequency: check it.
# * CLV = expected purchases × expected spend × margin, discounted, with the time units checked.
# * Check the models on a holdout period; the CDNOW replication shows the fit matches the paper.
# * Choose between BG/NBD, MBG/NBD and Pareto/NBD on the holdout; a first place by a hair is a tie,
#   and then the simplest model to explain is the one to keep.
#
# ## References
#
# * Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). "Counting your customers" the easy way:
#   an alternative to the Pareto/NBD model. *Marketing Science* 24(2), 275–284 (BG/NBD, CDNOW).
# * Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). RFM and CLV: using iso-value curves for
#   customer base analysis. *Journal of Marketing Research* 42(4), 415–430.
# * Fader, P. S. and Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value.
#   <http://brucehardie.com/notes/025/>.
# * Batislam, E. P., Denizel, M. and Filiztekin, A. (2007). Empirical validation and comparison of
#   models for customer base analysis. *International Journal of Research in Marketing* 24(3),
#   201–209 (MBG/NBD).
# * Schmittlein, D. C., Morrison, D. G. and Colombo, R. (1987). Counting your customers: who are
#   they and what will they do next? *Management Science* 33(1), 1–24 (Pareto/NBD).
# * Terms used here (frequency, recency, T, P(alive), BG/NBD, Gamma-Gamma, holdout) are in the
#   [glossary](../docs/glossary.md).
