"""The toxic score, component by component, with the default settings on 26.11.2026 (window 27.11.2023 – 26.11.2026).

«Шторм» (manager_a):
- 2025 property contract 365 000 (1,0 contract-year) with 3 claims, 547 500 → loss ratio 1,5 → 12 × 1,5 = 18;
- the company's property frequency: 4 claims (3 + 1 of «Штиль») over 2 contract-years = 2 a year, so 2,0
  expected and 3 ÷ 2 = ×1,5 → 8 × 1,5 ÷ 1,5 = 8;
- 5 complaints in the window (one more before it) → 25 × 5 ÷ 4 = 31,25;
- 8 deals, 6 with a request (20 %, 25 %, 30 % twice): share 0,75 → 15; average 25 % → 10 × 25 ÷ 20 = 12,5;
  granted over the 5 decided ones (10, 0, 10, 0 — the lost one —, 10; one 30 % is open) 6 %; rejected 2;
- 8 instalments due: 3 on time or early; 2 paid 30 days late; 2 unpaid since 01.11.2026 (25 days); one due
  today and unpaid (not late): share late 4 ÷ 8 → 15; average delay (60 + 50) ÷ 8 = 13,75 days, under 30 → 0;
- NPS answers 9, 6, 3 → (1 − 2) ÷ 3 = −33,3.
Score 18 + 8 + 31,25 + 15 + 12,5 + 15 = 99,75 ≥ 50: toxic.
«Штиль» (manager_b): the same kind of contract with one small claim — nothing reaches a threshold.
«Кроха» (manager_a): 50 000 of premium with a 500 000 claim — loss ratio 10, but under the 100 000 ₽ guard.
"""

from decimal import Decimal

import pytest

from crm.audit.models import AuditEvent
from crm.core.money import to_money
from crm.profitability.models import ToxicScoreSettings, current_score_settings
from crm.profitability.queries import client_profile, client_score, toxic_clients
from crm.profitability.services import update_score_settings
from crm.profitability.tests.conftest import TODAY, claim, client, complaint, contract, deal, instalment, nps

pytestmark = pytest.mark.django_db


@pytest.fixture
def storm(manager_a, manager_b):
    storm = client(manager_a, "logistics", name="ООО «Шторм»")
    main = contract(storm, "01.01.2025", "31.12.2025", "365000", "36500", "property", status="expired")
    for loss, amount in (("10.02.2025", "200000"), ("10.05.2025", "147500"), ("10.09.2025", "200000")):
        claim(main, loss, amount)
    for received in ("01.12.2023", "01.06.2024", "01.01.2025", "01.06.2025", "01.10.2026", "01.10.2023"):
        complaint(storm, received)
    deal(storm, "01.03.2025", "0.20", "0.10")
    deal(storm, "01.04.2025", "0.25", "0")
    deal(storm, "01.05.2026", "0.30", None, status="open")
    deal(storm, "01.06.2025", "0.20", "0.10")
    deal(storm, "01.07.2025", "0.25", "0", status="lost")
    deal(storm, "01.08.2025", "0.30", "0.10")
    deal(storm, "01.06.2026", None, None)
    deal(storm, "01.07.2026", None, None)
    for due, paid in (("01.02.2025", "01.02.2025"), ("01.04.2025", "30.03.2025"), ("01.06.2025", "01.06.2025")):
        instalment(main, due, "25", paid)
    instalment(main, "01.03.2025", "25", "31.03.2025")
    instalment(main, "01.05.2025", "25", "31.05.2025")
    instalment(main, "01.11.2026", "25", None)
    instalment(main, "01.11.2026", "25", None)
    instalment(main, "26.11.2026", "25", None)
    instalment(main, "30.11.2026", "25", None)  # after the window
    for score, responded in ((9, "01.02.2025"), (6, "01.03.2025"), (3, "01.04.2025")):
        nps(storm, score, responded)
    calm = client(manager_b, "trade", name="ООО «Штиль»")
    claim(contract(calm, "01.01.2025", "31.12.2025", "365000", "0", "property", status="expired"), "01.07.2025", "1000")
    tiny = client(manager_a, "trade", name="ООО «Кроха»")
    claim(contract(tiny, "01.01.2025", "31.12.2025", "50000", "0", "cargo", status="expired"), "01.07.2025", "500000")
    return storm


def _points(score):
    return {line.component: line.points.quantize(Decimal("0.01")) for line in score.lines}


