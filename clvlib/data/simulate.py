"""Generators for the embedded datasets, with the true parameters that made them.

The fictional company is *Beanstalk Coffee*: it sells a monthly coffee subscription
(the contractual business, table ``subscriptions``) and runs a web shop where people
buy whenever they like (the non-contractual business, table ``orders``). Both are fed
by paid marketing in four channels (table ``marketing_spend``).

The world is built to teach:

* customers differ: each subscriber has their own monthly churn probability drawn from
  a Beta distribution (the shifted-beta-geometric story), so a constant churn rate
  mis-projects retention;
* many subscribers are still active on the analysis date, so censoring matters;
* channels differ in acquisition cost *and* in retention, so the cheapest channel is
  not the most valuable;
* plans differ in monthly revenue;
* shop customers follow BG/NBD (purchase while alive, may drop out after any purchase)
  and Gamma-Gamma (each customer has their own typical order value).

Everything is driven by one seeded ``numpy.random.Generator``, so
``python -m clvlib.data.simulate`` (``make data``) rebuilds the CSVs byte for byte. The
shared e-mail key, referrers and early app usage come from a second seeded stream drawn
afterwards (:mod:`clvlib.data.simulate_links`), so they leave every older column as it was.

Example
-------
>>> from clvlib.data.simulate import simulate_world, TRUE_WORLD
>>> world = simulate_world(TRUE_WORLD, seed=7, scale=0.1)
>>> sorted(world)
['links', 'marketing_spend', 'orders', 'orders_truth', 'people_truth', 'referrals_truth', 'subscriptions', 'subscriptions_truth']
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from clvlib.core.calendar import add_months
from clvlib.data.bundled import simulation_output_dir
from clvlib.data.simulate_links import add_links

DEFAULT_SEED = 20231101


@dataclass(frozen=True)
class ChannelTruth:
    """True behaviour of customers acquired through one marketing channel."""

    cac_dollars: float  # true cost to acquire one subscriber
    churn_alpha: float  # Beta(alpha, beta) of the monthly churn probability
    churn_beta: float
    monthly_spend_dollars: float  # typical monthly marketing spend
    plan_mix: tuple[float, float, float]  # share of basic, standard, premium signups


@dataclass(frozen=True)
class WorldTruth:
    """All true parameters of the simulated company (time unit noted on each)."""

    first_signup_month: str = "2023-01"
    last_signup_month: str = "2025-12"
    analysis_date: str = "2025-12-31"
    plans_monthly_revenue_dollars: dict = field(
        default_factory=lambda: {"basic": 15.0, "standard": 25.0, "premium": 40.0}
    )
    gross_margin_rate: float = 0.40
    # Customers who signed up with a first-month promotion churn faster: their Beta's
    # beta parameter is multiplied by this factor (mean churn goes up).
    promo_share: float = 0.30
    promo_churn_beta_factor: float = 0.55
    channels: dict = field(
        default_factory=lambda: {
            "search": ChannelTruth(120.0, 2.0, 30.0, 3600.0, (0.35, 0.40, 0.25)),
            "social": ChannelTruth(45.0, 1.6, 11.0, 1500.0, (0.50, 0.35, 0.15)),
            "referral": ChannelTruth(70.0, 2.4, 48.0, 1050.0, (0.30, 0.40, 0.30)),
            "affiliate": ChannelTruth(35.0, 1.5, 7.0, 1050.0, (0.55, 0.35, 0.10)),
        }
    )
    # Web shop: BG/NBD in weeks, Gamma-Gamma in dollars.
    shop_customers: int = 2500
    shop_first_purchase_start: str = "2024-01-01"
    shop_first_purchase_days: int = 84  # first purchases spread over 12 weeks
    shop_observation_end: str = "2025-12-31"
    bgnbd_r: float = 0.75
    bgnbd_alpha_weeks: float = 5.0
    bgnbd_a: float = 0.65
    bgnbd_b: float = 2.8
    gg_p: float = 6.0
    gg_q: float = 4.0
    gg_gamma: float = 15.0
    shop_channel_mix: tuple[float, float, float, float] = (0.35, 0.30, 0.15, 0.20)

    def to_dict(self) -> dict:
        out = asdict(self)
        out["time_units"] = {
            "churn": "month",
            "bgnbd": "week",
            "money": "US dollars",
        }
        return out


TRUE_WORLD = WorldTruth()


def beta_mean_lifetime_months(alpha: float, beta: float) -> float:
    """Expected number of paid months E[1/theta] for theta ~ Beta(alpha, beta), alpha > 1.

    With the first month counted, a subscriber with churn probability theta pays for a
    Geometric(theta) number of months whose mean is 1/theta.
    """
    if alpha <= 1:
        return float("inf")
    return (alpha + beta - 1.0) / (alpha - 1.0)


def _month_starts(first: str, last: str) -> pd.DatetimeIndex:
    return pd.date_range(pd.Period(first, "M").start_time, pd.Period(last, "M").start_time, freq="MS")


def simulate_marketing(truth: WorldTruth, rng: np.random.Generator, scale: float = 1.0) -> pd.DataFrame:
    """Monthly spend by channel: a base level, a mild seasonal swing and noise."""
    months = _month_starts(truth.first_signup_month, truth.last_signup_month)
    rows = []
    for i, month in enumerate(months):
        season = 1.0 + 0.25 * np.sin(2 * np.pi * (month.month - 3) / 12)  # spring-summer push, peaking in June
        growth = 1.0 + 0.01 * i
        for name, ch in truth.channels.items():
            noise = rng.lognormal(0.0, 0.15)
            spend = ch.monthly_spend_dollars * season * growth * noise * scale
            rows.append({"month": month.strftime("%Y-%m"), "channel": name, "spend": round(spend, 2)})
    return pd.DataFrame(rows)


def simulate_subscriptions(
    truth: WorldTruth, spend: pd.DataFrame, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Subscribers acquired from the spend, each with their own churn probability.

    A subscriber pays at signup and then renews each month with probability
    1 - theta; ``lifetime_months`` is the number of paid months (>= 1). The cancel date
    is the anniversary at which they stop; it is blank when that falls after the
    analysis date (right-censored: still active).
    """
    analysis_date = pd.Timestamp(truth.analysis_date)
    plans = list(truth.plans_monthly_revenue_dollars)
    frames = []
    for row in spend.itertuples(index=False):
        ch = truth.channels[row.channel]
        n = rng.poisson(row.spend / ch.cac_dollars)
        if n == 0:
            continue
        month_start = pd.Period(row.month, "M").start_time
        day = rng.integers(0, month_start.days_in_month, size=n)
        promo = rng.random(n) < truth.promo_share
        beta = np.where(promo, ch.churn_beta * truth.promo_churn_beta_factor, ch.churn_beta)
        theta = rng.beta(ch.churn_alpha, beta)
        lifetime = rng.geometric(theta)  # paid months, >= 1
        plan = rng.choice(plans, size=n, p=ch.plan_mix)
        age = np.clip(np.round(rng.normal(38, 11, size=n)), 18, 80).astype(int)
        frames.append(
            pd.DataFrame(
                {
                    "signup_date": month_start + pd.to_timedelta(day, unit="D"),
                    "plan": plan,
                    "channel": row.channel,
                    "promo_signup": promo,
                    "age_years": age,
                    "churn_prob_monthly": theta,
                    "lifetime_months": lifetime,
                }
            )
        )
    subs = pd.concat(frames, ignore_index=True).sort_values("signup_date", kind="stable")
    subs = subs.reset_index(drop=True)
    subs.insert(0, "customer_id", [f"S{i:05d}" for i in range(1, len(subs) + 1)])
    subs["monthly_revenue"] = subs["plan"].map(truth.plans_monthly_revenue_dollars)
    # Anniversary arithmetic month by month so tenure in whole months is exact.
    # Lifetimes past the analysis date are censored anyway; capping them keeps the date
    # arithmetic inside pandas' range (a rare lifetime of 3,000+ months would overflow it).
    last_month = 12 * (analysis_date.year + 1)
    months = np.minimum(subs["lifetime_months"], last_month - 12 * subs["signup_date"].dt.year)
    cancel = add_months(subs["signup_date"], months.to_numpy())
    subs["cancel_date"] = cancel.where(cancel <= analysis_date)
    public = subs[
        [
            "customer_id",
            "signup_date",
            "cancel_date",
            "plan",
            "monthly_revenue",
            "channel",
            "promo_signup",
            "age_years",
        ]
    ].copy()
    truth_table = subs[["customer_id", "churn_prob_monthly", "lifetime_months"]].copy()
    truth_table["churn_prob_monthly"] = truth_table["churn_prob_monthly"].round(6)
    return public, truth_table


