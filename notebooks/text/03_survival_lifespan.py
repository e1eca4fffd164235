# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 03 · How long do customers stay? Survival analysis of lifespans
#
# The simple CLV formula of lesson 01 multiplies by an *average customer lifespan*. Lesson 02 showed
# how retention curves bend. Here we estimate the lifespan itself, properly, from subscription data in
# which a third of the customers have not left yet.
#
# **In this notebook you will learn**
#
# 1. to turn subscriptions into *durations* and see why customers who are still active are
#    *right-censored*, not "lifetimes that ended today";
# 2. how badly the two naive fixes (drop them, or count them as churned) underestimate lifespans,
#    checked against the true lifetimes the simulator knows;
# 3. the Kaplan-Meier survival curve by plan and by channel, with confidence bands, and the
#    median lifetime;
# 4. the *restricted mean survival time* (RMST): the expected lifetime up to a horizon, the area
#    under the curve;
# 5. parametric models (Weibull, log-logistic, ...) chosen by AIC to extrapolate beyond the data;
# 6. churn drivers with a Cox proportional-hazards model (and its assumption checked) beside a
#    logistic regression, read as hazard ratios and odds ratios;
# 7. lifetime value = monthly margin × discounted expected lifetime, by segment.
#
# All durations are in **months**, counted on monthly anniversaries: a subscriber who cancels on
# their third anniversary paid for exactly 3 months. The fits live in `clvlib.models.survival`
# (they return the fitted [lifelines](https://lifelines.readthedocs.io) objects, so you can use
# lifelines' own summaries and plots too); the durations table and the value per segment come
# from `clvlib.analysis.lifetimes`.
#
# **Prerequisites.** Lessons 01 and 02 (retention, censoring, discounting); reading a regression
# table helps for section 6. **Estimated time:** 75 minutes. Every term is explained in the
# [glossary](../docs/glossary.md).

# %% [markdown]
# ## Parameters
#
# `make report PARAMS=params/your_file.yml` replaces these values without editing the notebook.

# %% tags=["parameters"]
gross_margin_rate: float = 0.40  # gross margin as a share of monthly revenue
discount_rate_annual: float = 0.10  # yearly discount rate applied to future months
horizon_months: int = 36  # how many months ahead lifetime value counts
extrapolate_to_months: int = 60  # a longer horizon, beyond the data, for the parametric models
churn_window_months: int = 6  # logistic regression outcome: churned within this many months
data_source: dict = {}  # {} is the embedded Beanstalk Coffee data; see params/ for your own files
currency: str = "USD"  # ISO code of the data's money: USD $1,234, EUR €1,234, GBP £1,234, CHF, JPY, SEK/NOK/DKK 1,234 kr

# %%
import matplotlib.pyplot as plt
import pandas as pd

from clvlib.analysis import lifetimes
from clvlib.core.money import currency as currency_named
from clvlib.course import new_subscriber
from clvlib.course.tables import readable, show_figure
from clvlib.data import load_dataset, load_truth
from clvlib.models import survival
from clvlib.plots import retention as retention_plots
from clvlib.plots import survival as survival_plots

# %%
dataset = load_dataset(data_source)
money = currency_named(currency)  # every amount is written in it; an unknown code stops here
durations = lifetimes.durations_from_subscriptions(dataset.subscriptions, dataset.analysis_date)
covariates = [c for c in ("channel", "plan", "promo_signup", "age_years") if c in durations.columns]
# Kaplan-Meier can only be read as far as the data go (in every channel and plan).
km_horizon_months = min(horizon_months, *(survival.km_max_horizon_months(durations, by=b) for b in ("channel", "plan")))
if km_horizon_months < horizon_months:
    print(f"Your data cover {km_horizon_months} months: Kaplan-Meier results use that horizon, "
          f"parametric models extend to {horizon_months}.")
assert durations["tenure_months"].ge(0).all() and len(durations) == len(dataset.subscriptions), "every subscription should get one non-negative tenure"

