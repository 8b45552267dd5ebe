"""What can be imported from a file: one `Source` per kind of record, its fields and its column presets.

A field's `key` is the item key of the owning app's batch upsert (`crm.finance.services.upsert_claims`
and the like), so a file row becomes exactly the item the REST API would receive. Presets name the column
headers of each system's typical export (the finance system's 1С-style registers, the underwriting system,
the service desk) and of the CRM's own template; the upload page pre-fills the mapping from them, and the
user can change any column. `docs/imports.md` lists them with a sample file each.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import partial
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from crm.core.roles import Role
from crm.finance.models import ClaimStatus
from crm.imports import values
from crm.policies.models import ContractStatus, TerminationReason
from crm.service.models import ComplaintCategory, ComplaintStatus
from crm.underwriting.models import DecisionOutcome, RefusalReason

ID_LENGTH = 64
NUMBER_LENGTH = 40
LOGIN_LENGTH = 150
TEXT_LENGTH = 4_000
MAX_DEAL_ID = 2**63 - 1


class SourceKind(StrEnum):
    PAYMENTS = "payments"
    CLAIMS = "claims"
    CONTRACTS = "contracts"
    DECISIONS = "decisions"
    COMPLAINTS = "complaints"
    NPS = "nps"


@dataclass(frozen=True)
class Field:
    """One importable field: the item key, its Russian label, how a cell is parsed, and what a blank means.

    `blank` is the value an empty cell gives (None: «нет значения»); a `required` field may not be empty.
    """

    key: str
    label: str | Promise
    parse: Callable[[Any], Any]
    required: bool = False
    blank: Any = None


@dataclass(frozen=True)
class Preset:
    """Column headers of one system's typical export: field key → header."""

    key: str
    label: str | Promise
    columns: Mapping[str, str]


@dataclass(frozen=True)
class Source:
    """A kind of record a file can bring: its fields, who may import it, and the presets of its exports.

    `one_of` lists groups of fields of which at least one must be mapped (a contract by its external id
    or by its number).
    """

    kind: SourceKind
    label: str | Promise
    system: str
    fields: tuple[Field, ...]
    presets: tuple[Preset, ...]
    roles: frozenset[str]
    one_of: tuple[tuple[str, ...], ...] = ()
    fast: bool = False
    field_map: dict[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "field_map", {f.key: f for f in self.fields})

    def preset(self, key: str) -> Preset | None:
        return next((preset for preset in self.presets if preset.key == key), None)


def _choices(choices: Any) -> dict[str, str]:
    return {str(code): str(label) for code, label in choices.choices}


ident = partial(values.parse_code, max_length=ID_LENGTH)
number = partial(values.parse_code, max_length=NUMBER_LENGTH)
login = partial(values.parse_code, max_length=LOGIN_LENGTH)
text = partial(values.parse_text, max_length=TEXT_LENGTH)
amount = values.parse_amount
date = values.parse_date

IMPORTERS = frozenset({Role.HEAD_OF_SALES, Role.ADMINISTRATOR})
EXTERNAL_ID = Field("external_id", _("Внешний ID записи"), ident, required=True)
CONTRACT_EXTERNAL_ID = Field("contract_external_id", _("Внешний ID договора"), ident)
CONTRACT_NUMBER = Field("contract_number", _("Номер договора"), number)


def template(fields: tuple[Field, ...]) -> Preset:
    """The CRM's own template: the columns are the fields' labels."""
    return Preset("template", _("Шаблон CRM"), {f.key: str(f.label) for f in fields})


