"""The REST API's routes: each app contributes its own router entries."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
