# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 10 · One customer across channels, and the journey
#
# Beanstalk Coffee's subscription team and its web-shop team each keep their own customer list, and
# each judges a customer by what that list shows. A subscriber who also buys beans in the shop is
# worth more than either team thinks: **data silos hide a customer's real value**. This lesson joins
# the two lists the way real exports are joined, credits referrals to the people who made them, and
# then follows shop customers along their journey, from first purchase to loyalty, lapse and return.
#
# **In this notebook you will learn**
#
# 1. to link two customer tables through a shared key (a hashed e-mail): normalise it first, and
#    report duplicates and records without a key instead of dropping them;
# 2. to estimate the **match rate** (the share of subscribers who are also shop customers) with an
#    interval, and why records without a key bias it;
# 3. to compare the **combined value** of a linked customer with what each silo sees;
# 4. to credit a referred customer's value to the **referrer**;
# 5. to place every shop customer in a **journey stage** (acquired → converted → retained → loyal →
#    lapsed → won back), count the stages over time, read the flows between them, and match each
#    stage with a marketing action.
#
# **Prerequisites.** Lesson 00 (the data), lesson 02 (a subscriber's paid months), lesson 05
# (lifecycle stages from recency). **Estimated time:** 45 minutes. Every term is explained in the
# [glossary](../docs/glossary.md).

# %% [markdown]
# ## Parameters
#
# `make report PARAMS=params/your_file.yml` replaces these values without editing the notebook.

# %% tags=["parameters"]
gross_margin_rate: float = 0.40  # gross margin, as a share of revenue (subscriptions and web-shop orders alike)
currency: str = "USD"  # ISO code of the data's money: USD $1,234, EUR €1,234, GBP £1,234, CHF, JPY, SEK/NOK/DKK 1,234 kr
key_column: str = "email_hash"  # the column both exports share to identify a person (e.g. a hashed e-mail)
journey_lapse_after_days: int = 180  # journey: no purchase for longer than this makes a customer lapsed
loyal_purchases: int = 5  # journey: this many purchase days or more makes a customer loyal
flow_months: int = 12  # the flow table compares each customer's stage this many months apart
top_referrers: int = 15  # referrers shown in the referral figure
data_source: dict = {}  # {} is the embedded Beanstalk Coffee data; see params/ for your own files

# %%
import matplotlib.pyplot as plt
import pandas as pd

from clvlib.analysis import cohorts, journey, linkage, referrals
from clvlib.core.money import currency as currency_named
from clvlib.data import load_dataset, load_truth
from clvlib.plots import journey as journey_plots

# %%
money = currency_named(currency)  # every amount is written in it; an unknown code stops here
dataset = load_dataset(data_source)
subs, orders = dataset.subscriptions, dataset.orders
orders_end = dataset.period_end("orders")  # the orders' own period_end, else the analysis date
linkable = linkage.has_key(subs, key_column) and linkage.has_key(orders, key_column)
has_referrers = "referrer_id" in subs.columns and subs["referrer_id"].notna().any()
print(f"{len(subs):,} subscriber records and {orders['customer_id'].nunique():,} shop customers; "
      f"the key '{key_column}' is in both tables: {'yes' if linkable else 'no'}; "
      f"referrers recorded: {'yes' if has_referrers else 'no'}")
if not linkable:
    print(f"Linking needs a key that both systems record (here '{key_column}', such as a hashed e-mail). "
          "Your exports do not both carry it, so sections 1 to 3 (linking, match rate, combined value) say so and skip "
          "their work: "
          "ask for the key in the next export.")

# %% [markdown]
# ## 1. One key, two exports
#
# Both systems store the customer's e-mail address **hashed**: scrambled one way, so the same address
# always gives the same text and nobody can read the address back. That is how real exports link
# people without sharing the addresses themselves. But each system writes the hash its own way: the
# old shop platform in upper case, some values with stray spaces, and guest orders or phone signups
# with no e-mail at all. Matching the raw text would miss every link that differs only in case or a
# space. So, first look at the mess; then **normalise** the key (trim the spaces, lower the case)
# and link on that.

# %%
if linkable:
    key_mess = pd.DataFrame({"subscriptions": linkage.key_quality(subs, key_column),
                             "orders": linkage.key_quality(orders, key_column)}).T
    display(key_mess)