def simulate_orders(truth: WorldTruth, rng: np.random.Generator, n_customers: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Web-shop orders from the BG/NBD + Gamma-Gamma story, in days.

    Each customer has a purchase rate lambda ~ Gamma(r, alpha) per week and a dropout
    probability p ~ Beta(a, b). While alive they buy as a Poisson process; after every
    repeat purchase they drop out with probability p. Order values are
    Gamma(p_gg, nu) with nu ~ Gamma(q, gamma) per customer.
    """
    start = pd.Timestamp(truth.shop_first_purchase_start)
    end = pd.Timestamp(truth.shop_observation_end)
    lam_per_week = rng.gamma(truth.bgnbd_r, 1.0 / truth.bgnbd_alpha_weeks, size=n_customers)
    dropout = rng.beta(truth.bgnbd_a, truth.bgnbd_b, size=n_customers)
    nu = rng.gamma(truth.gg_q, 1.0 / truth.gg_gamma, size=n_customers)
    first_day = rng.integers(0, truth.shop_first_purchase_days, size=n_customers)
    channels = rng.choice(list(truth.channels), size=n_customers, p=truth.shop_channel_mix)
    horizon_days = (end - start).days
    ids, days = [], []
    for i in range(n_customers):
        t = float(first_day[i])
        ids.append(i)
        days.append(t)
        # BG/NBD: the first purchase starts the relationship; a customer may drop out only
        # right after a *repeat* purchase (which is why one-time buyers have P(alive) = 1).
        while True:
            t += rng.exponential(7.0 / lam_per_week[i])
            if t > horizon_days:
                break
            ids.append(i)
            days.append(t)
            if rng.random() < dropout[i]:
                break
    ids = np.asarray(ids)
    values = rng.gamma(truth.gg_p, 1.0 / nu[ids])
    cust_ids = np.array([f"C{i:05d}" for i in range(1, n_customers + 1)])
    orders = pd.DataFrame(
        {
            "customer_id": cust_ids[ids],
            "order_date": start + pd.to_timedelta(np.floor(days), unit="D"),
            "order_value": np.round(values, 2),
            "channel": channels[ids],
        }
    ).sort_values(["order_date", "customer_id"], kind="stable")
    truth_table = pd.DataFrame(
        {
            "customer_id": cust_ids,
            "purchase_rate_per_week": np.round(lam_per_week, 6),
            "dropout_prob": np.round(dropout, 6),
            "mean_order_value": np.round(truth.gg_p / nu, 4),
        }
    )
    return orders.reset_index(drop=True), truth_table


def simulate_world(truth: WorldTruth = TRUE_WORLD, seed: int = DEFAULT_SEED, scale: float = 1.0) -> dict:
    """All three tables (and per-customer truth) for the fictional company.

    ``scale`` multiplies marketing spend and shop size: 1.0 gives the embedded data,
    smaller values give quick test worlds.
    """
    rng = np.random.default_rng(seed)
    spend = simulate_marketing(truth, rng, scale)
    subs, subs_truth = simulate_subscriptions(truth, spend, rng)
    orders, orders_truth = simulate_orders(truth, rng, max(1, int(round(truth.shop_customers * scale))))
    world = {
        "subscriptions": subs,
        "orders": orders,
        "marketing_spend": spend,
        "subscriptions_truth": subs_truth,
        "orders_truth": orders_truth,
    }
    return add_links(world, seed, truth.analysis_date)


def simulate_sbg_cohort(alpha: float, beta: float, n_customers: int, n_periods: int, seed: int) -> np.ndarray:
    """Customers still active at the start of periods 0..n_periods for one sBG cohort.

    Returns an integer array of length n_periods + 1 starting with ``n_customers``;
    used to check that the sBG fit recovers ``alpha`` and ``beta``.
    """
    rng = np.random.default_rng(seed)
    theta = rng.beta(alpha, beta, size=n_customers)
    lifetime = rng.geometric(theta)
    return np.array([(lifetime > t).sum() for t in range(n_periods + 1)])


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, date_format="%Y-%m-%d", float_format="%.6g", lineterminator="\n")


def write_embedded_data(out_dir: Path | None = None, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the embedded CSVs and ``true_parameters.json`` (default: the checkout's data/); return the paths."""
    out_dir = Path(out_dir) if out_dir is not None else simulation_output_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "truth").mkdir(exist_ok=True)
    world = simulate_world(TRUE_WORLD, seed=seed)
    written = []
    for name in ("subscriptions", "orders", "marketing_spend"):
        path = out_dir / f"{name}.csv"
        _write_csv(world[name], path)
        written.append(path)
    for name in ("subscriptions_truth", "orders_truth", "people_truth", "referrals_truth"):
        path = out_dir / "truth" / f"{name}.csv"
        _write_csv(world[name], path)
        written.append(path)
    params = TRUE_WORLD.to_dict()
    params["seed"] = seed
    params["linkage"] = world["links"]
    params["derived"] = {
        name: {
            "mean_churn_prob_monthly_no_promo": ch.churn_alpha / (ch.churn_alpha + ch.churn_beta),
            "mean_lifetime_months_no_promo": beta_mean_lifetime_months(ch.churn_alpha, ch.churn_beta),
        }
        for name, ch in TRUE_WORLD.channels.items()
    }
    path = out_dir / "truth" / "true_parameters.json"
    path.write_text(json.dumps(params, indent=2, sort_keys=True) + "\n")
    written.append(path)
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="clv-simulate", description="Rebuild the embedded datasets in data/.")
    parser.add_argument("--out", type=Path, default=None,
                        help=f"folder to write to (default: {simulation_output_dir()}; never the installed package)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    for path in write_embedded_data(args.out, args.seed):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
