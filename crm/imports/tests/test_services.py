"""Upload → check → import through the owning services: the report, both modes, re-imports, the audit."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from crm.audit.models import AuditEvent
from crm.finance.models import Claim, Instalment
from crm.imports import services
from crm.imports.models import ImportJob, ImportStatus
from crm.imports.passes import ERRORS_FILE
from crm.imports.tests.conftest import CONTRACT_ID, payments_csv, upload
from crm.pipeline.factories import DealFactory
from crm.policies.models import Contract
from crm.service.models import Complaint, NpsResponse
from crm.underwriting.models import UnderwritingDecision

NB = "\u00a0"
GOOD = [
    f"P-1;{CONTRACT_ID};;01.03.2025;100{NB}000,00;03.03.2025;100 000,00",
    "P-2;;КА-2025-0000007;2025-04-01;100000;;",
]
BAD = [
    "P-3;1C-404;;01.05.2025;100 000,00;;",
    f"P-4;{CONTRACT_ID};;31.02.2025;-5;;",
]


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Validation and import with the after-commit work run at once (files this small run inline anyway)."""

    class Runner:
        def validate(self, job, actor, mapping=None):
            with django_capture_on_commit_callbacks(execute=True):
                services.request_validation(actor=actor, job=job, mapping=mapping or job.mapping)
            job.refresh_from_db()
            return job

        def import_(self, job, actor, mode):
            with django_capture_on_commit_callbacks(execute=True):
                services.request_import(actor=actor, job=job, mode=mode)
            job.refresh_from_db()
            return job

    return Runner()


def events(job=None):
    events = AuditEvent.objects.order_by("id")
    if job is not None:
        events = events.filter(subject_type="imports.importjob", subject_id=str(job.pk))
    return [event.action for event in events]


def counts(job):
    return (job.total_rows, job.created_count, job.updated_count, job.unchanged_count, job.error_rows)


def test_the_check_reports_every_bad_row_and_writes_nothing(contract, head, run):
    job = services.upload_file(actor=head, source="payments", upload=upload(payments_csv(*GOOD, *BAD)), preset="system")
    assert (job.status, job.read_as) == (ImportStatus.UPLOADED, "CSV, UTF-8, разделитель «;»")
    assert job.mapping == {
        "external_id": "Идентификатор платежа", "contract_external_id": "Код договора",
        "contract_number": "Номер договора", "due_on": "Дата платежа", "amount": "Сумма, руб.",
        "paid_on": "Дата оплаты", "paid_amount": "Оплачено, руб.",
    }  # fmt: skip

    job = run.validate(job, head)

    assert job.status == ImportStatus.VALIDATED
    assert counts(job) == (4, 2, 0, 0, 2)
    assert job.error_sample == [
        [4, "Код договора", "1C-404", "Договор с внешним ID «1C-404» не найден."],
        [5, "Дата платежа", "31.02.2025", "Такой даты нет: «31.02.2025»."],
        [5, "Сумма, руб.", "-5", "Сумма не может быть отрицательной: -5."],
    ]
    report = (job.folder / ERRORS_FILE).read_text(encoding="utf-8-sig").splitlines()
    assert report == [
        "Строка;Столбец;Значение;Ошибка",
        "4;Код договора;1C-404;Договор с внешним ID «1C-404» не найден.",
        "5;Дата платежа;31.02.2025;Такой даты нет: «31.02.2025».",
        "5;Сумма, руб.;'-5;Сумма не может быть отрицательной: -5.",
    ]
    assert Instalment.objects.count() == 0
    assert events() == ["import.uploaded"]


