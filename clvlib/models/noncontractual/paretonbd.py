"""The Pareto/NBD model of repeat buying (Schmittlein, Morrison & Colombo 1987, "Counting Your
Customers: Who Are They and What Will They Do Next?", Management Science 33(1)).

The story, for a customer who made a first purchase at time 0:

* while alive, they buy as a Poisson process with rate lambda per period;
  lambda ~ Gamma(shape r, rate alpha) across customers;
* they die at an exponential time with rate mu per period (at any moment, unlike BG/NBD
  where dropping out happens only right after a purchase); mu ~ Gamma(shape s, rate beta).

For ``x`` repeat purchases, the last at ``t_x``, observed for ``T`` periods, the likelihood
(Fader & Hardie 2005, "A Note on Deriving the Pareto/NBD Model and Related Expressions") is
the chance of being alive at T plus the chance of dying at some tau in (t_x, T]::

    L = G(r+x) alpha^r beta^s / G(r) * [ (alpha+T)^-(r+x) (beta+T)^-s
                                         + s * integral_{t_x}^{T} (alpha+tau)^-(r+x) (beta+tau)^-(s+1) dtau ]

The integral has the antiderivative -(alpha+tau)^-(r+s+x) 2F1(r+s+x, s+1; r+s+x+1; z) / (r+s+x),
z = (alpha-beta)/(alpha+tau) (roles of alpha and beta swapped when alpha < beta). Written
as is, that hypergeometric function overflows for heavy buyers and the difference of the two
terms cancels to 0 or NaN when recency = T (lifetimes returns NaN there). Here Euler's
transformation turns it into 2F1(1, r+x; r+s+x+1; z), which lies between 1 and (r+s+x)/s,
each term is kept as a logarithm, and the difference is taken as
log G(t_x) + log(1 - exp(log G(T) - log G(t_x))): finite for x in the hundreds and exactly
"no chance of dying in between" when recency = T.

Gradient: exact for the gamma-function terms and for alpha and beta (differentiating the
integrand shifts an exponent by one, which is the same closed form); the derivatives in r
and s of the integral term, which move the hypergeometric function's parameters and have no
closed form, are central differences of that one term (relative error ~1e-9).

Example
-------
The parameters Fader, Hardie & Lee (2005) published for CDNOW (weeks):

>>> from clvlib.models.noncontractual import ParetoNBD
>>> cdnow = ParetoNBD.from_params({"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}, time_unit="week")
>>> round(float(cdnow.probability_alive(150, 38.0, 38.0)), 4)   # a heavy buyer seen at T
1.0
>>> round(float(cdnow.expected_purchases(39.0)), 3)
1.213
"""

from __future__ import annotations

import numpy as np
from scipy import integrate
from scipy.special import digamma, expit, gammaln, hyp2f1, hyperu

from clvlib.core.units import TimeUnit
from clvlib.models.base import FittedModel, check_fitted
from clvlib.models.fitting import dot, maximize_log_likelihood, penalized
from clvlib.models.noncontractual.bgnbd import BetaGeoNBD, histories_table

PARAMS = ["r", "alpha", "s", "beta"]
_REL_STEP = 1e-5  # central-difference step in the hypergeometric term's exponents, relative


def _log_antiderivative(p, q, alpha, beta, t):
    """ln of (1/(p+q-1)) (alpha+t)^-p (beta+t)^-q (alpha+t or beta+t) 2F1-factor: the magnitude
    of the antiderivative of (alpha+t)^-p (beta+t)^-q, decreasing in t (Euler-transformed form)."""
    la, lb = np.log(alpha + t), np.log(beta + t)
    if alpha >= beta:
        hyp = hyp2f1(1.0, p, p + q, (alpha - beta) / (alpha + t))
        core = -p * la - (q - 1.0) * lb
    else:
        hyp = hyp2f1(1.0, q, p + q, (beta - alpha) / (beta + t))
        core = -q * lb - (p - 1.0) * la
    return core + np.log(hyp) - np.log(p + q - 1.0)


def log_integral(p, q, alpha, beta, t_from, t_to):
    """ln of the integral of (alpha+tau)^-p (beta+tau)^-q over [t_from, t_to]; -inf when they are equal.

    >>> from scipy.integrate import quad
    >>> exact = quad(lambda u: (2 + u) ** -3.5 * (5 + u) ** -1.6, 1.0, 9.0)[0]
    >>> bool(abs(float(np.exp(log_integral(3.5, 1.6, 2.0, 5.0, 1.0, 9.0))) / exact - 1) < 1e-10)
    True
    """
    upper = _log_antiderivative(p, q, alpha, beta, t_from)
    lower = _log_antiderivative(p, q, alpha, beta, t_to)
    with np.errstate(divide="ignore"):
        return upper + np.log(-np.expm1(np.minimum(lower - upper, 0.0)))


