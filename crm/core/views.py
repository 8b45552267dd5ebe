from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from crm.core.http import AuthenticatedRequest


def home(request: AuthenticatedRequest) -> HttpResponse:
    """Each role lands on its main screen."""
    return redirect(
        "deals:board" if request.user.role in {"head_of_sales", "senior_manager", "manager"} else "clients:list"
    )


@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
