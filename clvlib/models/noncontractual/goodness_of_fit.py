"""How many purchases a model expects, P(X(t) = n), and whether it fits the calibration histogram.

The classic check of a "buy till you die" model (Fader, Hardie & Lee 2005, "Counting Your
Customers the Easy Way", Marketing Science 24(2), Figure 1): count the customers with 0, 1,
2, ..., k+ repeat purchases in the calibration period and set the counts the model expects
beside them. Each customer was observed for their own ``T``, so the expected count of
customers with ``n`` repeat purchases is the sum over customers of P(X(T_i) = n).

* :func:`bgnbd_pmf`: the BG/NBD's P(X(t) = n) (FHL 2005 eq. 8; R BTYD ``bgnbd.pmf``);
  :func:`paretonbd_pmf` the Pareto/NBD's;
* :func:`probability_of_n_purchases`: P(X(t) = n) for any fitted model that has it;
* :func:`repeat_purchase_histogram`: actual vs expected customers by repeat purchases;
* :func:`chi_square_test`: Pearson's chi-square on that table, with degrees of freedom
  (bins - 1 - parameters) and p-value, as Fader, Hardie & Lee report it.

Example
-------
The published CDNOW parameters say 57.4% of new customers make no repeat purchase in 39 weeks:

>>> from clvlib.models.noncontractual import BetaGeoNBD
>>> model = BetaGeoNBD.from_params({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}, time_unit="week")
>>> round(float(probability_of_n_purchases(model, 0, 39.0)), 7)
0.5737864
>>> import pandas as pd
>>> summary = pd.DataFrame({"frequency": [0, 0, 1, 3], "recency": [0, 0, 20.0, 35.0], "T": [39.0] * 4})
>>> table = repeat_purchase_histogram(model, summary, max_count=2)
>>> table["actual"].tolist(), round(float(table["expected"].sum()), 6)
([2.0, 1.0, 1.0], 4.0)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import betaln, gammaln, hyp2f1

from clvlib.core.units import TimeUnit, check_same_unit
from clvlib.models.base import check_fitted
from clvlib.models.fitting import as_float_array, summary_columns


def _counts_and_times(n, t) -> tuple[np.ndarray, np.ndarray]:
    """``n`` (whole numbers >= 0) and ``t`` (>= 0) as float arrays broadcast together."""
    n, t = np.broadcast_arrays(np.asarray(n, dtype=float), np.asarray(t, dtype=float))
    if np.any(~np.isfinite(n)) or np.any(n < 0) or np.any(n != np.round(n)):
        raise ValueError("n must be a whole number of repeat purchases, 0 or more.")
    if np.any(~np.isfinite(t)) or np.any(t < 0):
        raise ValueError("t must be a length of time, 0 or more.")
    return n, t


def bgnbd_pmf(params, n, t) -> np.ndarray:
    """P(X(t) = n) under the BG/NBD with ``params`` = (r, alpha, a, b); ``n``, ``t`` broadcast.

    Fader, Hardie & Lee (2005), eq. 8: the customer is still alive at t and made n
    purchases (first term), or made n purchases and dropped out after the last one (second)::

        P(X(t)=n) = B(a, b+n)/B(a, b) * NB(n; r, alpha/(alpha+t))
                    + [n > 0] B(a+1, b+n-1)/B(a, b) * P(NB(r, alpha/(alpha+t)) >= n)

    with NB(n; r, p) = G(r+n)/(G(r) n!) p^r (1-p)^n the negative binomial (Poisson-gamma)
    count. R BTYD's ``bgnbd.pmf`` gives P(X(39) = 0) = 0.5737864 at FHL's CDNOW estimates:

    >>> round(float(bgnbd_pmf([0.243, 4.414, 0.793, 2.426], 0, 39)), 7)
    0.5737864
    """
    r, alpha, a, b = (float(v) for v in params)
    n, t = _counts_and_times(n, t)
    p = alpha / (alpha + t)
    alive = np.exp(betaln(a, b + n) - betaln(a, b) + stats.nbinom.logpmf(n, r, p))
    repeat = n > 0
    b_n1 = np.where(repeat, b + n - 1, b)  # any valid value where n = 0: that term is zero
    dropped = np.exp(betaln(a + 1, b_n1) - betaln(a, b)) * stats.nbinom.sf(n - 1, r, p)
    return alive + np.where(repeat, dropped, 0.0)


def paretonbd_pmf(params, n, t) -> np.ndarray:
    """P(X(t) = n) under the Pareto/NBD with ``params`` = (r, alpha, s, beta); ``n``, ``t`` broadcast.

    Fader, Hardie & Lee (2005), "A Note on Deriving the Pareto/NBD Model and Related
    Expressions", eq. 18: alive at t with n purchases, plus died at some tau < t after n::

        NB(n; r, alpha/(alpha+t)) (beta/(beta+t))^s + alpha^r beta^s B(r+n, s+1)/B(r, s)
            * [B1 - sum_{j=0}^{n} G(r+s+j)/(G(r+s) j!) t^j B2_j]

    with B1, B2_j Gauss hypergeometric terms whose argument is (alpha-beta)/alpha and
    (alpha-beta)/(alpha+t) when alpha >= beta (the roles swap otherwise, so the argument stays
    in [0, 1)). The bracket is a difference of close numbers when P is below ~1e-10, so such
    probabilities are exact only in absolute terms (about 1e-12 at n = 80 when alpha < beta;
    negatives of order 1e-17 are set to 0); for n in the hundreds a term can overflow, which
    raises ValueError. The histogram's few small counts are far from both limits.
    """
    r, alpha, s, beta = (float(v) for v in params)
    n, t = _counts_and_times(n, t)
    alive = np.exp(stats.nbinom.logpmf(n, r, alpha / (alpha + t)) + s * np.log(beta / (beta + t)))
    if alpha >= beta:
        big, b_par = alpha, s + 1.0
    else:
        big, b_par = beta, r + n
    c_par = r + s + n + 1
    # alpha^r beta^s is carried inside each term's logarithm, so nothing overflows for large s or r.
    log_scale = r * np.log(alpha) + s * np.log(beta)
    b1 = np.exp(log_scale - (r + s) * np.log(big) + np.log(hyp2f1(r + s, b_par, c_par, abs(alpha - beta) / big)))
    total = np.zeros_like(n)
    log_t = np.log(np.where(t > 0, t, 1.0))
    for j in range(int(n.max()) + 1 if n.size else 0):
        log_term = (log_scale + gammaln(r + s + j) - gammaln(r + s) - gammaln(j + 1.0) + j * log_t
                    + np.log(hyp2f1(r + s + j, b_par, c_par, abs(alpha - beta) / (big + t)))
                    - (r + s + j) * np.log(big + t))
        total = total + np.where((j <= n) & ((t > 0) | (j == 0)), np.exp(log_term), 0.0)
    dead = np.exp(betaln(r + n, s + 1) - betaln(r, s)) * (b1 - total)
    out = alive + np.maximum(dead, 0.0)
    if not np.all(np.isfinite(out)):
        raise ValueError(
            f"P(X(t) = n) of this Pareto/NBD cannot be evaluated for n as large as {int(n.max())} "
            "(a hypergeometric term overflows); ask for fewer purchases."
        )
    return out


# Models without a probability_of_n_purchases method of their own, by class name (so that
# this module need not import every model).
PMF_BY_MODEL = {"BetaGeoNBD": bgnbd_pmf, "ParetoNBD": paretonbd_pmf}


def probability_of_n_purchases(model, n, t, time_unit: TimeUnit | str | None = None) -> np.ndarray:
    """P(X(t) = n): the chance a new customer makes ``n`` repeat purchases within ``t`` periods.

    Works for any fitted model with a ``probability_of_n_purchases(n, t)`` method (MBG/NBD,
    and models added later), for :class:`BetaGeoNBD` (:func:`bgnbd_pmf`) and for ``ParetoNBD``
    (:func:`paretonbd_pmf`). ``t`` is in the
    model's ``time_unit_``; pass ``time_unit`` to have that checked.
    """
    check_fitted(model)
    if time_unit is not None:
        check_same_unit(model.time_unit_, time_unit, what="time t")
    own = getattr(model, "probability_of_n_purchases", None)
    if own is not None:
        return own(n, t)
    pmf = PMF_BY_MODEL.get(type(model).__name__)
    if pmf is None:
        raise TypeError(
            f"{type(model).__name__} has no distribution of purchase counts P(X(t) = n); "
            "use BetaGeoNBD, ModifiedBetaGeoNBD or ParetoNBD."
        )
    return pmf(model.params_.to_numpy(), n, t)


def repeat_purchase_histogram(model, summary: pd.DataFrame, max_count: int = 7) -> pd.DataFrame:
    """Customers by repeat purchases in the calibration period: actual and expected by the model.

    ``summary`` is the calibration summary the model was fitted on (columns ``frequency``
    and ``T``; an ``n_customers`` column counts customers per row). Rows are 0, 1, ...,
    ``max_count``; the last row holds everyone with ``max_count`` or more (shown "7+").
    The expected count in row n is the sum over customers of P(X(T_i) = n), the last row
    the rest, so both columns add up to the number of customers. ``.attrs`` hold
    ``time_unit``, ``max_count``, ``n_params`` (for the chi-square's degrees of freedom)
    and ``model``.
    """
    check_fitted(model)
    if int(max_count) != max_count or max_count < 1:
        raise ValueError(f"max_count must be a whole number of purchases, 1 or more; got {max_count!r}.")
    max_count = int(max_count)
    if not isinstance(summary, pd.DataFrame):
        raise ValueError("summary must be the per-customer calibration summary (a DataFrame with frequency and T).")
    unit = summary.attrs.get("time_unit")
    if unit is not None:
        check_same_unit(model.time_unit_, unit, what="customer summary")
    (frequency, big_t), weights = summary_columns(summary, ("frequency", "T"), None, type(model).__name__)
    x = as_float_array(frequency, "frequency")
    big_t = as_float_array(big_t, "T")
    w = np.ones(len(x)) if weights is None else as_float_array(weights, "n_customers")
    bins = np.minimum(x, max_count).astype(int)
    actual = np.bincount(bins, weights=w, minlength=max_count + 1)
    # Distinct observation lengths: a cohort acquired over a quarter has only ~90 of them.
    t_unique, inverse = np.unique(big_t, return_inverse=True)
    n_by_t = np.bincount(inverse, weights=w, minlength=len(t_unique))
    counts = np.arange(max_count)
    pmf = probability_of_n_purchases(model, counts[:, None], t_unique[None, :])
    expected_low = pmf @ n_by_t
    expected = np.r_[expected_low, w.sum() - expected_low.sum()]
    out = pd.DataFrame(
        {"actual": actual, "expected": expected},
        index=pd.Index(np.arange(max_count + 1), name="repeat_purchases"),
    )
    out.attrs.update(
        time_unit=model.time_unit_.value, max_count=max_count,
        n_params=len(model.param_names), model=type(model).__name__,
    )
    return out


@dataclass(frozen=True)
class ChiSquareResult:
    """Pearson's chi-square of actual against expected counts."""

    statistic: float
    degrees_of_freedom: int
    p_value: float

    def __str__(self) -> str:
        return f"chi-square = {self.statistic:.2f} on {self.degrees_of_freedom} degrees of freedom, p = {self.p_value:.3g}"


def chi_square_test(histogram: pd.DataFrame, n_params: int | None = None) -> ChiSquareResult:
    """Chi-square goodness of fit of :func:`repeat_purchase_histogram`'s table.

    statistic = sum over bins of (actual - expected)^2 / expected, compared with a
    chi-square with (bins - 1 - n_params) degrees of freedom: the fitted parameters each
    use one up (``n_params`` defaults to the model's, kept in the table's ``.attrs``). A small
    p-value says the model's histogram differs from the data by more than chance. Expected
    counts below 5 make the test unreliable: lower ``max_count`` so the last bins pool.

    >>> table = pd.DataFrame({"actual": [50.0, 30.0, 20.0], "expected": [45.0, 35.0, 20.0]})
    >>> result = chi_square_test(table, n_params=0)
    >>> round(result.statistic, 4), result.degrees_of_freedom
    (1.2698, 2)
    """
    if n_params is None:
        n_params = histogram.attrs.get("n_params")
        if n_params is None:
            raise ValueError("Give n_params (the number of fitted parameters): the table does not record it.")
    actual = histogram["actual"].to_numpy(float)
    expected = histogram["expected"].to_numpy(float)
    if np.any(expected <= 0):
        raise ValueError("Every bin needs a positive expected count; lower max_count so the last bins pool.")
    dof = len(actual) - 1 - int(n_params)
    if dof < 1:
        raise ValueError(
            f"{len(actual)} bins leave no degrees of freedom after {n_params} fitted parameters; "
            "raise max_count."
        )
    statistic = float(np.sum((actual - expected) ** 2 / expected))
    return ChiSquareResult(statistic, dof, float(stats.chi2.sf(statistic, dof)))


__all__ = [
    "ChiSquareResult",
    "bgnbd_pmf",
    "chi_square_test",
    "paretonbd_pmf",
    "probability_of_n_purchases",
    "repeat_purchase_histogram",
]
