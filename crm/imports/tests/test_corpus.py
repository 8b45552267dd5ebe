"""A corpus of malformed files (crm/imports/tests/corpus/): each gets its precise message and changes nothing.

Every file goes the user's way — upload, mapping, check, then «only rows without errors» — and afterwards
the tables an import could touch and the audit journal (apart from the import's own record of itself)
are exactly as before.
"""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from crm.audit.models import AuditEvent
from crm.finance.models import Claim, Instalment
from crm.imports import services
from crm.imports.models import ImportJob, ImportStatus
from crm.imports.tests.conftest import upload
from crm.policies.models import Contract
from crm.service.models import Complaint, NpsResponse
from crm.underwriting.models import UnderwritingDecision

CORPUS = Path(__file__).parent / "corpus"
NB = "\u00a0"
FORMULA = "похоже на формулу Excel — такие ячейки не принимаются. Уберите этот знак в начале."
NOT_RECOGNISED = (
    "Ни один столбец файла не узнан. Проверьте, что выбран верный источник данных и что файл в UTF-8 или "
    "Windows-1251; столбцы можно сопоставить вручную."
)
CASES = [
    ("01-empty.csv", "payments", "Файл пустой."),
    ("02-blank-lines-only.csv", "payments", "Файл пустой: в нём нет ни заголовка, ни строк."),
    ("03-header-only.csv", "payments", "В файле только заголовок — нет ни одной строки данных."),
    (
        "04-utf16.csv",
        "payments",
        "Файл в кодировке UTF-16 («Юникод-текст» Excel). Сохраните его как «CSV UTF-8» или XLSX.",
    ),
    ("05-koi8r.csv", "payments", NOT_RECOGNISED),
    (
        "06-bom-then-cp1251.csv",
        "payments",
        "Файл начинается с метки UTF-8 (BOM), но дальше текст не в UTF-8 (похоже на Windows-1251). Пересохраните "
        "файл целиком в одной кодировке: «CSV UTF-8» или «CSV (разделители — точка с запятой)».",
    ),
    (
        "07-binary.csv",
        "payments",
        "Файл не похож на текстовую таблицу: в нём есть двоичные данные. Загрузите CSV или XLSX.",
    ),
    (
        "08-excel-97.xls",
        "payments",
        "Это файл Excel 97–2003 (XLS) — он не поддерживается. Сохраните таблицу как XLSX или CSV.",
    ),
    ("09-pdf.csv", "payments", "Это PDF, а не таблица. Загрузите CSV или XLSX."),
    (
        "10-missing-amount-column.csv",
        "payments",
        "Выберите столбец файла для обязательного поля «Сумма по графику, ₽».",
    ),
    ("11-duplicate-columns.csv", "payments", "В заголовке повторяются столбцы: «Сумма, руб.». Оставьте по одному."),
    ("12-unknown-contract.csv", "payments", "2|Код договора|1C-404|Договор с внешним ID «1C-404» не найден."),
    ("13-unknown-contract-number.csv", "payments", "2|Номер договора|КА-404|Договор № КА-404 не найден."),
    ("14-impossible-date.csv", "payments", "2|Дата платежа|31.02.2025|Такой даты нет: «31.02.2025»."),
    (
        "15-date-with-slashes.csv",
        "payments",
        "2|Дата платежа|2025/03/01|«2025/03/01» — не дата: пишите 26.11.2026 или 2026-11-26.",
    ),
    ("16-negative-amount.csv", "payments", "2|Сумма, руб.|-5|Сумма не может быть отрицательной: -5."),
    (
        "17-absurd-amount.csv",
        "payments",
        "2|Сумма, руб.|1 000 000 000 000,00|Сумма неправдоподобно велика (больше 100 млрд ₽) — проверьте единицы и "
        "разделители.",
    ),
    ("18-three-decimals.csv", "payments", "2|Сумма, руб.|100,005|В сумме больше двух знаков после запятой: 100,005."),
    ("19-amount-in-words.csv", "payments", "2|Сумма, руб.|сто тысяч|«сто тысяч» — не число (пример: 1 234,56)."),
    (
        "20-duplicate-keys.csv",
        "payments",
        "3|Идентификатор платежа|DUP-1|Внешний ID «DUP-1» уже встречался в файле (строка 2).",
    ),
    (
        "21-formula-equals.csv",
        "payments",
        f'2|Идентификатор платежа|=HYPERLINK("http://evil.example","x")|Значение начинается с «=» и {FORMULA}',
    ),
    ("22-formula-at.csv", "payments", f"2|Дата платежа|@SUM(A1)|Значение начинается с «@» и {FORMULA}"),
    ("23-formula-plus.csv", "payments", f"2|Код договора|+1C-00000007|Значение начинается с «+» и {FORMULA}"),
    ("24-formula-minus.csv", "payments", f"2|Код договора|-1C-00000007|Значение начинается с «-» и {FORMULA}"),
    (
        "25-formula-dde-after-spaces.csv",
        "payments",
        f"2|Код договора|=CMD|' /C calc'!A0|Значение начинается с «=» и {FORMULA}",
    ),
    (
        "26-mixed-separators.csv",
        "payments",
        "2|||В строке 1 полей, а в заголовке 7 (разделитель «;»): проверьте разделители и кавычки.",
    ),
    ("27-too-many-columns.csv", "payments", "В файле 120 столбцов — допускается не больше 100."),
    ("28-required-blank.csv", "payments", "2|Сумма, руб.||Обязательное поле не заполнено."),
    (
        "29-unclosed-quote.csv",
        "payments",
        "2|||В строке 2 полей, а в заголовке 7 (разделитель «;»): проверьте разделители и кавычки.",
    ),
    (
        "30-due-after-contract-end.csv",
        "payments",
        "2|Дата платежа|01.03.2026|Срок оплаты позже окончания договора (31.01.2026).",
    ),
    ("31-paid-without-date.csv", "payments", "2|Дата оплаты||Для оплаченной суммы укажите дату оплаты."),
    ("32-paid-in-the-future.csv", "payments", "2|Дата оплаты|01.01.2099|Дата 01.01.2099 ещё не наступила."),
    (
        "33-no-contract-given.csv",
        "payments",
        "2|Код договора||Укажите договор: заполните «Код договора» или «Номер договора».",
    ),
    ("34-external-id-too-long.csv", "payments", f"2|Идентификатор платежа|{'X' * 70}|Текст длиннее 64 символов (70)."),
    (
        "35-utf8-bom-with-a-cp1251-line.csv",
        "payments",
        "Файл начинается с метки UTF-8 (BOM), но дальше текст не в UTF-8 (похоже на Windows-1251). Пересохраните "
        "файл целиком в одной кодировке: «CSV UTF-8» или «CSV (разделители — точка с запятой)».",
    ),
    (
        "40-claim-loss-outside-cover.csv",
        "claims",
        "2|Дата события|01.01.2024|Дата убытка вне периода страхования (01.02.2025 – 31.01.2026).",
    ),
    (
        "41-claim-unknown-status.csv",
        "claims",
        "2|Статус|Оплачен|Значение «Оплачен» не из списка: «Заявлен», «Урегулируется», «Выплачен», "
        "«Отказано в выплате».",
    ),
    ("42-complaint-unknown-client.csv", "complaints", "2|ИНН клиента|7707083894|Клиент с ИНН 7707083894 не найден."),
    ("43-nps-score-out-of-range.csv", "nps", "2|Оценка|11|Число 11 вне допустимого диапазона 0–10."),
    ("44-decision-unknown-deal.csv", "decisions", "2|Номер сделки CRM|999999|Сделка №999999 не найдена."),
    (
        "45-contract-ends-before-start.csv",
        "contracts",
        "2|Страховой продукт|Нет такого|Продукт «Нет такого» не найден.",
    ),
    (
        "50-xlsx-formula.xlsx",
        "payments",
        "2|Сумма, руб.|=100000*2|В ячейке формула «=100000*2»: формулы не вычисляются — вставьте в файл значения.",
    ),
    (
        "51-xlsx-date-as-number.xlsx",
        "payments",
        "2|Дата платежа|45717|Дата записана числом 45717 — задайте ячейке формат «Дата».",
    ),
    ("52-xlsx-truncated.xlsx", "payments", "Файл XLSX повреждён или обрезан: он не читается как архив."),
    ("53-docx-renamed.xlsx", "payments", "Это ZIP-архив, но не книга Excel (XLSX). Загрузите CSV или XLSX."),
    ("54-xlsx-error-value.xlsx", "payments", "2|Сумма, руб.|#N/A|В ячейке ошибка Excel «#N/A»."),
]
TABLES = (Instalment, Claim, Contract, Complaint, NpsResponse, UnderwritingDecision)


