from django.core import mail
from django.urls import reverse

from crm.notifications.models import Notification
from crm.notifications.services import mark_read, notify


def test_notify_is_idempotent_per_recipient_and_key(head, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(recipient=head, key="plan:team:3:2026-11-26", title="Команда А ниже плана на 25 %")
        second = notify(recipient=head, key="plan:team:3:2026-11-26", title="Команда А ниже плана на 25 %")

    assert (first, second) == (True, False)
    assert Notification.objects.filter(recipient=head).count() == 1
    assert [message.subject for message in mail.outbox] == ["Команда А ниже плана на 25 %"]
    assert Notification.objects.get().emailed_at is not None


def test_no_email_is_sent_when_the_transaction_rolls_back(head, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipient=head, key="k", title="t")
    assert len(callbacks) == 1 and mail.outbox == []


def test_the_badge_counts_unread_and_reading_clears_it(client, head, manager_a):
    notify(recipient=head, key="a", title="Первое", email=False)
    notify(recipient=head, key="b", title="Второе", email=False)
    notify(recipient=manager_a, key="a", title="Чужое", email=False)
    client.force_login(head)

    assert 'data-testid="unread-count">2<' in client.get(reverse("notifications:badge")).content.decode()
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Первое" in page and "Второе" in page and "Чужое" not in page

    client.post(reverse("notifications:read_all"))
    assert "unread-count" not in client.get(reverse("notifications:badge")).content.decode()
    assert mark_read(recipient=manager_a) == 1


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, head, manager_a):
    notify(recipient=head, key="a", title="Запрос №7 ждёт решения", url="/approvals/7/", email=False)
    notify(recipient=head, key="b", title="Внешняя ссылка", url="https://evil.example/phish", email=False)
    first, second = Notification.objects.order_by("pk")
    client.force_login(head)

    response = client.get(reverse("notifications:open", args=[first.pk]))
    assert response.url == "/approvals/7/"
    assert client.get(reverse("notifications:open", args=[second.pk])).url == reverse("notifications:list")
    assert Notification.objects.filter(recipient=head, read_at__isnull=True).count() == 0

    client.force_login(manager_a)  # someone else's notification is not found
    assert client.get(reverse("notifications:open", args=[first.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[first.pk])).status_code == 404


def test_marking_one_notification_read(client, head):
    notify(recipient=head, key="a", title="Первое", email=False)
    notify(recipient=head, key="b", title="Второе", email=False)
    first = Notification.objects.get(key="a")
    client.force_login(head)
    assert (
        f'href="{reverse("notifications:open", args=[first.pk])}"'
        in client.get(reverse("notifications:list")).content.decode()
    )
    client.post(reverse("notifications:read", args=[first.pk]))
    assert list(Notification.objects.filter(read_at__isnull=True).values_list("key", flat=True)) == ["b"]