def _parts(params, x, t_x, big_t):
    """Shared gamma terms, ln(alive at T) and ln(died in (t_x, T]) per history."""
    r, alpha, s, beta = (float(v) for v in params)
    shared = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    alive = -(r + x) * np.log(alpha + big_t) - s * np.log(beta + big_t)
    dead = np.log(s) + log_integral(r + x, s + 1.0, alpha, beta, t_x, big_t)
    return shared, alive, dead


def log_likelihood_per_customer(params, frequency, recency, T) -> np.ndarray:
    """ln L for each history (Fader & Hardie 2005 note, eq. 13), computed on the log scale."""
    x, t_x, big_t = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
    shared, alive, dead = _parts(params, x, t_x, big_t)
    return shared + np.logaddexp(alive, dead)


def log_likelihood_and_gradient(params, frequency, recency, T, weights=None):
    """Weighted total log-likelihood and its gradient in (r, alpha, s, beta).

    With ln L = shared + ln(e^A + e^D), w = e^D / (e^A + e^D) (the chance the customer died
    before T, given the history) and I(p, q) the integral in D (p = r+x, q = s+1):

    * d/dr     = psi(r+x) - psi(r) + ln alpha - (1-w) ln(alpha+T) + w dlnI/dp
    * d/dalpha = r/alpha - (1-w)(r+x)/(alpha+T) - w (r+x) I(p+1, q)/I(p, q)
    * d/ds     = ln beta - (1-w) ln(beta+T) + w (1/s + dlnI/dq)
    * d/dbeta  = s/beta - (1-w) s/(beta+T) - w (s+1) I(p, q+1)/I(p, q)
    """
    x, t_x, big_t = (np.asarray(v, dtype=float).ravel() for v in (frequency, recency, T))
    n = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float).ravel()
    r, alpha, s, beta = (float(v) for v in params)
    shared, alive, dead = _parts(params, x, t_x, big_t)
    log_l = shared + np.logaddexp(alive, dead)
    w = np.exp(dead - np.logaddexp(alive, dead))  # 0 where recency = T (dead = -inf)
    d_dead = np.zeros((4, len(x)))
    live = w > 0
    if live.any():
        p, tx, bt = r + x[live], t_x[live], big_t[live]
        q = s + 1.0

        def log_i(pp, qq):
            return log_integral(pp, qq, alpha, beta, tx, bt)

        base = dead[live] - np.log(s)
        hp, hq = _REL_STEP * p, _REL_STEP * q
        d_dead[0, live] = (log_i(p + hp, q) - log_i(p - hp, q)) / (2 * hp)
        d_dead[1, live] = -p * np.exp(log_i(p + 1.0, q) - base)
        d_dead[2, live] = 1.0 / s + (log_i(p, q + hq) - log_i(p, q - hq)) / (2 * hq)
        d_dead[3, live] = -q * np.exp(log_i(p, q + 1.0) - base)
    keep = 1.0 - w
    grad = np.array([
        dot(n, digamma(r + x) - digamma(r) + np.log(alpha) - keep * np.log(alpha + big_t) + w * d_dead[0]),
        dot(n, r / alpha - keep * (r + x) / (alpha + big_t) + w * d_dead[1]),
        dot(n, np.log(beta) - keep * np.log(beta + big_t) + w * d_dead[2]),
        dot(n, s / beta - keep * s / (beta + big_t) + w * d_dead[3]),
    ])
    return dot(n, log_l), grad


def _one_minus_power_over(exponent, log_ratio):
    """(1 - exp(-exponent * log_ratio)) / exponent, with its limit log_ratio at exponent = 0."""
    if abs(exponent) < 1e-10:
        return log_ratio
    return -np.expm1(-exponent * log_ratio) / exponent