# %% [markdown]
# ## 1. Durations and right-censoring
#
# For each subscriber we measure the **tenure**: months from signup to cancellation, or to the
# analysis date when they are still subscribed. `churned` says which. For an active customer the
# tenure is only a lower bound on their lifetime: we know they stayed *at least* this long. That is
# *right-censoring*, and every estimate in this lesson has to respect it.

# %%
durations[["customer_id", "tenure_months", "churned", "observed_months", "plan", "channel"]].head().round(1)

# %%
share_active = 1 - durations["churned"].mean()
print(f"{len(durations):,} subscribers; {share_active:.0%} still active on {dataset.analysis_date.date()} (censored)")
survival_plots.plot_customer_timelines(durations.sample(16, random_state=3), dataset.analysis_date)
plt.show()
if dataset.is_embedded:
    assert abs(share_active - 1 / 3) < 0.05, f"on the embedded data about a third should still be active; got {share_active:.1%}"  # the introduction says "a third"

# %% [markdown]
# Customers who signed up recently are almost all still active, and the longest-lived customers
# are, by definition, the ones most likely to still be here. So censoring is not random noise: it
# hides exactly the long lifetimes.
#
# ## 2. What goes wrong with the naive fixes
#
# Two tempting shortcuts:
#
# * **drop the active customers** and average the tenure of those who left: it keeps only the
#   short lifetimes that have already ended;
# * **count the active customers as if they churned today**: it cuts every open lifetime short.
#
# The Kaplan-Meier estimator (next section) uses each active customer for as long as we watched
# them, and no longer. To compare like with like we look at the expected lifetime within the first
# `horizon_months` months (each lifetime capped at the horizon).

# %%
estimates = lifetimes.lifetime_estimates_compared(durations, km_horizon_months, by="channel")
estimates.round(1)

# %% [markdown]
# Our data are simulated, so we also know every customer's **true** lifetime, including how long
# the active ones will eventually stay. (No real company has this column; it is how we can check
# the methods.)

# %%
true_capped = None
if dataset.is_embedded:
    truth = load_truth().subscriptions
    with_truth = durations.merge(truth, on="customer_id", validate="one_to_one")
    true_capped = with_truth["lifetime_months"].clip(upper=km_horizon_months).groupby(with_truth["channel"]).mean()
survival_plots.plot_lifetime_estimates(estimates, truth=true_capped, horizon_months=km_horizon_months)
plt.show()

# %%
# Counting open lifetimes as ended can only shorten them.
assert (estimates["censored_as_churned"] <= estimates["kaplan_meier_rmst"] + 1e-9).all(), "counting open lifetimes as ended should never lengthen them beyond Kaplan-Meier"
if dataset.is_embedded:
    error = (estimates["kaplan_meier_rmst"] / true_capped - 1).abs()
    assert (error < 0.05).all(), error  # Kaplan-Meier: within 5% of the truth in every channel
    assert (estimates["dropping_censored"] < 0.8 * true_capped).all(), "on the embedded data dropping censored customers should understate lifetimes by 20% or more in every channel"  # naive: 20%+ too short
    assert (estimates["censored_as_churned"] < 0.8 * true_capped).all(), "on the embedded data counting censored as churned should understate lifetimes by 20% or more in every channel"
    shortfall = 1 - estimates[["dropping_censored", "censored_as_churned"]].div(true_capped, axis=0)
    print(f"The two shortcuts understate lifetimes by {shortfall.min().min():.0%} to {shortfall.max().max():.0%}.")
    assert set(shortfall["dropping_censored"].nlargest(2).index) == {"referral", "search"}, f"referral and search should lose the most by dropping censored customers; got {shortfall['dropping_censored'].nlargest(2).index.tolist()}"
    assert shortfall["dropping_censored"].min() > 1 / 3, f"dropping censored customers should understate by a third or more; got {shortfall['dropping_censored'].min():.0%}"  # the take-aways: "by a third or more"

