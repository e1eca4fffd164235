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
# and exercises whose answers are checked by an `assert`.

# %% [markdown]
# ## Parameters
#
# The next cell holds this notebook's settings. `make report PARAMS=params/your_file.yml` replaces
# them without you editing the notebook (that is how an analyst runs the course on their own data).

# %% tags=["parameters"]
data_source: dict = {}  # empty means the embedded Beanstalk Coffee data; see params/example_own_data.yml for your own files

# %%
import matplotlib.pyplot as plt

from clvlib.analysis import acquisition
from clvlib.course.environment import check_environment
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
subs.groupby("plan")["monthly_revenue"].agg(["count", "mean"]).rename(columns={"count": "subscribers", "mean": "monthly revenue ($)"})

# %%
# New subscribers and spend per channel and month: the table the CAC lesson (06) starts from.
monthly = acquisition.cac_by_channel_month(dataset.marketing_spend, subs)
data_tour.plot_signups_by_month(monthly)
plt.show()

# %% [markdown]
# ### The orders table: one row per web-shop order

# %%
orders = dataset.orders
print(f"{len(orders):,} orders from {orders['customer_id'].nunique():,} shop customers")
orders.head()

# %%
data_tour.plot_order_values(orders)
plt.show()

# %% [markdown]
# ### The marketing spend table: one row per channel and month
#
# Spend divided by the new customers it brought is the *customer acquisition cost* (CAC).
# Lesson 06 sets CAC beside CLV to see which channels pay for themselves.

# %%
spend = dataset.marketing_spend
spend.groupby("channel")["spend"].sum().map("${:,.0f}".format).to_frame("total spend")

# %%
data_tour.plot_spend_by_channel(monthly)
plt.show()

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
# **Exercise 1.** What share of subscribers are still active on the analysis date? Store it in
# `share_active` (a number between 0 and 1).

# %% tags=["solution"]
share_active = subs["cancel_date"].isna().mean()
share_active

# %%
assert 0 < share_active < 1, "a share is between 0 and 1"
if dataset.is_embedded:
    assert abs(share_active - 1625 / 4710) < 1e-9, "count the empty cancel dates"
print("Correct!")

# %% [markdown]
# **Exercise 2.** Break a file on purpose. Copy the subscriptions table, put a date that cannot
# exist (`2024-02-30`) in the first row's `signup_date`, save it to a temporary folder and load it
# with `load_dataset({"subscriptions": path})`. Catch the error and keep its message in `message`.

# %% tags=["solution"]
import tempfile
from pathlib import Path

from clvlib.data import DataValidationError

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
print(message)

# %%
assert "signup_date" in message, "the message names the column"
assert "line 2" in message, "the message points at the broken line (line 1 is the header)"
assert "broken_subscriptions.csv" in message, "the message names the file"
print("Correct!")