class ParetoNBD(FittedModel):
    """Pareto/NBD fitted by maximum likelihood; time is measured in ``time_unit``.

    Fitted attributes (the contract of :class:`clvlib.models.base.FittedModel`): ``r_``,
    ``alpha_`` (1/alpha is a purchase rate per period), ``s_``, ``beta_`` (1/beta a dropout
    rate per period), ``params_``, ``log_likelihood_`` (without the penalty), ``aic_``,
    ``n_obs_``, ``n_histories_`` and ``time_unit_``. ``penalizer_coef`` adds an L2 penalty
    on the log-parameters (:func:`clvlib.models.fitting.penalized`).
    """

    param_names = tuple(PARAMS)
    fit_call = "fit(summary)"

    def __init__(self, time_unit: TimeUnit | str = "week", penalizer_coef: float = 0.0):
        super().__init__(time_unit)
        self.penalizer_coef = penalizer_coef

    def fit(self, frequency, recency=None, T=None, weights=None) -> ParetoNBD:
        """Fit to customer histories; returns self.

        ``frequency`` may be a per-customer summary DataFrame from
        :func:`clvlib.transactions.summarize_transactions` (its recorded time unit must
        match the model's; an ``n_customers`` column is used as weights) or an array of
        repeat-purchase counts with ``recency`` and ``T``.
        """
        table = histories_table(self, frequency, recency, T, weights, "Pareto/NBD")
        n_customers = float(table["n_customers"].sum())
        x, t_x, big_t, n = (table[c].to_numpy(float) for c in ("frequency", "recency", "T", "n_customers"))

        def value_and_grad(params):
            return log_likelihood_and_gradient(params, x, t_x, big_t, n)

        objective = penalized(value_and_grad, self.penalizer_coef, n_customers)
        rate = max(np.dot(n, x) / max(np.dot(n, big_t), 1e-9), 1e-6)
        mean_t = float(np.dot(n, big_t) / n_customers)
        # Starts: r = 1 with alpha matching the purchase rate; mean lifetime beta/s near, and far beyond, T.
        start = np.log([[1.0, 1.0 / rate, 1.0, mean_t], [0.5, 0.5 / rate, 0.5, 4.0 * mean_t]])
        params = maximize_log_likelihood(objective, start, PARAMS, "Pareto/NBD")
        self._set_fit(
            params, time_unit=self.time_unit, log_likelihood=value_and_grad(params)[0],
            n_obs=n_customers, value_and_grad=objective,
        )
        self.n_histories_ = len(table)
        return self

    def _extra_state(self) -> dict:
        return {**BetaGeoNBD._extra_state(self), "penalizer_coef": self.penalizer_coef}

    def _restore_extra_state(self, extra: dict) -> None:
        BetaGeoNBD._restore_extra_state(self, extra)
        self.penalizer_coef = float(extra.get("penalizer_coef", 0.0))

    _check_unit = BetaGeoNBD._check_unit

    # ------------------------------------------------------------- predictions
    def probability_alive(self, frequency, recency, T) -> np.ndarray:
        """P(alive at T | x, t_x, T): the "alive" share of the likelihood; 1 when recency = T."""
        check_fitted(self)
        x, t_x, big_t = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (frequency, recency, T)))
        _, alive, dead = _parts(self.params_.to_numpy(), x, t_x, big_t)
        if not np.all(np.isfinite(alive) & ~np.isnan(dead)):
            raise ValueError(
                "The Pareto/NBD hypergeometric term could not be evaluated for some customers (scipy's "
                "2F1 fails beyond about 1,000 purchases when beta is far below alpha + T)."
            )
        return expit(alive - dead)

    def expected_purchases(self, t, time_unit: TimeUnit | str | None = None) -> np.ndarray:
        """Unconditional E[X(t)] = r beta / (alpha (s-1)) [1 - (beta/(beta+t))^(s-1)] (limit at s = 1)."""
        check_fitted(self)
        self._check_unit(time_unit, "time t")
        t = np.asarray(t, dtype=float)
        r, alpha, s, beta = self.r_, self.alpha_, self.s_, self.beta_
        return r * beta / alpha * _one_minus_power_over(s - 1.0, np.log1p(t / beta))

    def conditional_expected_purchases(
        self, t, frequency, recency, T, time_unit: TimeUnit | str | None = None
    ) -> np.ndarray:
        """E[Y(t) | x, t_x, T]: repeat purchases in the next ``t`` periods (Schmittlein et al. 1987)::

            (r+x)(beta+T) / ((alpha+T)(s-1)) * [1 - ((beta+T)/(beta+T+t))^(s-1)] * P(alive)
        """
        check_fitted(self)
        self._check_unit(time_unit, "time t")
        x, t_x, big_t, t = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (frequency, recency, T, t)))
        r, alpha, s, beta = self.r_, self.alpha_, self.s_, self.beta_
        alive_rate = (r + x) * (beta + big_t) / (alpha + big_t)
        return alive_rate * _one_minus_power_over(s - 1.0, np.log1p(t / (beta + big_t))) * self.probability_alive(
            x, t_x, big_t
        )

    def probability_of_n_purchases(self, n, t, time_unit: TimeUnit | str | None = None) -> np.ndarray:
        """P(X(t) = n): the chance that a new customer makes exactly ``n`` repeat purchases in ``t`` periods.

        Given a lifetime tau, purchases are Poisson with mean lambda min(tau, t); over the gamma
        lambda that is a negative binomial NB(n; u) at exposure u = min(tau, t). The lifetime is
        Pareto (II): P(tau > u) = (beta/(beta+u))^s. So, one smooth integral (adaptive quadrature)::

            P(X(t) = n) = (beta/(beta+t))^s NB(n; t) + integral_0^t s beta^s/(beta+u)^(s+1) NB(n; u) du
        """
        check_fitted(self)
        self._check_unit(time_unit, "time t")
        r, alpha, s, beta = self.r_, self.alpha_, self.s_, self.beta_
        horizon = np.asarray(t, dtype=float)
        if not np.all(np.isfinite(horizon) & (horizon > 0)):
            raise ValueError(f"t must be a positive number of {self.time_unit_.value}s, not {t!r}.")

        def negative_binomial(count, u):
            with np.errstate(divide="ignore"):
                log_p = (gammaln(r + count) - gammaln(r) - gammaln(count + 1)
                         + r * np.log(alpha / (alpha + u)) + count * np.log(u / (alpha + u)))
            return np.exp(log_p)

        def one(count, t_one):
            if count < 0 or count != int(count):
                raise ValueError(f"n must be whole numbers of purchases, 0 or more; got {count!r}.")
            died = integrate.quad(
                lambda u: s * beta**s * (beta + u) ** -(s + 1) * negative_binomial(count, u), 0.0, t_one,
                epsabs=0.0, epsrel=1e-12, limit=200,
            )[0]
            return (beta / (beta + t_one)) ** s * negative_binomial(count, t_one) + died

        # n and t broadcast, like the other models' pmf (the calibration histogram passes one t per customer).
        return np.vectorize(one, otypes=[float])(np.asarray(n, dtype=float), horizon)

    def discounted_expected_residual_transactions(self, discount_rate, frequency, recency, T) -> np.ndarray:
        """DERT: the discounted number of all future purchases (Fader, Hardie & Lee 2005, "RFM and
        CLV", J. Marketing Research 42(4), eq. 2), with continuous discounting.

        ``discount_rate`` is per model period, compound (0.0027 a week is about 15% a year); the
        continuous rate is delta = ln(1 + discount_rate). Given alive, purchases arrive at rate
        lambda until death at rate mu, so the discounted count is lambda / (mu + delta); averaged
        over the customer's posterior::

            DERT = P(alive) * (r+x)/(alpha+T) * (delta (beta+T))^s U(s, s; delta (beta+T)) / delta

        with U the confluent hypergeometric function of the second kind. Multiply by the
        expected margin per purchase for a CLV.
        """
        check_fitted(self)
        if not np.all(np.asarray(discount_rate, dtype=float) > 0):
            raise ValueError(f"discount_rate must be above 0 per period (e.g. 0.0027 a week); got {discount_rate!r}.")
        delta = np.log1p(np.asarray(discount_rate, dtype=float))
        x, t_x, big_t = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (frequency, recency, T)))
        r, alpha, s, beta = self.r_, self.alpha_, self.s_, self.beta_
        z = delta * (beta + big_t)
        mean_inverse_rate = np.exp(s * np.log(z) + np.log(hyperu(s, s, z))) / delta  # E[1 / (mu + delta)]
        return self.probability_alive(x, t_x, big_t) * (r + x) / (alpha + big_t) * mean_inverse_rate

    def __repr__(self) -> str:
        if getattr(self, "params_", None) is None:
            return f"ParetoNBD(time_unit={self.time_unit.value!r})"
        return (
            f"ParetoNBD(time_unit={self.time_unit_.value!r}): r={self.r_:.3f}, alpha={self.alpha_:.3f}, "
            f"s={self.s_:.3f}, beta={self.beta_:.3f}, log-likelihood={self.log_likelihood_:.1f}"
        )


__all__ = ["ParetoNBD", "log_integral", "log_likelihood_and_gradient", "log_likelihood_per_customer"]