# %% [markdown]
# Both shortcuts make customers look **far shorter-lived** than they are (on the Beanstalk data,
# where the simulator knows the truth, by the range printed above), and the error is worst for the best channels (referral, search), whose loyal customers are the ones still
# active. A CLV built on them would under-value exactly the customers worth most.
#
# ## 3. Kaplan-Meier survival curves
#
# The Kaplan-Meier curve $S(t)$ is the share of customers still subscribed $t$ months after signup.
# At each anniversary it multiplies by the share of the customers *still under observation* who
# renew; active customers leave the calculation when their observation ends, without counting as
# churn. The shaded bands are 95% confidence intervals: wide where few customers have been watched
# that long.

# %%
km_all = survival.fit_kaplan_meier(durations)
km_plan = survival.fit_kaplan_meier(durations, by="plan")
km_channel = survival.fit_kaplan_meier(durations, by="channel")

fig, axes = plt.subplots(1, 2, figsize=(12, 4), sharey=True)
survival_plots.plot_survival_curves(survival.survival_table(km_plan), ax=axes[0], title="By plan")
survival_plots.plot_survival_curves(survival.survival_table(km_channel), ax=axes[1], title="By channel")
plt.show()

# %% [markdown]
# Channels differ a lot: referral and search customers stay far longer than affiliate and social
# ones. Premium subscribers *seem* to stay a little longer than basic ones; section 6 shows that
# this comes from where premium customers are acquired, not from the plan.
#
# The **median lifetime** is when the curve crosses 50%. It is robust, but it says nothing about
# the long tail that carries most of the value (and it is infinite when fewer than half have left).

# %%
summary_by_channel = lifetimes.lifetime_summary(km_channel, km_horizon_months)
summary_by_channel.round(1)

# %%
assert summary_by_channel["churned"].le(summary_by_channel["customers"]).all(), "a channel cannot have more churned customers than customers"
assert (summary_by_channel["expected_lifetime_months"] <= km_horizon_months).all(), f"expected lifetimes should not exceed the {km_horizon_months}-month horizon"
if dataset.is_embedded:
    assert summary_by_channel["median_lifetime_months"].idxmax() == "referral", "on the embedded data referral should have the longest median lifetime"
    assert summary_by_channel["median_lifetime_months"].idxmin() == "affiliate", "on the embedded data affiliate should have the shortest median lifetime"

# %% [markdown]
# ## 4. Expected lifetime to a horizon: the RMST
#
# The mean lifetime is the area under the whole survival curve, but nobody has been watched for
# longer than the data go back (three years at Beanstalk), so the end of the curve is unknown. The
# **restricted mean survival time** (RMST) is the area up to a horizon: the expected number of months
# a new customer stays within the first `km_horizon_months` months (the `horizon_months` parameter,
# shortened if your data are shorter), $E[\min(\text{lifetime}, \text{horizon})]$. It uses all the
# data, censored customers included, and needs no model.

# %%
rmst_all = survival.restricted_mean_lifetime_months(km_all, km_horizon_months)
print(f"Expected months as a subscriber in the first {km_horizon_months}: {rmst_all:.1f} "
      f"(median lifetime {survival.median_lifetime_months(km_all):.0f} months)")
survival_plots.plot_rmst_area(survival.survival_table({"Kaplan-Meier S(t)": km_all}), km_horizon_months)
plt.show()

# %% [markdown]
# ## 5. Beyond the data: parametric models
#
# Kaplan-Meier stops where the data stop. To say anything about year four or five we need a shape
# for the curve. We fit four classic lifetime distributions and let **AIC** (fit penalised by the
# number of parameters; lower is better) choose. Because renewals happen on anniversaries, the fit
# treats a cancellation at the 3rd anniversary as a decision taken during month 3
# (`billing="monthly"`, see the docstring of `fit_parametric`).

# %%
choice = survival.fit_parametric(durations)
choice.summary.round(1)

# %%
parametric = {name: survival.survival_curve(fit, range(extrapolate_to_months + 1)) for name, fit in choice.fits.items()}
curves = pd.concat([survival.survival_table({"Kaplan-Meier (data)": km_all}),
                    pd.concat(parametric, names=["curve", "months"]).to_frame("survival")])
