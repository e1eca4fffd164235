# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02 · Cohorts and retention: why constant churn is wrong, and the sBG model
#
# Beanstalk Coffee sells a monthly subscription. How long do subscribers stay, and what is a new
# (or an existing) subscriber worth? This lesson answers with cohorts and the
# **shifted-beta-geometric (sBG)** model of Fader & Hardie (2007).
#
# **What you will learn**
#
# 1. Build a signup-cohort table and a retention heatmap, treating customers who are still active
#    (right-censored) correctly.
# 2. Read churn by tenure, and why it falls as tenure grows: customers differ, the leavers leave
#    first (not "customers get loyal").
# 3. Fit a constant-churn model and the sBG on the first months of data and compare their
#    projections with the months held back.
# 4. Value a customer with the discounted expected lifetime (DEL) and residual lifetime (DERL).
# 5. Replicate the published Fader & Hardie (2007) example.
#
# **Prerequisites.** Lessons 00 and 01 (retention, discounting). **Estimated time:** 60 minutes.
# Every term is explained in the [glossary](../docs/glossary.md).

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from clvlib.analysis import cohorts
from clvlib.core.money import currency as currency_named
from clvlib.core.units import UnitMismatchError, convert_rate
from clvlib.course import new_subscriber, tables
from clvlib.data import load_dataset
from clvlib.data.simulate import simulate_sbg_cohort
from clvlib.models.contractual import sbg
from clvlib.plots import retention as retention_plots

# %% tags=["parameters"]
data_source: dict = {}  # {} means the embedded Beanstalk Coffee data; see params/ for your own files
early_cohorts: int = 6  # how many of the first signup months to pool into one cohort for the models
calibration_months: int = 12  # months since signup used to fit the models; later months are held back
discount_rate_annual: float = 0.10  # yearly discount rate (the company's cost of capital)
gross_margin_rate: float = 0.40  # share of subscription revenue kept as margin
min_at_risk: int = 100  # leave out tenure months with fewer subscribers at risk than this (too noisy)
horizon_months: int = 36  # how many months ahead lifetime value counts
currency: str = "USD"  # ISO code of the data's money: USD $1,234, EUR €1,234, GBP £1,234, CHF, JPY, SEK/NOK/DKK 1,234 kr

# %%
# Derived values.
dataset = load_dataset(data_source)
money = currency_named(currency)  # every amount below is written in it
subscriptions = dataset.subscriptions
analysis_date = dataset.analysis_date
discount_rate_monthly = convert_rate(discount_rate_annual, "year", "month")
monthly_margin = float(subscriptions["monthly_revenue"].mean() * gross_margin_rate)
signup_months = subscriptions["signup_date"].dt.to_period("M")
first_cohort = signup_months.min()
last_cohort = min(first_cohort + early_cohorts - 1, signup_months.max())
print(f"{len(subscriptions):,} subscribers, data up to {analysis_date.date()}; "
      f"average monthly margin {money.format(monthly_margin, 2)}; models use cohorts {first_cohort} to {last_cohort}.")

# %% [markdown]
# ## 1. The cohort table
#
# A **cohort** is everyone who signed up in the same month. For each cohort we count how many are
# still active $k$ months after signing up (month 0 = the signup payment).
#
# Customers who are still active on the analysis date are **right-censored**: we know they have
# stayed *so far*, not when they will leave. A cohort that signed up three months ago has not had
# the chance to reach month 4; that cell is simply *not observed*. `cohorts.retention_matrix` only
# returns cells that every member of the cohort has reached, so the blank triangle in the heatmap
# means "not yet", never "churned".

# %%
long = cohorts.retention_matrix(subscriptions, analysis_date)
share = cohorts.retention_table(long, "share_active")
retention_plots.plot_retention_heatmap(share)
plt.show()
share.iloc[:6, :13].round(2)

# %%
assert long["share_active"].notna().all(), "every observed cohort cell should have a share of active customers"  # observed cells only
assert (long.loc[long["months_since_signup"] == 0, "share_active"] == 1).all(), "every cohort should be 100% active in its signup month"
for cohort, g in long.groupby("cohort"):
    assert (np.diff(g["active"].to_numpy()) <= 0).all(), cohort  # nobody comes back
    row = share.loc[cohort]
    assert row.notna().sum() == len(g) and row.iloc[: len(g)].notna().all(), "a cohort row should have blanks only at the end, after its last observed month"  # blanks only at the end

