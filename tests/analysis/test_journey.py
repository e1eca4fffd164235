"""clvlib.analysis.journey: stages by hand, over time, flows and the action table."""

from __future__ import annotations

import pandas as pd
import pytest

from clvlib.analysis import journey as jr


def _orders(rows):
    return pd.DataFrame(rows, columns=["customer_id", "order_date"]).assign(
        order_date=lambda f: pd.to_datetime(f["order_date"]))


# On 2024-12-31 with lapse 180 days and loyal at 5 purchases:
ORDERS = _orders([
    ("acq", "2024-12-01"),                                   # one purchase
    ("conv", "2024-11-01"), ("conv", "2024-12-01"),          # two
    ("ret", "2024-09-01"), ("ret", "2024-10-01"), ("ret", "2024-11-01"),
    *[("loy", f"2024-{m:02d}-15") for m in range(6, 12)],    # six
    ("lap", "2024-01-01"), ("lap", "2024-02-01"),            # silent for 334 days
    ("back", "2024-01-01"), ("back", "2024-10-01"),          # gap 274 days, returned 91 days ago
    ("sameday", "2024-12-20"), ("sameday", "2024-12-20"),    # two orders, one occasion
    ("future", "2025-01-05"),                                # not a customer yet
])


def test_stages_by_hand():
    stages = jr.journey_stages(ORDERS, "2024-12-31", lapse_after_days=180, loyal_purchases=5)
    assert stages.to_dict() == {"acq": "acquired", "back": "won back", "conv": "converted", "lap": "lapsed",
                                "loy": "loyal", "ret": "retained", "sameday": "acquired"}


def test_won_back_lasts_one_lapse_period_after_the_return():
    back = ORDERS[ORDERS["customer_id"] == "back"]
    history = jr.stage_history(back, ["2024-09-30", "2024-10-01", "2025-03-30", "2025-03-31"], lapse_after_days=180)
    assert history["stage"].tolist() == ["lapsed", "won back", "won back", "lapsed"]


def test_counts_and_flows_add_up():
    history = jr.stage_history(ORDERS, ["2024-06-30", "2024-12-31"], lapse_after_days=180)
    counts = jr.stage_counts(history)
    assert list(counts.columns) == list(jr.JOURNEY_STAGES)
    assert counts.sum(axis=1).tolist() == [3, 7]  # lap, back and loy had bought by June
    flows = jr.stage_flows(history)
    assert flows.to_numpy().sum() == 7 and flows.loc["(not yet a customer)"].sum() == 4
    assert flows.loc["lapsed", "won back"] == 1  # 'back': silent 181 days by June, came back in October
    moves = jr.transitions(history).set_index(["from_stage", "to_stage"])["moves"]
    assert moves.to_dict() == {("lapsed", "won back"): 1, ("converted", "lapsed"): 1, ("acquired", "loyal"): 1}


def test_action_table_has_every_stage_and_counts():
    table = jr.stage_action_table(jr.journey_stages(ORDERS, "2024-12-31"))
    assert list(table.index) == list(jr.JOURNEY_STAGES)
    assert table["customers"].sum() == 7 and table.loc["acquired", "customers"] == 2
    assert table["marketing action"].str.len().gt(20).all()


def test_bad_rules_and_dates_are_refused():
    with pytest.raises(ValueError, match="lapse_after_days"):
        jr.stage_history(ORDERS, ["2024-12-31"], lapse_after_days=0)
    with pytest.raises(ValueError, match="loyal_purchases"):
        jr.stage_history(ORDERS, ["2024-12-31"], loyal_purchases=3)
    history = jr.stage_history(ORDERS, ["2024-12-31"])
    with pytest.raises(ValueError, match="not a date of the history"):
        jr.stage_flows(history, "2024-06-30")


def test_on_the_embedded_data_every_customer_has_one_stage_a_month(dataset):
    dates = pd.date_range("2024-01-31", "2025-12-31", freq="ME")
    history = jr.stage_history(dataset.orders, dates)
    assert not history.duplicated(["as_of", "customer_id"]).any()
    final = history[history["as_of"] == dates[-1]]
    assert len(final) == dataset.orders["customer_id"].nunique()
    # The BG/NBD shop: customers drop out for good, so most are lapsed by the end, yet long gaps do end in returns.
    assert (final["stage"] == "lapsed").mean() > 0.5 and (final["stage"] == "won back").sum() > 0
