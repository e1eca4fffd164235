# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 09 · Machine learning vs the probabilistic models
#
# Much of what is written about CLV says a model should "use machine learning on all the data you
# collect". Lesson 04 forecast each shop customer with BG/NBD and Gamma-Gamma from four numbers per
# customer. Does a learned model do better? This lesson runs the contest fairly: the same customers,
# the same information (orders up to the calibration end), the same holdout period, scored by the same
# tested functions. Then it turns subscription churn into a prediction problem with a proper time split.
#
# **In this notebook you will learn**
#
# 1. to build features from the calibration period only, and why **leakage** is the classic mistake;
# 2. to compare a gradient-boosted model with BG/NBD × Gamma-Gamma on error (MAE, RMSE), ranking
#    (rank correlation, top-decile lift) and calibration by decile, on the embedded shop and on CDNOW;
# 3. to predict which subscribers cancel next with a time split, and to read an AUC and a lift chart;
# 4. to relate that classifier to lesson 03's Cox model, and turn either into a ranked at-risk list.
#
# **Prerequisites.** Lessons 03 (the Cox model) and 04 (BG/NBD, Gamma-Gamma, calibration and holdout).
# No machine learning is assumed. **Estimated time:** 60 minutes. Every term is explained in the
# [glossary](../docs/glossary.md).

# %% [markdown]
# ## Parameters
#
# `make report PARAMS=params/your_file.yml` replaces these values without editing the notebook.

# %% tags=["parameters"]
data_source: dict = {}  # {} is the embedded Beanstalk Coffee data; see params/ for your own files
time_unit: str = "week"  # period for recency, T and the models: "day", "week" or "month"
calibration_end: str = ""  # last day of the calibration period (YYYY-MM-DD); empty means halfway through the orders
cv_folds: int = 5  # how many groups of customers the learned model is cross-fitted on
churn_horizon_months: int = 6  # the churn label: cancelled within this many months of the cut-off
seed: int = 2024  # random seed of the learned models and of the split into folds, so results are reproducible
currency: str = "USD"  # ISO code of the data's money: USD $1,234, EUR €1,234, GBP £1,234, CHF, JPY, SEK/NOK/DKK 1,234 kr
cdnow_allow_download: bool = False  # fetch CDNOW from PyPI (0.6 MB) when it is not cached yet

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

# %%
from clvlib import transactions
from clvlib.analysis import (
    cdnow_replication,
    churn_prediction,
    ml_clv,
    ml_features,
    prediction_metrics,
)
from clvlib.core.money import currency as currency_named
from clvlib.course.tables import show_figure
from clvlib.data import cdnow, load_dataset
from clvlib.plots import ml as ml_plots

# %%
dataset = load_dataset(data_source)
orders = dataset.orders
money = currency_named(currency)  # every amount is written in it; an unknown code stops here
observation_end = dataset.period_end("orders")  # the orders' own period_end, else the analysis date
first_order = orders["order_date"].min()
cal_end = pd.Timestamp(calibration_end) if calibration_end else (first_order + (observation_end - first_order) / 2).floor("D")
split = transactions.calibration_holdout_split(orders, cal_end, observation_end, time_unit=time_unit)
holdout_periods = float(split["duration_holdout"].iloc[0])
print(f"{len(split):,} customers bought by {cal_end.date()}; "
      f"holdout of {holdout_periods:.1f} {time_unit}s to {observation_end.date()}")

# %% [markdown]
# ## 1. Features from the calibration period only
#
# A learned model needs a table: one row per customer, columns of **features**, and the **target** to
# predict, here what each customer spent in the holdout period. The features must be what we would
# have known on the calibration end. `order_features` first drops every later order, then computes
# the four BG/NBD numbers and what a data scientist would add: first-order value, total and largest
# spend, recent purchases, and the channel of the first order (when the log has one).
#
# **Leakage**, a feature that quietly contains the future, is the classic mistake of machine-learning
# CLV. It rarely looks like cheating: a "total spend" column from a customer table exported today (so
# it includes the holdout), "days since the last order" counted to today, an account status updated
# after the customer left. The model then shines in testing and fails in use.

