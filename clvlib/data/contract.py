"""The data contract: the three tables, their columns and the kind of value each column holds.

Column kinds: id (non-blank text), date, optional_date (blank allowed), month (YYYY-MM),
amount (number >= 0), category (non-blank text), flag (true/false), number (any number),
optional_number (a number or blank), optional_id (text, blank = none; spaces trimmed),
key (text kept exactly as written, blank = none: a linkage key is normalised by the analysis).
Required columns are in :data:`SCHEMAS`; columns a table may have are in
:data:`OPTIONAL_COLUMNS`; any other column is kept as it is.

>>> list(SCHEMAS)
['subscriptions', 'orders', 'marketing_spend']
>>> known_columns("orders")
['customer_id', 'order_date', 'order_value', 'channel', 'email_hash']
"""

from __future__ import annotations

SCHEMAS: dict[str, dict[str, str]] = {
    "subscriptions": {
        "customer_id": "id",
        "signup_date": "date",
        "cancel_date": "optional_date",
        "plan": "category",
        "monthly_revenue": "amount",
        "channel": "category",
    },
    "orders": {
        "customer_id": "id",
        "order_date": "date",
        "order_value": "amount",
    },
    "marketing_spend": {
        "month": "month",
        "channel": "category",
        "spend": "amount",
    },
}
OPTIONAL_COLUMNS: dict[str, dict[str, str]] = {
    "subscriptions": {
        "promo_signup": "flag",
        "age_years": "number",
        "email_hash": "key",  # the key that links a subscriber to a shop customer
        "referrer_id": "optional_id",  # the subscriber who referred this one
        "app_logins_first_30d": "optional_number",  # early usage
    },
    "orders": {"channel": "category", "email_hash": "key"},
    "marketing_spend": {},
}
ALL_COLUMNS = {col for kinds in (SCHEMAS, OPTIONAL_COLUMNS) for table in kinds.values() for col in table}


def known_columns(table: str) -> list[str]:
    """The required then the optional columns of ``table``, in the order loaded tables show them."""
    return [*SCHEMAS[table], *OPTIONAL_COLUMNS[table]]
