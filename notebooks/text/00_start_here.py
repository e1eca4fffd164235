# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 00 · Start here
#
# Welcome to the **clv-workbook**, a short course on *Customer Lifetime Value* (CLV): what a
# customer is worth over the whole relationship, so a business can decide how much to spend
# winning them, which ones to keep, and where to put the marketing budget.
#
# **In this notebook you will**
#
# 1. check that your machine has everything the course needs;
# 2. meet *Beanstalk Coffee*, the fictional company whose data we use throughout;
# 3. learn the three tables every lesson reads (the *data contract*), and how to swap in your own files.
#
# Every notebook in the course follows the same pattern: a short story, small code cells that
# call the course's helper package `clvlib`, figures, a note on what it means for the business,
# exercises whose answers are checked (the check says what is off), a short quiz, and the
# take-aways with the papers and books behind the methods.
#
# **Prerequisites.** Basic Python (variables, functions) and a first look at pandas DataFrames.
# No statistics needed. **Estimated time:** 20 minutes. Every term is explained in the
# [glossary](../docs/glossary.md).

# %% [markdown]
# ## Parameters
#
# The next cell holds this notebook's settings. `make report PARAMS=params/your_file.yml` replaces
# them without you editing the notebook (that is how an analyst runs the course on their own data).

# %% tags=["parameters"]
data_source: dict = {}  # empty means the embedded Beanstalk Coffee data; see params/example_own_data.yml for your own files
currency: str = "USD"  # ISO code of the data's money: USD $1,234, EUR €1,234, GBP £1,234, CHF, JPY, SEK/NOK/DKK 1,234 kr

# %%
from clvlib.analysis import acquisition
from clvlib.core.money import currency as currency_named
from clvlib.course.environment import check_environment
from clvlib.course.tables import readable, show_figure
from clvlib.data import load_dataset
from clvlib.plots import data_tour

# %% [markdown]
# ## 1. Is your machine ready?
#
# The table lists each package the course needs, the versions it accepts and the version you have.
# If a row says `False`, run `make setup` again from the project folder.

# %%
environment = check_environment()
environment

# %%
assert environment["ok"].all(), "Some packages are missing or too old: run `make setup`."


# %% [markdown]
# ## 2. Meet Beanstalk Coffee
#
# Beanstalk Coffee sells two ways:
#
# * a **monthly coffee subscription** (basic, standard or premium plan). Subscribers pay every
#   month until they cancel: this is a *contractual* business, where you see customers leave;
# * a **web shop** where anyone buys whenever they like: a *non-contractual* business, where a
#   customer who stops buying never tells you they have gone.
#
# New customers arrive through four paid **marketing channels**: search ads, social media,
# a referral programme and affiliate sites. `load_dataset` reads the three tables and checks
# every row before handing them over.

# %%
dataset = load_dataset(data_source)
money = currency_named(currency)  # every amount is written in it; an unknown code stops here
dataset.describe()

# %% [markdown]
# ### The subscriptions table: one row per subscriber
#
# `cancel_date` is empty for customers who are **still subscribed** on the analysis date. Their
# lifetime is not over yet: we know only that it is *at least* this long. Statisticians call this
# *right-censoring*, and lesson 03 shows how much it matters.

# %%
subs = dataset.subscriptions
subs.head()

# %%
still_active = subs["cancel_date"].isna()
print(f"{len(subs):,} subscribers, {still_active.sum():,} ({still_active.mean():.0%}) still active on {dataset.analysis_date.date()}")
by_plan = subs.groupby("plan")["monthly_revenue"].agg(["count", "mean"])
readable(by_plan.rename(columns={"count": "subscribers", "mean": "monthly revenue"}), money=["monthly revenue"], money_code=money)

# %%
# New subscribers and spend per channel and month: the table the CAC lesson (06) starts from.
monthly = acquisition.cac_by_channel_month(dataset.marketing_spend, subs)
data_tour.plot_signups_by_month(monthly)
show_figure(money)

# %% [markdown]
# ### The orders table: one row per web-shop order

# %%
orders = dataset.orders
print(f"{len(orders):,} orders from {orders['customer_id'].nunique():,} shop customers")
orders.head()

# %%
data_tour.plot_order_values(orders)
show_figure(money)

# %% [markdown]
# ### The marketing spend table: one row per channel and month
#
# Spend divided by the new customers it brought is the *customer acquisition cost* (CAC).
# Lesson 06 sets CAC beside CLV to see which channels pay for themselves.

# %%
spend = dataset.marketing_spend
readable(spend.groupby("channel")["spend"].sum().to_frame("total spend"), money=["total spend"], decimals=0, money_code=money)

# %%
data_tour.plot_spend_by_channel(monthly)
show_figure(money)

# %% [markdown]
# ## 3. The data contract, and your own files
#
# Every lesson reads the same three tables. Your files may use other column names and another
# date format: describe them in a params file instead of editing code, for example
#
# ```yaml
# data_source:
#   analysis_date: 2026-06-30           # the day your data were extracted
#   subscriptions:
#     path: /path/to/your/subscribers.csv
#     columns: {cust_no: customer_id, start: signup_date, end: cancel_date,
#               tier: plan, mrr: monthly_revenue, source: channel}
#     date_format: "%d/%m/%Y"
#   orders: /path/to/orders.csv          # a plain path when the names already match
#   marketing_spend: {path: /path/to/spend.csv}
# ```
#
# then run `make report PARAMS=params/your_file.yml`. If a file breaks the contract you get **one
# message listing every problem**: the file, the column, how many rows and a few example lines.
# No row is ever dropped quietly. `data/README.md` describes every column.