else:
    print("No shared key: nothing to inspect.")

# %%
if linkable:
    links = linkage.link_tables(subs, orders, key=key_column)
    shop_keys = set(orders[key_column].dropna())
    exact_links = int(subs[key_column].dropna().isin(shop_keys).sum())  # raw text, as written
    linked_subscribers = int(links.report.loc["subscriptions", "linked"])
    print(f"Matching the raw text links {exact_links:,} subscriber records; after normalising, "
          f"{linked_subscribers:,}: {1 - exact_links / linked_subscribers:.0%} of the links were hidden "
          "by case and spaces.")
    assert exact_links <= linked_subscribers, "normalising can only find more links, never fewer"
    display(links.report)

# %% [markdown]
# How to read the report, one row per table:
#
# * **records**: customer ids in the table; **without_key**: ids with no e-mail on any row (they
#   cannot be linked, and are kept, not dropped);
# * **several_keys**: ids that carry two different keys (none should; if some do, both are kept);
# * **sharing_a_key**: ids that share their key with another id *of the same table*: one person,
#   two records;
# * **linked / unlinked**: ids with or without a partner in the other table.
#
# Two records of one person are not always an error to clean up. In the subscriptions they can be a
# **comeback**: someone who cancelled and signed up again later under a new customer id. The test:
# did the earlier record end before the later one began?

# %%
if linkable:
    comebacks = linkage.subscriber_comebacks(links, subs)
    n_people = len(comebacks)
    print(f"{n_people:,} people hold more than one subscriber record; "
          f"{comebacks['came_back'].sum():,} of them cancelled before signing up again: won back, not duplicates.")
    assert comebacks["records"].ge(2).all(), "every row should be a person with two records or more"
    if dataset.is_embedded:
        assert comebacks["came_back"].all(), "on the embedded data every shared subscriber key is a comeback"

# %% [markdown]
# ## 2. The match rate, and what it hides
#
# The **match rate** is the share of subscribers who are also shop customers. Two honest corrections:
#
# * a subscriber without a key cannot be matched, whoever they are: count only the records that
#   carry a key;
# * a partner in the shop whose own account has no e-mail is invisible too: the observed share is
#   too low by the share of shop accounts without a key, so divide by the share that has one.
#
# Both corrections assume a missing e-mail is unrelated to being in both systems. The interval is a
# Wilson interval for a share (95 %).

# %%
if linkable:
    rate = linkage.match_rate(links)
    print(f"Observed: {rate['linked_records']:,} of {rate['records_with_key']:,} keyed subscriber records "
          f"link to the shop ({rate['observed_rate']:.1%}). {rate['other_side_keyed_share']:.1%} of shop "
          f"accounts carry a key, so the match rate is {rate['match_rate']:.1%} "
          f"(95% interval {rate['lower']:.1%} to {rate['upper']:.1%}); "
          f"counting every record, even those without a key, gives only {rate['match_rate_all_records']:.1%}.")
    assert rate["lower"] <= rate["match_rate"] <= rate["upper"], "the estimate should be inside its interval"

# %%
if linkable and dataset.is_embedded:
    true_rate = load_truth().params["linkage"]["true_match_rate"]
    print(f"The simulator knows who is whom: the true match rate is {true_rate:.1%}.")
    assert rate["lower"] <= true_rate <= rate["upper"], f"the interval should cover the true rate {true_rate:.3f}"
    assert abs(rate["match_rate"] - true_rate) < abs(rate["observed_rate"] - true_rate), \
        "the corrected rate should be closer to the truth than the observed one"

# %% [markdown]
# ## 3. What each silo sees, and what the customer is worth
#
# Value here is **margin to date**: for a subscriber, the paid months times the monthly price (lesson
# 02), for a shop customer the sum of their orders, both times the gross margin. For each linked
# person (a person may have two subscriptions or two shop accounts: their records are added up) we
# compare what the subscription team sees, what the shop sees, and the whole.

# %%
tenure = cohorts.customer_tenure(subs, dataset.analysis_date).set_index("customer_id")
revenue = subs.set_index("customer_id")["monthly_revenue"]
subscriber_margin = gross_margin_rate * tenure["paid_months"] * revenue
shop_margin = gross_margin_rate * orders.groupby("customer_id")["order_value"].sum()
print(f"Margin to date: {money.format(subscriber_margin.sum())} from subscriptions, "
      f"{money.format(shop_margin.sum())} from the web shop.")