def zip_bomb() -> bytes:
    """An .xlsx-shaped archive whose sheet unpacks to 60 MB of spaces: about 60 KB on disk."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * 60_000_000)
    return buffer.getvalue()


def state() -> tuple:
    business = tuple(sorted(map(tuple, model.objects.values_list("pk", "external_id"))) for model in TABLES)
    audit = list(AuditEvent.objects.exclude(subject_type="imports.importjob").values_list("id", flat=True))
    return business, audit


def outcome(job: ImportJob, actor, capture) -> list[str]:
    """Every message the user is shown for this file: of the file, of the mapping, or per row."""
    if job.status == ImportStatus.FAILED:
        return [job.message]
    shown = [job.message] if job.message else []
    try:
        with capture(execute=True):
            services.request_validation(actor=actor, job=job, mapping=job.mapping)
    except ValidationError as error:
        return shown + error.messages
    job.refresh_from_db()
    if job.status == ImportStatus.FAILED:
        return [*shown, job.message]
    rows = ["|".join(str(part) for part in error) for error in job.error_sample]
    with capture(execute=True):
        services.request_import(actor=actor, job=job, mode="valid")
    job.refresh_from_db()
    assert (job.created_count, job.updated_count) == (0, 0)
    return shown + rows


def test_the_corpus_has_at_least_thirty_files():
    assert len(CASES) + 1 >= 30
    assert {name for name, _source, _message in CASES} == {path.name for path in CORPUS.iterdir()}


@pytest.mark.parametrize(("name", "source", "message"), CASES, ids=[case[0] for case in CASES])
def test_a_malformed_file_gets_its_message_and_changes_nothing(
    name, source, message, contract, head, django_capture_on_commit_callbacks
):
    before = state()
    try:
        job = services.upload_file(
            actor=head, source=source, upload=upload((CORPUS / name).read_bytes(), name), preset="system"
        )
    except ValidationError as error:
        messages = error.messages
    else:
        messages = outcome(job, head, django_capture_on_commit_callbacks)

    assert message in [text.replace(NB, " ") for text in messages]
    assert state() == before


def test_a_zip_bomb_built_here_is_refused_and_changes_nothing(contract, head, django_capture_on_commit_callbacks):
    data = zip_bomb()
    assert len(data) < 100_000
    before = state()
    job = services.upload_file(actor=head, source="payments", upload=upload(data, "bomb.xlsx"))

    messages = outcome(job, head, django_capture_on_commit_callbacks)

    assert len(messages) == 1
    assert messages[0].startswith("Файл XLSX отклонён: часть архива «xl/worksheets/sheet1.xml» сжата в ")
    assert messages[0].endswith(
        " раз — так сжимаются только «zip-бомбы» (допускается до 200 раз). Сохраните таблицу заново или загрузите CSV."
    )
    assert state() == before
