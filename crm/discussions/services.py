"""Writing to threads: post a message or verdict (mentions notify, and invite consultants), mark as read.

A message is one transaction: the thread (created with its first message), the message, its mentions,
the grants it gives, their audit events and notifications; e-mails go out after commit.
"""

import re
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from crm.audit.services import record_event
from crm.discussions.access import Discussion, may_be_granted, may_give_verdict, sees_record
from crm.discussions.models import BODY_MAX_LENGTH, Message, ReadMark, Thread, ThreadGrant, Verdict
from crm.notifications.services import notify

# A login after «@» that is not part of an e-mail address; a trailing full stop ends the sentence, not the login.
MENTION_RE = re.compile(r"(?<![\w@.])@([\w.+-]*[\w+-])")


def mentioned_logins(body: str) -> list[str]:
    """The logins mentioned in a text, in order of first appearance, each once."""
    return list(dict.fromkeys(MENTION_RE.findall(body)))


def _clean(body: str, verdict: str, actor: Any) -> str:
    text = (body or "").strip()
    if verdict and verdict not in Verdict.values:
        raise ValidationError({"verdict": _("Неизвестное заключение.")})
    if verdict and not may_give_verdict(actor):
        raise ValidationError({"verdict": _("Заключение дают андеррайтеры и риск-менеджеры.")})
    if not text:
        message = _("Добавьте комментарий к заключению.") if verdict else _("Напишите сообщение.")
        raise ValidationError({"body": message})
    if len(text) > BODY_MAX_LENGTH:
        raise ValidationError({"body": _("Сообщение длиннее %(n)s символов.") % {"n": BODY_MAX_LENGTH}})
    return text


def _mentioned_people(discussion: Discussion, actor: Any, text: str) -> tuple[list[Any], list[Any]]:
    """(everyone mentioned, those of them to invite); an unknown login or a colleague without access is an error."""
    logins = [login for login in mentioned_logins(text) if login != actor.get_username()]
    people = {person.username: person for person in get_user_model().objects.filter(username__in=logins)}
    people = {login: person for login, person in people.items() if person.is_active}
    unknown = [f"@{login}" for login in logins if login not in people]
    if unknown:
        raise ValidationError({"body": _("Нет сотрудников с логинами: %(logins)s.") % {"logins": ", ".join(unknown)}})
    mentioned = [people[login] for login in logins]
    invited: list[Any] = []
    refused: list[Any] = []
    for person in mentioned:
        if sees_record(person, discussion.target, discussion.obj.pk):
            continue
        (invited if may_be_granted(person) else refused).append(person)
    if refused:
        names = ", ".join(f"@{person.username}" for person in refused)
        raise ValidationError(
            {
                "body": _(
                    "%(names)s не видит этот объект. Пригласить по упоминанию можно андеррайтера или "
                    "риск-менеджера; коллеге из отдела продаж нужен свой доступ."
                )
                % {"names": names}
            }
        )
    return mentioned, invited


def _thread(discussion: Discussion) -> Thread:
    if discussion.thread is not None:
        return discussion.thread
    content_type = ContentType.objects.get_for_model(discussion.target.model)
    try:
        with transaction.atomic():
            return Thread.objects.create(
                content_type=content_type, object_id=discussion.obj.pk, created_at=timezone.now()
            )
    except IntegrityError:  # the first message of someone else created it a moment ago
        return Thread.objects.get(content_type=content_type, object_id=discussion.obj.pk)


def post_message(*, actor: Any, discussion: Discussion, body: str, verdict: str = "") -> Message:
    """Post a message (or, for a consultant, a verdict with its comment); mentions notify and may invite."""
    text = _clean(body, verdict, actor)
    with transaction.atomic():
        mentioned, invited = _mentioned_people(discussion, actor, text)
        thread = _thread(discussion)
        message = Message.objects.create(
            thread=thread, author=actor, body=text, verdict=verdict, created_at=timezone.now()
        )
        message.mentions.set(mentioned)
        for person in invited:
            _grant(actor, discussion, thread, message, person)
        if verdict:
            changes = {"verdict": [None, verdict], "comment": [None, text]}
            record_event(actor=actor, action="discussion.verdict_given", subject=discussion.obj, changes=changes)
        _notify(actor, discussion, message, mentioned)
        _mark(thread, actor, message.pk)
    return message


def _grant(actor: Any, discussion: Discussion, thread: Thread, message: Message, person: Any) -> None:
    _grant_row, created = ThreadGrant.objects.get_or_create(
        thread=thread,
        user=person,
        defaults={"granted_by": actor, "message": message, "granted_at": timezone.now()},
    )
    if created:
        changes = {"granted_to": [None, person.get_username()]}
        record_event(actor=actor, action="discussion.access_granted", subject=discussion.obj, changes=changes)


def _notify(actor: Any, discussion: Discussion, message: Message, mentioned: list[Any]) -> None:
    url = discussion.target.url(discussion.obj)
    label = f"{discussion.target.label} «{discussion.obj}»"
    excerpt = Truncator(message.body).chars(300)
    for person in mentioned:
        title = _("%(author)s упоминает вас: %(object)s") % {"author": actor.short_name, "object": label}
        notify(recipient=person, key=f"discussion:mention:{message.pk}", title=title[:200], body=excerpt, url=url)
    if message.verdict and discussion.target.verdict_recipients is not None:
        already = {person.pk for person in mentioned} | {actor.pk}
        title = _("Заключение «%(verdict)s» от %(author)s: %(object)s") % {
            "verdict": message.get_verdict_display(),
            "author": actor.short_name,
            "object": label,
        }
        for person in discussion.target.verdict_recipients(discussion.obj):
            if person.pk not in already and person.is_active:
                notify(
                    recipient=person, key=f"discussion:verdict:{message.pk}", title=title[:200], body=excerpt, url=url
                )


def _mark(thread: Thread, user: Any, message_id: int) -> None:
    """Move the user's read mark forward to `message_id` (never back)."""
    updated = ReadMark.objects.filter(thread=thread, user=user, last_read_message_id__lt=message_id).update(
        last_read_message_id=message_id, read_at=timezone.now()
    )
    if not updated and not ReadMark.objects.filter(thread=thread, user=user).exists():
        try:
            with transaction.atomic():
                ReadMark.objects.create(
                    thread=thread, user=user, last_read_message_id=message_id, read_at=timezone.now()
                )
        except IntegrityError:  # a parallel poll of the same reader created it
            _mark(thread, user, message_id)


def mark_read(*, user: Any, thread: Thread | None, up_to_message_id: int) -> None:
    """The reader has seen the thread up to this message (the panel or the poll showed it)."""
    if thread is None or up_to_message_id <= 0:
        return
    with transaction.atomic():
        _mark(thread, user, up_to_message_id)