# %%
features = ml_features.order_features(orders, cal_end, time_unit=time_unit).loc[split.index]
actual = ml_clv.holdout_value(split)
print(f"{features.shape[1]} features for {len(features):,} customers; "
      f"they spent {money.format(actual.sum())} in the holdout period")
features.head()

# %% [markdown]
# What leakage does, in one line: a "lifetime spend" column computed from the whole order log (the way
# a customer table exported today would have it) contains the holdout spend it is meant to predict, so
# on its own it ranks the holdout's big spenders better than the honest calibration spend. And the
# test that the honest features are honest: set every holdout order to zero and rebuild them.

# %%
lifetime_spend = orders.groupby("customer_id")["order_value"].sum().reindex(features.index)
leaky_rank = prediction_metrics.spearman_rank_correlation(actual, lifetime_spend)
honest_rank = prediction_metrics.spearman_rank_correlation(actual, features["total_value"])
print(f"rank correlation with holdout spend: lifetime spend (leaky) {leaky_rank:.2f}, "
      f"calibration spend (honest) {honest_rank:.2f}")
zeroed = orders.assign(order_value=orders["order_value"].where(orders["order_date"] <= cal_end, 0.0))
rebuilt = ml_features.order_features(zeroed, cal_end, time_unit=time_unit).loc[split.index]
assert rebuilt.equals(features), "the features changed when only holdout orders changed: they leak"
assert leaky_rank > honest_rank, f"the leaky column should look better; got {leaky_rank:.2f} vs {honest_rank:.2f}"

# %% [markdown]
# ## 2. Two forecasts of each customer's holdout spend
#
# * **BG/NBD × Gamma-Gamma** (lesson 04), fitted on the calibration summary: expected purchases in the
#   holdout times expected spend per purchase (no margin, no discounting, so it compares with spend).
# * **Gradient boosting** (scikit-learn's `HistGradientBoostingRegressor`): many small decision
#   trees, each correcting the errors of those before. It must see examples of the target, and only
#   the holdout has them. So we **cross-fit**: split the customers into `cv_folds` groups, and predict
#   each group with a model trained on the other groups' holdout spend. That is the learned model's
#   **best case**: through other customers it learns the very period it predicts (a Christmas, a price
#   change). In production it would be trained on last year's calibration/holdout pair, applied this year.
# * **Past spend rate**: spend so far per period, times the holdout length, the spreadsheet forecast.
#
# The scores: **MAE** and **RMSE** (money per customer, lower is better; RMSE weighs big misses
# more), **Spearman** rank correlation (does it put customers in the right order?), **top 10% lift**
# (how many times the average customer's spend the forecast's top decile spent) and total predicted /
# actual (1 means the total is unbiased).

# %%
forecasts = {
    "BG/NBD x Gamma-Gamma": ml_clv.model_holdout_value(split),
    "gradient boosting": ml_clv.learned_holdout_value(features, actual, n_folds=cv_folds, seed=seed),
    "past spend rate": ml_clv.past_spend_holdout_value(features, holdout_periods),
}
shop_table = ml_clv.comparison_table(actual, forecasts)
shop_table.round(3)

# %%
pair = ["BG/NBD x Gamma-Gamma", "gradient boosting"]
print("Shop:", ml_clv.verdict_sentence(ml_clv.metric_winners(shop_table, *pair)))
shop_gaps = prediction_metrics.error_difference_interval(actual, *(forecasts[name] for name in pair), seed=seed)
print("Beyond luck?", ml_clv.gap_sentence(shop_gaps, *pair))
assert np.isfinite(shop_table.to_numpy()).all(), "every score should be a finite number"
if dataset.is_embedded:
    lifts = shop_table.loc[pair, "top 10% lift"]
    assert (lifts > 3).all(), f"both forecasts' top decile should spend over 3x the average; got {lifts.round(2).tolist()}"
    assert (shop_table["MAE"].idxmax() == "past spend rate"), "the naive forecast should have the largest MAE"