survival_plots.plot_survival_curves(
    curves, observed="Kaplan-Meier (data)", highlight=choice.best_name, data_end=float(km_all.durations.max()),
    labels={choice.best_name: f"{choice.best_name} (lowest AIC)"}, title="Parametric fits extend the curve beyond the data")
plt.show()

# %%
beyond = pd.DataFrame(
    {
        f"expected months, first {horizon_months}": {
            name: survival.restricted_mean_lifetime_months(fit, horizon_months) for name, fit in choice.fits.items()
        },
        f"expected months, first {extrapolate_to_months}": {
            name: survival.restricted_mean_lifetime_months(fit, extrapolate_to_months) for name, fit in choice.fits.items()
        },
    }
).loc[choice.summary.index]
beyond.round(1)

# %%
assert choice.summary["aic"].idxmin() == choice.best_name, f"the chosen model ({choice.best_name}) should be the one with the lowest AIC"
assert (beyond.iloc[:, 1] >= beyond.iloc[:, 0]).all(), "a longer horizon should never give fewer expected months"  # a longer horizon can only add months
if dataset.is_embedded:
    best_rmst = survival.restricted_mean_lifetime_months(choice.best, km_horizon_months)
    assert abs(best_rmst / rmst_all - 1) < 0.03, f"inside the data the chosen model should agree with Kaplan-Meier within 3%; got {best_rmst} vs {rmst_all}"  # inside the data the chosen model agrees with Kaplan-Meier
    assert choice.summary.index[-1] == "exponential", f"the exponential (constant churn) model should fit worst; got order {list(choice.summary.index)}"  # one constant churn rate fits worst

# %% [markdown]
# Inside the data the curves agree with Kaplan-Meier; beyond it they fan out: the constant-churn
# **exponential** model (lesson 02's "constant churn") predicts far fewer long-lived customers than
# the log-logistic or log-normal, whose churn rate falls with tenure. AIC prefers the falling
# rates. Still, an extrapolation is an assumption: report it as one, and prefer horizons you have
# data for.
#
# ## 6. What drives churn? Cox proportional hazards
#
# The **Cox model** relates the churn rate (the *hazard*) to covariates. Its coefficients are read
# as **hazard ratios**: 0.5 means "churns at half the rate of the baseline, at every tenure, other
# things equal". Categories are compared with a baseline level (the most common one).

# %%
cox = survival.fit_cox(durations, covariates)
print("Baselines:", cox.baselines_)
cox.summary[["exp(coef)", "exp(coef) lower 95%", "exp(coef) upper 95%", "p"]].round(3)

# %%
from clvlib.plots.forest import plot_forest  # one forest plot for hazard ratios and odds ratios

baselines = ", ".join(f"{level} vs {baseline}" for level, baseline in cox.baselines_.items())
plot_forest(cox.summary, "exp(coef)", "exp(coef) lower 95%", "exp(coef) upper 95%",
            xlabel="hazard ratio (log scale; > 1 = churns faster)", title=f"Cox model: what drives churn ({baselines})")
plt.show()

# %%
hazard_ratios = cox.summary["exp(coef)"]
assert hazard_ratios.gt(0).all(), "every hazard ratio should be positive"
if dataset.is_embedded:
    assert 1.3 < hazard_ratios["promo_signup"] < 1.7, f"promo signups should churn about 1.5 times as fast; got {hazard_ratios['promo_signup']:.2f}"  # promo signups churn "about 1.5 times as fast"
    assert hazard_ratios["channel=referral"] < 1 and hazard_ratios["channel=search"] < 1, "on the embedded data referral and search should churn slower than the baseline channel"
    assert hazard_ratios["channel=affiliate"] > 1, "on the embedded data affiliate should churn faster than the baseline channel"

# %% [markdown]
# ### Checking the proportional-hazards assumption
#
# Cox assumes each hazard ratio is **constant over tenure**. The test below (lifelines'
# `proportional_hazard_test`) asks, covariate by covariate, whether the effect drifts with tenure;
# a small p-value says it does.

# %%
ph_check = survival.check_proportional_hazards(cox, durations)
ph_check.round(4)