def test_only_the_valid_rows_are_written_completely_and_audited_with_one_event_per_batch(contract, head, run):
    job = run.validate(
        services.upload_file(actor=head, source="payments", upload=upload(payments_csv(*GOOD, *BAD))), head
    )

    job = run.import_(job, head, "valid")

    assert (job.status, job.mode, counts(job)) == (ImportStatus.DONE, "valid", (4, 2, 0, 0, 2))
    stored = list(
        Instalment.objects.order_by("external_id").values_list(
            "external_id", "due_on", "amount", "paid_on", "paid_amount"
        )
    )
    assert stored == [
        ("P-1", datetime.date(2025, 3, 1), Decimal("100000.00"), datetime.date(2025, 3, 3), Decimal("100000.00")),
        ("P-2", datetime.date(2025, 4, 1), Decimal("100000.00"), None, Decimal("0.00")),
    ]
    assert events() == ["import.uploaded", "import.batch_written", "import.finished"]
    batch = AuditEvent.objects.get(action="import.batch_written")
    assert (batch.actor, batch.subject_id) == (head, str(job.pk))
    assert batch.changes == {"source": "payments", "created": ["P-1", "P-2"], "updated": {}}
    finished = AuditEvent.objects.get(action="import.finished")
    keys = ("rows", "created", "updated", "unchanged", "error_rows", "mode")
    assert {key: finished.changes[key] for key in keys} == {
        "rows": 4, "created": 2, "updated": 0, "unchanged": 0, "error_rows": 2, "mode": "valid"
    }  # fmt: skip
    assert job.duration is not None


def test_all_or_nothing_with_errors_writes_nothing(contract, head, run):
    job = run.validate(
        services.upload_file(actor=head, source="payments", upload=upload(payments_csv(*GOOD, *BAD))), head
    )

    job = run.import_(job, head, "all")

    assert (job.status, counts(job)) == (ImportStatus.REJECTED, (4, 0, 0, 0, 2))
    assert job.message == (
        "Ничего не записано: в режиме «всё или ничего» строк с ошибками быть не должно, а их 2. "
        "Исправьте файл или импортируйте только строки без ошибок."
    )
    assert Instalment.objects.count() == 0
    assert events() == ["import.uploaded", "import.rejected"]


def test_all_or_nothing_rolls_everything_back_when_data_changed_after_the_check(contract, head, run, monkeypatch):
    monkeypatch.setattr("crm.imports.passes.BATCH_ROWS", 1)
    job = run.validate(services.upload_file(actor=head, source="payments", upload=upload(payments_csv(*GOOD))), head)
    assert counts(job) == (2, 2, 0, 0, 0)
    Contract.objects.filter(pk=contract.pk).update(ends_on=datetime.date(2025, 3, 31))

    job = run.import_(job, head, "all")

    assert (job.status, counts(job)) == (ImportStatus.REJECTED, (2, 0, 0, 0, 1))
    assert job.error_sample == [[3, "Дата платежа", "2025-04-01", "Срок оплаты позже окончания договора (31.03.2025)."]]
    assert job.message == "Ничего не записано: в файле нашлись строки с ошибками (1)."
    assert Instalment.objects.count() == 0
    assert events() == ["import.uploaded", "import.rejected"]


def test_a_clean_file_all_or_nothing_then_the_same_file_again_changes_nothing(contract, head, run):
    first = run.import_(
        run.validate(services.upload_file(actor=head, source="payments", upload=upload(payments_csv(*GOOD))), head),
        head,
        "all",
    )
    assert (first.status, counts(first)) == (ImportStatus.DONE, (2, 2, 0, 0, 0))
    stored, audit = list(Instalment.objects.order_by("pk").values()), AuditEvent.objects.count()

    again = run.validate(services.upload_file(actor=head, source="payments", upload=upload(payments_csv(*GOOD))), head)
    assert counts(again) == (2, 0, 0, 2, 0)
    again = run.import_(again, head, "all")

    assert (again.status, counts(again), again.sha256) == (ImportStatus.DONE, (2, 0, 0, 2, 0), first.sha256)
    assert list(Instalment.objects.order_by("pk").values()) == stored
    assert events()[audit:] == ["import.uploaded", "import.finished"]


def test_a_changed_payment_is_an_update_with_old_and_new_values(contract, head, run):
    run.import_(
        run.validate(services.upload_file(actor=head, source="payments", upload=upload(payments_csv(*GOOD))), head),
        head,
        "all",
    )
    paid = f"P-2;{CONTRACT_ID};;01.04.2025;100 000,00;02.04.2025;100 000,00"

    job = run.import_(
        run.validate(
            services.upload_file(actor=head, source="payments", upload=upload(payments_csv(GOOD[0], paid))), head
        ),
        head,
        "valid",
    )

    assert counts(job) == (2, 0, 1, 1, 0)
    assert AuditEvent.objects.filter(action="import.batch_written").latest("id").changes == {
        "source": "payments", "created": [],
        "updated": {"P-2": {"paid_on": [None, "2025-04-02"], "paid_amount": ["0.00", "100000.00"]}},
    }  # fmt: skip


