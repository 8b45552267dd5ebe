"""The brief's example discount rule: «no discounts above 15 % for logistics companies with turnover below 500 M ₽».

Written through the rule service (so it is validated and audited like one the head types), active from
the first day of the history. Rules are the head's settings, not generated business data: a reset keeps
them, so a rule of that name already there is left as it is. The generator's historical deals are bulk
history and are not re-checked against it; a discount set on a deal from now on is.
"""

from decimal import Decimal

from crm.clients.models import Industry
from crm.demo.generator.context import Context
from crm.discounts.models import DiscountRule
from crm.discounts.services import create_rule
from crm.org.models import User

EXAMPLE_RULE = "Не более 15 % скидки логистическим компаниям с оборотом до 500 млн ₽"
EXAMPLE_MESSAGE = (
    "У небольших логистических компаний высокая убыточность по грузам и автопарку: скидка выше 15 % "
    "делает договор убыточным. Нужна большая скидка — обсудите с начальником отдела продаж."
)


def write_discount_rules(ctx: Context) -> int:
    """Create the example rule unless it exists; the number of rules created (0 or 1)."""
    if DiscountRule.objects.filter(name=EXAMPLE_RULE).exists():
        return 0
    data = {
        "name": EXAMPLE_RULE,
        "industries": [Industry.objects.get(pk=ctx.refs.industries["logistics"])],
        "turnover_to_amount": Decimal(500_000_000),
        "max_discount_rate": Decimal("0.15"),
        "message": EXAMPLE_MESSAGE,
        "starts_on": ctx.start,
    }
    create_rule(actor=User.objects.get(pk=ctx.org.head_id), data=data)
    return 1