# %%
if linkable:
    people = linkage.combined_value(links, subscriber_margin, shop_margin)
    silos = linkage.silo_view(people)
    journey_plots.plot_silo_view(silos)
    plt.title(f"{len(people):,} people in both systems: margin to date per person")
    plt.show()
    display(silos.round(2))

# %%
if linkable:
    in_shop = subs["customer_id"].isin(links.pairs["subscriber_id"]).to_numpy()
    by_group = subscriber_margin.groupby(pd.Series(in_shop, index=subscriber_margin.index)).mean()
    print(f"Subscription margin alone: {money.format(by_group.get(True, float('nan')))} per subscriber who "
          f"also shops, {money.format(by_group.get(False, float('nan')))} per subscriber who does not.")
    if dataset.is_embedded:
        assert by_group[True] > by_group[False], "on the embedded data subscribers who also shop should bring more subscription margin"

# %% [markdown]
# The shop does not see the subscription, and the subscription team does not see the shop orders:
# each undervalues these people (the table says by how much). And they are not average subscribers:
# on the embedded data those who also shop have brought more subscription margin each (printed and
# checked above), so a retention budget set from the subscription list alone misjudges them twice.
#
# ## 4. Referral value, credited to the referrer
#
# A referred subscriber carries the id of the subscriber who referred them (`referrer_id`). Crediting
# each referred customer's margin to their referrer shows what a referrer is really worth, beyond
# their own subscription, and what the referral programme brings in.

# %%
if has_referrers:
    credit = referrals.referral_credit(subs, subscriber_margin)
    programme = referrals.referral_summary(credit, subscriber_margin)
    print(f"{programme['referrers']:,} referrers brought {programme['referred_customers']:,} subscribers "
          f"({programme['referred_per_referrer']:.2f} each), worth {programme['referred_share_of_value']:.1%} "
          f"of all subscription margin to date; {programme['unattributed_customers']:,} referral signups "
          "have no referrer recorded, so nobody gets their credit.")
    journey_plots.plot_referral_credit(credit.table, top=top_referrers)
    plt.title(f"The {top_referrers} referrers who brought the most margin")
    plt.show()
else:
    print("No referrer_id column (or no value in it): referral credit needs the referrer's id on each referred customer.")

# %%
if has_referrers:
    own, with_credit = credit.table["own_value"].mean(), credit.table["value_with_referrals"].mean()
    print(f"A referrer's own margin to date averages {money.format(own)}; with the margin of the customers "
          f"they referred, {money.format(with_credit)} ({with_credit / own - 1:.0%} more).")
    assert with_credit >= own, "credit can only add value to a referrer"

# %% [markdown]
# ## 5. The journey: acquired, converted, retained, loyal, lapsed, won back
#
# Lesson 05 put each shop customer in a lifecycle stage on one day. A **journey** follows the stages
# over time. The rules, on any day, from the orders up to that day (several orders on one day count
# as one purchase; first match wins):
#
# | stage | rule |
# |---|---|
# | **lapsed** | no purchase for more than `journey_lapse_after_days` days |
# | **won back** | came back after such a gap, within the last `journey_lapse_after_days` days |
# | **acquired** | one purchase so far |
# | **converted** | two purchases: the first repeat |
# | **loyal** | `loyal_purchases` purchases or more |
# | **retained** | the rest (three purchases up to loyal) |
#
# We take every customer's stage at each month end, then count the stages and the moves between them.

# %%
month_ends = pd.date_range(orders["order_date"].min(), orders_end, freq="ME").union(pd.DatetimeIndex([orders_end]))
history = journey.stage_history(orders, month_ends, journey_lapse_after_days, loyal_purchases)
counts = journey.stage_counts(history)
journey_plots.plot_stage_counts(counts)
plt.title("Shop customers by journey stage, month by month")
plt.show()
today = counts.iloc[-1]
print(f"On {orders_end.date()}: " + ", ".join(f"{stage} {n:,}" for stage, n in today.items()))
assert today.sum() == orders.loc[orders["order_date"] <= orders_end, "customer_id"].nunique(), "every customer should have one stage"
if dataset.is_embedded:  # "most shop customers end up lapsed" (below)
    assert today["lapsed"] > today.sum() / 2, f"most embedded shop customers should be lapsed at the end; got {today['lapsed']}"

