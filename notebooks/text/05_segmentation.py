# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 05 · Who are your customers? RFM, value tiers and lifecycle stages
#
# Lesson 04 predicted, for every web-shop customer, how many more orders they will place, what they
# will spend and whether they are still "alive". A number per customer is hard to act on. Marketing
# acts on **segments**: groups that get the same email, the same offer, the same attention.
#
# **In this notebook you will learn**
#
# 1. to score customers on **recency, frequency and monetary value (RFM)** in quintiles, and how to
#    deal with the heavy ties of order data (thousands of customers share the same few order counts);
# 2. to rank customers by **predicted CLV** and read the **Pareto curve**: what share of future value
#    the top 20 % hold;
# 3. to put each customer in a **lifecycle stage** (new, active, at risk, lapsed) from recency and
#    P(alive), and why recency is needed next to P(alive);
# 4. to **profile** segments (size, value, churn risk) in one heatmap;
# 5. to ask a **logistic regression** what distinguishes high-value customers early on;
# 6. what to *do* with each segment.
#
# **Prerequisites.** Lesson 04 (BG/NBD, Gamma-Gamma, P(alive)); lesson 03's regression tables help
# for section 5. **Estimated time:** 60 minutes. Every term is explained in the
# [glossary](../docs/glossary.md).

# %% [markdown]
# ## Parameters
#
# `make report PARAMS=params/your_file.yml` replaces these values without editing the notebook.

# %% tags=["parameters"]
gross_margin_rate: float = 0.40  # gross margin, as a share of revenue (subscriptions and web-shop orders alike)
discount_rate_annual: float = 0.10  # yearly discount rate applied to future margin
clv_horizon: float = 12.0  # how far ahead predicted CLV counts, in clv_horizon_unit (one shop horizon: 04, 05, 07)
clv_horizon_unit: str = "month"  # unit of clv_horizon: "week", "month" or "year"
n_scores: int = 5  # RFM scores per dimension: 5 gives quintiles
top_share: float = 0.20  # the top value tier, as a share of customers
middle_share: float = 0.50  # the top and middle tiers together, as a share of customers
new_within_days: int = 90  # lifecycle: a first order this recent makes a customer new
at_risk_after_days: int = 120  # lifecycle: no order for longer than this makes a customer at risk
lapsed_after_days: int = 365  # lifecycle: no order for longer than this makes a customer lapsed
at_risk_below: float = 0.50  # lifecycle: P(alive) below this makes a customer at risk
lapsed_below: float = 0.20  # lifecycle: P(alive) below this makes a customer lapsed
early_window_days: int = 56  # the high-value model only sees the first this-many days of a customer
data_source: dict = {}  # {} is the embedded Beanstalk Coffee data; see params/ for your own files
currency: str = "USD"  # ISO code of the data's money: USD $1,234, EUR €1,234, GBP £1,234, CHF, JPY, SEK/NOK/DKK 1,234 kr

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from clvlib.analysis import predictive_clv, segments, value_drivers
from clvlib.core import money as currencies
from clvlib.core import units
from clvlib.course.tables import show_figure
from clvlib.data import load_dataset
from clvlib.models.noncontractual import BetaGeoNBD, GammaGamma
from clvlib.plots import segments as segment_plots
from clvlib.transactions import summarize_transactions

# %%
dataset = load_dataset(data_source)
orders = dataset.orders
money = currencies.currency(currency)  # every amount is written in it; an unknown code stops here
horizon_weeks = units.convert_periods(clv_horizon, clv_horizon_unit, "week")  # the models below work in weeks
orders_end = dataset.period_end("orders")  # the orders' own period_end, else the analysis date
tier_labels = [f"top {top_share:.0%}", f"next {middle_share - top_share:.0%}", f"bottom {1 - middle_share:.0%}"]
assert 0 < top_share < middle_share < 1, "need 0 < top_share < middle_share < 1"
print(f"{len(orders):,} orders from {orders['customer_id'].nunique():,} customers, up to {orders_end.date()}; "
      f"predicted CLV counts {clv_horizon:g} {clv_horizon_unit}s = {horizon_weeks:.1f} weeks")