# %%
churn_by_tenure = survival.churn_by_tenure_table(km_channel, 24, by="channel")
retention_plots.plot_churn_by_tenure(churn_by_tenure, by="channel", title="Churn falls with tenure and the channels converge")
plt.show()

# %%
assert set(ph_check["covariate"]) == set(cox.params_.index), "the proportional-hazards check should cover every covariate of the Cox model"
assert ph_check["p_value"].between(0, 1).all(), "p-values should lie between 0 and 1"
if dataset.is_embedded:
    failing = set(ph_check.loc[~ph_check["proportional"], "covariate"])
    assert {"channel=search", "promo_signup"} <= failing, f"channel=search and promo_signup should fail the proportional-hazards check; failing: {sorted(failing)}"

# %% [markdown]
# On the Beanstalk data the test flags the **search** channel and the **promotion** flag
# (referral is borderline), and the figure shows why. Customers within a channel differ in how
# churn-prone they are. The churn-prone leave first, so each channel's churn rate
# falls with tenure, and it falls fastest in the channels that started with the most churn-prone
# customers. After a year the survivors of every channel are the loyal kind, and the hazards
# **converge**: the hazard ratio shrinks towards 1 with tenure. Promo signups are the same story:
# more of them are churn-prone, they leave early, and the promo survivors look like everyone else.
# This is heterogeneity, the same story as the sBG model of lesson 02, not a bug in the data.
#
# What to do with it: read the Cox hazard ratios as an **average** over the first years, not a
# constant law; compare channels with their Kaplan-Meier curves and RMST (no proportionality
# assumed); or stratify the Cox model by channel (`CoxPHFitter.fit(..., strata=...)`) when you only
# need the other covariates.
#
# ## 7. Churn drivers with a logistic regression
#
# A simpler question, "did the customer churn within `churn_window_months` months?", can be answered
# with a logistic regression (statsmodels). Only customers who signed up at least that long ago can
# be used: a customer who joined last month and is still active might yet churn within the window,
# and counting them as "stayed" would understate churn, most for the channels that grew recently.

# %%
logit = survival.churn_logistic_regression(durations, covariates, churn_window_months, baselines=cox.baselines_)
print(f"{logit.customers_used:,} customers used; {logit.customers_excluded:,} signed up too recently to tell")
logit.odds_ratios.round(3)

# %%
plot_forest(logit.odds_ratios, "odds_ratio", "ci_lower", "ci_upper",
            xlabel=f"odds ratio of churning within {churn_window_months} months (log scale)",
            title="Logistic regression: churn drivers")
plt.show()

# %%
side_by_side = pd.DataFrame({"Cox hazard ratio": cox.summary["exp(coef)"], "logit odds ratio": logit.odds_ratios["odds_ratio"]})
assert (logit.odds_ratios["ci_lower"] <= logit.odds_ratios["ci_upper"]).all(), "every odds-ratio lower bound should be at most its upper bound"
assert logit.customers_used + logit.customers_excluded == len(durations), "every customer should be either used or excluded in the logistic model"
if dataset.is_embedded:
    # Both models agree on every direction that matters.
    for name in ("promo_signup", "channel=referral", "channel=search", "channel=affiliate"):
        assert (side_by_side.loc[name] > 1).all() or (side_by_side.loc[name] < 1).all(), name
side_by_side.round(2)

# %% [markdown]
# An **odds ratio** of 2 on `promo_signup` means the odds of leaving within the window are twice
# as high for promo signups as for others with the same channel, plan and age. Odds ratios are
# further from 1 than hazard ratios for the same effect (odds exaggerate when the outcome is
# common), but the two models tell the same story: promotions bring customers who leave sooner,
# referral and search bring customers who stay, and plan and age hardly matter once channel is
# taken into account. (The premium curve in section 3 looked better only because more premium
# customers arrive through referral and search: a *confounder*, which a regression adjusts for and a
# Kaplan-Meier curve by plan does not.) The logistic
# regression throws away timing and the customers too new to judge; the Cox model uses both.
#
# ## 8. Lifetime value by segment
#
# A subscriber pays a monthly margin for as long as they stay. Their lifetime value at signup is
# the **monthly margin × the discounted expected lifetime**,
# $\sum_{t=0}^{H-1} S(t)\,(1+d)^{-t}$ with $d$ the monthly discount rate: the first month is paid
# at signup, month $t$ is paid only by the share $S(t)$ still subscribed.

