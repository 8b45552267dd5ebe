from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from crm.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", core_views.healthz, name="healthz"),
    path("clients/", include("crm.clients.urls")),
    path("deals/", include("crm.pipeline.urls")),
    path("plans/", include("crm.planning.urls")),
    path("discounts/", include("crm.discounts.urls")),
    path("dashboard/", include("crm.analytics.urls")),
    path("profitability/", include("crm.reports.profitability_urls")),
    path("profitability/", include("crm.profitability.urls")),
    path("approvals/", include("crm.approvals.urls")),
    path("discussions/", include("crm.discussions.urls")),
    path("integrations/", include("crm.integrations.urls")),
    path("imports/", include("crm.imports.urls")),
    path("audit/", include("crm.audit.urls")),
    path("notifications/", include("crm.notifications.urls")),
    path("api/", include("config.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