# %% [markdown]
# A forecast can rank customers well and still be off in level. **Calibration by decile** cuts the
# customers into ten equal groups by forecast and compares each group's mean forecast with what it
# actually spent: a calibrated forecast sits on the diagonal. The top group (rightmost point) is where
# the money is, and where errors cost most.

# %%
deciles = {name: prediction_metrics.calibration_by_decile(actual, forecasts[name]) for name in pair}
ml_plots.plot_calibration_by_decile(deciles)
show_figure(money)
pd.concat(deciles, axis=1).round(1)

# %% [markdown]
# ## 3. The real thing: CDNOW, 39 weeks of calibration, 39 weeks of holdout
#
# The same contest on the data of Fader, Hardie & Lee (2005): the 2,357 CDNOW customers of the
# 1/10 sample, calibrated to 1997-09-30 with same-day purchases merged (lesson 04 replicates their
# parameters), forecast over the next 39 weeks. CDNOW has no channel, so the learned model gets the
# order-log features only. The file is read from the project's cache (`make cdnow`); without it this
# section says so and is skipped.

# %%
cdnow_orders, why_not = cdnow.available_cdnow("sample", allow_download=cdnow_allow_download)
if cdnow_orders is None:
    print(f"CDNOW section skipped: {why_not}")
else:
    cd_split = transactions.calibration_holdout_split(cdnow_orders, cdnow_replication.CALIBRATION_END,
                                                      cdnow_replication.OBSERVATION_END, time_unit="week")
    cd_features = ml_features.order_features(cdnow_orders, cdnow_replication.CALIBRATION_END).loc[cd_split.index]
    cd_actual = ml_clv.holdout_value(cd_split)
    cd_forecasts = {
        "BG/NBD x Gamma-Gamma": ml_clv.model_holdout_value(cd_split),
        "gradient boosting": ml_clv.learned_holdout_value(cd_features, cd_actual, n_folds=cv_folds, seed=seed),
        "past spend rate": ml_clv.past_spend_holdout_value(cd_features, float(cd_split["duration_holdout"].iloc[0]))}
    cd_table = ml_clv.comparison_table(cd_actual, cd_forecasts)
    display(cd_table.round(3))

# %%
if cdnow_orders is not None:
    assert len(cd_split) == 2357, f"the CDNOW calibration cohort should have 2,357 customers; got {len(cd_split)}"
    assert cd_split["duration_holdout"].iloc[0] == 39, "the CDNOW holdout should last 39 weeks"
    print("CDNOW:", ml_clv.verdict_sentence(ml_clv.metric_winners(cd_table, *pair)))
    cd_gaps = prediction_metrics.error_difference_interval(cd_actual, *(cd_forecasts[name] for name in pair), seed=seed)
    print("Beyond luck?", ml_clv.gap_sentence(cd_gaps, *pair))

# %% [markdown]
# **Reading the contest.** Read the sentences above before the tables' decimals: who is better on
# each score, and whether the error gaps are larger than the luck of which customers happened to be in
# the data (a paired bootstrap: the customers resampled many times, both forecasts scored on each
# resample). On these data the learned model had every advantage a test can give it (more features, and training targets
# from the very holdout period it predicts) and the question is whether it beats a model that reads
# four numbers per customer. Why a probabilistic model holds its own when it does: its story
# (buy at a steady random rate while alive, drop out at random) *is* how repeat buying works, so it
# needs no examples of the future, pools what it learns across all customers, and extrapolates to any
# horizon. Where a learned model earns its place: many signals beyond the order log (browsing,
# e-mail engagement, support tickets, product mix), behaviour that changes in ways no simple story
# describes, and many customers to learn from. The honest practice is this notebook's: run both on the
# same holdout, and keep the one that wins on the score your decision needs.

