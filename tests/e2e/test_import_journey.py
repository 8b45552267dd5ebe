"""The head of sales imports the finance system's payments: upload, per-row report, valid rows, progress, history.

The check of a small file runs right after the upload's request; the import is sent to the background
worker (the test plays the worker), so the page shows the progress bar polling until the import is over.
"""

import datetime

import pytest
from playwright.sync_api import expect

from crm.core.roles import Role
from crm.finance.models import Instalment
from crm.imports import services
from crm.imports.models import ImportJob
from crm.imports.passes import write_progress
from crm.org.factories import UserFactory
from crm.policies.tests.factories import ContractFactory

pytestmark = [pytest.mark.browser]

NB = "\u00a0"
FILE = (
    "Идентификатор платежа;Код договора;Номер договора;Дата платежа;Сумма, руб.;Дата оплаты;Оплачено, руб.\r\n"
    "P-1;1C-00000007;;01.03.2025;100 000,00;03.03.2025;100 000,00\r\n"
    "P-2;1C-404;;01.04.2025;50 000,00;;\r\n"
    "P-3;1C-00000007;;31.02.2025;-5;;\r\n"
    "P-4;;КА-2025-0000007;01.05.2025;100 000,00;;\r\n"
)


@pytest.fixture
def finance_world(browser_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    head = UserFactory(username="boss", role=Role.HEAD_OF_SALES, last_name="Главная", first_name="Анна")
    ContractFactory(
        number="КА-2025-0000007",
        external_id="1C-00000007",
        starts_on=datetime.date(2025, 2, 1),
        ends_on=datetime.date(2026, 1, 31),
    )
    path = tmp_path / "платежи-ноябрь.csv"
    path.write_bytes(FILE.encode("cp1251"))
    return {"head": head, "file": path}


def test_head_imports_the_valid_rows_of_a_file_with_errors(
    page, live_server, login, finance_world, screenshot_dir, settings, monkeypatch
):
    login("boss")
    page.goto(f"{live_server.url}/imports/")
    form = page.get_by_test_id("upload-form")
    form.get_by_label("Что в файле").select_option("payments")
    form.get_by_label("Столбцы").select_option("system")
    form.get_by_label("Файл", exact=False).and_(form.locator("input[type=file]")).set_input_files(
        str(finance_world["file"])
    )
    form.get_by_role("button", name="Загрузить и сопоставить столбцы").click()

    mapping = page.get_by_test_id("mapping-form")
    expect(page.get_by_test_id("job-facts")).to_contain_text("CSV, Windows-1251, разделитель «;»")
    expect(mapping.get_by_label("Сумма по графику, ₽")).to_have_value("Сумма, руб.")
    mapping.get_by_role("button", name="Проверить файл").click()

    result = page.get_by_test_id("job-result")
    expect(result.locator('[data-count="created"]')).to_have_text("2")
    expect(result.locator('[data-count="errors"]')).to_have_text("2")
    report = page.get_by_test_id("error-report").locator("tbody tr")
    expect(report).to_have_count(3)
    expect(report.nth(0)).to_contain_text("Договор с внешним ID «1C-404» не найден.")
    expect(report.nth(1)).to_contain_text("Такой даты нет: «31.02.2025».")
    expect(report.nth(2)).to_contain_text("Сумма не может быть отрицательной: -5.")
    page.screenshot(path=str(screenshot_dir / "import-report.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_test_id("download-errors").click()
    lines = download.value.path().read_bytes().decode("utf-8-sig").splitlines()
    assert lines[1] == "3;Код договора;1C-404;Договор с внешним ID «1C-404» не найден."

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    monkeypatch.setattr(services, "INLINE_BYTES", 0)  # this import goes to the background worker
    page.get_by_label("Только строки без ошибок").check()
    page.get_by_test_id("mode-form").get_by_role("button", name="Импортировать").click()
    progress = page.get_by_test_id("import-progress")
    expect(progress).to_contain_text("Задача ждёт фонового обработчика")

    job = ImportJob.objects.get()
    write_progress(job, "importing", 2, 4)  # the worker is half-way
    expect(progress.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "50")
    expect(page.get_by_test_id("progress-counts")).to_have_text("Обработано строк: 2 из 4")
    page.screenshot(path=str(screenshot_dir / "import-progress.png"), full_page=True)

    services.import_job(job.pk, finance_world["head"].pk)  # the worker finishes; the page reloads by itself
    expect(page.get_by_test_id("job-status")).to_have_text("Импортирован")
    expect(result.locator('[data-count="created"]')).to_have_text("2")
    assert sorted(Instalment.objects.values_list("external_id", flat=True)) == ["P-1", "P-4"]

    menu = page.get_by_test_id("nav-more")
    menu.get_by_role("button", name="Ещё").click()
    menu.get_by_role("link", name="Импорт файлов").click()
    history = page.get_by_test_id("import-history").locator(f'tr[data-job="{job.pk}"]')
    expect(history).to_contain_text("платежи-ноябрь.csv")
    expect(history).to_contain_text("Импортирован")
    expect(history.locator("td.num")).to_have_text(["2", "0", "0", "2"])
    page.screenshot(path=str(screenshot_dir / "import-history.png"), full_page=True)