PAYMENT_FIELDS = (
    EXTERNAL_ID,
    CONTRACT_EXTERNAL_ID,
    CONTRACT_NUMBER,
    Field("due_on", _("Срок оплаты"), date, required=True),
    Field("amount", _("Сумма по графику, ₽"), amount, required=True),
    Field("paid_on", _("Дата оплаты"), date),
    Field("paid_amount", _("Оплачено, ₽"), amount, blank=Decimal(0)),
)
CLAIM_FIELDS = (
    EXTERNAL_ID,
    CONTRACT_EXTERNAL_ID,
    CONTRACT_NUMBER,
    Field("loss_on", _("Дата убытка"), date, required=True),
    Field("reported_on", _("Дата заявления"), date, required=True),
    Field("paid_on", _("Дата выплаты"), date),
    Field("incurred_amount", _("Произошедший убыток, ₽"), amount, required=True),
    Field("paid_amount", _("Выплачено, ₽"), amount, blank=Decimal(0)),
    Field("status", _("Статус убытка"), partial(values.parse_choice, choices=_choices(ClaimStatus)), required=True),
)
CONTRACT_FIELDS = (
    EXTERNAL_ID,
    Field("number", _("Номер договора"), number, required=True),
    Field("client_inn", _("ИНН клиента"), values.parse_inn, required=True),
    Field("product_name", _("Продукт"), partial(values.parse_text, max_length=200), required=True),
    Field("manager_login", _("Логин менеджера"), login, required=True),
    Field("concluded_on", _("Дата заключения"), date, required=True),
    Field("starts_on", _("Начало действия"), date, required=True),
    Field("ends_on", _("Окончание действия"), date, required=True),
    Field("written_premium_amount", _("Премия, ₽"), amount, required=True),
    Field("commission_amount", _("Комиссия, ₽"), amount, blank=Decimal(0)),
    Field("discount_rate", _("Скидка, %"), values.parse_percent, blank=Decimal(0)),
    Field("special_terms", _("Особые условия"), text, blank=""),
    Field(
        "status", _("Статус договора"), partial(values.parse_choice, choices=_choices(ContractStatus)), required=True
    ),
    Field("terminated_on", _("Дата расторжения"), date),
    Field(
        "termination_reason",
        _("Причина расторжения"),
        partial(values.parse_choice, choices=_choices(TerminationReason)),
        blank="",
    ),
    Field("renewal_of_external_id", _("Внешний ID пролонгируемого договора"), ident),
)
DECISION_FIELDS = (
    EXTERNAL_ID,
    Field(
        "deal_id", _("Номер сделки в CRM"), partial(values.parse_integer, minimum=1, maximum=MAX_DEAL_ID), required=True
    ),
    Field("underwriter_login", _("Логин андеррайтера"), login),
    Field("outcome", _("Решение"), partial(values.parse_choice, choices=_choices(DecisionOutcome)), required=True),
    Field(
        "refusal_reason", _("Причина отказа"), partial(values.parse_choice, choices=_choices(RefusalReason)), blank=""
    ),
    Field("comment", _("Комментарий"), text, blank=""),
    Field("decided_at", _("Дата решения"), values.parse_moment, required=True),
)
COMPLAINT_FIELDS = (
    EXTERNAL_ID,
    Field("client_inn", _("ИНН клиента"), values.parse_inn, required=True),
    CONTRACT_EXTERNAL_ID,
    CONTRACT_NUMBER,
    Field("manager_login", _("Логин менеджера"), login),
    Field("category", _("Категория"), partial(values.parse_choice, choices=_choices(ComplaintCategory)), required=True),
    Field("status", _("Статус жалобы"), partial(values.parse_choice, choices=_choices(ComplaintStatus)), required=True),
    Field("received_on", _("Дата поступления"), date, required=True),
    Field("resolved_on", _("Дата решения"), date),
    Field("text", _("Суть жалобы"), text, blank=""),
)
NPS_FIELDS = (
    EXTERNAL_ID,
    Field("client_inn", _("ИНН клиента"), values.parse_inn, required=True),
    Field("score", _("Оценка (0–10)"), partial(values.parse_integer, minimum=0, maximum=10), required=True),
    Field("comment", _("Комментарий"), text, blank=""),
    Field("responded_on", _("Дата ответа"), date, required=True),
)

