from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from crm.core.http import AuthenticatedRequest
from crm.core.roles import Role

LANDING = {
    Role.HEAD_OF_SALES: "analytics:dashboard",
    Role.SENIOR_MANAGER: "analytics:dashboard",
    Role.MANAGER: "analytics:dashboard",
    Role.UNDERWRITER: "deals:list",
    Role.RISK_MANAGER: "deals:list",
    Role.SERVICE_DESK: "clients:list",
    Role.ADMINISTRATOR: "admin:index",
}


def home(request: AuthenticatedRequest) -> HttpResponse:
    """Each role lands on its main screen; roles whose screens come later see what awaits them."""
    target = LANDING.get(request.user.role)
    if target:
        return redirect(target)
    return render(request, "core/home.html")


@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
