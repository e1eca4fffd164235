"""The optional columns of issue 11 (email_hash, referrer_id, app_logins_first_30d) load as they should."""

from __future__ import annotations

import pytest

from clvlib.data import DataValidationError, load_table

HEADER = "customer_id,signup_date,cancel_date,plan,monthly_revenue,channel"


def _subs(tmp_path, extra_header: str, rows: list[str]):
    path = tmp_path / "subs.csv"
    path.write_text("\n".join([f"{HEADER},{extra_header}", *rows]) + "\n")
    return path


def test_blanks_are_missing_and_the_key_keeps_its_mess(tmp_path):
    path = _subs(tmp_path, "email_hash,referrer_id,app_logins_first_30d", [
        "S1,2024-01-01,,basic,15,search, AbC ,,4",
        "S2,2024-02-01,,basic,15,referral,, S1 ,",
    ])
    subs = load_table("subscriptions", path)
    assert subs["email_hash"].tolist() == [" AbC ", None]  # normalising is the analysis's job, and visible
    assert subs["referrer_id"].tolist() == [None, "S1"]
    assert subs["app_logins_first_30d"].iloc[0] == 4.0 and subs["app_logins_first_30d"].isna().iloc[1]


def test_a_login_count_that_is_not_a_number_is_reported_with_its_line(tmp_path):
    path = _subs(tmp_path, "app_logins_first_30d", ["S1,2024-01-01,,basic,15,search,many"])
    with pytest.raises(DataValidationError, match=r"(?s)app_logins_first_30d.*not a number.*line 2"):
        load_table("subscriptions", path)