# %% [markdown]
# ## 1. RFM: recency, frequency, monetary
#
# RFM is the oldest segmentation in direct marketing and still the most used, because it needs
# nothing but the order log. For each customer:
#
# * **recency**: days since the last order (fewer is better);
# * **frequency**: number of orders;
# * **monetary**: average order value (the total would mostly repeat frequency).

# %%
rfm = segments.rfm_table(orders, orders_end)
rfm[["recency_days", "frequency", "monetary", "tenure_days"]].describe().round(1)

# %%
order_counts = rfm["frequency"].value_counts().sort_index()
print("Customers by number of orders: " + ", ".join(
    f"{n} order{'s' * (n > 1)}: {count:,} ({count / len(rfm):.0%})" for n, count in order_counts.head(4).items()))

# %% [markdown]
# ### Scoring in quintiles, with ties
#
# Each dimension is turned into a score from 1 to 5 by where the customer sits among all
# customers: the best fifth get 5, the worst fifth 1. That works for recency and monetary value,
# which rarely tie. **Frequency ties massively**: thousands of customers share the same few order counts
# (printed below), so a fifth boundary falls in the middle of a tie.
#
# The common fix, ranking with `method="first"`, breaks ties by row order, so two customers with
# identical histories get different scores depending on how the file was sorted. clvlib uses a
# stated rule instead:
#
# > **score = 1 + floor(5 × share of customers with a strictly worse value)**
#
# Equal values always share a score, a better value never scores lower, the worst value scores 1,
# and without ties the scores are exact quintiles. The price is honest: with heavy ties some scores
# stay empty.

# %%
scores = segments.rfm_scores(rfm, n_scores)
segment_plots.plot_score_counts(scores)
plt.suptitle("Customers per score: frequency leaves gaps where customers cannot be told apart", y=1.04)
show_figure(money)

# %% [markdown]
# What would the row-order trick have done? The table counts customers **by number of orders**
# (rows) and score (columns). With `method="first"`, customers with exactly the same number of
# orders are spread over two scores; with clvlib's rule each row has a single score.

# %%
first_trick = pd.qcut(rfm["frequency"].rank(method="first"), n_scores, labels=False) + 1
by_orders = pd.concat(
    {"rank(method='first')": pd.crosstab(rfm["frequency"], first_trick),
     "clvlib rule": pd.crosstab(rfm["frequency"], scores["f_score"])}, axis=1
)
by_orders.head(6)

# %%
# The rule gives one score per distinct value, whatever the row order.
assert scores.groupby("frequency")["f_score"].nunique().eq(1).all(), "customers with the same frequency should get the same F score"
assert scores.groupby("recency_days")["r_score"].nunique().eq(1).all(), "customers with the same recency should get the same R score"
assert scores[["r_score", "f_score", "m_score"]].isin(range(1, n_scores + 1)).all().all(), f"every R, F and M score should be between 1 and {n_scores}"
reshuffled = segments.percentile_scores(rfm["frequency"].sample(frac=1.0, random_state=1), n_scores)
assert reshuffled.reindex(scores.index).equals(scores["f_score"]), "F scores should not depend on the order of the rows"

# %% [markdown]
# A simple, stated grid turns R and F into names (M describes basket size, not the relationship):
# **champions** (R ≥ 4, F ≥ 4), **loyal** (R ≥ 3, F ≥ 3), **promising** (recent, few orders),
# **at risk** (used to buy often, not lately), **hibernating** (neither), **needs attention** (the rest).

# %%
scores["rfm_segment"] = segments.rfm_segment_names(scores)
segment_plots.plot_rfm_grid(pd.crosstab(scores["r_score"], scores["f_score"]))
show_figure(money)

# %% [markdown]
# ## 2. Value tiers from predicted CLV
#
# RFM describes the past. Lesson 04's models predict the future: BG/NBD gives each customer's
# expected number of orders and P(alive), Gamma-Gamma their expected order value. Together they give
# a **predicted CLV**: the discounted margin of the next `clv_horizon` `clv_horizon_unit`s. One horizon
# serves the web shop throughout the course (lesson 04, this lesson and the report): 12 months by default,
# about the length of the holdout on which lesson 04 checks the forecast, and the year a budget is planned for.

