"""Model-based KPIs as of one day: subscriber CLV and LTV:CAC by channel, shop value, lifecycle mix.

The executive report fits the survival, BG/NBD and Gamma-Gamma models on a dataset cut
at the as-of date (:func:`clvlib.analysis.kpis.as_of_view`), so each figure uses only
what was known that day.
"""

from __future__ import annotations

from clvlib.analysis import acquisition, segments
from clvlib.analysis.predictive_clv import customer_lifetime_value
from clvlib.core.calendar import months_ending
from clvlib.models.noncontractual import BetaGeoNBD, GammaGamma
from clvlib.transactions import summarize_transactions


def model_kpis(
    view,
    gross_margin_rate: float,
    discount_rate_annual: float,
    horizon_months: int,
    clv_model: str,
    cac_window_months: int,
    shop_horizon_weeks: int = 52,
):
    """Model-based figures as of one day: CLV and LTV:CAC by channel, shop value, stage mix.

    ``view`` is a dataset cut at its analysis date (:func:`clvlib.analysis.kpis.as_of_view`). Returns
    ``(figures, channels, stage_mix)``: a dict of KPIs (``clv_new_subscriber``,
    ``shop_value_12m``, ``shop_active_share``), the per-channel CLV/CAC table from
    :mod:`clvlib.analysis.acquisition`, and the share of shop customers in each lifecycle stage.
    """
    clv_channels = acquisition.clv_by_channel(
        view.subscriptions, view.analysis_date, gross_margin_rate, discount_rate_annual, horizon_months, clv_model
    )
    cac = acquisition.cac_by_channel(
        view.marketing_spend, view.subscriptions, months=months_ending(view.analysis_date, cac_window_months)
    )
    channels = acquisition.combine_clv_and_cac(clv_channels, cac)
    summary = summarize_transactions(view.orders, view.analysis_date, time_unit="week")
    bgnbd = BetaGeoNBD(time_unit="week").fit(summary)
    gamma_gamma = GammaGamma(time_unit="week").fit(summary["frequency"], summary["monetary_value"])
    shop = customer_lifetime_value(
        bgnbd, gamma_gamma, summary, horizon=shop_horizon_weeks, horizon_unit="week",
        margin_rate=gross_margin_rate, discount_rate_annual=discount_rate_annual,
    )
    customers = segments.rfm_table(view.orders, view.analysis_date).join(shop[["probability_alive", "clv"]])
    stages = segments.lifecycle_stages(customers)
    mix = stages.value_counts(normalize=True).reindex(list(segments.LIFECYCLE_STAGES), fill_value=0.0)
    figures = {
        # a new subscriber is a mix of channels: average their values, weighted by subscribers
        "clv_new_subscriber": float(
            (clv_channels["clv"] * clv_channels["customers"]).sum() / clv_channels["customers"].sum()
        ),
        "shop_value_12m": float(shop["clv"].sum()),
        "shop_active_share": float(mix["active"]),
    }
    return figures, channels, mix
