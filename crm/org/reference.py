"""Default discount limits per role (fractions): above them a request goes up the hierarchy."""

from decimal import Decimal
from typing import Any

ROLE_DISCOUNT_LIMITS = [
    ("manager", Decimal("0.05")),
    ("senior_manager", Decimal("0.10")),
    ("head_of_sales", Decimal("0.25")),
]


def load_reference_data(apps: Any) -> None:
    """Create the reference rows that are missing (used by the data migration and by test set-up)."""
    RoleDiscountLimit = apps.get_model("org", "RoleDiscountLimit")
    for role, limit in ROLE_DISCOUNT_LIMITS:
        RoleDiscountLimit.objects.get_or_create(role=role, defaults={"limit_rate": limit})
