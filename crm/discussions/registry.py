"""What can be discussed: each app that owns a kind of record registers it once at start-up.

A target names the kind in URLs (`approval`, `deal`, `client`), the model, who sees such records (the
owning app's own access rule), the record's page, and who hears of a verdict given on it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.functional import Promise


@dataclass(frozen=True)
class Target:
    kind: str
    model: type[Model]
    label: str | Promise
    visible_to: Callable[[Any], QuerySet[Any]]
    url: Callable[[Any], str]
    verdict_recipients: Callable[[Any], list[Any]] | None = None


_targets: dict[str, Target] = {}


def register(target: Target) -> None:
    """Register a kind of record (idempotent: `ready()` may run more than once in tests)."""
    _targets[target.kind] = target


def target_for_kind(kind: str) -> Target | None:
    return _targets.get(kind)


def target_for_model(model: type[Model]) -> Target | None:
    return next((target for target in _targets.values() if target.model is model), None)
