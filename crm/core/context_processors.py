"""The navigation of the base layout, by the viewer's role."""

from typing import Any

from django.http import HttpRequest

from crm.core.navigation import menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": menu_for(user, request.path)}