# %% [markdown]
# ## 2. Churn by tenure falls as tenure grows
#
# Pool all cohorts into a life table: at each month $k$, how many subscribers were **at risk**
# (they paid for month $k-1$ and we have seen whether they renewed) and how many left. The churn
# rate is churned ÷ at risk.

# %%
by_tenure = cohorts.churn_by_tenure(subscriptions, analysis_date, min_at_risk=min_at_risk)
retention_plots.plot_churn_by_tenure(by_tenure)
plt.show()
by_channel = cohorts.churn_by_tenure(subscriptions, analysis_date, by="channel", min_at_risk=min_at_risk // 2)
retention_plots.plot_churn_by_tenure(by_channel, by="channel")
plt.show()
by_tenure.head(13).round(3)

# %%
assert by_tenure["churn_rate"].between(0, 1).all(), "churn rates by tenure should lie between 0 and 1"
assert (by_tenure["at_risk"] >= min_at_risk).all(), f"every tenure month shown should have at least {min_at_risk} customers at risk"
if dataset.is_embedded:
    early = by_tenure.loc[by_tenure["months_since_signup"] <= 3, "churn_rate"].mean()
    later = by_tenure.loc[by_tenure["months_since_signup"].between(12, 24), "churn_rate"].mean()
    assert later < 0.7 * early, f"on the embedded data later churn ({later}) should be below 70% of early churn ({early})"

# %% [markdown]
# **Why does churn fall?** The tempting story is that customers "get loyal" the longer they stay.
# But the same pattern appears when *no customer ever changes*. Each Beanstalk subscriber was
# simulated with their own fixed monthly churn probability, drawn from a Beta distribution. Those
# with a high churn probability leave in the first months; the survivors are increasingly the
# ones with a low churn probability, so the *average* churn of those still around falls.
#
# The simulation below makes the point in isolation: 20,000 customers whose individual churn
# never changes, drawn from Beta(1.5, 10) (mean 13%).

# %%
simulated = simulate_sbg_cohort(alpha=1.5, beta=10.0, n_customers=20_000, n_periods=36, seed=2)
renewals = np.arange(1, 37)
simulated_retention = simulated[1:] / simulated[:-1]
retention_plots.plot_retention_rate_curves(
    renewals, {"simulated customers (each churn fixed)": simulated_retention,
               "one churn rate for all (13%)": np.full(renewals.size, 1 - 1.5 / 11.5)},
    unit_label="months since signup")
plt.show()

# %%
assert simulated_retention[-6:].mean() > simulated_retention[:3].mean() + 0.05, "with each customer's churn fixed, pooled retention should still rise with tenure (last 6 months 5+ points above the first 3)"

# %% [markdown]
# ## 3. Projecting retention: constant churn vs the sBG
#
# Take the first cohorts, pooled (signups in the first few months: the ones observed longest),
# fit two models on the first `calibration_months` months only, and compare their projections
# with the months held back.
#
# * **Constant churn** (geometric): everyone churns with the same probability $c$; survival is $(1-c)^t$.
# * **sBG** (Fader & Hardie 2007): each customer churns with their own probability
#   $\theta \sim \text{Beta}(\alpha, \beta)$. Then $S(t) = B(\alpha, \beta+t)/B(\alpha,\beta)$ and the
#   retention rate $r(t) = (\beta+t-1)/(\alpha+\beta+t-1)$ rises with $t$. The two parameters are
#   found by maximum likelihood.

# %%
survivors = cohorts.cohort_survivors(subscriptions, analysis_date, first_cohort, last_cohort)
calibration = min(calibration_months, len(survivors) - 2)
if calibration != calibration_months:
    print(f"Only {len(survivors) - 1} months observed: fitting on {calibration} months instead of {calibration_months}.")
comparison, model = sbg.compare_projections(survivors.to_numpy(), calibration, time_unit="month")
retention_plots.plot_retention_projections(comparison)
plt.show()
model.summary.round(3)

# %%
holdout = comparison[~comparison["in_calibration"]]
errors = pd.DataFrame({
    "sBG": (holdout["sbg"] / holdout["actual"] - 1).abs(),
    "constant churn": (holdout["constant_churn"] / holdout["actual"] - 1).abs(),
}).agg(["mean", "max"])
print(f"sBG: alpha = {model.alpha_:.2f}, beta = {model.beta_:.2f}, mean churn {model.mean_churn_:.1%}; "
      f"constant churn {model.constant_churn_.churn_:.1%} a month")
print(f"Log-likelihood: sBG {model.log_likelihood_:.1f}, constant churn {model.constant_churn_.log_likelihood_:.1f}")
errors.round(3)  # relative error of the projection in the held-back months

# %%
assert (np.diff(survivors.to_numpy()) <= 0).all(), "the projected survivors should never increase"
assert model.log_likelihood_ >= model.constant_churn_.log_likelihood_ - 0.01, f"the sBG fit ({model.log_likelihood_}) should be at least as likely as constant churn ({model.constant_churn_.log_likelihood_})"  # sBG nests constant churn
if dataset.is_embedded:
    assert errors.loc["mean", "sBG"] < 0.10, f"on the embedded data the sBG mean error should be below 10%; got {errors.loc['mean', 'sBG']}"
    assert errors.loc["mean", "constant churn"] > 3 * errors.loc["mean", "sBG"], "on the embedded data constant churn should err at least 3 times as much as sBG"
    last = comparison.iloc[-1]
    assert last["constant_churn"] < 0.6 * last["actual"], f"constant churn should lose most survivors by the end; got {last['constant_churn']} vs actual {last['actual']}"  # constant churn loses most survivors

# %% [markdown]
# ## 4. What is a customer worth? DEL and DERL
#
# Fader & Hardie (2010) give the value of a contractual customer in closed form. With a discount
# rate $d$ **per model period** (here per month):
#
# * **DEL**, discounted expected lifetime of a customer about to sign up, first payment at $t=0$
#   undiscounted: $\text{DEL} = \sum_{t\ge 0} S(t)/(1+d)^t = {}_2F_1(1, \beta; \alpha+\beta; \tfrac{1}{1+d})$.
# * **DERL**, discounted expected *residual* lifetime of a customer who has made $n-1$ renewals and is
#   about to decide on the next one:
#   $\frac{\beta+n-1}{\alpha+\beta+n-1}\, {}_2F_1(1, \beta+n; \alpha+\beta+n; \tfrac{1}{1+d})$.
#
# Multiply by the margin per month to get dollars. Under the sBG a customer who has already renewed
# many times is worth *more* than a new one (they are more likely a low-churn type); under constant
# churn every customer is worth the same whatever their tenure.

# %%
del_months = model.discounted_expected_lifetime(discount_rate_monthly, time_unit="month")
print(f"A new subscriber: DEL = {del_months:.1f} discounted months, worth {money.format(monthly_margin * del_months, 2)} "
      f"(constant churn says {money.format(monthly_margin * model.constant_churn_.discounted_expected_lifetime(discount_rate_monthly), 2)})")
renewals_made = [0, 3, 6, 12, 24]
value_table = pd.DataFrame({
    "sBG": [monthly_margin * model.discounted_expected_residual_lifetime(discount_rate_monthly, n) for n in renewals_made],
    "constant churn": [monthly_margin * model.constant_churn_.discounted_expected_residual_lifetime(discount_rate_monthly, n)
                       for n in renewals_made],
}, index=pd.Index(renewals_made, name="renewals made"))
retention_plots.plot_value_by_tenure(value_table)
tables.show_figure(money)
tables.readable(value_table, money=["sBG", "constant churn"], money_code=money)

# %% [markdown]
# The model was fitted in months, so its discount rate must be per month. Passing the yearly rate
# (and saying so) is caught rather than silently overstating the value:

# %%
try:
    model.discounted_expected_lifetime(discount_rate_annual, time_unit="year")
except UnitMismatchError as err:
    print(err)

# %%
assert del_months > 1, f"the discounted expected lifetime should exceed one month; got {del_months}"
assert (np.diff(value_table["sBG"].to_numpy()) > 0).all(), "under sBG the remaining value should rise with tenure"  # longer tenure, higher remaining value
assert np.allclose(value_table["constant churn"], value_table["constant churn"].iloc[0]), "under constant churn the remaining value should be the same at every tenure"

# %% [markdown]
# **The same question in the report.** The executive report (lesson 07) values a new subscriber too;
# the sentence below is generated from both numbers and names every way the two estimates differ.

# %%
report_value = new_subscriber.report_estimate(subscriptions, analysis_date, gross_margin_rate,
                                              discount_rate_annual, horizon_months)
sbg_value = new_subscriber.Estimate(
    "Lesson 02's sBG", monthly_margin * del_months,
    f"the sBG model fitted on the first {early_cohorts} signup cohorts' first {calibration_months} months", None,
    f"the average subscriber's {money.format(monthly_margin, 2)} a month")
print(new_subscriber.relation_sentence(sbg_value, report_value, money))

# %% [markdown]
# ## 5. The published example: Fader & Hardie (2007)
#
# The paper's Table 1 follows 1,000 customers of two segments ("Regular" and "High End") for 12
# years. Fitting on years 0–7 must give $\alpha = 0.704, \beta = 1.182$ (Regular) and
# $\alpha = 0.668, \beta = 3.806$ (High End), and the projections for years 8–12 should track the
# actual counts. (The paper's body text prints 0.688 for High End; its Appendix B and a re-fit
# give 0.668.)

# %%
rows, fig_axes = [], plt.subplots(1, 2, figsize=(12, 4), sharey=True)[1]
for ax, (segment, counts) in zip(fig_axes, sbg.FADER_HARDIE_2007_SURVIVORS.items(), strict=True):
    table, fitted = sbg.compare_projections(counts, calibration_periods=7, time_unit="year")
    retention_plots.plot_retention_projections(table, ax=ax, unit_label="years since acquisition")
    ax.set_title(f"Fader & Hardie (2007): {segment.replace('_', ' ')}")
    paper = sbg.FADER_HARDIE_2007_ESTIMATES[segment]
    rows.append({"segment": segment, "alpha": fitted.alpha_, "alpha (paper)": paper["alpha"],
                 "beta": fitted.beta_, "beta (paper)": paper["beta"],
                 "log-likelihood": fitted.log_likelihood_, "log-likelihood (paper)": paper["log_likelihood"],
                 "year 12 projected": table["sbg"].iloc[-1], "year 12 actual": table["actual"].iloc[-1]})
plt.show()

# %%
replication = pd.DataFrame(rows).set_index("segment")
replication.round(3)

# %%
for segment, row in replication.iterrows():
    assert round(row["alpha"], 3) == row["alpha (paper)"], segment
    assert round(row["beta"], 3) == row["beta (paper)"], segment
    assert abs(row["log-likelihood"] - row["log-likelihood (paper)"]) < 0.05, segment
    assert abs(row["year 12 projected"] / row["year 12 actual"] - 1) < 0.05, segment

# %% [markdown]
# ## What this means for the business
#
# * A single churn rate averaged over everyone overstates long-run churn: it projects far too few
#   subscribers still around after two or three years, and undervalues the customer base.
# * Falling churn by tenure is mostly **selection**, not loyalty-building: retention campaigns aimed
#   at "making customers loyal" will not create this curve; acquiring the right customers (channels
#   whose customers churn less) will.
# * A subscriber who has stayed a year is worth more than a new one. Offers that make long-standing
#   customers leave (price rises aimed at the base, for example) cost more than a constant-churn
#   spreadsheet suggests.
# * Fit on the early months, check on the months held back: a model that cannot project the data
#   you already have should not be trusted with the future.

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
# **Exercise 1.** Fit the sBG to the High End segment's years 0–7
# (`sbg.FADER_HARDIE_2007_SURVIVORS["high_end"][:8]`, time unit "year") and project how many of the
# 1,000 customers are still active in year 12. Store the number in `answer_1`.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
high_end = sbg.ShiftedBetaGeometric(time_unit="year").fit(sbg.FADER_HARDIE_2007_SURVIVORS["high_end"][:8])
answer_1 = float(high_end.project(12, cohort_size=1000)["expected_active"].iloc[-1])

# %% jupyter={"source_hidden": true} tags=["check"]
paper = sbg.FADER_HARDIE_2007_SURVIVORS["high_end"]
fit_0_7 = sbg.ShiftedBetaGeometric(time_unit="year").fit(paper[:8])
year_12 = float(fit_0_7.project(12, cohort_size=1000)["expected_active"].iloc[-1])
check_close("answer_1", answer_1, year_12, mistakes={
    "that is the paper's observed count, not the model's projection.": paper[12],
    "that is a share: the question asks how many of the 1,000 customers.": year_12 / 1000,
})
print(f"Projected {answer_1:,.0f} of 1,000; the paper observed {paper[12]:,}.")

# %% [markdown]
# **Exercise 2.** From the life table `by_tenure`, what share of subscribers at risk churned at their
# first renewal (month 1), and at month 12? Store the pair in `answer_2` as `(month_1, month_12)`.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
rates = by_tenure.set_index("months_since_signup")["churn_rate"]
answer_2 = (float(rates.loc[1]), float(rates.loc[12]))

# %% jupyter={"source_hidden": true} tags=["check"]
life_table = by_tenure.set_index("months_since_signup")
pair_check = tuple(life_table.at[m, "churned"] / life_table.at[m, "at_risk"] for m in (1, 12))
check_close("answer_2", answer_2, pair_check, mistakes={
    "those are the shares who renewed; the question asks for those who churned.": [1 - r for r in pair_check],
})

# %% [markdown]
# **Exercise 3.** Using `model` (the sBG fitted above), how many times more is a subscriber who has
# made 12 renewals worth than one who has made none (both valued just before their next renewal)?
# Store the ratio in `answer_3`.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
answer_3 = (model.discounted_expected_residual_lifetime(discount_rate_monthly, 12)
            / model.discounted_expected_residual_lifetime(discount_rate_monthly, 0))

# %% jupyter={"source_hidden": true} tags=["check"]
check_t = np.arange(0, 5000)
def brute_derl(n_renewals):  # the long sum of discounted survival, given n renewals so far
    n = n_renewals + 1
    return np.sum(model.survival(check_t + n) / model.survival(n - 1) / (1 + discount_rate_monthly) ** check_t)

check_close("answer_3", answer_3, brute_derl(12) / brute_derl(0), rel_tol=1e-6, mistakes={
    "that ratio is upside down: divide the 12-renewal value by the new subscriber's.": brute_derl(0) / brute_derl(12),
})

# %% [markdown]
# ## Quiz
#
# Answer with the letter of the option you choose; the check under each question explains it.
#
# **Question 1.** Churn by tenure falls as tenure grows. How does the sBG model explain it? Store
# your letter in `quiz_1`.
#
# * (a) Every customer becomes more loyal the longer they stay.
# * (b) Customers differ in their churn probability; the likely leavers leave first, so the
#   survivors are more and more the loyal ones.
# * (c) The company improved its service over the years.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
quiz_1 = "b"

# %% jupyter={"source_hidden": true} tags=["check"]
check_choice("quiz_1", quiz_1, "4d46bf1666ef", {
    "a": "In the sBG each customer's churn probability is constant: nobody's loyalty grows.",
    "b": "Selection, not loyalty-building: the mix of survivors changes (heterogeneity).",
    "c": "Churn by tenure falls within every signup cohort, whatever the calendar month.",
})

# %% [markdown]
# **Question 2.** Why are subscribers who are still active kept in the retention table rather than
# dropped? Store your letter in `quiz_2`.
#
# * (a) They are right-censored: they survived at least until the analysis date; dropping them
#   keeps only the leavers and makes retention look worse than it is.
# * (b) They are counted as churned on the analysis date.
# * (c) It makes no difference either way.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
quiz_2 = "a"

# %% jupyter={"source_hidden": true} tags=["check"]
check_choice("quiz_2", quiz_2, "f378cbdb3a98", {
    "a": "They count as at risk for every month they were seen, and no further.",
    "b": "Counting them as churned would invent cancellations that never happened.",
    "c": "Dropping them biases retention down, most for the recent cohorts.",
})

# %% [markdown]
# ## Take-aways
#
# * A cohort table counts, month by month since signup, who is at risk and who churned; customers
#   still active are *censored*, not churned.
# * Churn falls with tenure because customers differ, not because they grow loyal: a constant churn
#   rate projects too few long-lived subscribers.
# * The sBG model (beta-distributed churn probabilities) fits the early months and projects the rest;
#   check it on months held back.
# * DEL values a new subscriber, DERL an existing one: a subscriber who has stayed a year is worth
#   more than a new one.
#
# ## References
#
# * Fader, P. S. and Hardie, B. G. S. (2007). How to project customer retention. *Journal of
#   Interactive Marketing* 21(1), 76–90 (the sBG model and the High End / Regular data).
# * Fader, P. S. and Hardie, B. G. S. (2010). Customer-base valuation in a contractual setting: the
#   perils of ignoring heterogeneity. *Marketing Science* 29(1), 85–93 (DEL and DERL).
# * Terms used here (cohort, retention, churn, censoring, sBG, DEL, DERL) are in the
#   [glossary](../docs/glossary.md).
