"""Closed-form customer lifetime value: the formulas every CLV course starts with.

* :func:`simple_clv` -- average order value x purchases per year x lifespan in years
  ($100 x 4 a year x 3 years = $1,200);
* :func:`margin_clv` -- the same in gross margin rather than revenue;
* :func:`profit_times_retention_clv` -- average annual profit x average retention time;
* :func:`present_value` -- the present value of a stream of cash flows;
* :func:`retention_clv` -- the retention formula m r / (1 + d - r) and its variant that
  counts the first payment, checked by :func:`retention_clv_truncated`;
* :func:`payback_periods` -- how long margin takes to repay the acquisition cost;
* :func:`sensitivity` -- how much CLV moves when each input moves +-X% (tornado chart);
* :func:`clv_of_average_vs_average_clv` -- the trap of averages.

Rates carry their period in their name: ``discount_rate_annual`` is per year,
``discount_rate`` (in :func:`retention_clv`) is per period of the retention rate.
:func:`clvlib.core.units.convert_rate` converts between them.

Example
-------
>>> from clvlib.analysis import formulas
>>> formulas.simple_clv(average_order_value=100, purchases_per_year=4, lifespan_years=3)
1200.0
>>> round(formulas.retention_clv(margin_per_period=100, retention_rate=0.8, discount_rate=0.10), 2)
266.67
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from clvlib.core.discounting import check_discount_rate, discount_factors
from clvlib.core.units import TimeUnit, convert_rate

# ----------------------------------------------------------------------------- checks


def _nonnegative(name: str, value) -> np.ndarray:
    # dtype=float also takes Decimal (what database drivers return for NUMERIC columns).
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be a finite number; got {value!r}.")
    if np.any(arr < 0):
        raise ValueError(f"{name} must be 0 or more; got {value!r}.")
    return arr


def _retention(value, name: str = "retention_rate") -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0) or np.any(arr >= 1):
        raise ValueError(
            f"{name} must be at least 0 and below 1 (0.8 = 80% of customers stay each period); got {value!r}. "
            "A retention rate of 1 means customers never leave and the value is infinite."
        )
    return arr


def _result(value):
    """Plain float for scalar input, array otherwise."""
    arr = np.asarray(value, dtype=float)
    return float(arr) if arr.ndim == 0 else arr


# ----------------------------------------------------------------------------- simple formulas


def simple_clv(average_order_value, purchases_per_year, lifespan_years):
    """Revenue CLV = average order value x purchases per year x lifespan in years.

    No margin, no discounting, no churn: the back-of-the-envelope number.

    >>> simple_clv(100, 4, 3)
    1200.0
    """
    aov = _nonnegative("average_order_value", average_order_value)
    freq = _nonnegative("purchases_per_year", purchases_per_year)
    life = _nonnegative("lifespan_years", lifespan_years)
    return _result(np.multiply(np.multiply(aov, freq), life))


def margin_clv(average_order_value, purchases_per_year, lifespan_years, gross_margin_rate):
    """Profit CLV = simple CLV x gross margin rate (the share of revenue kept after costs).

    >>> margin_clv(100, 4, 3, gross_margin_rate=0.4)
    480.0
    """
    margin = _nonnegative("gross_margin_rate", gross_margin_rate)
    if np.any(np.asarray(margin) > 1):
        raise ValueError(f"gross_margin_rate is a share of revenue between 0 and 1; got {gross_margin_rate!r}.")
    return _result(np.multiply(simple_clv(average_order_value, purchases_per_year, lifespan_years), margin))


def expected_lifetime_periods(retention_rate):
    """Average number of periods a customer pays for, first one included: 1 / (1 - r).

    With a constant retention rate r the lifetime is geometric: P(pays k periods) =
    r^(k-1) (1 - r), whose mean is 1 / (1 - r).

    >>> expected_lifetime_periods(0.75)
    4.0
    """
    r = _retention(retention_rate)
    return _result(1.0 / (1.0 - np.asarray(r)))


def profit_times_retention_clv(annual_profit, retention_time_years):
    """CLV = average annual profit per customer x average retention time in years.

    >>> profit_times_retention_clv(annual_profit=160, retention_time_years=3)
    480.0
    """
    profit = _nonnegative("annual_profit", annual_profit)
    years = _nonnegative("retention_time_years", retention_time_years)
    return _result(np.multiply(profit, years))


# ----------------------------------------------------------------------------- discounting


def present_value(
    cash_flows: Sequence[float] | np.ndarray | pd.Series,
    discount_rate_annual: float,
    period: TimeUnit | str = "year",
    first_payment_now: bool = False,
) -> float:
    """Present value of one cash flow per period, discounted at a yearly rate.

    ``period`` is the spacing of ``cash_flows`` ("year", "month", ...); the yearly rate
    is converted to a rate per period with compounding (10% a year = 0.797% a month).
    ``first_payment_now`` says whether the first cash flow is received today
    (undiscounted) or at the end of the first period.

    >>> round(present_value([100, 100, 100], discount_rate_annual=0.10), 2)
    248.69
    >>> round(present_value([100, 100, 100], 0.10, first_payment_now=True), 2)
    273.55
    """
    flows = np.asarray(cash_flows, dtype=float).ravel()
    if not np.all(np.isfinite(flows)):
        raise ValueError("cash_flows must be numbers (no missing values).")
    d_annual = check_discount_rate(discount_rate_annual, "discount_rate_annual")
    d = convert_rate(d_annual, TimeUnit.YEAR, TimeUnit.parse(period))
    return float(np.sum(flows * discount_factors(flows.size, d, first_payment_now)))


def retention_clv(margin_per_period, retention_rate, discount_rate, include_first_payment: bool = False):
    """CLV with a constant retention rate r and discount rate d per period.

    ``include_first_payment=False`` (the textbook formula, Gupta & Lehmann 2003):
    the customer has just paid and been acquired; each later margin m arrives at the end
    of a period they survived, so

        CLV = sum_{t>=1} m r^t / (1 + d)^t = m r / (1 + d - r).

    ``include_first_payment=True`` adds the margin paid at acquisition (t = 0, not
    discounted):

        CLV = sum_{t>=0} m r^t / (1 + d)^t = m (1 + d) / (1 + d - r) = m + m r / (1 + d - r).

    All inputs may be arrays (one value per customer). Requires 0 <= r < 1 and
    d > -1 (and r < 1 + d, so the sum converges).

    >>> round(retention_clv(100, 0.8, 0.0), 6)
    400.0
    >>> round(retention_clv(100, 0.8, 0.0, include_first_payment=True), 6)
    500.0
    """
    m = _nonnegative("margin_per_period", margin_per_period)
    r = _retention(retention_rate)
    d = check_discount_rate(discount_rate)
    denom = 1.0 + np.asarray(d) - np.asarray(r)
    if np.any(denom <= 0):
        raise ValueError("The discount rate is so negative that the sum never converges (need r < 1 + d).")
    numerator = (1.0 + np.asarray(d)) if include_first_payment else np.asarray(r)
    return _result(np.asarray(m) * numerator / denom)


def retention_clv_truncated(
    margin_per_period, retention_rate, discount_rate, n_periods: int, include_first_payment: bool = False
) -> float:
    """The same sum as :func:`retention_clv`, term by term over ``n_periods`` payments.

    Used to check the closed form: with many periods the two agree.

    >>> round(retention_clv_truncated(100, 0.8, 0.10, n_periods=500), 2)
    266.67
    """
    m = _nonnegative("margin_per_period", margin_per_period)
    r = _retention(retention_rate)
    d = check_discount_rate(discount_rate)
    if int(n_periods) != n_periods or n_periods < 1:
        raise ValueError(f"n_periods must be a whole number 1 or more; got {n_periods!r}.")
    start = 0 if include_first_payment else 1
    t = np.arange(start, start + int(n_periods))
    return float(np.sum(m * (r / (1.0 + d)) ** t))


def payback_periods(
    acquisition_cost: float,
    margin_per_period: float,
    retention_rate: float | None = None,
    discount_rate: float = 0.0,
) -> float:
    """Periods of (expected, discounted) margin needed to repay the acquisition cost.

    Margin is received at the start of each period, the first at acquisition; with
    retention r and discount d the expected cumulative margin after n periods is
    m (1 - q^n) / (1 - q), q = r / (1 + d). The answer is the real n where that reaches
    the cost (2.5 = half-way through the third period); ``inf`` if it never does,
    because churn and discounting cap the total at m / (1 - q). ``retention_rate=None``
    means nobody churns.

    >>> payback_periods(acquisition_cost=120, margin_per_period=10)    # no churn: 120 / 10
    12.0
    >>> round(payback_periods(120, 10, retention_rate=0.95), 1)
    17.9
    >>> payback_periods(300, 10, retention_rate=0.95)    # the whole lifetime is worth 200
    inf
    """
    cac = _nonnegative("acquisition_cost", acquisition_cost)
    m = _nonnegative("margin_per_period", margin_per_period)
    r = 1.0 if retention_rate is None else _retention(retention_rate)
    d = check_discount_rate(discount_rate)
    if cac == 0:
        return 0.0
    if m == 0:
        return math.inf
    q = r / (1.0 + d)
    if np.isclose(q, 1.0, rtol=0, atol=1e-9):
        return float(cac / m)
    if q > 1:  # a negative discount rate beating churn: margin grows without limit
        return float(np.log1p(cac * (q - 1.0) / m) / np.log(q))
    ceiling = m / (1.0 - q)
    if cac >= ceiling:
        return math.inf
    return float(np.log1p(-cac * (1.0 - q) / m) / np.log(q))


# ----------------------------------------------------------------------------- sensitivity


def sensitivity(
    clv_function: Callable[..., float],
    inputs: Mapping[str, float],
    change: float = 0.10,
    ranges: Mapping[str, tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """How much CLV changes when each input moves down and up by ``change`` (0.10 = +-10%).

    ``clv_function`` is any formula here (or your own) called with keyword ``inputs``.
    ``ranges`` gives some inputs their own (low, high) values instead, the classic
    tornado: e.g. a retention rate of 0.92 cannot move up 10%, but its churn can move
    +-10%: ``{"retention_rate": (1 - 0.08 * 1.1, 1 - 0.08 * 0.9)}``.
    Returns one row per input, sorted by the size of the swing (largest first: the top
    bar of a tornado chart), with the base CLV, the CLV at the low and high values and
    the changes.

    >>> table = sensitivity(retention_clv, {"margin_per_period": 100, "retention_rate": 0.8,
    ...                                     "discount_rate": 0.1})
    >>> table.index[0]
    'retention_rate'
    """
    if not 0 < change < 1:
        raise ValueError(f"change must be a fraction between 0 and 1 (0.10 = +-10%); got {change!r}.")
    if not inputs:
        raise ValueError("inputs is empty: pass the formula's inputs as a dict of name -> value.")
    ranges = dict(ranges or {})
    unknown = sorted(set(ranges) - set(inputs))
    if unknown:
        raise ValueError(f"ranges names input(s) {', '.join(unknown)} that are not in inputs.")
    base = float(clv_function(**inputs))
    rows = []
    for name, value in inputs.items():
        if isinstance(value, bool) or not isinstance(value, int | float | np.number):
            continue  # switches such as include_first_payment are not moved
        if name in ranges:
            low_value, high_value = (float(v) for v in ranges[name])
            how = f"to {low_value:g} and {high_value:g}"
        else:
            low_value, high_value = value * (1 - change), value * (1 + change)
            how = f"by +-{change:.0%}"
        try:
            low = float(clv_function(**{**inputs, name: low_value}))
            high = float(clv_function(**{**inputs, name: high_value}))
        except ValueError as exc:
            raise ValueError(
                f"Moving {name} {how} gives an invalid input: {exc} Give it its own (low, high) in ranges."
            ) from None
        rows.append(
            {
                "input": name,
                "base_value": value,
                "low_value": low_value,
                "high_value": high_value,
                "base_clv": base,
                "clv_low": low,
                "clv_high": high,
                "change_low": low - base,
                "change_high": high - base,
                "swing": abs(high - low),
            }
        )
    table = pd.DataFrame(rows).set_index("input").sort_values("swing", ascending=False)
    table.attrs["change"] = change
    return table


# ----------------------------------------------------------------------------- trap of averages


def clv_of_average_vs_average_clv(
    margin_per_period, retention_rate, discount_rate: float, include_first_payment: bool = True
) -> pd.Series:
    """The CLV of the average customer versus the average of customers' CLVs.

    Pass one margin and one retention rate per customer (or per segment, repeated by
    size). Because CLV is convex in the retention rate, customers who stay long pull the
    average CLV above the CLV computed from average inputs (Jensen's inequality).
    """
    m = _nonnegative("margin_per_period", margin_per_period).ravel()
    r = _retention(retention_rate).ravel()
    if m.size == 0 or r.size == 0:
        raise ValueError("Pass at least one customer's margin and retention rate.")
    m, r = np.broadcast_arrays(m, r)
    each = retention_clv(m, r, discount_rate, include_first_payment)
    of_average = retention_clv(float(m.mean()), float(r.mean()), discount_rate, include_first_payment)
    average = float(np.mean(each))
    return pd.Series(
        {
            "clv_of_average_customer": of_average,
            "average_clv": average,
            # Both are 0 only when every margin is 0: then they are equal.
            "ratio": average / of_average if of_average > 0 else 1.0,
        }
    )