# %%
ltv_model = "kaplan_meier" if km_horizon_months >= horizon_months else choice.best_name
ltv_channel = lifetimes.lifetime_value_by_segment(
    durations, "channel", gross_margin_rate, discount_rate_annual, horizon_months, model=ltv_model
)
print(f"Model used: {ltv_model}")
readable(ltv_channel, money=["monthly_margin", "clv"], money_code=money)

# %%
ltv_extrapolated = lifetimes.lifetime_value_by_segment(
    durations, "channel", gross_margin_rate, discount_rate_annual, extrapolate_to_months, model=choice.best_name
)
survival_plots.plot_clv_by_segment(
    ltv_channel, longer=ltv_extrapolated,
    labels=(f"first {horizon_months} months ({ltv_model})", f"first {extrapolate_to_months} months ({choice.best_name}, extrapolated)"),
)
show_figure(money)

# %%
ltv_plan = lifetimes.lifetime_value_by_segment(
    durations, "plan", gross_margin_rate, discount_rate_annual, horizon_months, model=ltv_model
)
readable(ltv_plan, money=["monthly_margin", "clv"], money_code=money)

# %%
for table in (ltv_channel, ltv_plan, ltv_extrapolated):
    assert (table["clv"] - table["monthly_margin"] * table["discounted_lifetime_months"]).abs().max() < 1e-9, "CLV should equal monthly margin x discounted lifetime months"
    assert (table["discounted_lifetime_months"] <= table["expected_lifetime_months"] + 1e-9).all(), "discounted lifetime should not exceed the undiscounted expected lifetime"
assert (ltv_extrapolated["clv"] >= ltv_channel["clv"] - 1e-9).all(), "extrapolating beyond the data should never lower a channel's CLV"
if dataset.is_embedded:
    assert ltv_channel["clv"].idxmax() == "referral" and ltv_channel["clv"].idxmin() == "affiliate", f"referral should have the highest CLV and affiliate the lowest; got {ltv_channel['clv'].idxmax()} and {ltv_channel['clv'].idxmin()}"
    assert ltv_plan["clv"].idxmax() == "premium", f"premium should have the highest CLV by plan; got {ltv_plan['clv'].idxmax()}"  # same lifetimes, higher margin
    times_affiliate = ltv_channel["clv"] / ltv_channel.at["affiliate", "clv"]
    assert times_affiliate[["referral", "search"]].between(2, 3).all(), f"referral and search CLV should be two to three times affiliate's; got {times_affiliate[['referral', 'search']].round(2).to_dict()}"  # "two to three times", below

# %% [markdown]
# **The same question in the report.** Weighted by each channel's subscribers, these values give a new
# subscriber's value, which the executive report (lesson 07) also states. The sentences are generated from
# the numbers and name every way the estimates differ.

# %%
report_value = new_subscriber.report_estimate(dataset.subscriptions, dataset.analysis_date, gross_margin_rate,
                                              discount_rate_annual, horizon_months)
for table, model_name, months in ((ltv_channel, ltv_model, horizon_months),
                                  (ltv_extrapolated, choice.best_name, extrapolate_to_months)):
    method = (new_subscriber.REPORT_METHOD if model_name == "kaplan_meier"
              else f"the {model_name} model per channel (weighted by subscribers)")
    estimate = new_subscriber.Estimate(f"Lesson 03 over {months} months", new_subscriber.weighted_value(table),
                                       method, months, new_subscriber.REPORT_MARGIN)
    print(new_subscriber.relation_sentence(estimate, report_value, money))

