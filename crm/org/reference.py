"""Default discount limits per role (fractions): above them a request goes up the hierarchy."""

from decimal import Decimal

ROLE_DISCOUNT_LIMITS = [
    ("manager", Decimal("0.05")),
    ("senior_manager", Decimal("0.10")),
    ("head_of_sales", Decimal("0.25")),
]