SOURCES: dict[str, Source] = {
    source.kind: source
    for source in (
        Source(
            SourceKind.PAYMENTS,
            _("Платежи по графику (финансовая система)"),
            "finance",
            PAYMENT_FIELDS,
            (
                Preset(
                    "finance",
                    _("1С: реестр платежей по договорам"),
                    {
                        "external_id": "Идентификатор платежа",
                        "contract_external_id": "Код договора",
                        "contract_number": "Номер договора",
                        "due_on": "Дата платежа",
                        "amount": "Сумма, руб.",
                        "paid_on": "Дата оплаты",
                        "paid_amount": "Оплачено, руб.",
                    },
                ),
                template(PAYMENT_FIELDS),
            ),
            IMPORTERS,
            one_of=(("contract_external_id", "contract_number"),),
            fast=True,
        ),
        Source(
            SourceKind.CLAIMS,
            _("Убытки (финансовая система)"),
            "finance",
            CLAIM_FIELDS,
            (
                Preset(
                    "finance",
                    _("1С: журнал убытков"),
                    {
                        "external_id": "Номер убытка",
                        "contract_external_id": "Код договора",
                        "contract_number": "Номер договора",
                        "loss_on": "Дата события",
                        "reported_on": "Дата заявления",
                        "paid_on": "Дата выплаты",
                        "incurred_amount": "Сумма убытка, руб.",
                        "paid_amount": "Выплачено, руб.",
                        "status": "Статус",
                    },
                ),
                template(CLAIM_FIELDS),
            ),
            IMPORTERS,
            one_of=(("contract_external_id", "contract_number"),),
            fast=True,
        ),
        Source(
            SourceKind.CONTRACTS,
            _("Договоры (финансовая система)"),
            "finance",
            CONTRACT_FIELDS,
            (
                Preset(
                    "finance",
                    _("1С: реестр договоров страхования"),
                    {
                        "external_id": "Код договора",
                        "number": "Номер договора",
                        "client_inn": "ИНН страхователя",
                        "product_name": "Страховой продукт",
                        "manager_login": "Менеджер (логин)",
                        "concluded_on": "Дата заключения",
                        "starts_on": "Дата начала",
                        "ends_on": "Дата окончания",
                        "written_premium_amount": "Страховая премия, руб.",
                        "commission_amount": "Комиссия, руб.",
                        "discount_rate": "Скидка, %",
                        "special_terms": "Особые условия",
                        "status": "Состояние",
                        "terminated_on": "Дата расторжения",
                        "termination_reason": "Причина расторжения",
                        "renewal_of_external_id": "Код предыдущего договора",
                    },
                ),
                template(CONTRACT_FIELDS),
            ),
            IMPORTERS,
        ),
        Source(
            SourceKind.DECISIONS,
            _("Решения андеррайтинга"),
            "underwriting",
            DECISION_FIELDS,
            (
                Preset(
                    "underwriting",
                    _("Андеррайтинговая система: журнал решений"),
                    {
                        "external_id": "ID решения",
                        "deal_id": "Номер сделки CRM",
                        "underwriter_login": "Андеррайтер",
                        "outcome": "Решение",
                        "refusal_reason": "Причина отказа",
                        "comment": "Комментарий андеррайтера",
                        "decided_at": "Дата и время решения",
                    },
                ),
                template(DECISION_FIELDS),
            ),
            IMPORTERS | {Role.UNDERWRITER},
        ),
        Source(
            SourceKind.COMPLAINTS,
            _("Жалобы клиентов (сервис-деск)"),
            "service_desk",
            COMPLAINT_FIELDS,
            (
                Preset(
                    "service_desk",
                    _("Сервис-деск: выгрузка обращений"),
                    {
                        "external_id": "Номер обращения",
                        "client_inn": "ИНН клиента",
                        "contract_number": "Номер договора",
                        "manager_login": "Ответственный менеджер",
                        "category": "Категория",
                        "status": "Статус",
                        "received_on": "Дата регистрации",
                        "resolved_on": "Дата закрытия",
                        "text": "Описание",
                    },
                ),
                template(COMPLAINT_FIELDS),
            ),
            IMPORTERS | {Role.SERVICE_DESK},
        ),
        Source(
            SourceKind.NPS,
            _("Ответы NPS (сервис-деск)"),
            "service_desk",
            NPS_FIELDS,
            (
                Preset(
                    "service_desk",
                    _("Сервис-деск: результаты опроса NPS"),
                    {
                        "external_id": "ID анкеты",
                        "client_inn": "ИНН",
                        "score": "Оценка",
                        "comment": "Комментарий клиента",
                        "responded_on": "Дата ответа",
                    },
                ),
                template(NPS_FIELDS),
            ),
            IMPORTERS | {Role.SERVICE_DESK},
        ),
    )
}


def source_for(kind: str) -> Source:
    """The source of that kind; KeyError for an unknown one."""
    return SOURCES[kind]


def guess_mapping(source: Source, header: list[str], preset_key: str = "") -> dict[str, str]:
    """Field key → file column: the chosen preset's headers first, then any preset's or the field's label."""
    by_name = {values.normalise_label(name): name for name in header if name}
    presets = [p for p in source.presets if p.key == preset_key] + [p for p in source.presets if p.key != preset_key]
    mapping: dict[str, str] = {}
    for spec in source.fields:
        candidates = [p.columns.get(spec.key, "") for p in presets] + [str(spec.label)]
        for candidate in candidates:
            found = by_name.get(values.normalise_label(candidate)) if candidate else None
            if found and found not in mapping.values():
                mapping[spec.key] = found
                break
    return mapping