# %%
summary = summarize_transactions(orders, orders_end, time_unit="week")
bgnbd = BetaGeoNBD(time_unit="week").fit(summary)
gamma_gamma = GammaGamma().fit(summary["frequency"], summary["monetary_value"])
predicted = predictive_clv.customer_lifetime_value(
    bgnbd, gamma_gamma, summary, horizon=horizon_weeks, horizon_unit="week",
    margin_rate=gross_margin_rate, discount_rate_annual=discount_rate_annual,
)
customers = scores.join(predicted).join(summary[["frequency"]].rename(columns={"frequency": "repeat_orders"}))
customers["churn_risk"] = 1 - customers["probability_alive"]
customers[["recency_days", "frequency", "monetary", "probability_alive", "expected_purchases", "clv"]].describe().round(2)

# %%
curve = segments.pareto_curve(customers["clv"])
top_value_share = segments.top_share_of_value(customers["clv"], top_share)
gini = segments.gini_coefficient(customers["clv"])
print(f"The top {top_share:.0%} of customers hold {top_value_share:.0%} of predicted value (Gini {gini:.2f}).")
segment_plots.plot_pareto_curve(curve, highlight=top_share)
show_figure(money)

# %%
customers["value_tier"] = segments.value_tiers(customers["clv"], cutoffs=(top_share, middle_share), labels=tier_labels)
tier_value = customers.groupby("value_tier", observed=True)["clv"].sum() / customers["clv"].sum()
tier_value.rename("share of predicted value").to_frame().style.format("{:.0%}")

# %%
assert top_value_share >= top_share, f"the top {top_share:.0%} should hold at least {top_share:.0%} of the value; got {top_value_share:.0%}"  # the top x% can never hold less than x% of the value
assert abs(tier_value.iloc[0] - top_value_share) < 0.02, f"the top tier's value share ({tier_value.iloc[0]:.1%}) should match the top of the curve ({top_value_share:.1%})"  # the top tier is the top of the curve
if dataset.is_embedded:
    assert top_share != 0.2 or top_value_share > 0.8, f"on the embedded data the top 20% should hold over 80% of value; got {top_value_share:.0%}"  # "more concentrated than the 80/20 rule of thumb"

# %% [markdown]
# On the Beanstalk data future value is even more concentrated than the "80/20" rule of thumb:
# most shop customers have stopped buying, and the model expects little from them. That is the first business fact of this lesson: **a small
# group deserves most of the attention**.
#
# ## 3. Lifecycle stages
#
# Where is each customer in their relationship with us? The rules (first match wins; every
# threshold is a parameter above):
#
# | stage | rule |
# |---|---|
# | **new** | first order within `new_within_days` |
# | **lapsed** | P(alive) < `lapsed_below`, or no order for more than `lapsed_after_days` |
# | **at risk** | P(alive) < `at_risk_below`, or no order for more than `at_risk_after_days` |
# | **active** | everyone else |
#
# Why recency *and* P(alive)? BG/NBD learns that a customer may have dropped out only from
# **repeat** purchases, so it gives **P(alive) = 1 to every one-time buyer**, however long ago that
# single order was (lesson 04). Recency catches them.

# %%
customers["lifecycle_stage"] = segments.lifecycle_stages(
    customers, new_within_days=new_within_days, at_risk_after_days=at_risk_after_days,
    lapsed_after_days=lapsed_after_days, at_risk_below=at_risk_below, lapsed_below=lapsed_below,
)
one_timers = customers["repeat_orders"] == 0
pd.crosstab(customers["lifecycle_stage"], one_timers.map({True: "one order", False: "repeat buyer"}), margins=True)

# %%
assert (customers.loc[one_timers, "probability_alive"] == 1).all(), "one-time buyers should have P(alive) = 1 under BG/NBD"  # BG/NBD by construction
assert customers["lifecycle_stage"].notna().all(), "every customer should get a lifecycle stage"
if dataset.is_embedded:
    # Without the recency rule, most one-time buyers would be "active".
    assert (customers.loc[one_timers, "lifecycle_stage"] == "lapsed").mean() > 0.9, "on the embedded data over 90% of one-time buyers should be lapsed"
    assert customers["lifecycle_stage"].eq("lapsed").mean() > 0.5, "on the embedded data most shop customers should be lapsed"  # section 2: "most shop customers have stopped buying"

