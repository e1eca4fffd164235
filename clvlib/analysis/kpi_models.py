"""Model-based KPIs as of one day: subscriber CLV and LTV:CAC by channel, shop value, lifecycle mix.

The executive report fits the survival, BG/NBD and Gamma-Gamma models on a dataset cut
at the as-of date (:func:`clvlib.analysis.kpis.as_of_view`), so each figure uses only
what was known that day. The shop models are fitted as of the orders' own period end
when the orders end earlier (:func:`clvlib.analysis.kpis.orders_end`).
"""

from __future__ import annotations

from clvlib.analysis import acquisition, segments
from clvlib.analysis.kpis import orders_end
from clvlib.analysis.predictive_clv import customer_lifetime_value
from clvlib.core.calendar import months_ending
from clvlib.models.noncontractual import BetaGeoNBD, GammaGamma
from clvlib.transactions import summarize_transactions


def model_kpis(
    view,
    gross_margin_rate: float,
    discount_rate_annual: float,
    horizon_months: int,
    clv_model: str = "kaplan_meier",
    cac_window_months: int = 0,
    shop_horizon_weeks: int = 52,
    bootstrap_replicates: int = 0,
):
    """Model-based figures as of one day: CLV and LTV:CAC by channel, shop value, stage mix.

    ``view`` is a dataset cut at its analysis date (:func:`clvlib.analysis.kpis.as_of_view`). Returns
    ``(figures, channels, stage_mix)``: a dict of KPIs (``clv_new_subscriber``,
    ``shop_value_12m``, ``shop_active_share``), the per-channel table and the share of shop
    customers in each lifecycle stage.

    The channel figures are lesson 06's, by the same calls: Kaplan-Meier CLV
    (``clv_model``) over a horizon capped where every channel's curve is still data, CAC
    pooled over all months (``cac_window_months=0``) or the last ``cac_window_months``,
    payback months, and with ``bootstrap_replicates`` > 0 the 90% bootstrap interval of
    LTV:CAC. ``channels.attrs["horizon_months"]`` holds the horizon used.
    """
    horizon = min(int(horizon_months), acquisition.longest_common_horizon_months(view.subscriptions, view.analysis_date))
    clv_channels = acquisition.clv_by_channel(
        view.subscriptions, view.analysis_date, gross_margin_rate, discount_rate_annual, horizon, clv_model
    )
    months = months_ending(view.analysis_date, cac_window_months) if cac_window_months else None
    cac = acquisition.cac_by_channel(view.marketing_spend, view.subscriptions, months=months)
    channels = acquisition.combine_clv_and_cac(clv_channels, cac)
    curves = acquisition.payback_curves(view.subscriptions, view.analysis_date, gross_margin_rate,
                                        discount_rate_annual, horizon)
    channels = channels.join(acquisition.payback_table(curves, cac)[["payback_months", "paid_back_within_horizon"]])
    if bootstrap_replicates:
        boot = acquisition.bootstrap_ltv_to_cac(view.subscriptions, view.marketing_spend, view.analysis_date,
                                                gross_margin_rate, discount_rate_annual, horizon,
                                                n_boot=int(bootstrap_replicates))
        channels = channels.join(boot.summary[["ltv_to_cac_lower", "ltv_to_cac_upper"]])
    channels.attrs["horizon_months"] = horizon
    shop_as_of = orders_end(view, view.analysis_date)  # another period's orders: their own end, not the subscriptions'
    summary = summarize_transactions(view.orders, shop_as_of, time_unit="week")
    bgnbd = BetaGeoNBD(time_unit="week").fit(summary)
    gamma_gamma = GammaGamma(time_unit="week").fit(summary["frequency"], summary["monetary_value"])
    shop = customer_lifetime_value(
        bgnbd, gamma_gamma, summary, horizon=shop_horizon_weeks, horizon_unit="week",
        margin_rate=gross_margin_rate, discount_rate_annual=discount_rate_annual,
    )
    customers = segments.rfm_table(view.orders, shop_as_of).join(shop[["probability_alive", "clv"]])
    stages = segments.lifecycle_stages(customers)
    mix = stages.value_counts(normalize=True).reindex(list(segments.LIFECYCLE_STAGES), fill_value=0.0)
    mix.attrs["top_20_share_of_value"] = segments.top_share_of_value(shop["clv"], 0.2)
    figures = {
        # a new subscriber is a mix of channels: average their values, weighted by subscribers
        "clv_new_subscriber": float(
            (clv_channels["clv"] * clv_channels["customers"]).sum() / clv_channels["customers"].sum()
        ),
        "shop_value_12m": float(shop["clv"].sum()),
        "shop_active_share": float(mix["active"]),
    }
    return figures, channels, mix
