"""A small world for imports: one contract of one client, uploads as the head of sales, tasks run inline."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from crm.policies.tests.factories import ContractFactory

CONTRACT_ID = "1C-00000007"
CONTRACT_NUMBER = "КА-2025-0000007"
PAYMENTS_HEADER = (
    "Идентификатор платежа;Код договора;Номер договора;Дата платежа;Сумма, руб.;Дата оплаты;Оплачено, руб."
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def contract(manager_a):
    return ContractFactory(
        client__manager=manager_a,
        client__inn="7707083893",
        number=CONTRACT_NUMBER,
        external_id=CONTRACT_ID,
        starts_on=datetime.date(2025, 2, 1),
        ends_on=datetime.date(2026, 1, 31),
    )


def upload(text: str | bytes, name: str = "payments.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    data = text if isinstance(text, bytes) else text.encode(encoding)
    return SimpleUploadedFile(name, data, content_type="text/csv")


def payments_csv(*rows: str) -> str:
    return "\r\n".join([PAYMENTS_HEADER, *rows]) + "\r\n"
