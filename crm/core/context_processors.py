"""The navigation of the base layout, by the viewer's role."""

from typing import Any

from django.http import HttpRequest

from crm.core.navigation import menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_more": []}
    items = menu_for(user, request.path)
    return {
        "nav_items": [item for item in items if not item.is_secondary],
        "nav_more": [item for item in items if item.is_secondary],
    }
