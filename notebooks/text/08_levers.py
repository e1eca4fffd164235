# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 08 · Levers: what raises CLV, and what each is worth
#
# Lessons 01 to 06 *measured* customer lifetime value. This lesson asks what a business can *do*
# to raise it, and what each action is worth against what it costs. Every scenario changes the
# **fitted** models of earlier lessons (the sBG of lesson 02 for subscribers, BG/NBD and
# Gamma-Gamma of lesson 04 for the shop) in the way the lever acts, then values the customers
# again. No made-up "CLV × 1.1".
#
# **In this lesson you will**
#
# 1. read a **randomised price test**: an sBG fitted per arm, the churn response to a price rise
#    with an honest interval, and why randomisation makes it a cause, not a correlation;
# 2. value four levers on the fitted models: **retention** (+k points), **price** (with the
#    measured churn response), **order value** (cross-sell, up-sell) and **purchase frequency**;
# 3. compare each lever's **gain per customer and across the base** with its cost, and read the
#    **break-even cost**: the most the lever may cost per customer;
# 4. compute the cost of **keeping** a subscriber against **winning** one (CAC) on the data, and
#    examine the "keeping costs 5 to 25 times less" rule instead of repeating it;
# 5. choose **whom to target** with a retention offer (value at stake = churn risk × value) and
#    see why offers to the already-loyal waste money.
#
# **Prerequisites.** Lessons 02 (sBG, DEL and DERL), 04 (BG/NBD and Gamma-Gamma) and 06 (CAC).
# **Estimated time:** 60 minutes. Every term is explained in the [glossary](../docs/glossary.md).

# %% [markdown]
# ## Parameters
#
# `make report PARAMS=params/your_file.yml` replaces these values without editing the notebook.
# The costs are what each programme would cost per customer it reaches: change them to your own.

# %% tags=["parameters"]
gross_margin_rate: float = 0.40  # gross margin as a share of revenue (subscriptions and shop)
discount_rate_annual: float = 0.10  # yearly discount rate applied to future margin
retention_points: float = 0.02  # retention lever: points off a new subscriber's monthly churn (0.02 is 2 points)
retention_cost_per_subscriber: float = 5.0  # cost of the retention programme per active subscriber
price_change_share: float = 0.10  # price lever: the price change evaluated (0.10 is +10 percent)
price_test_file: str = ""  # your price test CSV (subscription columns plus arm); empty: the embedded test with the embedded data only
assumed_churn_price_elasticity: float = 1.5  # used only without a price test: churn rises 1.5 percent per 1 percent of price
price_test_confidence: float = 0.95  # coverage of the price test's interval
order_value_uplift: float = 0.10  # cross-sell and up-sell: every order worth this share more
upsell_cost_per_customer: float = 1.0  # cost of the cross-sell programme per shop customer
frequency_uplift: float = 0.10  # every shop customer buys this share more often
frequency_cost_per_customer: float = 1.0  # cost of the frequency programme (reminders, points) per shop customer
clv_horizon: float = 12.0  # how far ahead predicted CLV counts, in clv_horizon_unit (one shop horizon: 04, 05, 07)
clv_horizon_unit: str = "month"  # unit of clv_horizon: "week", "month" or "year"
offer_cost: float = 5.0  # a retention offer's cost per subscriber contacted
offer_churn_cut: float = 0.30  # assumption: share of a contacted subscriber's next-renewal churn the offer removes
share_contacted: float = 0.20  # share of the active base a targeted campaign reaches
data_source: dict = {}  # {} is the embedded Beanstalk Coffee data; see params/ for your own files
currency: str = "USD"  # ISO code of the data's money: USD $1,234, EUR €1,234, GBP £1,234, CHF, JPY, SEK/NOK/DKK 1,234 kr

