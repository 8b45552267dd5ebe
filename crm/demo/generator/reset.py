"""Deleting generated business data before a new generation; the audit journal is never touched."""

from django.db import connection, transaction
from django.db.models import Model

from crm.catalog.models import Product
from crm.clients.models import Client, Consent, Contact
from crm.demo.generator.config import USER_EMAIL_DOMAIN
from crm.finance.models import Claim, Instalment
from crm.org.models import Region, Team, User
from crm.pipeline.models import Activity, Campaign, Deal, Lead
from crm.planning.models import SalesPlan
from crm.policies.models import Contract
from crm.service.models import Complaint, NpsResponse
from crm.underwriting.models import UnderwritingDecision

# Children before parents, so no PROTECT relation blocks a delete.
BUSINESS_MODELS: list[type[Model]] = [
    Activity,
    UnderwritingDecision,
    Deal.requested_risks.through,
    Complaint,
    NpsResponse,
    Claim,
    Instalment,
    SalesPlan,
    Contract,
    Deal,
    Lead,
    Campaign,
    Consent,
    Contact,
    Client,
    Product.covered_risks.through,
    Product,
]


@transaction.atomic
def reset_business_data() -> dict[str, int]:
    """Delete clients, deals, contracts, money, service data, plans, products, teams and regions.

    People are kept (old audit events point at them, and their passwords survive): they leave their teams,
    and generated people are deactivated until a new generation brings them back.
    """
    deleted = {}
    Contract.objects.filter(renewal_of__isnull=False).update(renewal_of=None)
    for model in BUSINESS_MODELS:
        deleted[model._meta.label] = _delete_all(model)
    User.objects.filter(team__isnull=False).update(team=None)
    User.objects.filter(email__endswith=f"@{USER_EMAIL_DOMAIN}").update(is_active=False)
    Team.objects.update(lead=None)
    for model in (Team, Region):
        deleted[model._meta.label] = _delete_all(model)
    return deleted


def _delete_all(model: type[Model], batch_size: int = 5_000) -> int:
    """One statement when no row anywhere still refers to the table; else Django's delete in batches, so
    that other apps' cascades and protections apply while memory stays bounded."""
    if not _is_referenced(model):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
            return cursor.rowcount
    rows, total = model._default_manager.order_by("pk"), 0
    while ids := list(rows.values_list("pk", flat=True)[:batch_size]):
        total += model._default_manager.filter(pk__in=ids).delete()[1].get(model._meta.label, 0)
    return total


def _is_referenced(model: type[Model]) -> bool:
    """Whether a row of any table (this one included) points at a row of `model`."""
    for relation in model._meta.related_objects:
        field = relation.field
        if field.model._base_manager.filter(**{f"{field.name}__isnull": False}).exists():
            return True
    return False
