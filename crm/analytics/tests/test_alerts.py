"""Daily plan alerts on the hand-built department (conftest): 15.11.2026, November and Q4 2026.

Flagged in Q4 (plan to date: October + 15/30 of November): region Центр +20 %, team А +25 %, Алексеев +25 %,
Андреев −20 %. Flagged in November alone (15/30 of the month's plan): Центр −30 % (700 000 against
1 000 000), team А +40 %, Алексеев −66,7 %, Андреев +300 %, Борисов −100 % (nothing sold against 400 000).
Owners: Центр — the leads of teams А and Б; team А — its lead; a manager — themselves; plus the head each time.
"""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.tasks import TaskResultStatus

from crm.analytics.alerts import send_plan_alerts
from crm.analytics.tasks import send_plan_alerts_task
from crm.analytics.tests.conftest import TODAY
from crm.notifications.models import Notification

NB = "\u00a0"


def keys(user) -> set[str]:
    return set(Notification.objects.filter(recipient=user).values_list("key", flat=True))


def test_flagged_nodes_notify_their_owners_and_the_head(sales, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sent = send_plan_alerts(TODAY)
    s, day = sales, "2026-11-15"
    centre, team_a, a, a2, b = (
        f"region:{s.centre.pk}",
        f"team:{s.team_a.pk}",
        f"manager:{s.manager_a.pk}",
        f"manager:{s.manager_a2.pk}",
        f"manager:{s.manager_b.pk}",
    )
    quarter = {f"plan-alert:quarter:{key}:{day}" for key in (centre, team_a, a, a2)}
    month = {f"plan-alert:month:{key}:{day}" for key in (centre, team_a, a, a2, b)}
    assert keys(s.head) == quarter | month
    assert keys(s.senior_a) == {
        f"plan-alert:{period}:{key}:{day}" for period in ("quarter", "month") for key in (centre, team_a)
    }
    assert keys(s.senior_b) == {f"plan-alert:quarter:{centre}:{day}", f"plan-alert:month:{centre}:{day}"}
    assert keys(s.manager_a2) == {f"plan-alert:quarter:{a2}:{day}", f"plan-alert:month:{a2}:{day}"}
    assert keys(s.manager_b) == {f"plan-alert:month:{b}:{day}"}
    assert keys(s.manager_c) == set()
    assert sent == 9 + 11 == Notification.objects.count()
    assert len(callbacks) == 20 and len(mail.outbox) == 20
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_the_message_says_how_far_off_plan_and_links_to_the_drill_down(sales, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_plan_alerts(TODAY)
    key = f"plan-alert:quarter:manager:{sales.manager_a2.pk}:2026-11-15"
    note = Notification.objects.get(recipient=sales.manager_a2, key=key)
    assert note.title == f"Андреев И.: ниже плана на 20,0{NB}% (IV квартал 2026)"
    assert note.body == (
        f"Отклонение от плана на дату −20,0{NB}% при пороге ±10,0{NB}%. Факт 500{NB}000{NB}₽, план на дату "
        f"625{NB}000{NB}₽, план периода 1{NB}250{NB}000{NB}₽. Период 01.10.2026 – 31.12.2026, данные на 15.11.2026."
    )
    assert note.url == f"/dashboard/node/manager:{sales.manager_a2.pk}/?period=quarter&year=2026&quarter=4"
    email = next(message for message in mail.outbox if message.subject == note.title)
    assert email.to == [sales.manager_a2.email]
    assert email.body == f"{note.body}\n\n{note.url}"
    month = Notification.objects.get(recipient=sales.head, key=f"plan-alert:month:team:{sales.team_a.pk}:2026-11-15")
    assert month.title == f"Команда А: выше плана на 40,0{NB}% (Ноябрь 2026)"


def test_a_second_run_the_same_day_sends_nothing_and_the_next_day_reminds(sales, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert send_plan_alerts(TODAY) == 20
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert send_plan_alerts(TODAY) == 0
    assert (len(callbacks), len(mail.outbox), Notification.objects.count()) == (0, 0, 20)
    # 16.11: the same nodes again, and the company too — in November 1 100 000 against 2 400 000 × 16/30.
    with django_capture_on_commit_callbacks(execute=True):
        assert send_plan_alerts(TODAY + datetime.timedelta(days=1)) == 21
    assert keys(sales.head) >= {"plan-alert:month:company:2026-11-16"}
    assert len(mail.outbox) == 21


def test_a_region_whose_teams_have_no_lead_notifies_the_head_alone(sales, django_capture_on_commit_callbacks):
    for team in (sales.team_a, sales.team_b):
        team.lead = None
        team.save()
    send_plan_alerts(TODAY)
    centre = f"plan-alert:quarter:region:{sales.centre.pk}:2026-11-15"
    assert list(Notification.objects.filter(key=centre).values_list("recipient__username", flat=True)) == ["head"]
    assert Notification.objects.filter(key__contains=f":team:{sales.team_a.pk}:").count() == 2  # the head, twice


def test_without_a_head_of_sales_nothing_is_sent(sales):
    sales.head.is_active = False
    sales.head.save()
    assert send_plan_alerts(TODAY) == 0
    assert Notification.objects.count() == 0


def test_the_command_for_cron(sales):
    out = io.StringIO()
    call_command("send_plan_alerts", "--today", "2026-11-15", stdout=out)
    assert out.getvalue() == "Отправлено уведомлений об отклонениях от плана: 20 (на 15.11.2026)\n"
    out = io.StringIO()
    call_command("send_plan_alerts", "--today", "2026-11-15", stdout=out)
    assert out.getvalue() == "Отправлено уведомлений об отклонениях от плана: 0 (на 15.11.2026)\n"


def test_the_command_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="ожидается дата ГГГГ-ММ-ДД"):
        call_command("send_plan_alerts", "--today", "15.11.2026")


def test_the_task_alerts_for_today(sales, monkeypatch):
    monkeypatch.setattr("crm.analytics.tasks.today", lambda: TODAY)
    assert send_plan_alerts_task.call() == 20
    assert send_plan_alerts_task.call() == 0


def test_the_task_can_be_queued_for_the_worker(db):
    result = send_plan_alerts_task.enqueue()
    assert (result.task.name, result.status) == ("send_plan_alerts_task", TaskResultStatus.READY)