# %%
from clvlib.analysis import acquisition, cohorts, levers, price_test
from clvlib.analysis import retention_targeting as targeting
from clvlib.analysis.kpis import orders_end
from clvlib.core.money import currency as currency_named
from clvlib.core.units import convert_periods, convert_rate
from clvlib.course.tables import readable, show_figure  # money in `currency`: $1,234.50, €1,234.50
from clvlib.data import load_dataset
from clvlib.data.price_test import find_price_test, load_price_test_truth
from clvlib.models.contractual import ShiftedBetaGeometric
from clvlib.models.noncontractual import BetaGeoNBD, GammaGamma
from clvlib.plots import levers as lever_plots
from clvlib.transactions import summarize_transactions

# %%
dataset = load_dataset(data_source)
money = currency_named(currency)  # every amount is written in it; an unknown code stops here
subs = dataset.subscriptions
discount_rate_monthly = convert_rate(discount_rate_annual, "year", "month")  # subscriptions renew monthly

# %% [markdown]
# ## 1. The models every lever runs on
#
# **Subscriptions.** One sBG (lesson 02) fitted on every subscriber's lifetime, censored at the
# analysis date. A subscriber who has renewed n times is worth their monthly margin × DERL: the
# discounted payments they are still expected to make. The **base** is everyone active today.
#
# **Shop.** BG/NBD (how often, and for how long, each customer buys) and Gamma-Gamma (how much per
# order), fitted in weeks as in lesson 04; a customer's value is the discounted margin of their
# next `clv_horizon` `clv_horizon_unit`s (the same horizon as lessons 04, 05 and 07).

# %%
counts = cohorts.lifetime_counts(subs, dataset.analysis_date)
sbg = ShiftedBetaGeometric("month").fit_lifetime_counts(counts["churned"], counts["censored"])
base = levers.active_base(subs, dataset.analysis_date, gross_margin_rate)
print(f"sBG on {len(subs):,} subscribers: a new subscriber leaves at the first renewal with probability "
      f"{sbg.mean_churn_:.1%}. {len(base):,} are active today, with {base['renewals'].median():.0f} renewals "
      "at the median.")
sbg.summary.round(3)

# %%
shop_end = orders_end(dataset, dataset.analysis_date)  # the orders' own end when they stop earlier
summary = summarize_transactions(dataset.orders, shop_end, time_unit="week")
bgnbd = BetaGeoNBD("week").fit(summary)
gamma_gamma = GammaGamma("week").fit(summary["frequency"], summary["monetary_value"])
horizon_weeks = convert_periods(clv_horizon, clv_horizon_unit, "week")  # the shop models work in weeks
shop = (bgnbd, gamma_gamma, summary, horizon_weeks, "week", gross_margin_rate, discount_rate_annual)
print(f"BG/NBD and Gamma-Gamma on {len(summary):,} shop customers, valued over {clv_horizon:g} "
      f"{clv_horizon_unit}s ({horizon_weeks:.1f} weeks).")

# %% [markdown]
# ## 2. What a price rise does to churn: the price test
#
# A price rise brings more margin per month from everyone who stays, and makes some leave sooner.
# The second effect cannot be read from past data: customers who paid more usually differed in
# other ways too (plan, channel, when they joined). It has to be **measured**, with an experiment:
# new subscribers were assigned **at random** to the usual price (control) or a higher one, so the
# two arms differ only in price, and any difference in churn is caused by it.
#
# Most test subscribers are still active at the analysis date (censored), so we fit an sBG per arm
# (lesson 02), and compare the **mean churn of a new subscriber**, alpha / (alpha + beta). Their ratio is
# the **churn multiplier**; its interval comes from each fit's standard errors (the delta method).
# Spread over the size of the price change it becomes an **elasticity**: churn rises by that many
# percent per percent of price, which lets us apply the test to a price change of another size (only
# near the tested one: further out it is an extrapolation).

# %%
test = find_price_test(price_test_file, dataset.is_embedded, dataset.analysis_date)
if test is None:
    effect = price_test.assumed_churn_effect(assumed_churn_price_elasticity, price_change_share)
    print("No price test file: the churn response below is ASSUMED, not measured: an elasticity of "
          f"{assumed_churn_price_elasticity:g}, so churn x {effect.multiplier:.3f} for a "
          f"{price_change_share:+.0%} price. Run a price test before trusting it.")
