# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 01 · CLV basics: from the back of an envelope to the retention formula
#
# Customer lifetime value (CLV) is what a customer is worth to the business over the whole
# relationship. This first lesson builds it up from the simplest formula to one that accounts
# for churn and for the time value of money, and then shows where averages mislead.
#
# **What you will learn**
#
# 1. The simple formula: average order value × purchase frequency × lifespan (\$100 × 4 a year × 3 years = \$1,200).
# 2. Why CLV should be counted in margin, not revenue, and how "annual profit × retention time" is the same idea.
# 3. Present value: a dollar next year is worth less than a dollar today.
# 4. The retention formula $m\,r/(1+d-r)$, derived from a geometric sum and checked against a long sum.
# 5. Payback: how many months of margin repay the cost of winning a customer.
# 6. Sensitivity: which input moves CLV most (a tornado chart, and a calculator to move the inputs yourself).
# 7. The trap of averages: the CLV of the average customer is not the average CLV.
#
# **Prerequisites.** Lesson 00; school algebra (a geometric series is derived here). **Estimated
# time:** 45 minutes. Every term is explained in the [glossary](../docs/glossary.md).

# %%
import numpy as np
import pandas as pd

from clvlib.analysis import cohorts, formulas
from clvlib.core.money import currency as currency_named
from clvlib.core.units import convert_rate
from clvlib.course import calculator, new_subscriber
from clvlib.course.tables import readable, show_figure
from clvlib.data import load_dataset, load_truth
from clvlib.plots import formulas as formula_plots

# %% tags=["parameters"]
data_source: dict = {}  # {} means the embedded Beanstalk Coffee data; see params/ for your own files
average_order_value: float = 100.0  # money per purchase in the textbook example, in `currency`
purchases_per_year: float = 4.0  # purchases per customer per year
lifespan_years: float = 3.0  # how many years a customer stays, on average
gross_margin_rate: float = 0.40  # share of revenue kept after the cost of the coffee and shipping
discount_rate_annual: float = 0.10  # yearly discount rate (the company's cost of capital)
monthly_margin: float = 10.0  # margin per subscriber per month, in `currency` (a 25 plan x 40%)
retention_rate_monthly: float = 0.92  # share of subscribers who renew each month
acquisition_cost: float = 70.0  # marketing money spent to win one subscriber
sensitivity_change: float = 0.10  # move each input down and up by this share in the tornado chart
horizon_months: int = 36  # how many months ahead lifetime value counts
currency: str = "USD"  # ISO code of the data's money: USD $1,234, EUR €1,234, GBP £1,234, CHF, JPY, SEK/NOK/DKK 1,234 kr

# %%
# Derived values: everything below uses these.
discount_rate_monthly = convert_rate(discount_rate_annual, "year", "month")
money = currency_named(currency)  # every amount below is written in it; an unknown code stops here
dataset = load_dataset(data_source)
subscriptions = dataset.subscriptions
print(f"Discount rate: {discount_rate_annual:.1%} a year = {discount_rate_monthly:.3%} a month")
dataset.describe()

# %% [markdown]
# ## 1. The simple formula
#
# The formula most CLV articles start with multiplies three averages:
#
# $$\text{CLV} = \text{average order value} \times \text{purchases per year} \times \text{lifespan in years}.$$

# %%
simple = formulas.simple_clv(average_order_value, purchases_per_year, lifespan_years)
print(f"{money.format(average_order_value)} x {purchases_per_year:g} a year x {lifespan_years:g} years = {money.format(simple)}")

# %%
assert simple == average_order_value * purchases_per_year * lifespan_years, f"simple CLV should equal order value x orders per year x years; got {simple}"
if (average_order_value, purchases_per_year, lifespan_years) == (100.0, 4.0, 3.0):
    assert simple == 1200.0, f"simple CLV should be 1,200 dollars for the textbook example; got {simple}"  # the textbook example

