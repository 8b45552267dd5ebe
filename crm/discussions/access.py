"""Who may read and write a thread: whoever sees its record by the owning app's rules, plus mentioned consultants.

Mentioning an underwriter or risk manager who does not see the record gives them a grant on that one
thread (and, for apps that honour grants — approvals — on that one record). A thread someone may not see
is "not found", exactly like a missing one.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from crm.core.roles import Role
from crm.discussions.models import Thread, ThreadGrant
from crm.discussions.registry import Target, target_for_kind

CONSULTING_ROLES = frozenset({Role.UNDERWRITER, Role.RISK_MANAGER})


@dataclass(frozen=True)
class Discussion:
    """A record the user may discuss, and its thread once the first message exists."""

    target: Target
    obj: Any
    thread: Thread | None


def may_give_verdict(user: Any) -> bool:
    """Underwriters and risk managers give structured verdicts; everyone else writes plain messages."""
    return user.is_active and user.role in CONSULTING_ROLES


def may_be_granted(user: Any) -> bool:
    """Only consultants get access to a single record by being mentioned; colleagues need their own access."""
    return user.is_active and user.role in CONSULTING_ROLES


def thread_of(model: type[Model], object_id: int) -> Thread | None:
    content_type = ContentType.objects.get_for_model(model)
    return Thread.objects.filter(content_type=content_type, object_id=object_id).first()


def granted_object_ids(user: Any, model: type[Model]) -> QuerySet[Any]:
    """Ids of the records of `model` whose thread the user was invited into (a subquery, not evaluated)."""
    content_type = ContentType.objects.get_for_model(model)
    grants = ThreadGrant.objects.filter(user=user, user__is_active=True, thread__content_type=content_type)
    return grants.values("thread__object_id")


def sees_record(user: Any, target: Target, object_id: int) -> bool:
    """Whether the user sees the record by the owning app's rules (grants included where that app honours them)."""
    return target.visible_to(user).filter(pk=object_id).exists()


def get_discussion_for(user: Any, kind: str, object_id: int) -> Discussion:
    """The record's discussion if the user may take part; `Thread.DoesNotExist` for missing and forbidden alike."""
    target = target_for_kind(kind)
    if target is None or not user.is_active:
        raise Thread.DoesNotExist(f"Discussion {kind}:{object_id} not found")
    obj = target.visible_to(user).filter(pk=object_id).first()
    thread = thread_of(target.model, object_id)
    if obj is None:
        if thread is None or not ThreadGrant.objects.filter(thread=thread, user=user).exists():
            raise Thread.DoesNotExist(f"Discussion {kind}:{object_id} not found")
        obj = target.model._default_manager.get(pk=object_id)
    return Discussion(target, obj, thread)
