"""Screens of clients: the list with live search, the card, and the forms that change a client."""

from collections.abc import Callable
from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from crm.clients import services
from crm.clients.access import (
    get_client_for,
    get_consent_for,
    get_contact_for,
    may_create_clients,
    may_edit_visible_clients,
    may_reassign_clients,
)
from crm.clients.forms import (
    ClientCreateForm,
    ClientFilterForm,
    ClientForm,
    ConsentForm,
    ContactForm,
    ReassignForm,
    WithdrawConsentForm,
)
from crm.clients.models import Client
from crm.clients.queries import client_card, client_history, client_lookup_rows, client_rows
from crm.core.htmx import render_page_or_partial
from crm.core.http import AuthenticatedRequest
from crm.core.listing import paginate

GET_POST = ["GET", "POST"]


@require_GET
def client_list(request: AuthenticatedRequest) -> HttpResponse:
    form = ClientFilterForm(request.GET, viewer=request.user)
    context = {
        "filter_form": form,
        "can_create": may_create_clients(request.user),
        **paginate(request, client_rows(request.user, form.filters())),
    }
    return render_page_or_partial(request, "clients/client_list.html", "client-table", context)


@require_GET
def client_lookup(request: AuthenticatedRequest) -> HttpResponse:
    """Options for a client picker: the first matches of the search among the clients the user sees."""
    clients = client_lookup_rows(request.user, request.GET.get("q", ""))
    return render(request, "clients/_lookup_options.html", {"clients": clients})


@require_GET
def client_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    client = get_client_for(request.user, pk)
    context = {
        "card": client_card(client, viewer=request.user),
        "history": client_history(client),
        "can_edit": may_edit_visible_clients(request.user),
        "can_reassign": may_reassign_clients(request.user),
    }
    return render(request, "clients/client_detail.html", context)


@require_http_methods(GET_POST)
def client_create(request: AuthenticatedRequest) -> HttpResponse:
    if not may_create_clients(request.user):
        raise PermissionDenied
    form = ClientCreateForm(_posted(request), actor=request.user)
    client = _submit(form, lambda data: services.create_client(data, actor=request.user))
    if client is not None:
        messages.success(request, _("Клиент «%(name)s» зарегистрирован.") % {"name": client})
        return redirect("clients:detail", pk=client.pk)
    return render(request, "clients/client_form.html", {"form": form, "client": None})


@require_http_methods(GET_POST)
def client_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    client = get_client_for(request.user, pk, write=True)
    form = ClientForm(_posted(request), instance=client)
    saved = _submit(form, lambda data: services.update_client(client, data, actor=request.user))
    if saved is not None:
        messages.success(request, _("Изменения сохранены."))
        return redirect("clients:detail", pk=pk)
    # The form has written the rejected input into `client`; the heading shows the stored client.
    return render(request, "clients/client_form.html", {"form": form, "client": get_client_for(request.user, pk)})


@require_http_methods(GET_POST)
def client_reassign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    client = get_client_for(request.user, pk, write=True)
    if not may_reassign_clients(request.user):
        raise PermissionDenied
    form = ReassignForm(_posted(request), actor=request.user, client=client)
    title = _("Передать клиента другому менеджеру")
    return _subform(
        request,
        client,
        form,
        title,
        "requisites",
        lambda data: services.reassign_client_manager(client, actor=request.user, manager=data["manager"]),
    )


@require_http_methods(GET_POST)
def contact_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    client = get_client_for(request.user, pk, write=True)
    form = ContactForm(_posted(request))
    action = partial(services.add_contact, client, actor=request.user)
    return _subform(request, client, form, _("Новое контактное лицо"), "contacts", action)


@require_http_methods(GET_POST)
def contact_edit(request: AuthenticatedRequest, pk: int, contact_pk: int) -> HttpResponse:
    contact = get_contact_for(request.user, pk, contact_pk, write=True)
    form = ContactForm(_posted(request), instance=contact)
    action = partial(services.update_contact, contact, actor=request.user)
    return _subform(request, contact.client, form, _("Контактное лицо: %s") % contact, "contacts", action)


@require_http_methods(GET_POST)
def consent_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    client = get_client_for(request.user, pk, write=True)
    form = ConsentForm(_posted(request), client=client)
    action = partial(services.record_consent, client, actor=request.user)
    return _subform(request, client, form, _("Новое согласие на обработку ПД"), "consents", action)


@require_http_methods(GET_POST)
def consent_withdraw(request: AuthenticatedRequest, pk: int, consent_pk: int) -> HttpResponse:
    consent = get_consent_for(request.user, pk, consent_pk, write=True)
    form = WithdrawConsentForm(_posted(request))
    title = _("Отзыв согласия: %s") % consent
    return _subform(
        request,
        consent.client,
        form,
        title,
        "consents",
        lambda data: services.withdraw_consent(consent, actor=request.user, withdrawn_on=data["withdrawn_on"]),
    )


def _posted(request: AuthenticatedRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _submit[T](form: forms.BaseForm, action: Callable[[dict[str, Any]], T]) -> T | None:
    """Run the service on valid data; its validation errors are shown on the form's fields."""
    if not form.is_bound or not form.is_valid():
        return None
    try:
        return action(form.cleaned_data)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
        for name, messages_ in errors.items():
            form.add_error(name if name in form.fields else None, messages_)
        return None


def _subform(
    request: AuthenticatedRequest, client: Client, form: forms.BaseForm, title: str, section: str,
    action: Callable[[dict[str, Any]], Any],
) -> HttpResponse:  # fmt: skip
    """A small form about one client: on success back to the card's section, else the form with its messages."""
    if _submit(form, action) is not None:
        messages.success(request, _("Сохранено."))
        return redirect(f"{reverse('clients:detail', args=[client.pk])}#{section}")
    context = {"client": client, "form": form, "title": title, "section": section}
    return render(request, "clients/client_subform.html", context)