else:
    effect = price_test.estimate_churn_effect(test, dataset.analysis_date, confidence=price_test_confidence)
    print(f"Price test: {len(test):,} new subscribers; '{effect.test_arm}' paid {money.format(effect.test_price)} "
          f"instead of {money.format(effect.control_price)} ({effect.price_change_share:+.0%}).")
effect.arms.round(4) if not effect.assumed else "No test, so nothing measured per arm."

# %%
if test is not None:
    lever_plots.plot_price_test_survival(price_test.arm_survival_curves(test, dataset.analysis_date, models=effect.models))
    show_figure(money)

# %%
if not effect.assumed:
    low, high = effect.elasticity_interval
    print(f"Churn multiplier {effect.multiplier:.3f} ({effect.confidence:.0%} interval {effect.lower:.3f} to "
          f"{effect.upper:.3f}); elasticity {effect.elasticity:.2f} ({low:.2f} to {high:.2f}).")
    assert effect.lower < effect.multiplier < effect.upper, "the estimate should lie inside its interval"
if test is not None and dataset.is_embedded and not price_test_file and price_test_confidence >= 0.95:
    truth = load_price_test_truth()  # what the simulator knew, and an analyst never would
    print(f"The simulator's true multiplier was {truth['churn_multiplier']:g}: inside the interval.")
    assert effect.lower < truth["churn_multiplier"] < effect.upper, "the interval should cover the true multiplier"

# %% [markdown]
# ## 3. Four levers on the fitted models
#
# * **Retention +k points**: the sBG's mean churn of a new subscriber falls by `retention_points`,
#   with alpha (how much customers differ) kept. Long-standing subscribers already churn little,
#   so they gain less.
# * **Price**: every active subscriber pays `price_change_share` more (all of it margin: costs do
#   not change) and churn is multiplied by the response the test measured, carried to this
#   price change through the elasticity. Its two ends give the gain's interval.
# * **Order value**: cross-sell and up-sell make every shop order `order_value_uplift` larger; in
#   Gamma-Gamma that scales the spend parameter gamma.
# * **Frequency**: every shop customer buys `frequency_uplift` more often from now on. In BG/NBD a
#   customer can drop out only after a purchase, so this is the fitted model with its clock
#   running faster.
#
# Each lever's **gain per customer** is also its **break-even cost**: pay less than that per
# customer and it creates value.
#
# One assumption to keep in view: the test measured *new* subscribers. Applied to the active base
# through the sBG, a long-standing subscriber's churn moves much less than a new one's (their churn
# is low to begin with). Whether existing subscribers react like that is worth its own test before a
# price rise for everyone.

# %%
churn_response = price_test.churn_multiplier_for_price(effect, price_change_share)  # (estimate, low, high)
price_before, price_after = levers.price_lever(sbg, base, discount_rate_monthly, price_change_share, churn_response[0])
price_ends = tuple(levers.price_lever(sbg, base, discount_rate_monthly, price_change_share, m)[1]
                   for m in churn_response[1:])
rows = [
    levers.lever_row(f"retention +{retention_points * 100:g} points", *levers.retention_lever(
        sbg, base, discount_rate_monthly, retention_points), retention_cost_per_subscriber, business="subscriptions"),
    levers.lever_row(f"price {price_change_share:+.0%}", price_before, price_after, 0.0, price_ends, "subscriptions"),
    levers.lever_row(f"order value +{order_value_uplift:.0%}", *levers.order_value_lever(*shop, order_value_uplift),
                     upsell_cost_per_customer, business="shop"),
    levers.lever_row(f"frequency +{frequency_uplift:.0%}", *levers.frequency_lever(*shop, frequency_uplift),
                     frequency_cost_per_customer, business="shop"),
]

# %%
lever_gains = levers.lever_table(rows)
lever_plots.plot_lever_gains(lever_gains)
show_figure(money)
readable(lever_gains.drop(columns=["value_per_customer_before"]), money=[
    "gain_per_customer", "gain_total", "cost_per_customer", "net_gain_total", "break_even_cost_per_customer",
    "gain_per_customer_lower", "gain_per_customer_upper"], money_code=money)