# %% [markdown]
# ## What this means for the business
#
# CLV needs three things you probably already have: who your customers are and when they started
# (and stopped), what they bought, and what you spent to win them. The rest of the course turns
# these three tables into decisions.
#
# **The course map:** 01 the CLV formula · 02 cohorts and the sBG retention model · 03 survival
# analysis of lifespans · 04 predictive CLV for shoppers (BG/NBD + Gamma-Gamma) · 05 segmentation ·
# 06 CLV versus acquisition cost by channel · 07 the executive report.

# %% [markdown]
# ## Exercises
#
# Each exercise asks you to store named results (in `backticks`); the collapsed check cell under it
# says whether they are right and, if not, what is off. In the student edition (`make student`) the
# answer cells start as `name = ...`: replace the `...`. In this full edition each solution is in a
# collapsed cell (click its ⋯ to open it): try first, then look.

# %%
import tempfile
from pathlib import Path

from clvlib.course.checking import check_choice, check_close, check_text
from clvlib.data import DataValidationError

# %% [markdown]
# **Exercise 1.** What share of subscribers are still active on the analysis date? Store it in
# `share_active` (a number between 0 and 1).

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
share_active = subs["cancel_date"].isna().mean()

# %% jupyter={"source_hidden": true} tags=["check"]
share_active_check = 1 - subs["cancel_date"].notna().sum() / len(subs)
check_close("share_active", share_active, share_active_check, mistakes={
    "that is the share who cancelled; the question asks for those still active.": 1 - share_active_check,
})

# %% [markdown]
# **Exercise 2.** Break a file on purpose. Copy the subscriptions table, put a date that cannot
# exist (`2024-02-30`) in the first row's `signup_date`, save it as `broken_subscriptions.csv` in a
# temporary folder (`Path(tempfile.mkdtemp())`) and load it with `load_dataset({"subscriptions": path})`.
# Catch the `DataValidationError` and keep its text (`str(error)`) in `message`.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
broken = subs.copy()
broken["signup_date"] = broken["signup_date"].dt.strftime("%Y-%m-%d")
broken.loc[0, "signup_date"] = "2024-02-30"
path = Path(tempfile.mkdtemp()) / "broken_subscriptions.csv"
broken.to_csv(path, index=False, date_format="%Y-%m-%d")
try:
    load_dataset({"subscriptions": str(path)})
    message = ""
except DataValidationError as error:
    message = str(error)

# %% jupyter={"source_hidden": true} tags=["check"]
check_text("message", message, {
    "signup_date": "The message should name the column: did you break signup_date?",
    "line 2": "It should point at line 2 (line 1 is the header): did you break the first row?",
    "broken_subscriptions.csv": "It should name the file: save it as broken_subscriptions.csv.",
})
print(message)

# %% [markdown]
# ## Quiz
#
# Answer with the letter of the option you choose; the check under each question explains it.
#
# **Question 1.** A subscription's `cancel_date` is empty. What does that mean? Store your letter in
# `quiz_1`.
#
# * (a) The date is missing: drop the row before any analysis.
# * (b) The subscriber is still active on the analysis date: we only know they stayed at least this long.
# * (c) The subscriber cancelled on the analysis date.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
quiz_1 = "b"

# %% jupyter={"source_hidden": true} tags=["check"]
check_choice("quiz_1", quiz_1, "4d46bf1666ef", {
    "a": "Dropping the customers still active keeps only those who left, and every lifetime looks too short.",
    "b": "They are right-censored: lessons 02 and 03 show how to use what they tell us without guessing the rest.",
    "c": "Nobody cancelled yet: the date is empty because the relationship is still going on.",
})

# %% [markdown]
# **Question 2.** One row of your own orders file has the date `2024-02-30`. What does
# `load_dataset` do? Store your letter in `quiz_2`.
#
# * (a) It drops that row and carries on.
# * (b) It reads the date as missing (`NaT`) and carries on.
# * (c) It stops with one message that names the file, the column and the line of every problem.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
quiz_2 = "c"

# %% jupyter={"source_hidden": true} tags=["check"]
check_choice("quiz_2", quiz_2, "b1f4716f5172", {
    "a": "Losing rows silently would change every number downstream without anyone noticing.",
    "b": "A missing date would be as silent as a dropped row: the course refuses to guess.",
    "c": "Every problem at once, in plain English, so you can fix the file in one go (exercise 2).",
})

# %% [markdown]
# ## Take-aways
#
# * Every lesson reads the same three tables (subscriptions, orders, marketing spend); the data
#   contract says what each column means, and `load_dataset` checks your own files against it.
# * A subscriber with no cancel date is still a customer: *censored*, not missing.
# * Bad input stops the course with a message that names the file, column and line, never a silent
#   loss of rows.
#
# ## References
#
# * Gupta, S. and Lehmann, D. R. (2005). *Managing Customers as Investments*. Wharton School Publishing.
# * Fader, P. S. (2020). *Customer Centricity: Focus on the Right Customers for Strategic Advantage*,
#   3rd ed. Wharton School Press.
# * Every term the course uses is explained in the [glossary](../docs/glossary.md).
