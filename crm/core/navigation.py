"""Menu entries per role. Apps register their entries here at start-up (one explicit line each)."""

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: str | Promise
    roles: frozenset[str]
    position: int


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str | Promise
    is_active: bool
    is_secondary: bool = False


SECONDARY_FROM = 80
"""Entries from this position on (imports, audit, integrations) sit in the «Ещё» menu, so the bar stays one line."""


_entries: list[NavEntry] = []


def register(url_name: str, label: str | Promise, roles: set[str] | frozenset[str], position: int) -> None:
    if all(entry.url_name != url_name for entry in _entries):
        _entries.append(NavEntry(url_name, label, frozenset(roles), position))


def menu_for(user: Any, current_path: str) -> list[NavItem]:
    """The entries the user's role may open; the one whose address matches the page longest is active."""
    visible = []
    for entry in sorted(_entries, key=lambda e: e.position):
        if user.role not in entry.roles and not user.is_superuser:
            continue
        try:
            visible.append((entry, reverse(entry.url_name)))
        except NoReverseMatch:
            continue
    matches = [url for _, url in visible if url != "/" and current_path.startswith(url)]
    active = max(matches, key=len, default=None)
    return [NavItem(url, entry.label, url == active, entry.position >= SECONDARY_FROM) for entry, url in visible]