# %%
for lever, row in lever_gains.iterrows():
    print(f"{lever}: {money.format(row['gain_per_customer'])} per customer (its break-even cost), "
          f"{money.format(row['gain_total'])} across {row['customers']:,} customers; at "
          f"{money.format(row['cost_per_customer'])} each it {'creates' if row['pays'] else 'destroys'} "
          f"{money.format(abs(row['net_gain_total']))}.")
order_row = lever_gains.loc[f"order value +{order_value_uplift:.0%}"]
assert abs(order_row["gain_per_customer"] - order_value_uplift * order_row["value_per_customer_before"]) < 1e-6, \
    "an order-value uplift should raise shop CLV by exactly that share"

# %%
price_row = lever_gains.loc[f"price {price_change_share:+.0%}"]
no_response = levers.lever_row("", *levers.price_lever(sbg, base, discount_rate_monthly, price_change_share, 1.0), 0.0)
print(f"Without any churn response the price change would be worth {money.format(no_response['gain_per_customer'])} "
      f"per subscriber; the {'assumed' if effect.assumed else 'measured'} response leaves "
      f"{money.format(price_row['gain_per_customer'])}.")
if not effect.assumed:
    print(f"At the ends of the churn response's interval: {money.format(price_row['gain_per_customer_lower'])} "
          f"to {money.format(price_row['gain_per_customer_upper'])}.")
assert price_change_share <= 0 or price_row["gain_per_customer"] <= no_response["gain_per_customer"] + 1e-9, \
    "a churn response can only eat into a price rise"

# %%
if price_change_share > 0:  # how much churn response the price rise can bear
    bearable = levers.break_even_churn_multiplier(sbg, base, discount_rate_monthly, price_change_share)
    print(f"The {price_change_share:+.0%} price pays as long as churn is multiplied by less than {bearable:.2f}; "
          f"the {'assumed' if effect.assumed else 'measured'} response is {churn_response[0]:.2f}"
          + ("." if effect.assumed else f", at most {churn_response[2]:.2f} within its interval."))
    assert (churn_response[0] < bearable) == (price_row["gain_per_customer"] > 0), "break-even and gain should agree"

# %%
retention_before, retention_after = levers.retention_lever(sbg, base, discount_rate_monthly, retention_points)
retention_share = retention_after / retention_before - 1  # each subscriber's gain as a share of their value
newest, longest = base["renewals"].idxmin(), base["renewals"].idxmax()
print(f"The retention lever adds {retention_share[newest]:.1%} to the value of the newest subscriber "
      f"and {retention_share[longest]:.1%} to one with {base.loc[longest, 'renewals']} renewals.")
assert retention_share[newest] >= retention_share[longest], "the loyal should gain the smallest share"

# %% [markdown]
# Reading the table: a lever's value is **gain per customer × customers − cost**. A price change
# costs nothing to run but its gain is uncertain: it rests on the churn response, and the interval
# from the test says how far. Retention adds the largest share of value to new subscribers and the
# smallest to the loyal; the shop levers scale with each customer's expected future purchases, so they are worth
# little on customers BG/NBD already counts as gone.
#
# ## 4. Keeping a subscriber against winning one
#
# A retention offer costing `offer_cost` is assumed to remove `offer_churn_cut` of a contacted
# subscriber's chance of leaving at their next renewal. Most contacted subscribers would have
# stayed anyway, so the **cost of keeping one** is the offer's cost divided by the customers it
# actually keeps: offer cost / (churn cut × churn). The **cost of winning one** is CAC: marketing
# spend over new subscribers, from the data (lesson 06).

# %%
cac_by_channel = acquisition.cac_by_channel(dataset.marketing_spend, subs)
cac_overall = float(cac_by_channel["spend"].sum() / cac_by_channel["new_customers"].sum())  # a ratio of sums
typical_margin = float(base["monthly_margin"].mean())
keep_win = targeting.keep_vs_win(sbg, cac_overall, typical_margin, discount_rate_monthly, offer_cost, offer_churn_cut)
lever_plots.plot_keep_vs_win(keep_win)
show_figure(money)
readable(keep_win, money=["cost_to_keep", "value_if_kept", "cac", "value_new", "net_keep", "net_win"],
         shares=["churn_next", "kept_per_offer"], money_code=money)

