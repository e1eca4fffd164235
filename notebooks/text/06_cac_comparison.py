# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 06 · Is a customer worth what they cost? CAC, LTV:CAC and payback by channel
#
# Beanstalk Coffee buys subscribers through four marketing channels. Some are cheap, some are
# expensive. The question a marketing budget asks is not "which channel is cheapest?" but "where does
# the next dollar bring the most value?". That needs the **customer acquisition cost (CAC)** next to
# the **customer lifetime value (CLV)** of the customers each channel brings.
#
# **In this notebook you will learn**
#
# 1. to compute **CAC by channel and month** (spend ÷ new customers), and what to do with a month
#    without any new customer;
# 2. to compute **CLV by acquisition channel** from the survival curves of lesson 03 (margin, not
#    revenue; discounted);
# 3. to compare them as **LTV:CAC with bootstrap intervals**, and see that the cheapest channel is
#    not the best;
# 4. to read **payback curves**: how many months until a customer's margin has paid back their CAC;
# 5. to examine the **"3:1" rule of thumb** instead of assuming it;
# 6. to run a **budget scenario** that moves money between channels under stated assumptions.
#
# **Prerequisites.** Lessons 01 and 03 (CLV, payback, survival curves by channel). **Estimated
# time:** 60 minutes. Every term is explained in the [glossary](../docs/glossary.md).

# %% [markdown]
# ## Parameters
#
# `make report PARAMS=params/your_file.yml` replaces these values without editing the notebook.

# %% tags=["parameters"]
gross_margin_rate: float = 0.40  # gross margin as a share of monthly subscription revenue
discount_rate_annual: float = 0.10  # yearly discount rate applied to future months
horizon_months: int = 36  # months of value counted; capped at what the data can show
extrapolate_to_months: int = 120  # a longer horizon for the parametric (extrapolated) comparison
n_boot: int = 500  # bootstrap replicates for the LTV:CAC intervals
confidence: float = 0.90  # coverage of the bootstrap intervals
seed: int = 2024  # random seed of the bootstrap, so the intervals are reproducible
baseline_months: int = 12  # budget scenario: the baseline is the average of the last this-many months
elasticity: float = 0.7  # budget scenario: new customers grow like spend to this power (1 means no diminishing returns)
shift_dollars: float = 1000.0  # budget scenario: monthly spend moved from the weakest to the strongest channel
data_source: dict = {}  # {} is the embedded Beanstalk Coffee data; see params/ for your own files
currency: str = "USD"  # ISO code of the data's money: USD $1,234, EUR €1,234, GBP £1,234, CHF, JPY, SEK/NOK/DKK 1,234 kr

# %%
import matplotlib.pyplot as plt
import pandas as pd

from clvlib.analysis import acquisition
from clvlib.core.money import currency as currency_named
from clvlib.course import new_subscriber
from clvlib.course.tables import readable, show_figure  # money in `currency`: $1,234.50, €1,234.50
from clvlib.data import load_dataset
from clvlib.plots import acquisition as acquisition_plots

# %%
dataset = load_dataset(data_source)
money = currency_named(currency)  # every amount is written in it; an unknown code stops here
subs, spend = dataset.subscriptions, dataset.marketing_spend
horizon = min(horizon_months, acquisition.longest_common_horizon_months(subs, dataset.analysis_date))
if horizon < horizon_months:
    print(f"Horizon shortened from {horizon_months} to {horizon} months: the data do not show more in every channel.")
assert horizon >= 1, f"the horizon should be at least one month; got {horizon}"

# %% [markdown]
# ## 1. CAC by channel and month
#
# We attribute each month's spend in a channel to the subscribers who signed up through that channel
# in the same month (no lag: an assumption; a channel whose ads convert weeks later would need one).

# %%
monthly = acquisition.cac_by_channel_month(spend, subs)
readable(monthly.tail(8), money=["spend", "cac"], money_code=money)

# %%
acquisition_plots.plot_cac_by_month(monthly)
show_figure(money)

# %% [markdown]
# ### A month without new customers
#
# CAC is spend ÷ new customers. A month with spend and **no** new customer has no CAC: the ratio has
# zero below. Reporting it as infinity would wreck every average; as a blank NaN it would be
# silently skipped. clvlib reports it as **`<NA>`**, with `cac_defined = False` and a note, and
# the per-channel CAC below pools spend and customers over all months (a ratio of sums), which stays
# defined. A two-month toy example:

