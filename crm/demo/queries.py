"""Reads over the generated data: a database-independent checksum, and the figures behind each planted story."""

import datetime
import hashlib
import json
from decimal import Decimal
from typing import Any

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

DEAL_KEY = ["client__inn", "product__name", "kind", "created_at"]
# Every generated table, each row rendered through natural keys (ИНН, contract number, login…), never ids.
TABLES: list[tuple[Any, list[str]]] = [
    (Region, ["name", "code"]),
    (Team, ["name", "region__code", "lead__username"]),
    (User, ["username", "last_name", "first_name", "patronymic", "role", "team__name", "email", "phone", "is_active"]),
    (Product, ["name", "product_line__code", "is_pilot", "launched_on", "is_active", "base_commission_rate"]),
    (Product.covered_risks.through, ["product__name", "risk__code"]),
    (Campaign, ["name", "lead_source__code", "starts_on", "ends_on", "budget_amount"]),
    (
        Client,
        [
            "inn",
            "name",
            "short_name",
            "kpp",
            "ogrn",
            "industry__code",
            "turnover_amount",
            "headcount",
            "segment",
            "region__code",
            "branch_count",
            "significance",
            "is_strategic",
            "manager__username",
            "lead_source__code",
            "address",
            "created_at",
        ],
    ),
    (Contact, ["client__inn", "full_name", "position", "phone", "email", "is_decision_maker"]),
    (Consent, ["client__inn", "contact__full_name", "purpose", "given_on", "document", "withdrawn_on"]),
    (
        Lead,
        [
            "company_name",
            "inn",
            "contact_name",
            "lead_source__code",
            "campaign__name",
            "manager__username",
            "client__inn",
            "created_at",
            "converted_at",
        ],
    ),
    (
        Deal,
        [
            *DEAL_KEY,
            "manager__username",
            "title",
            "stage__position",
            "probability",
            "amount",
            "expected_close_on",
            "status",
            "closed_on",
            "lost_reason",
            "lost_reason_text",
            "requested_discount_rate",
            "granted_discount_rate",
            "lead__company_name",
            "lead_source__code",
            "updated_at",
        ],
    ),
    (Deal.requested_risks.through, [f"deal__{field}" for field in DEAL_KEY] + ["risk__code"]),
    (
        Activity,
        [f"deal__{field}" for field in DEAL_KEY]
        + ["manager__username", "kind", "occurred_at", "summary", "objection_category", "objection_text"],
    ),
    (
        UnderwritingDecision,
        [f"deal__{field}" for field in DEAL_KEY]
        + ["underwriter__username", "outcome", "refusal_reason", "comment", "decided_at", "external_id"],
    ),
    (
        Contract,
        [
            "number",
            "client__inn",
            "product__name",
            "deal__created_at",
            "manager__username",
            "concluded_on",
            "starts_on",
            "ends_on",
            "written_premium_amount",
            "commission_amount",
            "discount_rate",
            "special_terms",
            "status",
            "renewal_of__number",
            "terminated_on",
            "termination_reason",
            "approved_terms",
            "approved_at",
            "external_id",
        ],
    ),
    (Instalment, ["contract__number", "due_on", "amount", "paid_on", "paid_amount", "external_id"]),
    (
        Claim,
        [
            "contract__number",
            "client__inn",
            "loss_on",
            "reported_on",
            "paid_on",
            "incurred_amount",
            "paid_amount",
            "status",
            "external_id",
        ],
    ),
    (
        Complaint,
        [
            "client__inn",
            "contract__number",
            "manager__username",
            "category",
            "status",
            "received_on",
            "resolved_on",
            "text",
            "external_id",
        ],
    ),
    (NpsResponse, ["client__inn", "score", "comment", "responded_on", "external_id"]),
    (
        SalesPlan,
        [
            "month",
            "scope",
            "region__code",
            "team__name",
            "manager__username",
            "product_line__code",
            "amount",
            "contracts_count",
        ],
    ),
]


def dataset_checksum() -> str:
    """SHA-256 of a canonical dump of the generated business tables, equal on SQLite and PostgreSQL.

    Each row is rendered through natural keys; a table's row hashes are sorted (so neither ids nor the
    database's collation matter) and hashed; the tables' hashes are chained in a fixed order.
    """
    total = hashlib.sha256()
    for model, fields in TABLES:
        rows = model.objects.all()
        if model is User:
            rows = rows.filter(email__endswith=f"@{USER_EMAIL_DOMAIN}", is_active=True)
        digests = sorted(
            hashlib.sha256("\x1f".join(_render(value) for value in row).encode()).digest()
            for row in rows.values_list(*fields).iterator(chunk_size=5_000)
        )
        total.update(model._meta.label.encode())
        total.update(hashlib.sha256(b"".join(digests)).digest())
    return total.hexdigest()


def _render(value: Any) -> str:
    if value is None:
        return "∅"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)