# %% [markdown]
# ## 4. Which subscribers will cancel next? Churn as classification, with a time split
#
# Lesson 03 *explained* churn (hazard ratios). A retention team needs a *list*: who, among today's
# subscribers, is likely to cancel in the next `churn_horizon_months` months? That is classification,
# and its test must respect time:
#
# * **training**: subscribers active one horizon before the test cut-off, their attributes and tenure
#   then, labelled 1 if they cancelled before the test cut-off;
# * **test**: subscribers active on the test cut-off, labelled by what they did in the following horizon.
#
# Shuffling subscribers at random into training and test would let the model learn from cancellations
# that happen *after* the moment it predicts from: leakage again, and an optimistic score.
#
# When the subscriptions record **early usage** (the embedded data have app logins in each subscriber's
# first 30 days), the classifier gets it too, but only for subscribers who had reached day 30 on the
# cut-off; for the others it is blank, because on that day the number did not exist yet. Filling it in
# from today's table would be leakage of the quiet kind.

# %%
subscriptions = dataset.subscriptions
subs_end = dataset.period_end("subscriptions")
test_cutoff = ml_features.months_after(subs_end, -churn_horizon_months)
candidates = ("channel", "plan", "promo_signup", "age_years")  # lesson 03's covariates
covariates = [c for c in candidates if c in subscriptions.columns and subscriptions[c].nunique() > 1]
usage = [c for c in ml_features.KNOWN_AFTER_DAYS if c in subscriptions.columns]  # early usage, if recorded
churn_split = churn_prediction.time_split(subscriptions, test_cutoff, churn_horizon_months, subs_end, covariates, usage)
for name, snap in (("training", churn_split.train), ("test", churn_split.test)):
    print(f"{name}: {len(snap):,} subscribers active on {snap.attrs['cutoff']}, "
          f"{snap['cancelled_within'].mean():.0%} cancelled by {snap.attrs['horizon_end']}")

# %% [markdown]
# Two rankings of the test subscribers: a gradient-boosted classifier trained on the training
# snapshot, and **lesson 03's Cox model** fitted on every lifetime observed up to the test cut-off,
# which gives P(cancel within the horizon | still here at this tenure) = 1 − S(tenure + k) / S(tenure).
# **AUC** is the chance that a random canceller is ranked above a random stayer (0.5 is a coin toss);
# the **lift chart** shows what share of the cancellations a team catches by calling the riskiest
# subscribers first.

# %%
labels = churn_split.test["cancelled_within"]
risk = {"gradient boosting": churn_prediction.classifier_churn_probability(churn_split, seed=seed),
        "Cox (lesson 03)": churn_prediction.cox_churn_probability(subscriptions, churn_split)}
if usage:  # what the early-usage signal adds: the same classifier without it
    risk["gradient boosting, no usage"] = churn_prediction.classifier_churn_probability(
        churn_prediction.without_usage(churn_split), seed=seed)
auc = pd.Series({name: prediction_metrics.area_under_roc(labels, p) for name, p in risk.items()}, name="AUC")
lift_tables = {name: prediction_metrics.lift_table(labels, p) for name, p in risk.items()}
ml_plots.plot_lift_chart(lift_tables)
plt.show()
caught = {name: table["share_of_events_caught"].iloc[0] for name, table in lift_tables.items()}
print("\n".join(f"{n}: AUC {auc[n]:.3f}; the riskiest 10% hold {caught[n]:.0%} of the cancellations" for n in risk))
if dataset.is_embedded:
    assert (auc > 0.55).all(), f"both rankings should beat a coin toss clearly; got {auc.round(3).to_dict()}"

# %% [markdown]
# **How the classifier relates to the Cox model.** Both answer "who leaves soon?" from the
# subscribers' attributes; the classifier may also read early usage, which lesson 03's Cox model does
# not (compare it with the classifier without usage to see what that signal is worth). The Cox model uses every lifetime seen so far, including subscribers who left long ago,
# and assumes each attribute multiplies the hazard by a constant (lesson 03 checked that assumption
# and found it strained); its probability is also exactly zero beyond the longest tenure anyone has
# been watched, since no one has been seen to leave there. The classifier assumes nothing about the
# shape of churn, but learns only from one snapshot and one horizon, so it needs more data for the
# same precision. When their AUCs are close on the same inputs, prefer the Cox model: it explains as well as it ranks,
# and it gives the whole survival curve, which the CLV formulas of lessons 01 and 03 need.
#
# The list a retention team calls, riskiest first, with the monthly revenue at stake:

