"""Deleting generated business data before a new generation; the audit journal is never touched."""

from django.db import transaction

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
BUSINESS_MODELS = [
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
        deleted[model._meta.label] = model.objects.all().delete()[0]
    User.objects.filter(team__isnull=False).update(team=None)
    User.objects.filter(email__endswith=f"@{USER_EMAIL_DOMAIN}").update(is_active=False)
    Team.objects.update(lead=None)
    for model in (Team, Region):
        deleted[model._meta.label] = model.objects.all().delete()[0]
    return deleted