# %%
per_contact = cac_overall / offer_cost
first, last = keep_win["cac_per_cost_to_keep"].iloc[0], keep_win["cac_per_cost_to_keep"].iloc[-1]
def dearer(ratio):  # winning / keeping, as a person says it
    return f"winning costs {ratio:.1f} times keeping" if ratio >= 1 else f"keeping costs {1 / ratio:.1f} times winning"
print(f"Per subscriber contacted, winning one ({money.format(cac_overall)}) costs {per_contact:.1f} times an offer "
      f"({money.format(offer_cost)}). Per subscriber actually kept, {dearer(first)} for a new subscriber, "
      f"and {dearer(last)} after {keep_win.index[-1]} renewals.")
assert keep_win["cost_to_keep"].is_monotonic_increasing, "keeping should get dearer with tenure (churn falls)"
assert abs(first * keep_win["cost_to_keep"].iloc[0] - cac_overall) < 1e-6, "the ratio is CAC / cost to keep"

# %% [markdown]
# **The 5 to 25 times rule, examined.** "Winning a customer costs 5 to 25 times more than keeping
# one" compares a CAC with the cost of *contacting* a customer. Per customer actually kept the
# comparison changes: an offer only keeps those who would have left, and the longer a subscriber
# has stayed, the fewer of them would have left. The printed ratios above are this company's; they
# depend on the offer's cost, on how much churn it removes (`offer_churn_cut`, an assumption
# worth testing like the price) and, above all, on **whom it is sent to**.
#
# ## 5. Whom to target: value at stake
#
# A subscriber's **value at stake** is their churn risk at the next renewal × what they are worth
# if they stay. An offer saves, in expectation, `offer_churn_cut` × value at stake. We compare three
# campaigns reaching `share_contacted` of the base: the highest value at stake, the highest CLV
# (the already-loyal, a common choice), and everyone alike.

# %%
stake = targeting.value_at_stake(sbg, base, discount_rate_monthly)
campaigns = targeting.targeting_comparison(stake, share_contacted, offer_cost, offer_churn_cut)
lever_plots.plot_targeting(campaigns)
show_figure(money)
readable(campaigns, money=["value_saved", "cost", "cost_per_customer_kept"], shares=["churn_next"], money_code=money)

# %%
best, loyal, everyone = (campaigns.loc[rule] for rule in targeting.TARGETING_RULES)
print(f"Targeting value at stake saves {best['value_saved_per_dollar']:.2f} per dollar; targeting the loyal "
      f"{loyal['value_saved_per_dollar']:.2f}, whose churn risk is {loyal['churn_next']:.1%} against "
      f"{best['churn_next']:.1%}; everyone alike {everyone['value_saved_per_dollar']:.2f}.")
assert best["value_saved"] >= max(loyal["value_saved"], everyone["value_saved"]) - 1e-9, \
    "the campaign ranked by value at stake should save the most value"
assert loyal["churn_next"] <= stake["churn_next"].mean() + 1e-12, "the highest-CLV subscribers should churn least"

# %% [markdown]
# The loyal are the most valuable customers and the worst targets: they would have stayed anyway,
# so an offer to them mostly pays people for what they were going to do. Value at stake puts the
# money where leaving is both likely and costly. One caveat: here an offer removes the same *share*
# of everyone's churn. In reality some customers respond to offers and others do not, and the
# riskiest are not always the most persuadable (Ascarza 2018): a holdout group in every campaign
# measures that.
#
# ## What this means for the business
#
# * **Value levers on the fitted models, and compare them with their cost.** The break-even cost
#   per customer is the budget ceiling for each programme.
# * **Measure price effects with an experiment.** The churn response to a price change is a cause
#   that historical data cannot show; a randomised test gives it with an interval, and the
#   interval belongs in the decision.
# * **"Keeping is cheaper than winning" depends on targeting.** Per customer actually kept,
#   blanket offers can cost more than acquisition.
# * **Target value at stake, not value.** Offers to the loyal are mostly wasted.

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
# **Exercise 1.** What is the retention lever worth per active subscriber if the programme lowers a
# new subscriber's churn by **3** points instead of `retention_points`? Store the gain per subscriber
# in `answer_1`.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
before_3, after_3 = levers.retention_lever(sbg, base, discount_rate_monthly, 0.03)
answer_1 = (after_3 - before_3).mean()