def test_claims_from_xlsx(contract, head, run, tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "Номер убытка",
            "Номер договора",
            "Дата события",
            "Дата заявления",
            "Сумма убытка, руб.",
            "Выплачено, руб.",
            "Дата выплаты",
            "Статус",
        ]
    )
    sheet.append(
        [
            "CL-1",
            "КА-2025-0000007",
            datetime.datetime(2025, 5, 10),
            datetime.datetime(2025, 5, 12),
            250000,
            250000.0,
            datetime.datetime(2025, 6, 1),
            "Выплачен",
        ]
    )
    sheet.append(
        [
            "CL-2",
            "КА-2025-0000007",
            datetime.datetime(2025, 6, 10),
            datetime.datetime(2025, 6, 11),
            "12 500,50",
            None,
            None,
            "урегулируется",
        ]
    )
    path = tmp_path / "claims.xlsx"
    workbook.save(path)

    job = services.upload_file(actor=head, source="claims", upload=upload(path.read_bytes(), "claims.xlsx"))
    job = run.import_(run.validate(job, head), head, "all")

    assert (job.read_as, job.status, counts(job)) == ("XLSX", ImportStatus.DONE, (2, 2, 0, 0, 0))
    fields = ("external_id", "client_id", "incurred_amount", "paid_amount", "status")
    assert list(Claim.objects.order_by("external_id").values_list(*fields)) == [
        ("CL-1", contract.client_id, Decimal("250000.00"), Decimal("250000.00"), "paid"),
        ("CL-2", contract.client_id, Decimal("12500.50"), Decimal("0.00"), "in_settlement"),
    ]  # fmt: skip


def test_contracts_keep_the_services_per_record_audit(contract, head, run, manager_a):
    header = (
        "Код договора;Номер договора;ИНН страхователя;Страховой продукт;Менеджер (логин);Дата заключения;"
        "Дата начала;Дата окончания;Страховая премия, руб.;Комиссия, руб.;Скидка, %;Состояние"
    )
    row = (
        f"1C-NEW-1;КА-NEW-1;7707083893;{contract.product.name};manager_a;01.03.2025;01.03.2025;28.02.2026;"
        "1 200 000;144 000;5;Действует"
    )
    job = services.upload_file(actor=head, source="contracts", upload=upload(f"{header}\r\n{row}\r\n"))

    job = run.import_(run.validate(job, head), head, "all")

    assert (job.status, counts(job)) == (ImportStatus.DONE, (1, 1, 0, 0, 0))
    created = Contract.objects.get(external_id="1C-NEW-1")
    assert (created.client, created.manager, created.discount_rate, created.status) == (
        contract.client, manager_a, Decimal("0.0500"), "in_force"
    )  # fmt: skip
    assert events() == ["import.uploaded", "contract.created", "import.finished"]


def test_complaints_nps_and_underwriting_decisions(contract, head, underwriter, run):
    complaints = (
        "Номер обращения;ИНН клиента;Номер договора;Категория;Статус;Дата регистрации;Дата закрытия;Описание\r\n"
        "SD-1;7707083893;КА-2025-0000007;Урегулирование убытков;Решена;01.03.2025;05.03.2025;Долго платят\r\n"
    )
    nps = "ID анкеты;ИНН;Оценка;Комментарий клиента;Дата ответа\r\nNPS-1;7707083893;9;Всё хорошо;2025-03-02\r\n"
    deal = DealFactory(
        client=contract.client, manager=contract.manager, created_at=datetime.datetime(2025, 1, 10, tzinfo=datetime.UTC)
    )
    decisions = (
        "ID решения,Номер сделки CRM,Андеррайтер,Решение,Причина отказа,Дата и время решения\r\n"
        f"UW-1,{deal.pk},underwriter,Отказ,Санкционные ограничения,01.03.2025 12:30\r\n"
    )

    for source, text in (("complaints", complaints), ("nps", nps), ("decisions", decisions)):
        job = run.import_(
            run.validate(services.upload_file(actor=head, source=source, upload=upload(text)), head), head, "all"
        )
        assert (source, job.status, counts(job)) == (source, ImportStatus.DONE, (1, 1, 0, 0, 0))

    complaint = Complaint.objects.get()
    assert (complaint.category, complaint.status, complaint.manager, complaint.text) == (
        "claims",
        "resolved",
        contract.manager,
        "Долго платят",
    )
    assert NpsResponse.objects.values_list("score", "comment").get() == (9, "Всё хорошо")
    decision = UnderwritingDecision.objects.get()
    assert (decision.deal, decision.underwriter, decision.outcome, decision.refusal_reason) == (
        deal,
        underwriter,
        "refused",
        "sanctions",
    )
    assert decision.decided_at == datetime.datetime(2025, 3, 1, 9, 30, tzinfo=datetime.UTC)


