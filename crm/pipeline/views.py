"""Pages of the funnel: deal list, pipeline board, deal card, create/edit and close forms."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from crm.core.htmx import render_page_or_partial
from crm.core.listing import paginate
from crm.core.periods import today
from crm.discounts.access import may_view_rules
from crm.org.models import User
from crm.pipeline import queries, services
from crm.pipeline.access import (
    deals_visible_to,
    get_deal_for,
    may_change_deal,
    may_open_client_card,
    may_view_deals,
    may_write_deals,
)
from crm.pipeline.forms import (
    BoardFilterForm,
    CloseLostForm,
    CloseWonForm,
    DealFilterForm,
    DealForm,
    MoveForm,
    add_service_errors,
)
from crm.pipeline.models import Deal, Stage


class AuthenticatedRequest(HttpRequest):
    user: User
    htmx: HtmxDetails


def _require_viewer(user: User) -> None:
    if not may_view_deals(user):
        raise PermissionDenied


def _submit(form: Form, action: Callable[[dict[str, Any]], Deal]) -> Deal | None:
    """Run the service on a valid form; its ValidationError lands on the form, nothing is saved."""
    if not form.is_valid():
        return None
    try:
        return action(form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return None


@require_GET
def deal_list(request: AuthenticatedRequest) -> HttpResponse:
    """The deals the user sees, filtered and paginated."""
    _require_viewer(request.user)
    form = DealFilterForm(request.GET, user=request.user)
    rows = queries.deal_rows(deals_visible_to(request.user), form.filters(), today=today())
    context = {"filter_form": form, "can_write": may_write_deals(request.user), **paginate(request, rows)}
    return render(request, "pipeline/deal_list.html", context)


def _render_board(request: AuthenticatedRequest, *, error: str = "") -> HttpResponse:
    form = BoardFilterForm(request.GET, user=request.user)
    columns = queries.pipeline_board(deals_visible_to(request.user), form.filters(), today=today())
    context = {
        "filter_form": form,
        "columns": columns,
        "board_error": error,
        "board_query": request.GET.urlencode(),
        "stages": [column.stage for column in columns if column.stage.is_active],
        "can_write": may_write_deals(request.user),
    }
    return render_page_or_partial(request, "pipeline/board.html", "board", context)


@require_GET
def board(request: AuthenticatedRequest) -> HttpResponse:
    """Open deals by stage, each card movable to another stage (htmx swaps the board; a plain POST works too)."""
    _require_viewer(request.user)
    return _render_board(request)


def _next_url(request: AuthenticatedRequest, default: str) -> str:
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    return target if target and safe else default


@require_POST
def move(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Move a deal to another stage; answers the board for htmx, else redirects back with a message."""
    deal = get_deal_for(request.user, pk, write=True)
    form = MoveForm(request.POST)
    moved = _submit(form, lambda data: services.move_deal_to_stage(actor=request.user, deal=deal, stage=data["stage"]))
    error = " ".join(str(message) for messages_ in form.errors.values() for message in messages_)
    if request.htmx:
        return _render_board(request, error=error)
    if moved:
        messages.success(request, _("Сделка перемещена на этап «%(stage)s».") % {"stage": moved.stage})
    else:
        messages.error(request, error)
    return redirect(_next_url(request, "deals:board"))


@require_GET
def detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A deal's card: terms, activities, history."""
    deal = get_deal_for(request.user, pk)
    context = {
        "deal": deal,
        "activities": queries.deal_activities(deal),
        "history": queries.deal_history(deal),
        "can_change": may_change_deal(request.user, deal),
        "client_card": may_open_client_card(request.user, deal),
        "rule_visible": may_view_rules(request.user),
        "stages": Stage.objects.filter(is_active=True),
    }
    return render(request, "pipeline/deal_detail.html", context)


@require_http_methods(["GET", "POST"])
def create(request: AuthenticatedRequest) -> HttpResponse:
    """Open a new deal (`?client=<id>` preselects the client)."""
    if not may_write_deals(request.user):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = DealForm(data, user=request.user, initial={"client": request.GET.get("client", "")})
    if data is not None and (deal := _submit(form, lambda d: services.create_deal(actor=request.user, data=d))):
        messages.success(request, _("Сделка «%(deal)s» создана.") % {"deal": deal})
        return redirect("deals:detail", pk=deal.pk)
    return render(request, "pipeline/deal_form.html", {"form": form, "deal": None})


@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Change an open deal's terms."""
    deal = get_deal_for(request.user, pk, write=True)
    data = request.POST if request.method == "POST" else None
    form = DealForm(data, user=request.user, deal=deal)
    if data is not None and _submit(form, lambda d: services.update_deal(actor=request.user, deal=deal, changes=d)):
        messages.success(request, _("Сделка сохранена."))
        return redirect("deals:detail", pk=deal.pk)
    return render(request, "pipeline/deal_form.html", {"form": form, "deal": deal})


@require_http_methods(["GET", "POST"])
def close_won(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Close a deal as won."""
    deal = get_deal_for(request.user, pk, write=True)
    data = request.POST if request.method == "POST" else None
    form = CloseWonForm(data)
    if data is not None and _submit(form, lambda d: services.close_deal_won(actor=request.user, deal=deal, **d)):
        messages.success(request, _("Сделка закрыта как выигранная."))
        return redirect("deals:detail", pk=deal.pk)
    return render(request, "pipeline/deal_close.html", {"form": form, "deal": deal, "outcome": "won"})


@require_http_methods(["GET", "POST"])
def close_lost(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Close a deal as lost, with the reason."""
    deal = get_deal_for(request.user, pk, write=True)
    data = request.POST if request.method == "POST" else None
    form = CloseLostForm(data)
    if data is not None and _submit(form, lambda d: services.close_deal_lost(actor=request.user, deal=deal, **d)):
        messages.success(request, _("Сделка закрыта как проигранная."))
        return redirect("deals:detail", pk=deal.pk)
    return render(request, "pipeline/deal_close.html", {"form": form, "deal": deal, "outcome": "lost"})