# %%
toy_spend = pd.DataFrame({"month": ["2025-01", "2025-02"], "channel": ["podcast", "podcast"], "spend": [900.0, 400.0]})
toy_subs = pd.DataFrame({"customer_id": ["p1", "p2", "p3"], "channel": "podcast",
                         "signup_date": pd.to_datetime(["2025-01-04", "2025-01-19", "2025-01-28"])})
toy = acquisition.cac_by_channel_month(toy_spend, toy_subs)
toy

# %%
assert toy["cac"].iloc[1] is pd.NA and not toy["cac_defined"].iloc[1], "CAC should be missing (and flagged undefined) in a month with spend but no signups"
assert acquisition.cac_by_channel(toy_spend, toy_subs).at["podcast", "cac"] == 1300 / 3, "pooled CAC for podcast should be its total spend over its signups (1300 / 3)"  # pooled: still defined
# On any data: every missing CAC is flagged and explained, never infinite.
assert (monthly["cac"].isna() == ~monthly["cac_defined"]).all(), "CAC should be missing exactly where it is flagged undefined"
assert monthly.loc[~monthly["cac_defined"], "note"].ne("").all(), "every month with undefined CAC should carry a note saying why"
print(f"{(~monthly['cac_defined']).sum()} channel-months without a defined CAC in this data set")

# %% [markdown]
# Spend for a channel that brought no subscriber at all, or a negative spend, is refused with a
# clear error (`load_dataset` catches both in files, and `cac_by_channel_month` checks again).

# %%
cac = acquisition.cac_by_channel(spend, subs)
readable(cac, money=["spend", "cac"], money_code=money)

# %% [markdown]
# ## 2. CLV by acquisition channel
#
# CLV here is what a new subscriber is worth to the business at signup: **monthly margin**
# (revenue × margin rate) × the **discounted expected number of paid months**, from the
# Kaplan-Meier survival curve of their channel (lesson 03). Kaplan-Meier only knows the months the
# data cover, so this CLV counts `horizon` months: it is a floor.

# %%
clv = acquisition.clv_by_channel(subs, dataset.analysis_date, gross_margin_rate, discount_rate_annual, horizon)
readable(clv, money=["monthly_margin", "clv"], money_code=money)

# %%
# Weighted by each channel's subscribers, this is the report's value of a new subscriber (lesson 07).
lesson_value = new_subscriber.Estimate("Lesson 06", new_subscriber.weighted_value(clv), new_subscriber.REPORT_METHOD,
                                       horizon, new_subscriber.REPORT_MARGIN)
report_value = new_subscriber.report_estimate(subs, dataset.analysis_date, gross_margin_rate, discount_rate_annual,
                                              horizon_months)
print(new_subscriber.relation_sentence(lesson_value, report_value, money))
assert abs(lesson_value.value / report_value.value - 1) < 1e-9, "lesson 06's value of a new subscriber should be the report's"

# %% [markdown]
# ## 3. LTV:CAC, with uncertainty
#
# LTV:CAC is lifetime margin per dollar of acquisition cost. Each channel's customers are
# resampled with replacement `n_boot` times (a bootstrap) to show how sure we are of the value side;
# CAC is held fixed (spend is known).

# %%
boot = acquisition.bootstrap_ltv_to_cac(
    subs, spend, dataset.analysis_date, gross_margin_rate, discount_rate_annual, horizon,
    n_boot=n_boot, confidence=confidence, seed=seed,
)
table = boot.summary
readable(table[["clv", "cac", "ltv_to_cac", "ltv_to_cac_lower", "ltv_to_cac_upper", "share_meeting_3_to_1"]],
         money=["clv", "cac"], money_code=money)

# %%
fig, axes = plt.subplots(1, 2, figsize=(14, 4.5))
acquisition_plots.plot_cac_vs_clv(table, ax=axes[0])
acquisition_plots.plot_ltv_to_cac(table, ax=axes[1])
plt.tight_layout()
show_figure(money)

# %%
rankings = acquisition.channel_rankings(table)
rankings