# %% [markdown]
# ## 2. Revenue or margin?
#
# \$1,200 is revenue. The business keeps only the gross margin: with a 40% margin, the customer
# is worth \$480, and that is the number to compare with what it costs to acquire them.
#
# The same number appears as **average annual profit × average retention time**: \$100 × 4 × 40% = \$160
# of profit a year, for 3 years.

# %%
margin_value = formulas.margin_clv(average_order_value, purchases_per_year, lifespan_years, gross_margin_rate)
annual_profit = average_order_value * purchases_per_year * gross_margin_rate
profit_view = formulas.profit_times_retention_clv(annual_profit, lifespan_years)
pd.Series({"revenue CLV": simple, "margin CLV": margin_value, "annual profit x retention time": profit_view}).round(2)

# %%
assert abs(margin_value - profit_view) < 1e-9, f"the margin-based and profit-based CLV should agree; got {margin_value} and {profit_view}"
assert margin_value <= simple, f"CLV on margin ({margin_value}) should not exceed CLV on revenue ({simple})"

# %% [markdown]
# ## 3. Present value: money later is worth less
#
# A dollar received in three years is worth less than a dollar today: today's dollar could be
# invested (or repay debt) in the meantime. With a discount rate $d$ per year, a cash flow $c_t$
# received at the end of year $t$ is worth $c_t / (1+d)^t$ today; CLV is "the present value of
# the future cash flows attributed to the customer".

# %%
yearly_profit = np.full(int(round(lifespan_years)), annual_profit)
pv = formulas.present_value(yearly_profit, discount_rate_annual)  # paid at the end of each year
pv_now = formulas.present_value(yearly_profit, discount_rate_annual, first_payment_now=True)
print(f"Undiscounted: {money.format(yearly_profit.sum(), 2)}; present value: {money.format(pv, 2)} "
      f"({money.format(pv_now, 2)} if the first year is paid up front)")
factors = formulas.discount_factors(yearly_profit.size, discount_rate_annual, first_payment_now=False)
formula_plots.plot_discounted_cash_flows(yearly_profit, factors, period_label="year")
show_figure(money)

# %%
assert pv < pv_now <= yearly_profit.sum() or discount_rate_annual == 0, f"paying at year end ({pv}) should be worth less than paying the first year up front ({pv_now}), which is at most the undiscounted sum"
assert abs(pv - sum(annual_profit / (1 + discount_rate_annual) ** t for t in range(1, yearly_profit.size + 1))) < 1e-6, f"the present value {pv} should match summing each year's discounted profit by hand"

# %% [markdown]
# ## 4. The retention formula $m\,r/(1+d-r)$
#
# A "lifespan of 3 years" hides churn: some customers leave after a month, others stay for
# years. Suppose each period a customer renews with probability $r$ (the **retention rate**)
# and brings margin $m$ each period they stay. Just after acquisition, the expected margin at the
# end of period $t$ is $m\,r^t$, worth $m\,r^t/(1+d)^t$ today. Summing the geometric series with
# $q = r/(1+d) < 1$:
#
# $$\text{CLV} = \sum_{t=1}^{\infty} \frac{m\,r^t}{(1+d)^t} = m\,\frac{q}{1-q} = \frac{m\,r}{1+d-r}.$$
#
# This textbook version **does not count the first payment** (the one made at signup). Counting it
# adds $m$: $\sum_{t=0}^{\infty} m\,q^t = m\,(1+d)/(1+d-r)$. `formulas.retention_clv` offers both
# (`include_first_payment=False` / `True`); always say which one you quote.
#
# The expected lifetime is $1/(1-r)$ periods. With $d = 0$ and the first payment counted the
# formula gives $m/(1-r)$ = margin per period × expected lifetime: the simple formula again.

# %%
clv_textbook = formulas.retention_clv(monthly_margin, retention_rate_monthly, discount_rate_monthly)
clv_with_first = formulas.retention_clv(monthly_margin, retention_rate_monthly, discount_rate_monthly,
                                        include_first_payment=True)