# %% jupyter={"source_hidden": true} tags=["check"]
three_points = levers.lever_row("", *levers.retention_lever(sbg, base, discount_rate_monthly, 0.03), 0.0)
check_close("answer_1", answer_1, three_points["gain_per_customer"], mistakes={
    "that is the lesson's own retention lever: use 3 points (0.03).":
        lever_gains.loc[f"retention +{retention_points * 100:g} points", "gain_per_customer"],
    "that is the total across the base: divide by the number of subscribers.": three_points["gain_total"],
})

# %% [markdown]
# **Exercise 2.** Some companies raise the price for **new** subscribers only. What is the same price
# change (`price_change_share`, with the measured churn response `churn_response[0]`) worth for one
# new subscriber paying the base's average monthly revenue? Store the change in their CLV (after
# minus before, using `levers.new_subscriber_value`) in `answer_2`. Under the sBG, why does the same
# churn multiplier cost a new subscriber more months than one who has stayed for years? Store the
# letter in `why_2`.
#
# * (a) New subscribers pay a lower price.
# * (b) New subscribers churn the most, so the churn response takes its full toll on them; subscribers
#   who have stayed for years churn little, and a multiplier on little is little.
# * (c) New subscribers are not discounted.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
revenue = base["monthly_revenue"].mean()
before_new = levers.new_subscriber_value(sbg, revenue * gross_margin_rate, discount_rate_monthly)
after_new = levers.new_subscriber_value(levers.with_churn_multiplier(sbg, churn_response[0]),
                                        revenue * (gross_margin_rate + price_change_share), discount_rate_monthly)
answer_2 = after_new - before_new
why_2 = "b"

# %% jupyter={"source_hidden": true} tags=["check"]
average_revenue = base["monthly_revenue"].mean()
new_value = levers.new_subscriber_value(sbg, average_revenue * gross_margin_rate, discount_rate_monthly)
raised = levers.with_churn_multiplier(sbg, churn_response[0])
check_close("answer_2", answer_2, levers.new_subscriber_value(
    raised, average_revenue * (gross_margin_rate + price_change_share), discount_rate_monthly) - new_value, mistakes={
    "that is the gain per subscriber of the active base: value one new subscriber.": price_row["gain_per_customer"],
    "that leaves out the churn response: use levers.with_churn_multiplier(sbg, churn_response[0]).":
        new_value * price_change_share / gross_margin_rate,
})
check_choice("why_2", why_2, "e791e9eaec15", {
    "a": "Both pay the same new price here: the difference is how likely each is to leave.",
    "b": "Heterogeneity again: the survivors are the loyal, and the same multiplier moves their low churn little.",
    "c": "Both are discounted the same way, month by month.",
})

# %% [markdown]
# **Exercise 3.** Run the targeting comparison again with a campaign that reaches only **10 %** of
# the base. Store the value saved per dollar of the value-at-stake campaign in `answer_3`.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
answer_3 = targeting.targeting_comparison(stake, 0.10, offer_cost, offer_churn_cut).loc[
    "highest value at stake", "value_saved_per_dollar"]

# %% jupyter={"source_hidden": true} tags=["check"]
ten_percent = targeting.targeting_comparison(stake, 0.10, offer_cost, offer_churn_cut)
check_close("answer_3", answer_3, ten_percent.loc[targeting.TARGETING_RULES[0], "value_saved_per_dollar"], mistakes={
    "that is the lesson's campaign: reach 10 % of the base (0.10).": best["value_saved_per_dollar"],
    "that is the campaign aimed at the loyal: rank by value at stake.":
        ten_percent.loc[targeting.TARGETING_RULES[1], "value_saved_per_dollar"],
})