# %%
ends = counts.index
earlier = ends[ends <= orders_end - pd.DateOffset(months=flow_months)]
flow_start = earlier.max() if len(earlier) else ends[0]
flows = journey.stage_flows(history, flow_start, ends[-1])
journey_plots.plot_stage_flows(flows)
plt.title(f"Where customers went between {flow_start.date()} and {ends[-1].date()}")
plt.show()
assert flows.to_numpy().sum() == today.sum(), "every customer of the last day should appear once in the flows"

# %%
loyal_before = flows.loc["loyal"].sum()
if loyal_before:
    print(f"Of the {loyal_before:,} loyal customers on {flow_start.date()}, {flows.loc['loyal', 'loyal'] / loyal_before:.0%} "
          f"were still loyal on {ends[-1].date()} and {flows.loc['loyal', 'lapsed'] / loyal_before:.0%} had lapsed.")
moves = journey.transitions(history)
print("The most common moves from one month end to the next:")
display(moves.head(8).reset_index(drop=True))

# %% [markdown]
# Each stage calls for a different action, and a different measure of success. The counts are the
# customers in each stage on the last day.

# %%
actions = journey.stage_action_table(history.loc[history["as_of"] == ends[-1]].set_index("customer_id")["stage"])
assert actions["customers"].sum() == today.sum(), "the action table should count every customer once"
actions.style.format({"share": "{:.0%}"})

# %% [markdown]
# ## What this means for the business
#
# * **Link before you value.** A customer in two systems is undervalued by both; a shared key
#   (hashed e-mail, loyalty number) in every export is the cheapest data investment there is.
# * **Normalise, then count what you could not link.** Case and spaces hide links; missing keys on
#   either side bias the match rate low. Report both instead of silently dropping records.
# * **Credit referrals to referrers.** The best referrers are worth far more than their own
#   subscription; a referral reward can be sized against the margin the referred customers bring.
# * **Act by stage.** Most shop customers end up lapsed in a one-cohort shop: the money is in
#   converting the first purchase into a habit, protecting the loyal, and winning back only those
#   worth it.

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
# **Exercise 1.** Be quicker to call a customer lapsed: after **90** days without a purchase. Store the
# stages on the orders' last day in `stages_90` (from `journey.journey_stages`, keeping the lesson's
# other rule) and the number of lapsed customers then in `answer_1`.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
stages_90 = journey.journey_stages(orders, orders_end, lapse_after_days=90, loyal_purchases=loyal_purchases)
answer_1 = int((stages_90 == "lapsed").sum())

# %% jupyter={"source_hidden": true} tags=["check"]
expected_90 = journey.stage_history(orders, [orders_end], 90, loyal_purchases).set_index("customer_id")["stage"]
check_same("stages_90", stages_90, expected_90.rename("stage").sort_index(), hint="keep loyal_purchases as in the lesson.")
check_close("answer_1", answer_1, int(expected_90.eq("lapsed").sum()), mistakes={
    "that is the count under the lesson's own lapse rule: count the 90-day stages.": int(today["lapsed"]),
})

# %% [markdown]
# **Exercise 2.** What share of the linked people's combined margin does the **web shop not see**?
# Store it in `answer_2` (a number between 0 and 1; on data without a shared key, store `None`).

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
answer_2 = 1 - people["shop_value"].sum() / people["combined_value"].sum() if linkable else None

# %% jupyter={"source_hidden": true} tags=["check"]
if linkable:
    missed = silos.loc["web shop sees", "share_missed"]
    check_close("answer_2", answer_2, missed, mistakes={
        "that is the share the shop does see; the question asks what it misses.": 1 - missed,
        "that is what the subscription team misses.": silos.loc["subscription team sees", "share_missed"],
        "that is a percentage: store a share between 0 and 1.": 100 * missed,
    })
else:
    print("Your data have no shared key: nothing to check.")

# %% [markdown]
# **Exercise 3.** Which subscriber brought in the most margin through the customers they referred?
# Store their customer id in `answer_3` (on data without referrers, store `None`).

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
answer_3 = credit.table["referred_value"].idxmax() if has_referrers else None

