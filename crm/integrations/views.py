"""Integration accounts for administrators: list, register, issue a token (shown once), revoke, switch off."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm.integrations import services
from crm.integrations.access import get_account_for, get_token_for, require_integrations_manager
from crm.integrations.forms import AccountForm
from crm.integrations.models import IntegrationAccount
from crm.integrations.queries import account_rows, tokens_of
from crm.integrations.rest import MAX_BATCH_ITEMS


@require_GET
def account_list(request: HttpRequest) -> HttpResponse:
    """Every integration account with its live tokens and last use."""
    require_integrations_manager(request.user)
    return render(request, "integrations/account_list.html", {"accounts": account_rows()})


@require_http_methods(["GET", "POST"])
def account_create(request: HttpRequest) -> HttpResponse:
    """Register a feeding system; then its page offers the first token."""
    require_integrations_manager(request.user)
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.create_account(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, _("Учётная запись «%(name)s» создана.") % {"name": account.name})
            return redirect("integrations:account", pk=account.pk)
    return render(request, "integrations/account_form.html", {"form": form})


@require_GET
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_account_for(request.user, pk)
    return render(request, "integrations/account_detail.html", _detail_context(account))


def _detail_context(account: IntegrationAccount, secret: str = "") -> dict[str, object]:
    return {"account": account, "tokens": tokens_of(account), "secret": secret, "max_batch_items": MAX_BATCH_ITEMS}


@require_POST
def token_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """A new token, shown in this answer only: it is not stored and cannot be shown again."""
    account = get_account_for(request.user, pk)
    try:
        _token, secret = services.issue_token(actor=request.user, account=account)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("integrations:account", pk=account.pk)
    response = render(request, "integrations/account_detail.html", _detail_context(account, secret))
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def token_revoke(request: HttpRequest, pk: int, token_pk: int) -> HttpResponse:
    account = get_account_for(request.user, pk)
    token = services.revoke_token(actor=request.user, token=get_token_for(request.user, account, token_pk))
    messages.success(request, _("Токен %(token)s отозван.") % {"token": token})
    return redirect("integrations:account", pk=account.pk)


@require_POST
def account_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_account_for(request.user, pk)
    is_active = request.POST.get("is_active") == "1"
    services.set_account_active(actor=request.user, account=account, is_active=is_active)
    messages.success(request, _("Учётная запись включена.") if is_active else _("Учётная запись отключена."))
    return redirect("integrations:account", pk=account.pk)
