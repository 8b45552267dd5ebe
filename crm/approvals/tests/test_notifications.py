"""Who is told what, e-mail only after commit, the reminder (idempotent per request per day), changes after approval."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from crm.approvals import services
from crm.approvals.models import ApprovalRequest
from crm.approvals.queries import approved_terms_for
from crm.approvals.tests.conftest import submit
from crm.audit.models import AuditEvent
from crm.notifications.models import Notification
from crm.pipeline.services import update_deal

COMMENT = "Согласовать в обмен на страхование 10 филиалов"


def test_submit_notifies_the_approver_and_emails_only_after_commit(
    head, senior_a, deal_a, manager_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        request = submit(manager_a, deal_a, "0.08")
    assert mail.outbox == []  # nothing leaves before the transaction commits
    assert [(n.recipient, n.key, n.url) for n in Notification.objects.all()] == [
        (senior_a, f"approval:{request.pk}:submitted:1", f"/approvals/{request.pk}/")
    ]
    for callback in callbacks:
        callback()
    assert [(message.to, message.subject) for message in mail.outbox] == [
        (["senior_a@example.ru"], f"Ждёт вашего решения: запрос №{request.pk}, 8,0\xa0% — ООО «Альфа»")
    ]
    assert "Клиент страхует у нас 10 филиалов" in mail.outbox[0].body


def test_a_refused_decision_sends_nothing(head, senior_a, deal_a, manager_a, django_capture_on_commit_callbacks):
    request = submit(manager_a, deal_a, "0.08")
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Exception):  # noqa: B017
        services.approve_request(actor=senior_a, request=request, comment="")
    assert callbacks == [] and mail.outbox == []
    assert Notification.objects.filter(recipient=manager_a).count() == 0


def test_the_decision_is_emailed_to_the_requester_after_commit(
    head, senior_a, deal_a, manager_a, django_capture_on_commit_callbacks
):
    request = submit(manager_a, deal_a, "0.08")
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_request(actor=senior_a, request=request, comment=COMMENT)
    assert [message.to for message in mail.outbox] == [["manager_a@example.ru"]]
    assert Notification.objects.get(recipient=manager_a).emailed_at is not None


def _waiting(request: ApprovalRequest, hours: int) -> None:
    ApprovalRequest.objects.filter(pk=request.pk).update(submitted_at=timezone.now() - datetime.timedelta(hours=hours))


def test_reminder_after_the_configured_wait_once_a_day(head, senior_a, deal_a, manager_a, settings):
    request = submit(manager_a, deal_a, "0.08")
    reminders = Notification.objects.filter(key__contains=":reminder:")
    _waiting(request, 23)
    assert services.remind_approvers() == 0
    _waiting(request, 25)
    settings.CRM_APPROVAL_REMINDER_HOURS = 48
    assert services.remind_approvers() == 0  # 25 h is not yet «longer than 48 h»

    settings.CRM_APPROVAL_REMINDER_HOURS = 24
    now = timezone.now()
    assert services.remind_approvers(now=now) == 1
    assert services.remind_approvers(now=now + datetime.timedelta(hours=1)) == 0  # same day: nothing new
    assert services.remind_approvers(now=now + datetime.timedelta(days=1)) == 1  # next day: reminded again
    assert [(n.recipient.username, n.title.split(":")[1]) for n in reminders.order_by("pk")] == [
        ("senior_a", " ждёт решения 25 ч"),
        ("senior_a", " ждёт решения 49 ч"),
    ]


def test_decided_requests_are_not_reminded_and_the_command_reports(head, senior_a, deal_a, manager_a, capsys):
    request = submit(manager_a, deal_a, "0.08")
    services.reject_request(actor=senior_a, request=request, comment="Нет")
    _waiting(request, 100)
    call_command("remind_approvers")
    assert "Отправлено напоминаний о запросах, ждущих дольше 24 ч: 0" in capsys.readouterr().out


def test_terms_changed_after_approval_are_audited_and_the_head_and_approver_told(
    head, senior_a, deal_a, manager_a, django_capture_on_commit_callbacks
):
    request = services.approve_request(actor=senior_a, request=submit(manager_a, deal_a, "0.08"), comment=COMMENT)
    assert not AuditEvent.objects.filter(action="deal.terms_changed_after_approval").exists()

    update_deal(actor=manager_a, deal=deal_a, changes={"title": "Новое название"})  # not a term
    assert not AuditEvent.objects.filter(action="deal.terms_changed_after_approval").exists()

    with django_capture_on_commit_callbacks(execute=True):
        update_deal(actor=manager_a, deal=deal_a, changes={"amount": Decimal("900000")})
    event = AuditEvent.objects.get(action="deal.terms_changed_after_approval")
    assert (event.actor, event.subject_type, event.subject_id) == (manager_a, "pipeline.deal", str(deal_a.pk))
    assert event.changes == {
        "amount": ["1000000.00", "900000.00"],
        "approval_request": [request.pk, request.pk],
    }
    told = Notification.objects.filter(key__startswith=f"approval:{request.pk}:terms-changed:")
    assert sorted(told.values_list("recipient__username", flat=True)) == ["head", "senior_a"]
    assert sorted(message.to[0] for message in mail.outbox) == ["head@example.ru", "senior_a@example.ru"]
    # The frozen terms stay what was approved, ready for the contract.
    assert approved_terms_for(deal_a).terms == {
        "written_premium_amount": "1000000.00",
        "discount_rate": "0.0800",
        "special_terms": "",
    }


def test_a_discount_changed_after_approval_is_flagged_too(head, senior_a, deal_a, manager_a):
    services.approve_request(actor=senior_a, request=submit(manager_a, deal_a, "0.08"), comment=COMMENT)
    update_deal(actor=senior_a, deal=deal_a, changes={"granted_discount_rate": Decimal("0.1")})
    event = AuditEvent.objects.get(action="deal.terms_changed_after_approval")
    assert event.changes["granted_discount_rate"] == ["0.0800", "0.1000"]
    assert sorted(
        Notification.objects.filter(key__contains="terms-changed").values_list("recipient__username", flat=True)
    ) == ["head"]  # the approver made the change themselves


def test_a_deal_without_an_approval_is_never_flagged(head, deal_a, manager_a):
    update_deal(actor=manager_a, deal=deal_a, changes={"amount": Decimal("900000")})
    assert not AuditEvent.objects.filter(action="deal.terms_changed_after_approval").exists()
    assert approved_terms_for(deal_a) is None