# %%
best = auc.idxmax()
at_risk = churn_prediction.at_risk_list(churn_split, risk[best], top=10)
print(f"ranked by {best} (the highest AUC); base rate of cancelling: {churn_prediction.churn_rate(churn_split):.0%}")
at_risk.round(3)

# %% [markdown]
# ## What this means for the business
#
# * A machine-learning forecast is not better by being machine learning. Test it against BG/NBD ×
#   Gamma-Gamma on the same holdout, with the same customers and the same scores; on a plain order log
#   the probabilistic model is a hard benchmark (the sentences printed in sections 2 and 3 say who
#   won here, and by how much beyond luck), and it needs no future examples to learn from.
# * Leakage is how learned models win tests they later lose. Build features from data dated before
#   the cut-off, test that changing later data changes nothing, and split in time, never at random.
# * Churn lists: rank subscribers by predicted risk, call from the top, and read the lift chart to
#   know how many calls buy how many saves. Lesson 03's Cox model ranks as well as a classifier when
#   their AUCs are close, and it also explains *why* and feeds the CLV formulas.
# * Use the learned model where it has something to learn from: behaviour beyond the order log,
#   and enough customers.

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
# **Exercise 1.** The simplest forecast of all gives every customer the same number: the mean
# holdout spend. What is its MAE? Store it in `mae_constant`, and compare it with the table of
# section 2: how much does each model gain over knowing nothing about individual customers?

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
mae_constant = prediction_metrics.mean_absolute_error(actual, np.full(len(actual), actual.mean()))
print(f"MAE of the constant forecast: {money.format(mae_constant, 2)}")

# %% jupyter={"source_hidden": true} tags=["check"]
spent = actual.to_numpy()
check_close("mae_constant", mae_constant, float(np.mean(np.abs(spent - spent.mean()))), mistakes={
    "that is the mean holdout spend itself; the MAE is the mean distance from it.": float(actual.mean()),
})