def test_every_component_of_the_score(storm):
    score = client_score(storm, today=TODAY)
    assert _points(score) == {
        "loss_ratio": Decimal("18.00"),
        "claim_frequency": Decimal("8.00"),
        "complaints": Decimal("31.25"),
        "discount_share": Decimal("15.00"),
        "discount_requested": Decimal("12.50"),
        "late_share": Decimal("15.00"),
        "delay_days": Decimal("0.00"),
    }
    assert score.score.quantize(Decimal("0.01")) == Decimal("99.75")
    assert score.is_toxic
    assert to_money(score.expected_claims) == Decimal("2.00")
    discounts, payments = score.behaviour.discounts, score.behaviour.payments
    assert (discounts.deals_count, discounts.requests_count, discounts.rejected_count) == (8, 6, 2)
    assert discounts.average_requested.quantize(Decimal("0.0001")) == Decimal("0.2500")
    assert discounts.average_granted.quantize(Decimal("0.0001")) == Decimal("0.0600")
    assert (payments.instalments_due, payments.instalments_late, payments.average_days_late) == (8, 4, Decimal("13.75"))
    assert score.behaviour.complaints_count == 5
    assert score.behaviour.nps.score.quantize(Decimal("0.01")) == Decimal("-33.33")


def test_reasons_say_why_in_russian(storm):
    assert client_score(storm, today=TODAY).reasons == [
        "убыточность 1,50 при пороге 1,00",
        "убытков 3 при 2,0 ожидаемых по его видам страхования: ×1,5 к норме при пороге ×1,5",
        "жалоб за 36 мес.: 5 при пороге 4",
        "сделок с запросом скидки: 6 из 8 (75,0\u00a0% при пороге 75,0\u00a0%)",
        "средняя запрошенная скидка 25,0\u00a0% при пороге 20,0\u00a0% (предоставлено в среднем 6,0\u00a0%)",
        "платежей с просрочкой: 4 из 8 (50,0\u00a0% при пороге 50,0\u00a0%)",
    ]


def test_the_guard_keeps_a_tiny_contract_from_being_toxic_by_noise(storm):
    from crm.clients.models import Client

    score = client_score(Client.objects.get(name="ООО «Кроха»"), today=TODAY)
    loss = next(line for line in score.lines if line.component == "loss_ratio")
    assert (loss.value, loss.assessed, loss.points) == (Decimal(10), False, Decimal(0))
    assert loss.text.startswith("убыточность 10,00 — не оценивается: экспозиция 1,0 договоро-лет и заработанная премия")
    assert not score.is_toxic


def test_the_list_holds_the_toxic_clients_the_viewer_may_see(storm, head, manager_a, manager_b):
    listed = toxic_clients(head, TODAY)
    assert [(row.client.name, row.score.quantize(Decimal("0.01"))) for row in listed.rows] == [
        ("ООО «Шторм»", Decimal("99.75"))
    ]
    assert (listed.toxic_count, listed.assessed_count, listed.score_threshold) == (1, 3, 50)
    assert [row.client.name for row in toxic_clients(manager_a, TODAY).rows] == ["ООО «Шторм»"]
    assert toxic_clients(manager_b, TODAY).rows == []
    # The frequency norm is the company's whoever looks: manager_a sees the same 8 points.
    assert _points(toxic_clients(manager_a, TODAY).rows[0])["claim_frequency"] == Decimal("8.00")


def test_the_head_changes_the_settings_and_the_change_is_audited(storm, head):
    update_score_settings(actor=head, values={"score_threshold": 100, "complaints_weight": 20})
    settings = current_score_settings()
    assert (settings.score_threshold, settings.complaints_weight, settings.updated_by) == (100, 20, head)
    score = client_score(storm, today=TODAY)
    assert (score.score.quantize(Decimal("0.01")), score.is_toxic) == (Decimal("93.50"), False)
    event = AuditEvent.objects.get(action="profitability.score_settings_changed")
    assert event.changes == {"complaints_weight": ["25", "20"], "score_threshold": ["50", "100"]}


def test_bad_settings_save_nothing(head, manager_a):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(ValidationError) as error:
        update_score_settings(actor=head, values={"score_threshold": 40, "late_share_threshold": Decimal("1.5")})
    assert "late_share_threshold" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        update_score_settings(actor=manager_a, values={"score_threshold": 40})
    assert ToxicScoreSettings.objects.get().score_threshold == 50
    assert not AuditEvent.objects.filter(action="profitability.score_settings_changed").exists()


def test_the_profile_for_approvals(storm):
    profile = client_profile(storm, today=TODAY)
    # Earned 365 000 (2025), commission 36 500, claims 547 500.
    assert to_money(profile.earned_premium) == Decimal("365000.00")
    assert to_money(profile.ltv) == Decimal("-219000.00")
    assert profile.is_toxic and profile.score_threshold == 50
    assert profile.reasons[0] == "убыточность 1,50 при пороге 1,00"
    assert profile.complaints_count == 5 and profile.nps_responses == 3
    assert profile.payment_delay.share_late == Decimal("0.5")
    assert profile.discount_pressure.request_share == Decimal("0.75")


def test_the_data_migration_sets_the_models_defaults(db):
    from crm.profitability.services import EDITABLE_FIELDS

    saved, defaults = ToxicScoreSettings.objects.get(), ToxicScoreSettings()
    assert {name: getattr(saved, name) for name in EDITABLE_FIELDS} == {
        name: getattr(defaults, name) for name in EDITABLE_FIELDS
    }
