"""The profitability PDF: the same queries as the pages, for who may see them."""

import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from crm.clients.factories import ClientFactory
from crm.policies.tests.factories import ContractFactory
from crm.reports import views
from crm.reports.pdf import render_pdf
from crm.reports.tests.test_dashboard_report import pdf_fonts

NB = "\u00a0"


@pytest.fixture
def contract(manager_a):
    client = ClientFactory(manager=manager_a, name="ООО «Прибыльный Клиент»")
    today = datetime.date.today()
    return ContractFactory(
        client=client,
        manager=manager_a,
        concluded_on=today - datetime.timedelta(days=100),
        starts_on=today - datetime.timedelta(days=100),
        ends_on=today + datetime.timedelta(days=264),
        written_premium_amount=Decimal("1000000.00"),
        commission_amount=Decimal("0"),
    )


def test_the_head_downloads_a_pdf_with_the_three_reports(client, head, contract, monkeypatch):
    printed = {}

    def keep_html(template_name, context):
        printed["html"] = render_to_string(template_name, context)
        return render_pdf(template_name, context)

    monkeypatch.setattr(views, "render_pdf", keep_html)
    client.force_login(head)
    response = client.get(reverse("profitability_pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="profitability-')
    assert response.content.startswith(b"%PDF")
    assert {"DejaVu-Sans", "DejaVu-Sans-Bold"} <= pdf_fonts(response.content)
    # 1 000 000 ₽ for 365 days, 101 of them inside the 36-month window ending today: 276 712,33 ₽ earned = LTV.
    row = printed["html"].split("ООО «Прибыльный Клиент»", 1)[1].split("</tr>", 1)[0]
    assert row.count(f"276{NB}712{NB}₽") == 2  # earned premium and LTV
    assert "Убыточность" in printed["html"] and "«Токсичные» клиенты: 0 из" in printed["html"]


def test_the_pdf_is_linked_from_the_pages_and_closed_to_other_departments(client, head, marketing):
    client.force_login(head)
    assert 'data-testid="report-pdf"' in client.get(reverse("profitability:ltv")).content.decode()
    client.force_login(marketing)
    assert client.get(reverse("profitability_pdf")).status_code == 403
