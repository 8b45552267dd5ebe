"""The REST API's routes: each app contributes its own `urlpatterns` in its api.py."""

from django.urls import include, path

urlpatterns = [
    path("", include("crm.clients.api")),
    path("", include("crm.pipeline.api")),
    path("", include("crm.planning.api")),
    path("", include("crm.discounts.api")),
    path("", include("crm.analytics.api")),
    path("", include("crm.profitability.api")),
    path("", include("crm.approvals.api")),
    path("integrations/", include("crm.integrations.api")),
]
