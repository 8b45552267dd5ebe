"""Discussion threads attached to a record of another app (a request, a deal, a client), with verdicts.

A thread points at its record through a content type and an id (the apps that own the records register
them in `crm.discussions.registry`); this app imports none of them. Messages are never edited or deleted.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

BODY_MAX_LENGTH = 5000


class Verdict(models.TextChoices):
    """An underwriter's or risk manager's structured opinion (заключение) on the record discussed."""

    ACCEPT = "accept", _("Принять")
    ACCEPT_WITH_CONDITIONS = "conditions", _("Принять с условиями")
    DECLINE = "decline", _("Отклонить")


class Thread(models.Model):
    """The one discussion of a record (запрос на согласование, сделка, клиент), created with its first message."""

    content_type = models.ForeignKey(ContentType, verbose_name=_("тип объекта"), on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(_("объект"))
    target = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("создано"))

    class Meta:
        verbose_name = _("обсуждение")
        verbose_name_plural = _("обсуждения")
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id"], name="thread_one_per_object")]

    def __str__(self) -> str:
        return f"{self.content_type.model} #{self.object_id}"


class Message(models.Model):
    """A message in a thread; with `verdict` set it is an underwriter's or risk manager's verdict and its comment."""

    thread = models.ForeignKey(Thread, verbose_name=_("обсуждение"), on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("автор"), on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("текст"), max_length=BODY_MAX_LENGTH)
    verdict = models.CharField(_("заключение"), max_length=12, choices=Verdict.choices, blank=True)
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("упомянуты"), blank=True, related_name="mentioned_in"
    )
    created_at = models.DateTimeField(_("отправлено"))

    class Meta:
        verbose_name = _("сообщение")
        verbose_name_plural = _("сообщения")
        ordering = ["pk"]
        indexes = [models.Index(fields=["thread", "id"])]
        constraints = [
            models.CheckConstraint(condition=Q(verdict="") | ~Q(body=""), name="message_verdict_has_comment")
        ]

    def __str__(self) -> str:
        return f"{self.author} {self.created_at:%d.%m.%Y %H:%M}"


class ThreadGrant(models.Model):
    """Access to one thread's record given to an underwriter or risk manager by mentioning them in it."""

    thread = models.ForeignKey(Thread, verbose_name=_("обсуждение"), on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("кому"), on_delete=models.CASCADE, related_name="thread_grants"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("кто пригласил"), on_delete=models.PROTECT, related_name="+"
    )
    message = models.ForeignKey(
        Message, verbose_name=_("сообщение"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(_("когда"))

    class Meta:
        verbose_name = _("доступ по упоминанию")
        verbose_name_plural = _("доступы по упоминанию")
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="thread_grant_once")]

    def __str__(self) -> str:
        return f"{self.user} → {self.thread}"


class ReadMark(models.Model):
    """How far a person has read a thread: messages after `last_read_message_id` are new to them."""

    thread = models.ForeignKey(Thread, verbose_name=_("обсуждение"), on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("кто"), on_delete=models.CASCADE, related_name="+"
    )
    last_read_message_id = models.PositiveBigIntegerField(_("последнее прочитанное"), default=0)
    read_at = models.DateTimeField(_("когда"))

    class Meta:
        verbose_name = _("отметка о прочтении")
        verbose_name_plural = _("отметки о прочтении")
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="read_mark_once")]

    def __str__(self) -> str:
        return f"{self.user}: {self.thread} до {self.last_read_message_id}"