# %% [markdown]
# Nobody is **new** in the embedded data: the shop's customers all placed their first order in early
# 2024 (a single cohort followed for two years). On your own data, new customers appear here.
#
# ## 4. Segment profiles
#
# One table per segmentation: how many customers, what share of value, how valuable on average, and
# how likely they are to have gone (churn risk = 1 − P(alive)). The colour runs from low to high
# *within each column*; the numbers are the real values.

# %%
by_stage = segments.segment_profiles(customers, "lifecycle_stage")
by_rfm = segments.segment_profiles(customers, "rfm_segment")
fig, axes = plt.subplots(1, 2, figsize=(15, 4))
segment_plots.plot_segment_profiles(by_stage, ax=axes[0])
segment_plots.plot_segment_profiles(by_rfm, ax=axes[1])
axes[0].set_title("By lifecycle stage")
axes[1].set_title("By RFM segment")
plt.tight_layout()
show_figure(money)

# %%
stage_by_tier = segments.segment_profiles(customers, ["value_tier", "lifecycle_stage"])
segment_plots.plot_segment_profiles(stage_by_tier)
show_figure(money)

# %%
for profile in (by_stage, by_rfm, stage_by_tier):
    assert abs(profile["share_of_customers"].sum() - 1) < 1e-9, f"customer shares should sum to 100%; got {profile['share_of_customers'].sum()}"
    assert abs(profile["share_of_value"].sum() - 1) < 1e-9, f"value shares should sum to 100%; got {profile['share_of_value'].sum()}"
if dataset.is_embedded:
    assert by_stage["share_of_value"].idxmax() == "active", f"active customers should hold the largest share of value; got {by_stage['share_of_value'].idxmax()}"
    assert by_rfm["share_of_value"].idxmax() == "champions", f"champions should hold the largest share of value; got {by_rfm['share_of_value'].idxmax()}"

# %%
named = by_rfm.reindex(["champions", "loyal", "hibernating"])
print(", ".join(f"{name}: churn risk {row.mean_churn_risk:.0%}, mean value {money.format(row.mean_value, 2)}"
                for name, row in named.iterrows()))
risk, value = named["mean_churn_risk"], named["mean_value"]
if dataset.is_embedded:  # what the next paragraph says about the Beanstalk data
    assert risk["hibernating"] > risk["champions"] and risk["loyal"] > risk["champions"], "hibernating and loyal customers should be at higher risk than champions"
    assert value["hibernating"] < value["champions"] / 10, f"hibernating customers should be worth under a tenth of champions; got {value['hibernating']} vs {value['champions']}"

# %% [markdown]
# Two things to notice in the profiles (the numbers printed above). **Hibernating** customers
# (neither recent nor frequent) are worth little, since the model expects few orders from them, and
# their churn risk is higher than the champions'. RFM's **loyal** group has a high churn risk too:
# for a customer who used to buy often, a few silent months are strong evidence they have left,
# which a fixed recency score cannot see. Value, not P(alive) or RFM alone, should drive the budget.
#
# ## 5. What distinguishes high-value customers?
#
# If we could spot future top customers early, we could treat them well from the start. We take
# what we know **`early_window_days` days after each customer's first order** (their first order
# value, how many orders they placed in that window, their acquisition channel) and fit a logistic
# regression (statsmodels) of "ends up in the top tier". An odds ratio above 1 means more likely to
# be high value; the interval is 95 %.

# %%
early = value_drivers.early_behaviour(orders, window_days=early_window_days)
early["log_first_order_value"] = np.log(early["first_order_value"].clip(lower=0.01))
covariates = ["orders_in_window", "log_first_order_value"] + (["channel"] if "channel" in early.columns else [])
high_value = customers["value_tier"].eq(tier_labels[0]).reindex(early.index)
model = value_drivers.high_value_logit(early, high_value, covariates)
model.odds_ratios.round(3)

# %%
from clvlib.plots.forest import plot_forest  # the forest plot of lesson 03's Cox model