def test_who_may_import_what(contract, head, service_desk, underwriter, manager_a, administrator):
    text = payments_csv(*GOOD)
    with pytest.raises(PermissionDenied):
        services.upload_file(actor=service_desk, source="payments", upload=upload(text))
    with pytest.raises(PermissionDenied):
        services.upload_file(actor=manager_a, source="nps", upload=upload(text))
    with pytest.raises(PermissionDenied):
        services.upload_file(actor=underwriter, source="complaints", upload=upload(text))
    assert services.upload_file(actor=service_desk, source="nps", upload=upload("ID анкеты;ИНН\r\n")).source == "nps"
    assert (
        services.upload_file(actor=underwriter, source="decisions", upload=upload("ID решения\r\n")).source
        == "decisions"
    )
    assert services.upload_file(actor=administrator, source="payments", upload=upload(text)).source == "payments"
    assert ImportJob.objects.count() == 3


def test_a_mapping_must_name_the_required_fields_once(contract, head, run):
    job = services.upload_file(actor=head, source="payments", upload=upload(payments_csv(*GOOD)))
    mapping = {**job.mapping, "amount": "", "paid_amount": "Дата оплаты"}
    with pytest.raises(ValidationError) as raised:
        services.request_validation(actor=head, job=job, mapping=mapping)
    assert raised.value.message_dict == {
        "amount": ["Выберите столбец файла для обязательного поля «Сумма по графику, ₽»."],
        "paid_amount": ["Столбец «Дата оплаты» уже выбран для поля «Дата оплаты»."],
    }
    job.refresh_from_db()
    assert job.status == ImportStatus.UPLOADED


def test_a_large_file_goes_to_the_background_worker(
    contract, head, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from django.tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    monkeypatch.setattr(services, "INLINE_BYTES", 10)
    job = services.upload_file(actor=head, source="payments", upload=upload(payments_csv(*GOOD)))
    with django_capture_on_commit_callbacks(execute=True):
        services.request_validation(actor=head, job=job, mapping=job.mapping)
    job.refresh_from_db()
    [queued] = default_task_backend.results
    assert (job.status, queued.task.name, queued.args) == (
        ImportStatus.VALIDATING,
        "validate_job_task",
        [job.pk, head.pk],
    )
    services.validate_job(job.pk, head.pk)
    job.refresh_from_db()
    assert (job.status, counts(job)) == (ImportStatus.VALIDATED, (2, 2, 0, 0, 0))


@pytest.mark.parametrize(("mode", "seen"), [("all", [0, 0]), ("valid", [1, 2])])
def test_all_or_nothing_records_its_audit_events_just_before_it_commits(contract, head, run, monkeypatch, mode, seen):
    """So the audit chain's lock is not held by a long import (see AuditSpool)."""
    from crm.imports.passes import Pass

    monkeypatch.setattr("crm.imports.passes.BATCH_ROWS", 1)
    counted = []
    original = Pass._run_batch

    def spy(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        counted.append(AuditEvent.objects.filter(action="import.batch_written").count())
        return result

    monkeypatch.setattr(Pass, "_run_batch", spy)
    job = run.validate(services.upload_file(actor=head, source="payments", upload=upload(payments_csv(*GOOD))), head)
    counted.clear()
    job = run.import_(job, head, mode)

    assert (job.status, counted) == (ImportStatus.DONE, seen)
    assert events() == ["import.uploaded", "import.batch_written", "import.batch_written", "import.finished"]
    batches = AuditEvent.objects.filter(action="import.batch_written").order_by("id")
    assert [event.changes["created"] for event in batches] == [["P-1"], ["P-2"]]