months = np.arange(1, 241)
partial = pd.Series([formulas.retention_clv_truncated(monthly_margin, retention_rate_monthly,
                                                      discount_rate_monthly, n) for n in months], index=months)
print(f"m r / (1 + d - r) = {money.format(clv_textbook, 2)}; counting the signup payment: {money.format(clv_with_first, 2)}")
print(f"Expected lifetime: {formulas.expected_lifetime_periods(retention_rate_monthly):.1f} months")
formula_plots.plot_truncated_sum_convergence(partial, clv_textbook, period_label="months")
show_figure(money)

# %%
long_sum = formulas.retention_clv_truncated(monthly_margin, retention_rate_monthly, discount_rate_monthly, 5000)
assert abs(long_sum - clv_textbook) < 1e-6 * max(1.0, clv_textbook), f"a 5,000-month truncated sum ({long_sum}) should match the closed-form CLV ({clv_textbook})"
assert abs(clv_with_first - (clv_textbook + monthly_margin)) < 1e-9, f"counting the first payment should add exactly one month's margin; got {clv_with_first} vs {clv_textbook} + {monthly_margin}"
# With no discounting and the first payment counted, it is margin x expected lifetime.
assert abs(formulas.retention_clv(monthly_margin, retention_rate_monthly, 0.0, include_first_payment=True)
           - monthly_margin * formulas.expected_lifetime_periods(retention_rate_monthly)) < 1e-6, "with no discounting and the first payment counted, CLV should equal margin x expected lifetime"

# %% [markdown]
# **The same question in the report.** The executive report (lesson 07) also values a new subscriber,
# from the data rather than from the example's inputs. The sentence below is generated from both numbers
# and names every way the two estimates differ.

# %%
report_value = new_subscriber.report_estimate(subscriptions, dataset.analysis_date, gross_margin_rate,
                                              discount_rate_annual, horizon_months)
formula_value = new_subscriber.Estimate(
    "Lesson 01's retention formula", clv_with_first, f"a constant {retention_rate_monthly:.0%} monthly retention",
    None, f"the example's {money.format(monthly_margin, 2)} a month")
print(new_subscriber.relation_sentence(formula_value, report_value, money))

# %% [markdown]
# ## 5. Payback: when has a customer repaid their acquisition cost?
#
# CLV says how much a customer is worth in total; payback says how long it takes to earn back
# what was spent to win them. With churn and discounting, expected cumulative margin levels off,
# so an expensive customer may never pay back.

# %%
payback_no_churn = formulas.payback_periods(acquisition_cost, monthly_margin)
payback = formulas.payback_periods(acquisition_cost, monthly_margin, retention_rate_monthly, discount_rate_monthly)
print(f"Paying {money.format(acquisition_cost)} to win a subscriber: {payback_no_churn:.1f} months if nobody churned, "
      f"{payback:.1f} months with {1 - retention_rate_monthly:.0%} monthly churn and discounting.")

# %%
assert payback >= payback_no_churn, f"payback with churn ({payback}) should not be shorter than without churn ({payback_no_churn})"

# %% [markdown]
# ## 6. Which input matters most? A tornado chart
#
# Move each input of the retention formula down and up by the same percentage and see how far
# CLV moves. The longest bar is the input worth measuring carefully (and improving).
#
# A retention rate of 92% cannot move up 10% (that would be 101%), so for retention we move the
# **churn rate** (8%) by ±10% instead, i.e. retention between 91.2% and 92.8%.

# %%
base_inputs = {"margin_per_period": monthly_margin, "retention_rate": retention_rate_monthly,
               "discount_rate": discount_rate_monthly, "include_first_payment": True}
churn_monthly = 1 - retention_rate_monthly
retention_range = (1 - churn_monthly * (1 + sensitivity_change), 1 - churn_monthly * (1 - sensitivity_change))
sens = formulas.sensitivity(formulas.retention_clv, base_inputs, change=sensitivity_change,
                            ranges={"retention_rate": retention_range})