# %% [markdown]
# ## What this means for the business
#
# * **Never average the tenures of customers who already left.** With a third of subscribers still
#   active, that shortcut under-states lifespans by a third or more, and most for the best customers.
# * A referral or search customer is worth **two to three times** an affiliate customer over three
#   years, mostly because they *stay*: monthly margins differ far less than lifetimes. Lesson 06 sets these values
#   against what each channel costs to acquire; the cheapest channel is not the best one.
# * **Promotions** bring customers who churn about 1.5 times as fast. A promo customer's lifetime
#   value, not the signup count, is what a promotion should be judged on.
# * Plans differ in margin, not in loyalty (once channel is accounted for): upselling a subscriber to
#   premium raises their value without shortening their stay.
# * Beyond three years we are extrapolating. The chosen model is the best of the ones tried, but a
#   decision that depends on year five deserves a range (compare the candidates), not a point.

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
# **Exercise 1.** Compute the discounted expected lifetime of a new customer (all customers
# together, Kaplan-Meier) over the first 24 months (or all the months your data cover, if fewer),
# once with no discounting and once at `discount_rate_annual`. Store them in `undiscounted_24` and
# `discounted_24`. The first equals the RMST over 24 months: why? Store the letter of the reason in
# `why_1`.
#
# * (a) Because discounting at 0% makes every model agree.
# * (b) Customers only leave on monthly anniversaries, so the survival curve steps once a month and
#   the sum of the monthly survival probabilities is exactly the area under it.
# * (c) It is a coincidence of this data set.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
months_24 = min(24, km_horizon_months)  # 24, unless your data are shorter
undiscounted_24 = survival.discounted_expected_lifetime_months(km_all, 0.0, months_24)
discounted_24 = survival.discounted_expected_lifetime_months(km_all, discount_rate_annual, months_24)
why_1 = "b"

# %% jupyter={"source_hidden": true} tags=["check"]
horizon_check = min(24, km_horizon_months)
rmst_check = survival.restricted_mean_lifetime_months(km_all, horizon_check)
check_close("undiscounted_24", undiscounted_24, rmst_check)
check_close("discounted_24", discounted_24,
            survival.discounted_expected_lifetime_months(km_all, discount_rate_annual, horizon_check),
            mistakes={"that is the undiscounted value: pass discount_rate_annual.": rmst_check})
check_choice("why_1", why_1, "593b6e707345", {
    "a": "Discounting at 0% is just a sum of survival probabilities; the question is why that sum is an area.",
    "b": "A curve that is flat between anniversaries has the area of its monthly steps: sum = RMST.",
    "c": "It holds for any data counted in whole months, as these durations are.",
})

# %% [markdown]
# **Exercise 2.** What is the most a company should pay to acquire one customer from each channel
# if it wants the first year of margin (12 months, discounted) to pay the acquisition cost back?
# Store a Series indexed by channel in `max_cac_12`.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
max_cac_12 = lifetimes.lifetime_value_by_segment(
    durations, "channel", gross_margin_rate, discount_rate_annual, 12,
    model="kaplan_meier" if km_horizon_months >= 12 else choice.best_name,
)["clv"]

# %% jupyter={"source_hidden": true} tags=["check"]
value_12 = lifetimes.lifetime_value_by_segment(
    durations, "channel", gross_margin_rate, discount_rate_annual, 12,
    model="kaplan_meier" if km_horizon_months >= 12 else choice.best_name,
)["clv"]
check_close("max_cac_12", max_cac_12, value_12, mistakes={
    f"that counts {horizon_months} months of margin; the question asks for the first 12.": ltv_channel["clv"],
})

# %% [markdown]
# **Exercise 3.** The naive analyst of section 2 reports the *median* tenure of the customers who
# already cancelled. Compute it (`naive_median`) and the Kaplan-Meier median lifetime of all
# customers (`km_median`). Which is longer, and why? Store the letter in `why_3`.
#
# * (a) The naive median is longer: Kaplan-Meier counts the active customers as leaving today.
# * (b) The naive median is shorter: it sees only lifetimes that have ended, and those are mostly
#   the short ones.
# * (c) They agree, since both are medians of the same customers.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
naive_median = durations.loc[durations["churned"], "tenure_months"].median()
km_median = survival.median_lifetime_months(km_all)
print(f"naive median {naive_median:.0f} months vs Kaplan-Meier median {km_median:.0f} months")
why_3 = "b"

