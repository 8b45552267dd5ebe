"""The pages, the XLSX exports, the settings page and the card panel, through real HTTP (the portfolio of conftest)."""

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.audit.models import AuditEvent
from crm.profitability.models import ToxicScoreSettings
from crm.profitability.tests.conftest import TODAY, claim, complaint, contract
from crm.profitability.tests.conftest import client as make_client

pytestmark = pytest.mark.django_db
NB = "\u00a0"
PAGES = ["/profitability/", "/profitability/loss-ratio/", "/profitability/toxic/"]
XLSX = ["/profitability/export/ltv.xlsx", "/profitability/export/loss-ratio.xlsx", "/profitability/export/toxic.xlsx"]
PAGE_QUERIES = 11  # + 1: the snapshot's state (crm.profitability.queries.snapshot)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("crm.profitability.views.today", lambda: TODAY)
    monkeypatch.setattr("crm.profitability.api.today", lambda: TODAY)


def _rows(response) -> list[str]:
    return re.findall(r'<tr data-client="(\d+)"', response.content.decode())


def _sheet(response) -> list[list]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [[cell.value for cell in row] for row in book.worksheets[0].iter_rows()]


def test_ltv_page_top_and_bottom(client, head, portfolio):
    client.force_login(head)
    page = client.get("/profitability/")
    assert page.status_code == 200
    ids = [str(portfolio[name].pk) for name in ("beta", "alpha", "gamma")]
    assert _rows(page) == ids
    text = page.content.decode()
    assert f"88{NB}750{NB}₽" in text and f"-309{NB}589{NB}₽" in text
    assert "Имущество, КАСКО, Грузы" in text
    assert f"68{NB}300{NB}₽ → 91{NB}000{NB}₽ → -70{NB}550{NB}₽" in text
    bottom = client.get("/profitability/", {"order": "bottom", "limit": "2"})
    assert _rows(bottom) == ids[::-1][:2]
    assert "Худшие 2" in bottom.content.decode()


def test_ltv_export_has_the_page_numbers(client, head, portfolio):
    client.force_login(head)
    rows = _sheet(client.get("/profitability/export/ltv.xlsx"))
    assert rows[0][:8] == [
        "Клиент",
        "Место",
        "Менеджер",
        "Отрасль",
        "Заработанная премия, ₽",
        "Заработанная комиссия, ₽",
        "Произошедшие убытки, ₽",
        "LTV, ₽",
    ]
    assert rows[0][10:] == [
        "LTV 27.11.2023–26.11.2024, ₽",
        "LTV 27.11.2024–26.11.2025, ₽",
        "LTV 27.11.2025–26.11.2026, ₽",
    ]
    alpha = rows[2]
    assert alpha[:2] == ["ООО «Альфа»", 2]
    assert alpha[4:10] == [789000, 45250, 655000.5, 88749.5, 4, "Имущество, КАСКО, Грузы"]
    assert alpha[10:] == [68300, 90999.5, -70550]