formula_plots.plot_tornado(sens, labels={"margin_per_period": "monthly margin",
                                         "retention_rate": "monthly churn (as retention)",
                                         "discount_rate": "monthly discount rate"})
show_figure(money)
sens[["low_value", "high_value", "clv_low", "clv_high", "swing"]].round(3)

# %%
assert set(sens.index) == {"margin_per_period", "retention_rate", "discount_rate"}, f"the sensitivity table should cover margin, retention and discount rate; got {list(sens.index)}"
assert (sens["swing"].diff().dropna() <= 0).all(), "the sensitivity table should be sorted by swing, biggest first"  # sorted, biggest first
assert sens.index[-1] == "discount_rate", f"at monthly rates the discount rate should matter least; got order {list(sens.index)}"  # at monthly rates, discounting matters least
# Cutting churn by a tenth is worth more than losing it by a tenth costs (CLV is convex in churn).
retention_row = sens.loc["retention_rate"]
assert retention_row["change_high"] > -retention_row["change_low"], "raising retention should add more CLV than lowering it by the same amount removes"

# %% [markdown]
# ### Try it: a CLV calculator
#
# Move the sliders to see CLV (signup payment counted), payback and the tornado change together. The order
# value and orders per month make the monthly margin with the margin rate; retention moves through its churn,
# as above. The sliders need a live kernel (JupyterLab, Notebook 7, VS Code); in the HTML pages and in
# `make report` runs nothing can move them, so the same chart is drawn once at the lesson's inputs.

# %%
calculator_inputs = calculator.CalculatorInputs(
    order_value=monthly_margin / gross_margin_rate, orders_per_month=1.0, gross_margin_rate=gross_margin_rate,
    retention_rate_monthly=retention_rate_monthly, discount_rate_annual=discount_rate_annual,
    acquisition_cost=acquisition_cost)
shown = calculator.show_calculator(calculator_inputs, money, change=sensitivity_change)

# %%
calculated = calculator.calculator_figures(calculator_inputs, sensitivity_change)
assert abs(calculated.clv - clv_with_first) < 1e-6, f"the calculator's CLV {calculated.clv} should be section 4's {clv_with_first}"
assert abs(calculated.payback_months - payback) < 1e-9, f"the calculator's payback {calculated.payback_months} should be section 5's {payback}"

# %% [markdown]
# ## 7. The trap of averages
#
# Beanstalk Coffee's subscribers differ: plans cost \$15, \$25 or \$40 a month, and churn depends on
# how they were acquired. Because CLV grows faster than linearly as retention approaches 1, the
# few loyal customers are worth far more than the average suggests. So
#
# $$\text{average of } \text{CLV}_i \;\neq\; \text{CLV of the average customer}.$$
#
# **Source of churn used here.** Each customer's own churn probability is never observed. An
# analyst can observe the average monthly churn *of a segment* (churns ÷ renewals due, by channel
# and promotion), which is what we use first: it works on any data. On the embedded data we also
# know the simulator's true per-customer churn probability (`data/truth/`), which shows the full
# size of the trap; no real company has that column.

# %%
segment = [c for c in ("channel", "promo_signup") if c in subscriptions.columns]
segment_churn = cohorts.observed_churn_rate(subscriptions, dataset.analysis_date, by=segment)
churn_per_customer = subscriptions[segment].merge(segment_churn["churn_rate"], left_on=segment,
                                                  right_index=True, how="left")["churn_rate"].to_numpy()
margin_per_customer = subscriptions["monthly_revenue"].to_numpy() * gross_margin_rate
trap_segments = formulas.clv_of_average_vs_average_clv(margin_per_customer, 1 - churn_per_customer,
                                                       discount_rate_monthly)
readable(segment_churn, shares=["churn_rate"])

