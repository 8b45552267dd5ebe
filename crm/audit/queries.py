"""Reading the audit journal."""

from dataclasses import dataclass

from django.db.models import QuerySet

from crm.audit.models import GENESIS_HASH, AuditEvent


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    reason: str


def verify_chain(batch_size: int = 5000) -> tuple[int, list[ChainBreak]]:
    """Recompute the hash chain; return the number of events checked and every break found."""
    breaks: list[ChainBreak] = []
    expected_prev = GENESIS_HASH
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        checked += 1
        if event.prev_hash != expected_prev:
            breaks.append(
                ChainBreak(event.pk, "prev_hash does not match the previous event (row removed or reordered)")
            )
        if event.compute_hash() != event.hash:
            breaks.append(ChainBreak(event.pk, "content does not match its hash (row edited)"))
        expected_prev = event.hash
    return checked, breaks


def events_for(subject_type: str, subject_id: object) -> QuerySet[AuditEvent]:
    """The history of one record, newest first."""
    return AuditEvent.objects.filter(subject_type=subject_type, subject_id=str(subject_id)).select_related("actor")


def journal(*, action: str = "", actor: str = "", subject_type: str = "") -> QuerySet[AuditEvent]:
    """The whole journal, newest first, narrowed by action prefix, actor login and subject type."""
    events = AuditEvent.objects.all()
    if action:
        events = events.filter(action__startswith=action)
    if actor:
        events = events.filter(actor_label=actor)
    if subject_type:
        events = events.filter(subject_type=subject_type)
    return events.order_by("-id")


def subject_types() -> list[str]:
    return list(AuditEvent.objects.order_by("subject_type").values_list("subject_type", flat=True).distinct())