plot_forest(model.odds_ratios, "odds_ratio", "ci_lower", "ci_upper", title="What distinguishes high-value customers",
            xlabel="odds ratio of being high value (log scale; red: above 1, green: below 1, grey: no clear difference)")
show_figure(money)

# %%
assert model.customers_used == len(early), f"the model should use every early customer; used {model.customers_used} of {len(early)}"
assert (model.odds_ratios["ci_lower"] <= model.odds_ratios["odds_ratio"]).all(), "every odds ratio should be at or above its lower confidence bound"
if dataset.is_embedded:
    assert model.odds_ratios.at["orders_in_window", "odds_ratio"] > 1.1, f"each order in the window should raise the odds by over 10%; got {model.odds_ratios.at['orders_in_window', 'odds_ratio']:.2f}"
    assert model.odds_ratios.at["orders_in_window", "p_value"] < 0.001, f"orders in the window should be clearly significant (p < 0.001); got {model.odds_ratios.at['orders_in_window', 'p_value']}"
    # The simulator gives shop customers no channel effect; the model should not invent one.
    channel_rows = model.odds_ratios[model.odds_ratios.index.str.startswith("channel=")]
    assert (channel_rows["p_value"] > 0.01).all(), "no channel should be significant at the 1% level on the embedded data"

# %% [markdown]
# Early repeat orders and a bigger first basket both point to a future top customer; the
# acquisition channel does not (in this shop, customers from every channel behave alike once
# acquired: the subscription business of lesson 06 is different). The model describes association,
# not cause: a welcome discount that triggers a second order does not necessarily create a
# high-value customer.
#
# ## 6. What to do with each segment
#
# | segment | what it means | what to do |
# |---|---|---|
# | **top tier, active** (champions) | most of the future value | protect: service, early access, no discounts needed |
# | **top tier, at risk** | valuable, going quiet | act now: personal win-back, ask what changed |
# | **middle tier, active** (loyal, promising) | growth potential | cross-sell, nudge the next order |
# | **lapsed, bottom tier** | mostly one-time buyers who left | cheap, automated reactivation only; do not spend per head |
# | **new** | not enough history to judge | onboarding that earns a second order (the strongest early signal above) |
#
# ## What this means for the business
#
# * Value is concentrated: a fifth of customers hold most of the predicted value, so **uniform
#   treatment wastes money** on the many and under-serves the few.
# * **P(alive) alone misleads** for one-time buyers; combine it with recency (or trust predicted
#   value, which already accounts for both).
# * RFM is a transparent first cut any team can compute; **predicted CLV is what should size the
#   budget** for each segment.
# * The second order in the first weeks is the clearest early sign of a valuable customer: worth a
#   welcome programme.

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
# **Exercise 1.** What share of predicted value do the top **10 %** of customers hold? Store it in
# `answer_1` (a number between 0 and 1).

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
answer_1 = segments.top_share_of_value(customers["clv"], 0.10)

# %% jupyter={"source_hidden": true} tags=["check"]
check_close("answer_1", answer_1, np.interp(0.10, curve["customer_share"], curve["value_share"]), mistakes={
    f"that is what the top {top_share:.0%} hold; the question asks for the top 10%.": top_value_share,
    "that is a percentage: store a share between 0 and 1.": 100 * np.interp(0.10, curve["customer_share"], curve["value_share"]),
})

# %% [markdown]
# **Exercise 2.** Score frequency in **deciles** (10 scores) instead of quintiles. How many of the
# 10 scores are actually used? Store the number in `answer_2`. Why are some empty? Store the letter
# of the reason in `why_2`.
#
# * (a) There are fewer than 10 customers in some deciles by chance.
# * (b) Many customers share the same frequency (one, two or three orders); tied customers
#   get one score, so the scores their tie spans stay empty.
# * (c) The scoring function only produces quintiles.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
decile_scores = segments.percentile_scores(rfm["frequency"], n_scores=10)
answer_2 = decile_scores.nunique()
why_2 = "b"

# %% jupyter={"source_hidden": true} tags=["check"]
check_close("answer_2", answer_2, segments.percentile_scores(rfm["frequency"], n_scores=10).nunique(), mistakes={
    "that is the number of scores asked for: count the scores actually used.": 10,
})
check_choice("why_2", why_2, "e791e9eaec15", {
    "a": "With thousands of customers chance is not the reason: look at how many share each frequency.",
    "b": "Ties: one value cannot be split between scores, so a big tie swallows several.",
    "c": "n_scores=10 gives deciles; the gaps come from the data.",
})