def test_ltv_csv_has_the_same_numbers_the_russian_way(client, head, portfolio):
    client.force_login(head)
    response = client.get("/profitability/export/ltv.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[:4] == ["Клиент", "Место", "Менеджер", "Отрасль"]
    alpha = next(line for line in lines if line.startswith("ООО «Альфа»")).split(";")
    assert alpha[1] == "2"
    assert alpha[4:9] == ["789000,00", "45250,00", "655000,50", "88749,50", "4"]
    assert alpha[10:] == ["68300,00", "90999,50", "-70550,00"]
    for report, header in (("loss-ratio", "Отрасль"), ("toxic", "Клиент")):
        table = client.get(f"/profitability/export/{report}.csv").content.decode("utf-8-sig")
        assert table.splitlines()[0].split(";")[0] == header


def test_loss_ratio_page_chart_export_and_clients_apart(client, head, manager_a):
    logistics = make_client(manager_a, "logistics", name="ООО «Логист»")
    claim(contract(logistics, "01.01.2026", "31.12.2026", "365000", line="cargo"), "01.03.2026", "660000")
    cancelled = make_client(manager_a, "trade", name="ООО «Отменённый»")
    claim(contract(cancelled, "01.01.2026", "31.12.2026", "100000", status="cancelled"), "01.03.2026", "7000")
    client.force_login(head)
    params = {"first": "2026-01-01", "last": "2026-11-26"}
    text = client.get("/profitability/loss-ratio/", params).content.decode()
    # 365 000 × 330 ÷ 365 = 330 000 earned; 660 000 incurred → 2,00; the company adds the 7 000 → 2,02.
    assert re.search(r'industry=\d+">Логистика и грузоперевозки</a>', text)
    assert ">2,00</td>" in text and ">2,02</td>" in text
    assert 'id="loss-ratio-data"' in text and "vendor/echarts/langRU.js" in text
    assert "ООО «Отменённый»" in text.split('data-testid="without-premium"')[1]
    rows = _sheet(client.get("/profitability/export/loss-ratio.xlsx", params))
    assert rows[0][:4] == ["Отрасль", "Заработанная премия, ₽", "Произошедшие убытки, ₽", "Коэффициент убыточности"]
    assert rows[1][:4] == ["Логистика и грузоперевозки", 330000, 660000, 2]
    assert rows[2][:4] == ["Торговля", 0, 7000, "—"]
    assert rows[-1][:4] == ["Компания (всё, что видно)", 330000, 667000, pytest.approx(667000 / 330000)]


def test_toxic_page_and_export_give_the_reasons(client, head, manager_a):
    storm = make_client(manager_a, "logistics", name="ООО «Буря»")
    main = contract(storm, "01.01.2025", "31.12.2025", "365000", line="property", status="expired")
    claim(main, "01.03.2025", "730000")
    for month in range(1, 9):
        complaint(storm, f"01.{month:02d}.2025")
    client.force_login(head)
    text = client.get("/profitability/toxic/").content.decode()
    assert _rows_toxic(text) == [str(storm.pk)]
    assert "убыточность 2,00 при пороге 1,00" in text and "жалоб за 36 мес.: 8 при пороге 4" in text
    assert 'data-testid="score-settings"' in text
    rows = _sheet(client.get("/profitability/export/toxic.xlsx"))
    # Loss ratio 2 → 24 (capped at twice the weight), 8 complaints → 50, frequency ×1 (the only property contract).
    assert rows[1][:6] == ["ООО «Буря»", "Алексеев И.", 74, 2, 1, 8]
    assert rows[1][-1].startswith("убыточность 2,00 при пороге 1,00; жалоб за 36 мес.: 8 при пороге 4")


def _rows_toxic(text: str) -> list[str]:
    return re.findall(r'<tr data-client="(\d+)"', text.split('data-testid="toxic-table"')[1])


def test_bad_filters_say_so_in_russian_and_fall_back(client, head, portfolio):
    client.force_login(head)
    text = client.get("/profitability/", {"on": "2030-01-01", "limit": "x"}).content.decode()
    assert "Фильтры заданы неверно — отчёт построен без них." in text
    assert "Дата отчёта — не позже сегодняшнего дня и не раньше 2000 года." in text
    assert len(_rows(client.get("/profitability/", {"on": "2030-01-01"}))) == 3
    text = client.get("/profitability/loss-ratio/", {"first": "2026-05-01", "last": "2026-04-01"}).content.decode()
    assert "Конец периода раньше начала." in text


def test_the_head_saves_the_settings_and_sees_the_history(client, head):
    client.force_login(head)
    form = client.get("/profitability/settings/").context["form"]
    data = {name: form[name].value() for name in form.fields}
    data.update({"score_threshold": "60", "loss_ratio_threshold": "1,2"})
    response = client.post("/profitability/settings/", data)
    assert (response.status_code, response["Location"]) == (302, "/profitability/settings/")
    settings = ToxicScoreSettings.objects.get()
    assert (settings.score_threshold, settings.loss_ratio_threshold) == (60, Decimal("1.20"))
    event = AuditEvent.objects.get(action="profitability.score_settings_changed")
    assert event.changes == {"loss_ratio_threshold": ["1.00", "1.20"], "score_threshold": ["50", "60"]}
    assert "порог «токсичности», баллов: 50 → 60" in client.get("/profitability/settings/").content.decode()


def test_bad_settings_show_a_message_and_save_nothing(client, head):
    client.force_login(head)
    form = client.get("/profitability/settings/").context["form"]
    data = {name: form[name].value() for name in form.fields}
    data.update({"late_share_threshold": "1,5", "score_threshold": "60"})
    response = client.post("/profitability/settings/", data)
    assert response.status_code == 200
    assert "Убедитесь, что это значение меньше либо равно 1." in response.content.decode()
    assert ToxicScoreSettings.objects.get().score_threshold == 50
    assert not AuditEvent.objects.filter(action="profitability.score_settings_changed").exists()


def test_the_card_loads_the_panel_with_the_flag_and_reasons(client, head, manager_a):
    storm = make_client(manager_a, "logistics", name="ООО «Буря»")
    claim(contract(storm, "01.01.2025", "31.12.2025", "365000", status="expired"), "01.03.2025", "730000")
    client.force_login(head)
    card = client.get(f"/clients/{storm.pk}/").content.decode()
    assert f'hx-get="/profitability/clients/{storm.pk}/panel/"' in card
    panel = client.get(f"/profitability/clients/{storm.pk}/panel/").content.decode()
    assert "Не «токсичный»: 24 баллов при пороге 50" in panel  # losses alone are not toxic
    assert "убыточность 2,00 при пороге 1,00" in panel
    assert f"365{NB}000{NB}₽" in panel


@pytest.mark.parametrize("url", [*PAGES, *XLSX])
def test_queries_per_page_do_not_grow_with_the_data(client, head, portfolio, manager_b, url):
    client.force_login(head)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    for number in range(6):
        extra = make_client(manager_b, "logistics" if number % 2 else "trade", name=f"ООО «Ещё {number}»")
        for line in ("property", "kasko"):
            claim(contract(extra, "01.01.2026", "31.12.2026", "100000", line=line), "01.05.2026", "1000")
    with CaptureQueriesContext(connection) as after:
        assert client.get(url).status_code == 200
    assert len(after) == len(before) <= PAGE_QUERIES