# %%
assert (table["ltv_to_cac_lower"] <= table["ltv_to_cac"]).all() and (table["ltv_to_cac"] <= table["ltv_to_cac_upper"]).all(), "every LTV:CAC ratio should lie within its lower and upper bounds"
if dataset.is_embedded:
    # The cheapest channel is not the best one: the two rankings differ, computed, not asserted in prose.
    assert rankings["cheapest_first"].tolist() != rankings["best_ltv_to_cac_first"].tolist(), "ranking by cheapest CAC and by best LTV:CAC should differ on the embedded data"
    assert rankings["cheapest_first"].iloc[0] == "affiliate" and rankings["best_ltv_to_cac_first"].iloc[0] == "referral", f"affiliate should be cheapest and referral best on LTV:CAC; got {rankings['cheapest_first'].iloc[0]} and {rankings['best_ltv_to_cac_first'].iloc[0]}"
    # Not a fluke of sampling: the intervals of the best and the cheapest channel do not overlap.
    assert table.at["referral", "ltv_to_cac_lower"] > table.at["affiliate", "ltv_to_cac_upper"], "referral's lowest LTV:CAC should beat affiliate's highest"
    # The next paragraph: referral costs about twice affiliate; search costs most and returns least per dollar.
    assert 1.7 < table.at["referral", "cac"] / table.at["affiliate", "cac"] < 2.3, f"referral CAC should be about twice affiliate's (1.7 to 2.3 times); got {table.at['referral', 'cac'] / table.at['affiliate', 'cac']:.2f}"
    assert table["cac"].astype(float).idxmax() == "search" == table["ltv_to_cac"].astype(float).idxmin(), "search should have both the highest CAC and the lowest LTV:CAC"

# %% [markdown]
# At Beanstalk Coffee, **affiliate** customers are the cheapest to acquire, but they leave fast. **Referral** customers
# cost twice as much and return the most margin per dollar, because they stay for years. **Search**
# is both the most expensive and the weakest per dollar, though its customers are valuable: it is
# the price that hurts.
#
# ## 4. Payback: when has a customer paid for themselves?
#
# The payback curve adds up, month by month, the expected discounted margin of one acquired customer
# (churners included: the curve flattens as customers leave). Payback is the month it crosses the
# channel's CAC (dashed line). A payback period is about **cash and risk**: money spent today comes
# back only after that many months, and only if the survival curve holds.

# %%
curves = acquisition.payback_curves(subs, dataset.analysis_date, gross_margin_rate, discount_rate_annual, horizon)
payback = acquisition.payback_table(curves, cac)
acquisition_plots.plot_payback_curves(curves, payback)
show_figure(money)
readable(payback, money=["cac"], money_code=money)

# %%
last = curves.groupby("channel")["cumulative_discounted_margin"].last()
assert ((last - clv["clv"]).abs() < 1e-6).all(), "each cumulative value curve should end at the channel's CLV"  # the curve ends at the channel's CLV
paid = payback["paid_back_within_horizon"]
assert (last[paid] >= payback.loc[paid, "cac"].astype(float)).all(), "every paid channel's cumulative value should reach its CAC by the end"
if dataset.is_embedded:
    assert payback["payback_months"].astype(float).idxmax() == "search", f"search should take the longest to pay back; got {payback['payback_months'].astype(float).idxmax()}"
    assert 18 <= payback.at["search", "payback_months"] <= 30, f"search should pay back in about two years (18 to 30 months); got {payback.at['search', 'payback_months']}"  # "about two years"
    assert paid.all() and payback["payback_months"].astype(float).le(36).all(), "all four channels should pay back within three years"  # "all four pay back within three years"
    assert payback["payback_months"].astype(float).max() > 2 * payback["payback_months"].astype(float).min(), "the slowest payback should be more than twice the fastest"

# %% [markdown]
# ## 5. The 3:1 rule, examined
#
# A popular rule says LTV:CAC should be at least 3. On the Beanstalk data, by our estimate, **no
# channel** reaches it, yet all four pay back within three years. Before concluding anything, look at what the ratio depends on.
#
# **How far ahead you count.** Dividing each payback curve by CAC gives LTV:CAC at every horizon:
# it crosses 1 at payback, and reaches 3 only if you are willing to count enough years.

# %%
by_horizon = acquisition.ltv_to_cac_by_horizon(curves, cac)
acquisition_plots.plot_ltv_to_cac_by_horizon(by_horizon)
show_figure(money)

# %% [markdown]
# **How value is defined.** The same data, four conventions: our margin-based CLV over `horizon`
# months; over one year; revenue instead of margin (a common shortcut); and a log-logistic survival
# model extrapolated to `extrapolate_to_months` months (lesson 03: beyond the data, a model's
# assumption).