# %%
trap_table = pd.DataFrame({"segment averages (observed)": trap_segments})
if dataset.is_embedded:
    truth = load_truth().subscriptions.set_index("customer_id")
    true_churn = truth.loc[subscriptions["customer_id"], "churn_prob_monthly"].to_numpy()
    trap_truth = formulas.clv_of_average_vs_average_clv(margin_per_customer, 1 - true_churn, discount_rate_monthly)
    trap_table["each customer's true churn (simulator)"] = trap_truth
    clv_each = formulas.retention_clv(margin_per_customer, 1 - true_churn, discount_rate_monthly,
                                      include_first_payment=True)
    formula_plots.plot_clv_distribution(clv_each, clv_each.mean(), trap_truth["clv_of_average_customer"])
    show_figure(money)
trap_table.round(2)

# %%
assert np.isfinite(trap_segments[["clv_of_average_customer", "average_clv"]]).all(), "the CLV of the average customer and the average CLV should be finite in every segment"
assert (trap_segments[["clv_of_average_customer", "average_clv"]] > 0).all(), "the CLV of the average customer and the average CLV should be positive in every segment"
if dataset.is_embedded:
    assert trap_segments["ratio"] > 1.05, f"on the embedded data segments alone should show a gap over 5%; got ratio {trap_segments['ratio']}"  # segments alone already show the gap
    assert trap_truth["ratio"] > trap_segments["ratio"], f"the spread inside segments should widen the gap; got {trap_truth['ratio']} vs {trap_segments['ratio']}"  # the spread inside segments widens it

# %% [markdown]
# ## What this means for the business
#
# * The \$1,200 "lifetime value" is revenue: the business keeps its margin, later and only if the
#   customer stays. Always say which CLV you mean (revenue or margin, discounted or not, first
#   payment counted or not).
# * Margin and churn are the big levers; the discount rate hardly matters at monthly rates.
#   Cutting churn by a tenth gains more than letting it rise by a tenth loses, and the gain grows
#   as churn falls: CLV is proportional to 1 / (churn + discount rate).
# * A CLV computed from averages undervalues a heterogeneous customer base and hides where the
#   value sits: a small share of loyal customers carries much of it. The next lessons estimate
#   retention properly, customer group by customer group (cohorts, the sBG model, survival analysis).

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
# **Exercise 1.** A customer spends \$50 per order, orders 6 times a year and stays 2 years.
# What is their simple (revenue) CLV? Store it in `answer_1`.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
answer_1 = formulas.simple_clv(50, 6, 2)

# %% jupyter={"source_hidden": true} tags=["check"]
check_close("answer_1", answer_1, np.prod([50, 6, 2]), mistakes={
    "that is one year of orders: multiply by the years the customer stays.": np.prod([50, 6]),
    "that is margin: the question asks for the simple (revenue) CLV.": np.prod([50, 6, 2, gross_margin_rate]),
})

# %% [markdown]
# **Exercise 2.** A premium subscriber pays \$40 a month at a 40% margin and renews each month with
# probability 0.95. With a 10% *annual* discount rate, what is their CLV counting the signup
# payment? Store it in `answer_2`. (Careful with the units of the discount rate.)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
d_month = convert_rate(0.10, "year", "month")
answer_2 = formulas.retention_clv(40 * 0.40, 0.95, d_month, include_first_payment=True)


# %% jupyter={"source_hidden": true} tags=["check"]
def brute_clv(margin, d_monthly, first_payment=True):  # the long sum, month by month
    return sum(margin * (0.95 / (1 + d_monthly)) ** t for t in range(0 if first_payment else 1, 5000))

d_check = 1.10 ** (1 / 12) - 1
check_close("answer_2", answer_2, brute_clv(16, d_check), mistakes={
    "you discounted at 10% a month: turn the annual rate into a monthly one (convert_rate).": brute_clv(16, 0.10),
    "that leaves out the signup payment, which the question counts.": brute_clv(16, d_check, False),
    "that values revenue: count the margin, 40% of each payment.": brute_clv(40, d_check),
})

