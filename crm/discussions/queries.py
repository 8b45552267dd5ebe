"""Reads of threads shaped for the panel, the poll for new messages, verdict summaries and unread counts."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, IntegerField, Model, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from crm.discussions.access import CONSULTING_ROLES, Discussion, may_give_verdict, thread_of
from crm.discussions.models import Message, ReadMark, Thread

MESSAGE_LIMIT = 200


@dataclass(frozen=True)
class ThreadPanel:
    """Everything the thread panel shows; `last_read_id` is the reader's mark before this view."""

    discussion: Discussion
    messages: list[Message]
    last_read_id: int
    unread_count: int
    earlier_count: int
    verdicts: list[Message]
    consultants: list[Any]
    may_give_verdict: bool

    @property
    def last_message_id(self) -> int:
        return self.messages[-1].pk if self.messages else 0


def _messages(thread: Thread) -> Any:
    return thread.messages.select_related("author").prefetch_related("mentions").order_by("pk")


def new_messages(thread: Thread | None, after_id: int) -> list[Message]:
    """Messages posted after `after_id` (what the poll appends), oldest first."""
    if thread is None:
        return []
    return list(_messages(thread).filter(pk__gt=after_id)[:MESSAGE_LIMIT])


def last_read_id(thread: Thread | None, user: Any) -> int:
    if thread is None:
        return 0
    mark = ReadMark.objects.filter(thread=thread, user=user).values_list("last_read_message_id", flat=True).first()
    return mark or 0


def latest_verdicts(model: type[Model], object_id: int) -> list[Message]:
    """Each consultant's latest verdict on the record, oldest first (an opinion revised later replaces the earlier)."""
    thread = thread_of(model, object_id)
    if thread is None:
        return []
    verdicts = thread.messages.exclude(verdict="").select_related("author").order_by("author_id", "-pk")
    latest: dict[int, Message] = {}
    for message in verdicts:
        latest.setdefault(message.author_id, message)
    return sorted(latest.values(), key=lambda message: message.pk)


def mentionable_consultants() -> list[Any]:
    """Underwriters and risk managers one may invite into a thread, for the hint under the message box."""
    people = get_user_model().objects.filter(is_active=True, role__in=CONSULTING_ROLES)
    return list(people.order_by("role", "last_name", "username"))


def thread_panel(discussion: Discussion, user: Any) -> ThreadPanel:
    """The latest messages of the discussion (at most MESSAGE_LIMIT), the reader's unread count and the verdicts."""
    thread = discussion.thread
    messages: list[Message] = []
    total = 0
    if thread is not None:
        total = thread.messages.count()
        messages = list(reversed(_messages(thread).order_by("-pk")[:MESSAGE_LIMIT]))
    read_id = last_read_id(thread, user)
    unread = sum(1 for message in messages if message.pk > read_id and message.author_id != user.pk)
    verdicts: dict[int, Message] = {}
    for message in messages:
        if message.verdict:
            verdicts[message.author_id] = message
    return ThreadPanel(
        discussion=discussion,
        messages=messages,
        last_read_id=read_id,
        unread_count=unread,
        earlier_count=total - len(messages),
        verdicts=sorted(verdicts.values(), key=lambda message: message.pk),
        consultants=mentionable_consultants(),
        may_give_verdict=may_give_verdict(user),
    )


def unread_messages_expression(model: type[Model], user: Any) -> Coalesce:
    """Annotation for a queryset of `model`: messages by others in each record's thread that `user` has not read."""
    content_type = ContentType.objects.get_for_model(model)
    read_up_to = ReadMark.objects.filter(thread=OuterRef("thread"), user=user).values("last_read_message_id")[:1]
    unread = (
        Message.objects.filter(thread__content_type=content_type, thread__object_id=OuterRef("pk"))
        .exclude(author=user)
        .filter(pk__gt=Coalesce(Subquery(read_up_to), Value(0)))
        .values("thread")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(unread, output_field=IntegerField()), Value(0))
