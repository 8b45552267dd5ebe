"""The plan editor: the head of sales sets monthly plans; a senior manager views their team's."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from crm.org.models import User
from crm.planning import queries, services
from crm.planning.access import may_edit_plans, may_view_plans, plan_targets_for
from crm.planning.forms import PlanGridForm, PlanSelectionForm


class AuthenticatedRequest(HttpRequest):
    user: User


@require_http_methods(["GET", "POST"])
def editor(request: AuthenticatedRequest) -> HttpResponse:
    """The plan grid of a year, level and line; POST saves it (head of sales only), all or nothing."""
    user = request.user
    if not may_view_plans(user) or (request.method == "POST" and not may_edit_plans(user)):
        raise PermissionDenied
    selection = PlanSelectionForm(request.GET, user=user)
    year, scope, line = selection.selection()
    grid = queries.plan_grid(year, scope, line, plan_targets_for(user, scope))
    form = PlanGridForm(grid, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        try:
            changed = services.set_plans(
                actor=user, year=year, scope=scope, product_line=line, cells=form.cell_inputs()
            )
        except ValidationError as error:
            form.add_errors(error)
        else:
            messages.success(request, _("План сохранён: изменено месяцев — %(n)s.") % {"n": changed})
            return redirect(request.get_full_path())
    context = {"selection": selection, "grid": grid, "form": form, "can_edit": may_edit_plans(user)}
    return render(request, "planning/editor.html", context)