# %% [markdown]
# **Exercise 3.** Winning that premium subscriber through referrals costs \$70. How many months of
# expected, discounted margin does it take to pay it back? Store the answer in `answer_3`.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
answer_3 = formulas.payback_periods(70, 40 * 0.40, retention_rate=0.95,
                                    discount_rate=convert_rate(0.10, "year", "month"))

# %% jupyter={"source_hidden": true} tags=["check"]
q_check = 0.95 / 1.10 ** (1 / 12)  # what a month of margin keeps after churn and discounting
months_check = np.log1p(-70 * (1 - q_check) / 16) / np.log(q_check)  # solves 16 (1 - q^n) / (1 - q) = 70
check_close("answer_3", answer_3, months_check, mistakes={
    "that ignores churn and discounting (70 / 16): later months are worth less.": 70 / 16,
    "that ignores discounting: use the monthly discount rate as well.": np.log1p(-70 * 0.05 / 16) / np.log(0.95),
})

# %% [markdown]
# ## Quiz
#
# Answer with the letter of the option you choose; the check under each question explains it.
#
# **Question 1.** With a monthly discount rate of about 0.8%, retention rises from 0.90 to 0.95.
# What happens to the retention-formula CLV $m\,r/(1+d-r)$? Store your letter in `quiz_1`.
#
# * (a) It rises by about 5%, like retention.
# * (b) It roughly doubles: the denominator $1+d-r$ (churn plus discounting) is nearly halved.
# * (c) It hardly moves: the discount rate dominates.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
quiz_1 = "b"

# %% jupyter={"source_hidden": true} tags=["check"]
check_choice("quiz_1", quiz_1, "4d46bf1666ef", {
    "a": "CLV is not proportional to retention: it depends on 1 / (churn + discount rate).",
    "b": "Churn falls from 10% to 5% a month, so the expected lifetime (and the CLV) nearly doubles.",
    "c": "At monthly rates the discount rate is small next to churn: churn dominates (see the tornado).",
})

# %% [markdown]
# **Question 2.** Customers differ in retention. Which is larger: the CLV computed for the
# *average* customer (average retention plugged into the formula) or the average of the customers'
# CLVs? Store your letter in `quiz_2`.
#
# * (a) The CLV of the average customer.
# * (b) They are always equal.
# * (c) The average CLV: loyal customers add more value than the disloyal ones take away.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["solution"]
quiz_2 = "c"

# %% jupyter={"source_hidden": true} tags=["check"]
check_choice("quiz_2", quiz_2, "b1f4716f5172", {
    "a": "Section 7 showed the opposite: averages undervalue a mixed customer base.",
    "b": "Only if every customer were alike: CLV is not a straight line in retention.",
    "c": "CLV is convex in retention, so the average CLV beats the CLV of the average (section 7).",
})

# %% [markdown]
# ## Take-aways
#
# * Simple CLV (order value × frequency × lifespan) is revenue; a business keeps only its margin.
# * With retention $r$ and discount rate $d$ per period, CLV is $m\,r/(1+d-r)$ (plus $m$ when the
#   first payment counts): it scales with 1 / (churn + discount rate), so churn is the big lever.
# * Keep every rate in the unit of the period: a yearly discount rate is not a monthly one.
# * Payback counts the months of expected, discounted margin that repay the acquisition cost.
# * The CLV of the average customer undervalues a base whose customers differ.
#
# ## References
#
# * Berger, P. D. and Nasr, N. I. (1998). Customer lifetime value: marketing models and applications.
#   *Journal of Interactive Marketing* 12(1), 17–30.
# * Gupta, S. and Lehmann, D. R. (2003). Customers as assets. *Journal of Interactive Marketing*
#   17(1), 9–24 (the retention formula).
# * Fader, P. S. and Hardie, B. G. S. (2012). Reconciling and clarifying CLV formulas.
#   <http://brucehardie.com/notes/024/>.
# * Terms used here (CLV, margin, retention, churn, discount rate, payback, CAC) are in the
#   [glossary](../docs/glossary.md).
