"""The Django admin is for administrators only; every change made there is audited like any other."""

from typing import Any

from django.contrib import admin
from django.contrib.admin.options import ActionLocation
from django.db import transaction
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpRequest

from crm.audit.models import AuditEvent
from crm.audit.services import record_event
from crm.core.roles import Role


def _is_administrator(request: HttpRequest) -> bool:
    user: Any = request.user
    return bool(user.is_active and user.is_staff and (user.is_superuser or user.role == Role.ADMINISTRATOR))


class AuditedModelAdmin(admin.ModelAdmin):
    """Saves and deletions in the admin run in a transaction with their audit event."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_administrator(request) and super().has_module_permission(request)

    def save_model(self, request: HttpRequest, obj: Model, form: ModelForm, change: bool) -> None:
        changes = {name: [form.initial.get(name), form.cleaned_data.get(name)] for name in form.changed_data}
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            action = "admin.changed" if change else "admin.created"
            record_event(actor=request.user, action=action, subject=obj, changes=_plain(changes))

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        with transaction.atomic():
            record_event(actor=request.user, action="admin.deleted", subject=obj, changes={"deleted": [str(obj), None]})
            super().delete_model(request, obj)

    def get_actions(
        self, request: HttpRequest, action_location: ActionLocation = ActionLocation.CHANGE_LIST
    ) -> dict[str, Any]:
        actions = super().get_actions(request, action_location)
        actions.pop("delete_selected", None)  # bulk deletion would bypass the per-object audit event
        return actions


def _plain(changes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Model instances and querysets in form data are recorded by their text."""
    return {
        key: [value if isinstance(value, str | int | float | bool | type(None)) else str(value) for value in pair]
        for key, pair in changes.items()
    }


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "actor_label", "action", "subject_type", "subject_id", "subject_label"]
    list_filter = ["action", "subject_type"]
    search_fields = ["actor_label", "subject_label", "subject_id", "request_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
