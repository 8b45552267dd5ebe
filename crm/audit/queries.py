"""Reading the audit journal."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext

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


SHOWN_ITEMS = 3
SHOWN_TEXT = 200
FACT_ACTIONS = ("import.",)
"""Actions (prefixes) whose `changes` are facts — a file's name and size, counts, the ids a batch wrote — rather
than `[old, new]` pairs; a list of two ids there is not a change."""


@dataclass(frozen=True)
class ChangeLine:
    """One line of an event's changes: a field changed from `old` to `new`, or a plain fact (`old` unused)."""

    field: str
    new: str
    old: str | None = None
    is_change: bool = False


def _shown(value: Any) -> str:
    """A stored value as one short line: lists as their size and first items, objects as «key: value; …»."""
    if value is None or value == [] or value == {} or value == "":
        return "—"
    if isinstance(value, list):
        count = gettext("всего %(count)s") % {"count": f"{len(value):,}".replace(",", "\u00a0")}
        head = ", ".join(_shown(item) for item in value[:SHOWN_ITEMS])
        more = ", …" if len(value) > SHOWN_ITEMS else ""
        return f"{count}: {head}{more}" if value else count
    if isinstance(value, Mapping):
        text = "; ".join(f"{key}: {_shown(item)}" for key, item in value.items())
    elif isinstance(value, bool):
        text = gettext("да") if value else gettext("нет")
    else:
        text = str(value)
    return text if len(text) <= SHOWN_TEXT else text[: SHOWN_TEXT - 1] + "…"


def change_lines(action: str, changes: Mapping[str, Any] | None) -> list[ChangeLine]:
    """An event's `changes` for reading: `[old, new]` pairs as changes, any other value (and every value of a
    fact action, such as an import's file, counts and written ids) as it is, shortened."""
    facts = action.startswith(FACT_ACTIONS)
    lines = []
    for field, value in (changes or {}).items():
        if not facts and isinstance(value, list) and len(value) == 2:
            old, new = value
            lines.append(ChangeLine(field, _shown(new), None if old is None else _shown(old), is_change=True))
        else:
            lines.append(ChangeLine(field, _shown(value)))
    return lines