# %% jupyter={"source_hidden": true} tags=["check"]
ended = durations["churned"]
check_close("naive_median", naive_median, durations["tenure_months"][ended].median(), mistakes={
    "that is the median over every customer: the naive analyst looks only at those who cancelled.":
        durations["tenure_months"].median(),
})
check_close("km_median", km_median, survival.median_lifetime_months(km_all))
check_choice("why_3", why_3, "beff354e3b1b", {
    "a": "Kaplan-Meier never counts an active customer as leaving: it keeps them at risk until today.",
    "b": "Selection on the outcome: long lifetimes are still running, so they are missing from the sample.",
    "c": "They are medians of different groups: the leavers only, versus everyone.",
})

# %% [markdown]
# ## Quiz
#
# Answer with the letter of the option you choose; the check under each question explains it.
#
# **Question 1.** The Cox model gives promo customers a hazard ratio of 1.5. What does it mean?
# Store your letter in `quiz_1`.
#
# * (a) Promo customers stay 1.5 times as long.
# * (b) Half of the promo customers churn.
# * (c) At any tenure, a promo customer still active is 1.5 times as likely to cancel next as a
#   comparable customer without the promotion.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
quiz_1 = "c"

# %% jupyter={"source_hidden": true} tags=["check"]
check_choice("quiz_1", quiz_1, "6f70cad0070d", {
    "a": "A hazard ratio above 1 means leaving faster, so shorter lifetimes, not longer ones.",
    "b": "A hazard ratio compares rates of leaving; it is not a share of customers.",
    "c": "The hazard is the rate of leaving among those still there; the ratio compares two groups.",
})

# %% [markdown]
# **Question 2.** Kaplan-Meier needs no assumption about the shape of the curve. Why fit a Weibull
# or log-logistic model as well? Store your letter in `quiz_2`.
#
# * (a) To extrapolate beyond the longest tenure the data show, which Kaplan-Meier cannot do.
# * (b) Kaplan-Meier is biased by censoring.
# * (c) Parametric models are always more accurate inside the data.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
quiz_2 = "a"

# %% jupyter={"source_hidden": true} tags=["check"]
check_choice("quiz_2", quiz_2, "f378cbdb3a98", {
    "a": "Kaplan-Meier stops at the data; a lifetime value over 5 years needs a shape to extend.",
    "b": "Kaplan-Meier is built for censoring: it is the one estimator here that needs no shape.",
    "c": "Inside the data Kaplan-Meier is the benchmark the parametric curves are compared with.",
})

# %% [markdown]
# ## Take-aways
#
# * Customers still active are *right-censored*: dropping them or counting them as churned both
#   understate lifetimes. Kaplan-Meier uses them correctly.
# * The RMST (area under the survival curve up to a horizon) is the expected lifetime within that
#   horizon; discounted, it times the monthly margin is the lifetime value.
# * Parametric models (chosen by AIC) extend the curve beyond the data: a range, not a certainty.
# * The Cox model reads churn drivers as hazard ratios; check its proportional-hazards assumption.
#
# ## References
#
# * Kaplan, E. L. and Meier, P. (1958). Nonparametric estimation from incomplete observations.
#   *Journal of the American Statistical Association* 53(282), 457–481.
# * Cox, D. R. (1972). Regression models and life-tables. *Journal of the Royal Statistical Society,
#   Series B* 34(2), 187–220.
# * Kleinbaum, D. G. and Klein, M. (2012). *Survival Analysis: A Self-Learning Text*, 3rd ed. Springer.
# * Royston, P. and Parmar, M. K. B. (2013). Restricted mean survival time: an alternative to the
#   hazard ratio for the design and analysis of randomized trials with a time-to-event outcome.
#   *BMC Medical Research Methodology* 13, 152.
# * Davidson-Pilon, C. (2019). lifelines: survival analysis in Python. *Journal of Open Source
#   Software* 4(40), 1317.
# * Terms used here (censoring, survival curve, hazard, hazard ratio, RMST, AIC, odds ratio) are in
#   the [glossary](../docs/glossary.md).