# %%
conventions = {
    f"margin, {horizon} months (our estimate)": table["ltv_to_cac"],
    f"margin, {min(12, horizon)} months": acquisition.ltv_to_cac(subs, spend, dataset.analysis_date, gross_margin_rate, discount_rate_annual,
                                                min(12, horizon))["ltv_to_cac"],
    f"revenue, {horizon} months": acquisition.ltv_to_cac(subs, spend, dataset.analysis_date, 1.0, discount_rate_annual,
                                                         horizon)["ltv_to_cac"],
    f"margin, {extrapolate_to_months} months (log-logistic)": acquisition.ltv_to_cac(
        subs, spend, dataset.analysis_date, gross_margin_rate, discount_rate_annual, extrapolate_to_months, model="loglogistic"
    )["ltv_to_cac"],
}
ratio_by_convention = pd.DataFrame(conventions).astype(float)
ratio_by_convention.round(2)

# %%
assert (ratio_by_convention.iloc[:, 1] <= ratio_by_convention.iloc[:, 0] + 1e-9).all(), "counting fewer months should never raise the LTV:CAC ratio"  # fewer months, less value
if gross_margin_rate < 1:
    assert (ratio_by_convention.iloc[:, 2] > ratio_by_convention.iloc[:, 0]).all(), "LTV:CAC on revenue should be higher than on margin in every channel"  # revenue flatters
if dataset.is_embedded:
    meets = ratio_by_convention >= acquisition.RULE_OF_THUMB_LTV_TO_CAC
    assert not meets.iloc[:, 0].any() and meets.iloc[:, 2].all(), f"the 3:1 verdict should flip: no channel meets it on margin over {horizon} months, every channel on revenue"  # the verdict flips with the convention

# %% [markdown]
# On the Beanstalk data the verdict of "3:1" flips with the bookkeeping: on revenue every channel
# passes, on three years of margin none does, and only the extrapolated model lets referral pass. So the rule is a conversation starter, not a decision rule:
#
# * it is silent on **what LTV means** (revenue or margin, how many years, discounted or not);
# * it hides **time**: a channel at 3:1 after ten years can be a cash problem today (see payback);
# * it uses the **average** CAC, while a budget decision is about the **next** customer, who costs
#   more than the average when returns diminish (section 6);
# * an LTV:CAC of 1.2 that pays back in two years still creates value; one of 4 on a channel that
#   cannot grow does not help the budget. What matters is **value created per marginal dollar**.
#
# ## 6. A budget scenario
#
# What if we moved `shift_dollars` a month from the weakest channel (lowest LTV:CAC) to the strongest?
# The answer needs an assumption about **diminishing returns**, stated here rather than hidden:
#
# > new customers in a channel = today's × (new spend ÷ today's spend) ^ `elasticity`
#
# With elasticity 0.7, doubling spend brings 2^0.7 = 1.6 times the customers, so the next customer
# costs 1/0.7 = 1.4 times the average CAC. We also assume the extra customers are worth the
# channel's current CLV. The baseline is the average month of the last `baseline_months` months.

# %%
baseline = acquisition.budget_baseline(spend, subs, table, last_months=baseline_months)
weakest = table["ltv_to_cac"].astype(float).idxmin()
strongest = table["ltv_to_cac"].astype(float).idxmax()
moved = min(shift_dollars, float(baseline.at[weakest, "spend"]))
new_spend = {weakest: baseline.at[weakest, "spend"] - moved, strongest: baseline.at[strongest, "spend"] + moved}
scenario = acquisition.budget_scenario(baseline, new_spend, elasticity)
print(f"Moving {money.format(moved)}/month from {weakest} to {strongest}; assumption: {scenario.attrs['assumption']}")
money_columns = ["spend_baseline", "spend_scenario", "value_minus_spend_baseline", "value_minus_spend_scenario",
                 "marginal_cac_scenario"]
readable(scenario[[*money_columns[:2], "new_customers_baseline", "new_customers_scenario", *money_columns[2:]]],
         money=money_columns, decimals=1, money_code=money)

# %%
acquisition_plots.plot_budget_scenario(scenario)
show_figure(money)

# %% [markdown]
# How much of the gain survives a different assumption? The same move under several elasticities,
# and the best split of the same total budget (where the marginal value of a dollar is equal in
# every channel):

# %%
gain_by_elasticity = pd.Series(
    {e: acquisition.budget_scenario(baseline, new_spend, e).loc["total", "value_minus_spend_scenario"]
        - acquisition.budget_scenario(baseline, new_spend, e).loc["total", "value_minus_spend_baseline"]
     for e in (0.5, 0.7, 0.9, 1.0)},
    name="monthly value gained by the move",
).rename_axis("elasticity")
readable(gain_by_elasticity.to_frame(), money=[gain_by_elasticity.name], decimals=0, money_code=money)

