"""Pages of approvals: the inbox, the decision card with its actions, the request form, the deal card panel."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm.approvals import queries, services
from crm.approvals.access import get_request_for, may_open_inbox, may_request_approval
from crm.approvals.forms import DecisionForm, InboxFilterForm, RequestForm, WithdrawForm, request_initial
from crm.approvals.models import ApprovalRequest
from crm.core.http import AuthenticatedRequest
from crm.core.listing import paginate
from crm.core.periods import today
from crm.pipeline.access import get_deal_for, may_change_deal
from crm.pipeline.forms import add_service_errors


def _run(form: Form, action: Callable[[dict[str, Any]], Any]) -> tuple[bool, Any]:
    """Run the service on a valid form; its ValidationError lands on the form and nothing is saved."""
    if not form.is_valid():
        return False, None
    try:
        return True, action(form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return False, None


@require_GET
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    """Requests waiting for my decision, my own, those I was invited to, all I see."""
    if not may_open_inbox(request.user):
        raise PermissionDenied
    filters = InboxFilterForm(request.GET)
    filters.is_valid()
    box = queries.inbox(request.user, filters.cleaned_data.get("box", ""), filters.cleaned_data.get("state", ""))
    pages = paginate(request, box.ids)
    rows = queries.inbox_rows(request.user, pages["page_obj"].object_list)
    return render(request, "approvals/inbox.html", {"inbox": box, "filters": filters, "rows": rows, **pages})


def _render_card(
    request: AuthenticatedRequest, approval: ApprovalRequest, form: DecisionForm | None = None
) -> HttpResponse:
    card = queries.decision_card(approval, viewer=request.user, today=today())
    context = {
        "card": card,
        "approval": approval,
        "decision_form": form or DecisionForm(),
        "withdraw_form": WithdrawForm(),
    }
    return render(request, "approvals/detail.html", context)


@require_GET
def detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The decision card."""
    return _render_card(request, get_request_for(request.user, pk))


DECISIONS: dict[str, tuple[Callable[..., ApprovalRequest], Any]] = {
    "approve": (services.approve_request, gettext_lazy("Запрос согласован.")),
    "reject": (services.reject_request, gettext_lazy("Запрос отклонён.")),
    "return": (services.return_request, gettext_lazy("Запрос возвращён на доработку.")),
}


@require_POST
def decide(request: AuthenticatedRequest, pk: int, transition: str) -> HttpResponse:
    """Approve, reject or return with a comment; a refused decision shows the card again with the reason."""
    approval = get_request_for(request.user, pk)
    service, done = DECISIONS[transition]
    form = DecisionForm(request.POST)

    def act(data: dict[str, Any]) -> ApprovalRequest:
        extra = {"override_reason": data["override_reason"]} if transition == "approve" else {}
        return service(actor=request.user, request=approval, comment=data["comment"], **extra)

    ok, _result = _run(form, act)
    if not ok:
        return _render_card(request, get_request_for(request.user, pk), form)
    messages.success(request, done)
    return redirect("approvals:detail", pk=pk)


@require_POST
def withdraw(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The requester withdraws their request."""
    approval = get_request_for(request.user, pk)
    form = WithdrawForm(request.POST)
    ok, _result = _run(form, lambda d: services.withdraw_request(actor=request.user, request=approval, **d))
    if ok:
        messages.success(request, _("Запрос отозван."))
    else:
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
    return redirect("approvals:detail", pk=pk)


@require_http_methods(["GET", "POST"])
def create(request: AuthenticatedRequest, deal_pk: int) -> HttpResponse:
    """Request approval of a discount and/or special terms on a deal (applied at once within one's own limit)."""
    deal = get_deal_for(request.user, deal_pk, write=True)
    if not may_request_approval(request.user):
        raise PermissionDenied
    form = RequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        ok, created = _run(form, lambda d: services.submit_request(actor=request.user, deal=deal, **d))
        if ok and created is None:
            messages.success(request, _("Скидка в пределах вашего лимита — применена без согласования."))
            return redirect("deals:detail", pk=deal.pk)
        if ok:
            messages.success(request, _("Запрос отправлен: решение примет %(who)s.") % {"who": created.approver})
            return redirect("approvals:detail", pk=created.pk)
    context = {"form": form, "deal": deal, "limit": request.user.discount_limit()}
    return render(request, "approvals/request_form.html", context)


@require_http_methods(["GET", "POST"])
def resubmit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The requester reworks a returned request and sends it again."""
    approval = get_request_for(request.user, pk)
    data = request.POST if request.method == "POST" else None
    form = RequestForm(data, initial=request_initial(approval))
    if data is not None:
        ok, _result = _run(form, lambda d: services.resubmit_request(actor=request.user, request=approval, **d))
        if ok:
            messages.success(request, _("Запрос отправлен повторно."))
            return redirect("approvals:detail", pk=pk)
    context = {"form": form, "deal": approval.deal, "approval": approval, "limit": request.user.discount_limit()}
    return render(request, "approvals/request_form.html", context)


@require_GET
def deal_panel(request: AuthenticatedRequest, deal_pk: int) -> HttpResponse:
    """The approvals block of a deal card (loaded by htmx): the open request, the approved terms, the button."""
    deal = get_deal_for(request.user, deal_pk)
    context = {
        "deal": deal,
        "open_request": queries.open_request_for_deal(deal, request.user),
        "approved": queries.approved_terms_for(deal),
        "can_request": may_request_approval(request.user) and may_change_deal(request.user, deal),
    }
    return render(request, "approvals/_deal_panel.html", context)
