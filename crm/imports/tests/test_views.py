"""The import pages over HTTP: upload, mapping, report, download, modes, progress, history and access."""

import re

import pytest
from django.urls import reverse

from crm.finance.models import Instalment
from crm.imports import services
from crm.imports.models import ImportJob, ImportStatus
from crm.imports.passes import write_progress
from crm.imports.tests.conftest import CONTRACT_ID, payments_csv, upload

NB = "\u00a0"
ROWS = [
    f"P-1;{CONTRACT_ID};;01.03.2025;100 000,00;03.03.2025;100 000,00",
    "P-2;1C-404;;01.04.2025;5 000;;",
]


def text(html: bytes) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode())).replace(NB, " ")


@pytest.mark.parametrize(
    ("persona", "status", "sources"),
    [
        ("head", 200, ["payments", "claims", "contracts", "decisions", "complaints", "nps"]),
        ("administrator", 200, ["payments", "claims", "contracts", "decisions", "complaints", "nps"]),
        ("underwriter", 200, ["decisions"]),
        ("service_desk", 200, ["complaints", "nps"]),
        ("manager_a", 403, None),
        ("senior_a", 403, None),
        ("marketing", 403, None),
    ],
)
def test_who_opens_the_import_page_and_which_sources_they_see(client, request, persona, status, sources):
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/imports/")
    assert response.status_code == status
    if sources is not None:
        assert [value for value, _label in response.context["form"].fields["source"].choices] == sources


def test_the_whole_journey_upload_check_report_import_history(
    client, head, contract, django_capture_on_commit_callbacks
):
    client.force_login(head)
    response = client.post(
        "/imports/", {"source": "payments", "preset": "system", "file": upload(payments_csv(*ROWS), "платежи.csv")}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{job.pk}/"

    page = client.get(f"/imports/{job.pk}/")
    form = page.context["mapping_form"]
    assert [form[key].value() for key in ("external_id", "amount", "paid_on")] == [
        "Идентификатор платежа", "Сумма, руб.", "Дата оплаты"
    ]  # fmt: skip
    assert "CSV, UTF-8, разделитель «;»" in text(page.content)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/imports/{job.pk}/validate/", {**job.mapping})
    assert response.status_code == 302
    page = text(client.get(f"/imports/{job.pk}/").content)
    assert (
        "Результат проверки Строк в файле 2 Будет создано 1 Будет изменено 0 Без изменений 0 Строк с ошибками 1" in page
    )
    assert "3 Код договора 1C-404 Договор с внешним ID «1C-404» не найден." in page

    report = client.get(f"/imports/{job.pk}/errors.csv")
    assert report["Content-Disposition"] == f'attachment; filename="import-{job.pk}-errors.csv"'
    assert b"".join(report.streaming_content).decode("utf-8-sig").splitlines() == [
        "Строка;Столбец;Значение;Ошибка",
        "3;Код договора;1C-404;Договор с внешним ID «1C-404» не найден.",
    ]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/imports/{job.pk}/import/", {"mode": "valid"})
    assert response.status_code == 302
    assert list(Instalment.objects.values_list("external_id", flat=True)) == ["P-1"]
    page = text(client.get(f"/imports/{job.pk}/").content)
    assert "Результат импорта Строк в файле 2 Создано 1 Изменено 0 Без изменений 0 Строк с ошибками 1" in page

    history = text(client.get("/imports/").content)
    assert (
        f"{job.pk} " in history
        and "платежи.csv Платежи по графику (финансовая система) Импортирован 1 0 0 1" in history
    )


def test_a_bad_mapping_is_shown_on_its_field(client, head, contract):
    client.force_login(head)
    job = services.upload_file(actor=head, source="payments", upload=upload(payments_csv(*ROWS)))
    response = client.post(f"/imports/{job.pk}/validate/", {**job.mapping, "due_on": ""})
    assert response.status_code == 400
    assert response.context["mapping_form"].errors == {
        "due_on": ["Выберите столбец файла для обязательного поля «Срок оплаты»."]
    }
    job.refresh_from_db()
    assert job.status == ImportStatus.UPLOADED


def test_an_unreadable_file_is_kept_in_the_history_with_its_reason(client, head):
    client.force_login(head)
    client.post("/imports/", {"source": "payments", "file": upload(b"%PDF-1.4 ...", "report.pdf")})
    job = ImportJob.objects.get()
    assert (job.status, job.message) == (ImportStatus.FAILED, "Это PDF, а не таблица. Загрузите CSV или XLSX.")
    page = text(client.get(f"/imports/{job.pk}/").content)
    assert "Файл не принят" in page and "Это PDF, а не таблица. Загрузите CSV или XLSX." in page


def test_progress_of_a_running_import_and_the_reload_when_it_is_over(client, head, contract):
    client.force_login(head)
    job = services.upload_file(actor=head, source="payments", upload=upload(payments_csv(*ROWS)))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.IMPORTING, total_rows=4000)
    job.refresh_from_db()

    waiting = text(client.get(f"/imports/{job.pk}/progress/").content)
    assert "Задача ждёт фонового обработчика" in waiting

    write_progress(job, "importing", 1000, 4000)
    response = client.get(f"/imports/{job.pk}/progress/", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'aria-valuenow="25"' in html and 'hx-trigger="every 1s"' in html
    assert "Обработано строк: 1 000 из 4 000" in text(response.content)

    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE)
    done = client.get(f"/imports/{job.pk}/progress/", headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"


def test_someone_elses_import_is_not_found_but_the_head_sees_every_import(client, head, service_desk, underwriter):
    job = services.upload_file(actor=service_desk, source="nps", upload=upload("ID анкеты;ИНН\r\n"))
    client.force_login(underwriter)
    assert client.get(f"/imports/{job.pk}/").status_code == 404
    assert client.get(f"/imports/{job.pk}/errors.csv").status_code == 404
    client.force_login(head)
    assert client.get(f"/imports/{job.pk}/").status_code == 200
    client.force_login(service_desk)
    assert client.get(f"/imports/{job.pk}/").status_code == 200


def test_a_source_one_may_not_import_cannot_be_uploaded(client, service_desk):
    client.force_login(service_desk)
    response = client.post("/imports/", {"source": "payments", "file": upload(payments_csv(*ROWS))})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "source": ["Выберите корректный вариант. payments нет среди допустимых значений."]
    }
    assert ImportJob.objects.count() == 0


def test_the_crm_template_of_a_source(client, service_desk):
    client.force_login(service_desk)
    response = client.get(reverse("imports:template", args=["nps"]))
    assert b"".join(response.streaming_content).decode() == (
        "\ufeffВнешний ID записи;ИНН клиента;Оценка (0–10);Комментарий;Дата ответа\r\n"
    )
    assert client.get(reverse("imports:template", args=["payments"])).status_code == 404