# %%
best_split = acquisition.optimal_budget_split(baseline, float(baseline["spend"].sum()), elasticity)
best = acquisition.budget_scenario(baseline, best_split, elasticity)
readable(pd.DataFrame({"spend today": baseline["spend"], "best split": best_split}),
         money=["spend today", "best split"], decimals=0, money_code=money)

# %%
assert abs(scenario.at["total", "spend_scenario"] - scenario.at["total", "spend_baseline"]) < 1e-6, "the scenario should move money between channels, not change total spend"  # money is moved, not added
assert gain_by_elasticity.is_monotonic_increasing, "the gain should shrink as diminishing returns get stronger"  # stronger diminishing returns, smaller gain
assert best.at["total", "value_minus_spend_scenario"] >= scenario.at["total", "value_minus_spend_scenario"] - 1e-6, "the best allocation should be at least as good as the scenario"
if dataset.is_embedded:
    assert gain_by_elasticity[elasticity] > 0, f"moving money from search to referral should pay at elasticity {elasticity}; got gain {gain_by_elasticity[elasticity]}"  # moving money from search to referral pays, even with diminishing returns

# %% [markdown]
# Even with strong diminishing returns, moving money from search to referral creates value, but the
# best split does not put everything into referral: each extra dollar there buys fewer customers.
# In practice the elasticity is unknown; it is worth *measuring* with a controlled spend test
# before moving a large budget.
#
# ## What this means for the business
#
# * **The cheapest channel is not the best.** Affiliate customers cost least and are worth least;
#   referral customers cost more and return the most per dollar. Rank channels by value per dollar,
#   with intervals, never by CAC alone.
# * **Payback is about cash and risk.** Search takes about two years to pay back its CAC; a
#   business short of cash feels that long before the lifetime value arrives.
# * **"3:1" is a convention, not a law.** State what LTV means (margin, horizon, discounting) before
#   quoting a ratio, and decide with marginal, not average, CAC.
# * **Budget moves need an explicit response assumption.** Here a stated power law; in real life,
#   measure it with spend experiments before trusting it.

# %% [markdown]
# ## Exercises
#
# Each exercise asks you to store named results (in `backticks`); the collapsed check cell under it
# says whether they are right and, if not, what is off. In the student edition (`make student`) the
# answer cells start as `name = ...`: replace the `...`. In this full edition each solution is in a
# collapsed cell (click its ⋯ to open it): try first, then look.

# %%
from clvlib.course.checking import check_choice, check_close, check_same

# %% [markdown]
# **Exercise 1.** Recompute the payback table with a **20 %** yearly discount rate. Store the new
# payback months per channel in `answer_1` (a Series indexed by channel). Can payback get shorter
# when the discount rate rises? Store the letter of the right answer in `why_1`.
#
# * (a) Yes, for channels whose customers churn fast.
# * (b) No: a higher rate makes every future month's margin worth less today, so the cumulative value
#   reaches the CAC later, or never.
# * (c) Yes, for the cheapest channel.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
curves_20 = acquisition.payback_curves(subs, dataset.analysis_date, gross_margin_rate, 0.20, horizon)
answer_1 = acquisition.payback_table(curves_20, cac)["payback_months"]
why_1 = "b"

# %% jupyter={"source_hidden": true} tags=["check"]
payback_20 = acquisition.payback_table(
    acquisition.payback_curves(subs, dataset.analysis_date, gross_margin_rate, 0.20, horizon), cac)["payback_months"]
check_close("answer_1", answer_1, payback_20, mistakes={
    "that is the lesson's own payback table: use a 20% yearly discount rate.": payback["payback_months"],
})
check_choice("why_1", why_1, "593b6e707345", {
    "a": "Churn is the same at any discount rate; discounting only shrinks each month's value.",
    "b": "Discounting more heavily can only delay payback.",
    "c": "The CAC does not change with the discount rate; the value that repays it shrinks.",
})

# %% [markdown]
# **Exercise 2.** With elasticity **0.5**, how many extra new customers a month would **doubling**
# the strongest channel's spend bring? Store the number in `answer_2`.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
doubled = acquisition.budget_scenario(baseline, {strongest: 2 * baseline.at[strongest, "spend"]}, 0.5)
answer_2 = doubled.at[strongest, "new_customers_scenario"] - doubled.at[strongest, "new_customers_baseline"]