# %% jupyter={"source_hidden": true} tags=["check"]
if has_referrers:
    best = referrals.referral_credit(subs, subscriber_margin).table["referred_value"].idxmax()
    check_same("answer_3", answer_3, best, mistakes={
        "that referrer has the most margin of their own; rank by referred value.": credit.table["own_value"].idxmax(),
        "that referrer brought the most customers, not the most margin.": credit.table["referred_customers"].idxmax(),
    })
else:
    print("Your data have no referrers: nothing to check.")

# %% [markdown]
# ## Quiz
#
# Answer with the letter of the option you choose; the check under each question explains it.
#
# **Question 1.** The subscription export writes a customer's hashed e-mail as `9f2c…` and the shop
# as `9F2C…`. Why normalise before linking? Store your letter in `quiz_1`.
#
# * (a) To make the hashes shorter.
# * (b) They are the same person written two ways; linking the raw text would miss every such link.
# * (c) Lower-case hashes are harder to read back into an e-mail address.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
quiz_1 = "b"

# %% jupyter={"source_hidden": true} tags=["check"]
check_choice("quiz_1", quiz_1, "4d46bf1666ef", {
    "a": "Normalising changes case and spaces, not length.",
    "b": "Case and spaces are how systems differ, not how people differ.",
    "c": "A hash cannot be read back whatever its case: hex digits are the same number in either case.",
})

# %% [markdown]
# **Question 2.** In another company's exports, 20 % of the subscribers with an e-mail link to a shop
# account, and 10 % of shop accounts have no e-mail. Assuming a missing e-mail is unrelated to being
# in both systems, what is the best estimate of the match rate? Store your letter in `quiz_2`.
#
# * (a) 20 %: that is what the data show.
# * (b) Lower than 20 %, because some records could not be checked.
# * (c) Higher: partners whose shop account has no e-mail are invisible; 20 % / 0.9 ≈ 22 %.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
quiz_2 = "c"

# %% jupyter={"source_hidden": true} tags=["check"]
check_choice("quiz_2", quiz_2, "b1f4716f5172", {
    "a": "The observed share misses the links you could not see: it is biased low.",
    "b": "Records that cannot be checked hide links; they cannot remove any.",
    "c": "Divide by the share of the other side that could be seen.",
})

# %% [markdown]
# **Question 3.** Most shop customers are lapsed. What should the win-back budget do? Store your letter
# in `quiz_3`.
#
# * (a) Size the offer by each lapsed customer's predicted value, and spend nothing per head on those
#   worth little.
# * (b) Send the same discount to every lapsed customer: they are the biggest stage.
# * (c) Nothing: lapsed customers never come back.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
quiz_3 = "a"

# %% jupyter={"source_hidden": true} tags=["check"]
check_choice("quiz_3", quiz_3, "9a88beee9917", {
    "a": "A win-back offer is an investment: it pays only where the expected value exceeds its cost.",
    "b": "The biggest stage is mostly one-time buyers worth little: a blanket discount wastes money on them.",
    "c": "The flows show customers moving from lapsed to won back every month.",
})

# %% [markdown]
# ## Take-aways
#
# * Link tables through a key both systems record; normalise it (spaces, case) first, and report
#   records without a key, duplicates and unmatched records rather than dropping them.
# * The match rate counts only what could be seen: correct for missing keys on the other side, and
#   give an interval.
# * A linked customer's value is the sum of what every silo sees; each silo alone undervalues them.
# * Credit a referred customer's value to the referrer to see what a referral is worth.
# * Journey stages over time (counts, flows) show where customers leak out and where to act; each
#   stage has its own marketing action.
#
# ## References
#
# * Fellegi, I. P. and Sunter, A. B. (1969). A theory for record linkage. *Journal of the American
#   Statistical Association* 64(328), 1183–1210.
# * Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
#   *Journal of the American Statistical Association* 22(158), 209–212.
# * Schmitt, P., Skiera, B. and Van den Bulte, C. (2011). Referral programs and customer value.
#   *Journal of Marketing* 75(1), 46–59.
# * Kumar, V. and Reinartz, W. (2018). *Customer Relationship Management*, 3rd ed. Springer (the
#   customer lifecycle and what to do at each stage).
# * Terms used here (match rate, hashed key, referral, journey stage, lapsed, won back, margin) are
#   in the [glossary](../docs/glossary.md).
