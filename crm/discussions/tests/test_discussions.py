"""Threads: posting, escaping, mentions that invite consultants, verdicts, polling for new messages, unread marks."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from crm.audit.models import AuditEvent
from crm.clients.factories import ClientFactory
from crm.discussions.access import get_discussion_for
from crm.discussions.models import Message, Thread, ThreadGrant
from crm.discussions.services import mentioned_logins, post_message
from crm.notifications.models import Notification


def thread_url(kind: str, pk: int, view: str = "thread") -> str:
    return reverse(f"discussions:{view}", args=[kind, pk])


def say(user, kind: str, pk: int, body: str, verdict: str = "") -> Message:
    return post_message(actor=user, discussion=get_discussion_for(user, kind, pk), body=body, verdict=verdict)


def test_mentions_are_parsed_out_of_the_text():
    text = "@underwriter, посмотрите; @risk. Почта a@b.ru не упоминание; @o.krivtsov. И снова @risk"
    assert mentioned_logins(text) == ["underwriter", "risk", "o.krivtsov"]


def test_messages_are_escaped_and_cannot_carry_script(client, approval, head):
    client.force_login(head)
    client.post(thread_url("approval", approval.pk, "post"), {"body": "<script>alert(1)</script> & <b>жирный</b>"})
    page = client.get(thread_url("approval", approval.pk)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;жирный&lt;/b&gt;" in page
    assert "<script>alert(1)" not in page and "<b>жирный" not in page
    assert Message.objects.get().body == "<script>alert(1)</script> & <b>жирный</b>"  # stored as typed


def test_a_mentioned_underwriter_sees_that_request_and_nothing_else(
    client, approval, other_approval, head, underwriter, django_capture_on_commit_callbacks
):
    client.force_login(underwriter)
    assert client.get(reverse("approvals:detail", args=[approval.pk])).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        say(head, "approval", approval.pk, "@underwriter оцените риск, пожалуйста")

    assert client.get(reverse("approvals:detail", args=[approval.pk])).status_code == 200
    assert client.get(thread_url("approval", approval.pk)).status_code == 200
    assert client.get(reverse("approvals:detail", args=[other_approval.pk])).status_code == 404
    assert client.get(thread_url("approval", other_approval.pk)).status_code == 404
    assert client.get(reverse("deals:detail", args=[approval.deal_id])).status_code == 404  # the request only
    inbox = client.get(reverse("approvals:inbox")).content.decode()
    assert f'data-request="{approval.pk}"' in inbox and f'data-request="{other_approval.pk}"' not in inbox
    grant = ThreadGrant.objects.get()
    assert (grant.user, grant.granted_by) == (underwriter, head)
    assert AuditEvent.objects.get(action="discussion.access_granted").changes == {"granted_to": [None, "underwriter"]}
    note = Notification.objects.get(recipient=underwriter)
    assert (note.title, note.url) == (
        f"Начальников И. упоминает вас: запрос на согласование «Запрос №{approval.pk}»",
        f"/approvals/{approval.pk}/",
    )


def test_an_outsider_gets_404_everywhere(client, approval, head, manager_b, marketing):
    say(head, "approval", approval.pk, "Первое сообщение")
    for outsider in (manager_b, marketing):
        client.force_login(outsider)
        assert client.get(thread_url("approval", approval.pk)).status_code == 404
        assert client.get(thread_url("approval", approval.pk, "poll") + "?after=0").status_code == 404
        assert client.post(thread_url("approval", approval.pk, "post"), {"body": "Чужое"}).status_code == 404
    assert client.get(thread_url("nonsense", approval.pk)).status_code == 404
    assert Message.objects.count() == 1


def test_a_colleague_without_access_or_an_unknown_login_is_refused(approval, head, manager_b):
    with pytest.raises(ValidationError, match="@manager_b не видит этот объект"):
        say(head, "approval", approval.pk, "@manager_b глянь")
    with pytest.raises(ValidationError, match="Нет сотрудников с логинами: @nobody"):
        say(head, "approval", approval.pk, "@nobody глянь")
    assert (
        Thread.objects.count(),
        Message.objects.count(),
        Notification.objects.filter(key__contains="mention").count(),
    ) == (0, 0, 0)


def test_a_mentioned_colleague_with_access_is_notified_without_a_grant(approval, head, senior_a):
    say(head, "approval", approval.pk, "@senior_a ваше мнение?")
    assert ThreadGrant.objects.count() == 0
    assert Notification.objects.filter(recipient=senior_a, key__startswith="discussion:mention:").count() == 1


def test_verdicts_are_for_consultants_and_need_a_comment(approval, head, manager_a, risk_manager):
    say(head, "approval", approval.pk, "@risk нужна оценка")
    with pytest.raises(ValidationError, match="Заключение дают андеррайтеры и риск-менеджеры"):
        say(manager_a, "approval", approval.pk, "Согласен", verdict="accept")
    with pytest.raises(ValidationError, match="Добавьте комментарий к заключению"):
        say(risk_manager, "approval", approval.pk, " ", verdict="decline")

    verdict = say(risk_manager, "approval", approval.pk, "Риск приемлем при франшизе", verdict="conditions")

    assert (verdict.verdict, verdict.get_verdict_display()) == ("conditions", "Принять с условиями")
    assert AuditEvent.objects.get(action="discussion.verdict_given").changes == {
        "verdict": [None, "conditions"],
        "comment": [None, "Риск приемлем при франшизе"],
    }
    told = Notification.objects.filter(key=f"discussion:verdict:{verdict.pk}")
    assert sorted(told.values_list("recipient__username", flat=True)) == ["head", "manager_a"]


def test_the_form_offers_a_verdict_only_to_consultants(client, approval, head, underwriter):
    say(head, "approval", approval.pk, "@underwriter посмотрите")
    client.force_login(head)
    assert 'name="verdict"' not in client.get(thread_url("approval", approval.pk)).content.decode()
    client.force_login(underwriter)
    page = client.get(thread_url("approval", approval.pk), HTTP_HX_REQUEST="true").content.decode()
    assert 'name="verdict"' in page and "<html" not in page  # htmx gets the panel only
    client.post(
        thread_url("approval", approval.pk, "post"),
        {"body": "Принять", "verdict": "accept"},
        HTTP_HX_REQUEST="true",
    )
    assert Message.objects.filter(author=underwriter, verdict="accept").count() == 1


def test_poll_returns_only_new_messages_and_marks_them_read(client, approval, head, manager_a):
    first = say(manager_a, "approval", approval.pk, "Первое")
    client.force_login(head)
    panel = client.get(thread_url("approval", approval.pk), HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="unread-messages">1 новое<' in panel
    assert f"{thread_url('approval', approval.pk, 'poll')}?after={first.pk}" in panel

    assert client.get(thread_url("approval", approval.pk, "poll") + f"?after={first.pk}").status_code == 204
    second = say(manager_a, "approval", approval.pk, "Второе")
    third = say(manager_a, "approval", approval.pk, "Третье")
    response = client.get(thread_url("approval", approval.pk, "poll") + f"?after={first.pk}")
    body = response.content.decode()
    assert response.status_code == 200 and "Первое" not in body and "Второе" in body and "Третье" in body
    assert f"?after={third.pk}" in body and second.pk < third.pk
    panel = client.get(thread_url("approval", approval.pk), HTTP_HX_REQUEST="true").content.decode()
    assert "unread-messages" not in panel  # everything was shown, so everything is read


def test_unread_counts_in_the_inbox(client, approval, head, manager_a):
    say(head, "approval", approval.pk, "Моё")  # posting marks the thread read up to one's own message
    say(manager_a, "approval", approval.pk, "Первое")
    say(manager_a, "approval", approval.pk, "Второе")
    client.force_login(head)
    assert 'data-testid="unread">2 новых<' in client.get(reverse("approvals:inbox")).content.decode()
    client.get(thread_url("approval", approval.pk))
    assert 'data-testid="unread"' not in client.get(reverse("approvals:inbox")).content.decode()


def test_threads_on_clients_by_the_same_mechanism(client, manager_a, manager_b, underwriter):
    firm = ClientFactory(manager=manager_a, name="ООО «Дельта»")
    client.force_login(manager_a)
    card = client.get(reverse("clients:detail", args=[firm.pk])).content.decode()
    assert thread_url("client", firm.pk) in card
    client.post(thread_url("client", firm.pk, "post"), {"body": "@underwriter клиент просит расширить покрытие"})
    assert Thread.objects.get().target == firm

    client.force_login(underwriter)
    assert "клиент просит расширить покрытие" in client.get(thread_url("client", firm.pk)).content.decode()
    assert client.get(reverse("clients:detail", args=[firm.pk])).status_code == 404  # the thread, not the card
    client.force_login(manager_b)
    assert client.get(thread_url("client", firm.pk)).status_code == 404