# %% jupyter={"source_hidden": true} tags=["check"]
now = baseline.at[strongest, "new_customers"]
check_close("answer_2", answer_2, now * (2**0.5 - 1), rel_tol=1e-6, mistakes={
    "that assumes customers grow in proportion to spend (elasticity 1): use 0.5.": now,
    "that is the new total: the question asks for the extra customers.": now * 2**0.5,
    f"that uses the lesson's elasticity ({elasticity}): the question says 0.5.": now * (2**elasticity - 1),
})

# %% [markdown]
# **Exercise 3.** How many months of value must be counted before the strongest channel's LTV:CAC
# reaches **2**? Store the number of months in `answer_3` (or `None` if it never does within the
# horizon).

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
reached = by_horizon[(by_horizon["channel"] == strongest) & (by_horizon["ltv_to_cac"] >= 2)]
answer_3 = int(reached["months"].min()) if len(reached) else None

# %% jupyter={"source_hidden": true} tags=["check"]
strongest_rows = by_horizon[by_horizon["channel"].eq(strongest)].sort_values("months")
months_at_2 = strongest_rows.loc[strongest_rows["ltv_to_cac"].ge(2), "months"]
first_at_1 = strongest_rows.loc[strongest_rows["ltv_to_cac"].ge(1), "months"]
check_same("answer_3", answer_3, int(months_at_2.iloc[0]) if len(months_at_2) else None, mistakes={
    "that is where LTV:CAC reaches 1 (payback); the question asks for 2.":
        int(first_at_1.iloc[0]) if len(first_at_1) else None,
})

# %% [markdown]
# ## Quiz
#
# Answer with the letter of the option you choose; the check under each question explains it.
#
# **Question 1.** Channel A: CAC \$40, LTV \$100. Channel B: CAC \$120, LTV \$400. Which returns
# more value per dollar of acquisition spend? Store your letter in `quiz_1`.
#
# * (a) A: it is three times cheaper.
# * (b) B: 400 / 120 ≈ 3.3 dollars per dollar, against 100 / 40 = 2.5 for A.
# * (c) They are the same.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
quiz_1 = "b"

# %% jupyter={"source_hidden": true} tags=["check"]
check_choice("quiz_1", quiz_1, "4d46bf1666ef", {
    "a": "Cheap is not the same as good: rank by value per dollar, not by CAC.",
    "b": "The cheapest channel is not the best one: divide value by cost.",
    "c": "Divide each channel's LTV by its CAC and compare.",
})

# %% [markdown]
# **Question 2.** Someone quotes "our LTV:CAC is 3:1". What must they say before the ratio means
# anything? Store your letter in `quiz_2`.
#
# * (a) Nothing: 3:1 is an industry standard.
# * (b) The number of customers acquired.
# * (c) What LTV counts: margin or revenue, over which horizon, discounted or not (and whether CAC
#   is average or marginal).

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
quiz_2 = "c"

# %% jupyter={"source_hidden": true} tags=["check"]
check_choice("quiz_2", quiz_2, "b1f4716f5172", {
    "a": "3:1 is a convention: the same customers give 1:1 or 6:1 depending on what LTV counts.",
    "b": "The ratio is per customer; how many there are does not define it.",
    "c": "Revenue over 10 years undiscounted and margin over 3 years discounted are different numbers.",
})

# %% [markdown]
# ## Take-aways
#
# * CAC is spend ÷ new customers, by channel and month; LTV comes from each channel's survival curve.
# * Compare channels by LTV:CAC with bootstrap intervals: the cheapest channel is not the best.
# * Payback (months until the margin repays the CAC) is about cash and risk; discounting delays it.
# * "3:1" is a convention: state what LTV means, and decide with marginal, not average, CAC.
# * Budget moves rest on a response assumption (here a power law): measure it before trusting it.
#
# ## References
#
# * Gupta, S., Lehmann, D. R. and Stuart, J. A. (2004). Valuing customers. *Journal of Marketing
#   Research* 41(1), 7–18.
# * Blattberg, R. C. and Deighton, J. (1996). Manage marketing by the customer equity test.
#   *Harvard Business Review* 74(4), 136–144.
# * Efron, B. and Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.
# * Terms used here (CAC, LTV:CAC, payback, bootstrap, elasticity, marginal CAC) are in the
#   [glossary](../docs/glossary.md).
