"""Typing for views: behind LoginRequiredMiddleware every request has a logged-in org.User."""

from typing import Any

from django.http import HttpRequest


class AuthenticatedRequest(HttpRequest):
    user: Any  # crm.org.models.User; core cannot import the org app