# %% [markdown]
# **Exercise 3.** Be stricter about "at risk": a customer with no order for more than **60 days**
# is at risk. Store the new stages in `stricter` (a Series like `customers["lifecycle_stage"]`, from
# `segments.lifecycle_stages`) and the number of customers at risk then in `answer_3`.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
stricter = segments.lifecycle_stages(
    customers, new_within_days=new_within_days, at_risk_after_days=60, lapsed_after_days=lapsed_after_days,
    at_risk_below=at_risk_below, lapsed_below=lapsed_below,
)
answer_3 = int((stricter == "at risk").sum())

# %% jupyter={"source_hidden": true} tags=["check"]
stages_60 = segments.lifecycle_stages(customers, new_within_days=new_within_days, at_risk_after_days=60,
                                      lapsed_after_days=lapsed_after_days, at_risk_below=at_risk_below,
                                      lapsed_below=lapsed_below)
check_same("stricter", stricter, stages_60, hint="keep every other threshold of the lesson as it is.")
check_close("answer_3", answer_3, int(stages_60.eq("at risk").sum()), mistakes={
    "that is the count under the lesson's own rule: count the stricter stages.":
        int(customers["lifecycle_stage"].eq("at risk").sum()),
})

# %% [markdown]
# ## Quiz
#
# Answer with the letter of the option you choose; the check under each question explains it.
#
# **Question 1.** A customer bought once, two years ago. BG/NBD gives them P(alive) = 1. Should
# marketing treat them as an active customer? Store your letter in `quiz_1`.
#
# * (a) No: P(alive) is 1 for every one-time buyer by construction; their recency says they are
#   most likely gone.
# * (b) Yes: the model says they are alive.
# * (c) Yes, if their one order was large.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
quiz_1 = "a"

# %% jupyter={"source_hidden": true} tags=["check"]
check_choice("quiz_1", quiz_1, "f9f648af15f8", {
    "a": "That is why the lifecycle stages use recency next to P(alive).",
    "b": "For one-time buyers P(alive) carries no evidence: it is 1 whatever their recency.",
    "c": "Spend says what an order is worth, not whether another one will come.",
})

# %% [markdown]
# **Question 2.** What should size the marketing budget of each segment? Store your letter in
# `quiz_2`.
#
# * (a) The sum of its RFM scores.
# * (b) The number of customers in it.
# * (c) Its predicted CLV, which already combines how often, how recently and how much customers buy.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
quiz_2 = "c"

# %% jupyter={"source_hidden": true} tags=["check"]
check_choice("quiz_2", quiz_2, "b1f4716f5172", {
    "a": "RFM scores rank customers; they are not money, and a score of 5 is not worth 5 of anything.",
    "b": "Value is concentrated: a big segment of one-time buyers is worth less than a small one of champions.",
    "c": "Predicted value is money, so it can be set against what the treatment costs.",
})

# %% [markdown]
# ## Take-aways
#
# * RFM scores rank customers on recency, frequency and spend; ties (one-time buyers) leave scores empty.
# * Predicted value is concentrated: the Pareto curve shows how much the top customers hold.
# * Lifecycle stages need recency as well as P(alive), because P(alive) is 1 for one-time buyers.
# * A logistic regression on the first weeks points at early signs of a valuable customer:
#   association, not cause.
#
# ## References
#
# * Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). RFM and CLV: using iso-value curves for
#   customer base analysis. *Journal of Marketing Research* 42(4), 415–430.
# * Hughes, A. M. (2012). *Strategic Database Marketing*, 4th ed. McGraw-Hill (RFM scoring).
# * Hosmer, D. W., Lemeshow, S. and Sturdivant, R. X. (2013). *Applied Logistic Regression*, 3rd ed.
#   Wiley (odds ratios).
# * Terms used here (RFM, quintile, Pareto curve, value tier, lifecycle stage, P(alive), odds ratio)
#   are in the [glossary](../docs/glossary.md).