# %% [markdown]
# ## Quiz
#
# Answer with the letter of the option you choose; the check under each question explains it.
#
# **Question 1.** Why does sending retention offers to the customers with the highest CLV waste
# money? Store your letter in `quiz_1`.
#
# * (a) High-CLV customers do not read offers.
# * (b) Their CLV is overestimated by the model.
# * (c) They are the least likely to leave, so few of the offers change anything: the money mostly
#   pays people to do what they would have done.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
quiz_1 = "c"

# %% jupyter={"source_hidden": true} tags=["check"]
check_choice("quiz_1", quiz_1, "6f70cad0070d", {
    "a": "Nothing here is about reading: the point is whether the offer changes what they do.",
    "b": "Even with their CLV exactly right, an offer to someone who stays anyway saves nothing.",
    "c": "Value at stake, churn risk times value, is what an offer can save.",
})

# %% [markdown]
# **Question 2.** Customers who paid more in the past churned *less*. Does this show that a price
# rise would lower churn? Store your letter in `quiz_2`.
#
# * (a) Yes: the data show it.
# * (b) No: customers who paid more differ in other ways (plan, channel, when they joined);
#   only a randomised test separates the price's own effect.
# * (c) Yes, if there are more than 1,000 customers.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
quiz_2 = "b"

# %% jupyter={"source_hidden": true} tags=["check"]
check_choice("quiz_2", quiz_2, "a25b940c932b", {
    "a": "The data show a correlation; premium customers differ from basic ones in more than price.",
    "b": "Randomisation makes the arms alike in everything but price.",
    "c": "More data make a biased comparison more precise, not less biased.",
})

# %% [markdown]
# **Question 3.** A price test gives a churn multiplier of 1.33 with a 95 % interval from 1.20 to
# 1.47. What belongs in the pricing decision? Store your letter in `quiz_3`.
#
# * (a) The gain at both ends of the interval: if the rise still pays at 1.47, it is robust to the
#   uncertainty of the test.
# * (b) Only the point estimate, 1.33.
# * (c) Nothing: an interval that wide means the test failed.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
quiz_3 = "a"

# %% jupyter={"source_hidden": true} tags=["check"]
check_choice("quiz_3", quiz_3, "9a88beee9917", {
    "a": "A decision that holds across the interval does not depend on the luck of the sample.",
    "b": "The point estimate alone hides how wrong it may be; the interval says how far.",
    "c": "An interval is what an honest estimate looks like; it excludes 1, so the effect is real.",
})

# %% [markdown]
# ## Take-aways
#
# * Levers are scenarios on the **fitted** models: retention and price change the sBG, order value
#   changes Gamma-Gamma, frequency runs BG/NBD on a faster clock.
# * Each lever's gain per customer is its **break-even cost**; compare it with what the programme
#   costs, per customer and across the base.
# * The churn response to a price change must be **measured** with a randomised test; carry its
#   interval into the decision, and say when it is assumed instead.
# * Per customer actually kept, retention is not automatically cheaper than acquisition: the
#   "5 to 25 times" rule depends on the offer and on targeting.
# * Target **value at stake** (churn risk × value), not the loyal.
#
# ## References
#
# * Fader, P. S. and Hardie, B. G. S. (2007). How to project customer retention. *Journal of
#   Interactive Marketing* 21(1), 76–90.
# * Fader, P. S. and Hardie, B. G. S. (2010). Customer-base valuation in a contractual setting:
#   the perils of ignoring heterogeneity. *Marketing Science* 29(1), 85–93.
# * Gupta, S., Lehmann, D. R. and Stuart, J. A. (2004). Valuing customers. *Journal of Marketing
#   Research* 41(1), 7–18.
# * Reichheld, F. F. and Sasser, W. E. (1990). Zero defections: quality comes to services.
#   *Harvard Business Review* 68(5), 105–111.
# * Ascarza, E. (2018). Retention futility: targeting high-risk customers might be ineffective.
#   *Journal of Marketing Research* 55(1), 80–98.
# * Terms used here (CLV, sBG, DEL, DERL, CAC, churn, elasticity, value at stake) are in the
#   [glossary](../docs/glossary.md).