# %% [markdown]
# **Exercise 2.** Take the test subscribers ranked by the Cox model's risk (`risk["Cox (lesson 03)"]`),
# keep the riskiest 10% (rounded down to whole subscribers), and compute the share of them who
# cancelled within the horizon. Store it in `cox_top_decile_rate`. How does it compare with the base
# rate printed above the at-risk list?

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
cancelled = churn_split.test.set_index("customer_id")["cancelled_within"]
riskiest = risk["Cox (lesson 03)"].sort_values(ascending=False).index[: len(cancelled) // 10]
cox_top_decile_rate = cancelled[riskiest].mean()
print(f"{cox_top_decile_rate:.0%} of the riskiest decile cancelled")

# %% jupyter={"source_hidden": true} tags=["check"]
n_test = len(churn_split.test)
in_top = prediction_metrics.top_weights(risk["Cox (lesson 03)"].to_numpy(), (n_test // 10) / n_test)
top_rate = float(in_top @ churn_split.test["cancelled_within"].to_numpy() / in_top.sum())
check_close("cox_top_decile_rate", cox_top_decile_rate, top_rate, mistakes={
    "that is the base rate of all test subscribers; keep only the riskiest 10%.": churn_prediction.churn_rate(churn_split),
})

# %% [markdown]
# **Exercise 3.** A colleague adds `days_since_last_order`, read from today's customer table, to
# the learned model's features, and its holdout MAE halves. What most likely happened? Store the letter
# in `why_3`.
#
# * (a) Gradient boosting found a real pattern that BG/NBD cannot see.
# * (b) Leakage: counted to today, the column tells the model whether the customer bought during the
#   holdout period, the very thing it is asked to predict.
# * (c) More features always make a model better.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
why_3 = "b"

# %% jupyter={"source_hidden": true} tags=["check"]
check_choice("why_3", why_3, "beff354e3b1b", {
    "a": "BG/NBD already uses recency, counted to the calibration end; counted to today it is another thing.",
    "b": "Counted to the extraction day, recency reveals holdout purchases: compute it as of the calibration end.",
    "c": "Extra features can add noise; here the gain is too good to be true, which is the sign of leakage.",
})

# %% [markdown]
# ## Quiz
#
# Answer with the letter of the option you choose; the check under each question explains it.
#
# **Question 1.** Why is the churn classifier trained on an earlier cut-off instead of on a random 80%
# of the subscribers? Store your letter in `quiz_1`.
#
# * (a) A random split lets cancellations that happen after the test's cut-off teach the model:
#   leakage, and a score it will not reach in use.
# * (b) scikit-learn cannot split data at random.
# * (c) An earlier cut-off gives more training data.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
quiz_1 = "a"

# %% jupyter={"source_hidden": true} tags=["check"]
check_choice("quiz_1", quiz_1, "f9f648af15f8", {
    "a": "In use the model only ever knows the past; the test must put it in the same position.",
    "b": "It can (train_test_split); the point is that it should not, for a forecast in time.",
    "c": "It gives fewer subscribers, not more: the earlier snapshot is smaller.",
})

# %% [markdown]
# **Question 2.** A churn model has an AUC of 0.65. What does that mean? Store your letter in `quiz_2`.
#
# * (a) 65% of its predictions are right.
# * (b) A randomly chosen canceller gets a higher risk score than a randomly chosen stayer 65% of the time.
# * (c) The riskiest 10% hold 65% of the cancellations.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
quiz_2 = "b"

# %% jupyter={"source_hidden": true} tags=["check"]
check_choice("quiz_2", quiz_2, "a25b940c932b", {
    "a": "AUC is about ranking, not about right or wrong at a threshold.",
    "b": "AUC is the probability that the ranking orders a canceller/stayer pair correctly.",
    "c": "That is read from the lift chart, not from the AUC.",
})

# %% [markdown]
# **Question 3.** A spend forecast has a top-decile lift of 5. What does it mean? Store your letter
# in `quiz_3`.
#
# * (a) The 10% of customers with the highest forecast spent, on average, five times what the average
#   customer spent in the holdout.
# * (b) The forecast is five times too high.
# * (c) The top 10% of customers hold 5% of the value.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
quiz_3 = "a"

# %% jupyter={"source_hidden": true} tags=["check"]
check_choice("quiz_3", quiz_3, "9a88beee9917", {
    "a": "Lift compares the chosen group's actual value with everyone's: it measures ranking.",
    "b": "Bias in level is read from total predicted / actual and the calibration by decile.",
    "c": "A lift of 5 means the top decile holds about half of the value (10% x 5).",
})

# %% [markdown]
# ## Take-aways
#
# * Compare a learned CLV model with BG/NBD × Gamma-Gamma on the same customers, the same information
#   and the same holdout, with error, ranking and calibration scores; report whichever wins.
# * Leakage is the classic mistake: build features from data dated before the cut-off, test that later
#   data change nothing, and split in time.
# * Churn as classification: a time split, AUC for the ranking, a lift chart for the calls, a ranked
#   list for the team; lesson 03's Cox model is a strong, explainable benchmark.
#
# ## References
#
# * Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). "Counting your customers" the easy way: an
#   alternative to the Pareto/NBD model. *Marketing Science* 24(2), 275–284 (BG/NBD, CDNOW).
# * Friedman, J. H. (2001). Greedy function approximation: a gradient boosting machine. *Annals of
#   Statistics* 29(5), 1189–1232.
# * Kaufman, S., Rosset, S., Perlich, C. and Stitelman, O. (2012). Leakage in data mining: formulation,
#   detection, and avoidance. *ACM Transactions on Knowledge Discovery from Data* 6(4), 15.
# * Vanderveld, A., Pandey, A., Han, A. and Parekh, R. (2016). An engagement-based customer lifetime
#   value system for e-commerce. *Proceedings of KDD 2016*, 293–302.
# * Fawcett, T. (2006). An introduction to ROC analysis. *Pattern Recognition Letters* 27(8), 861–874.
# * Terms used here (leakage, cross-fitting, AUC, lift, BG/NBD, Gamma-Gamma, calibration / holdout,
#   Cox model) are in the [glossary](../docs/glossary.md).
