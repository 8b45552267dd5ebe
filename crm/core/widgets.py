"""A select that searches the server instead of listing every choice (clients run to tens of thousands)."""

from typing import Any

from django import forms
from django.urls import reverse


class LookupSelect(forms.Select):
    """Renders only the selected choice; a search box above it asks `lookup_url_name` for matching options.

    Validation still uses the field's full queryset, so any visible record can be chosen.
    """

    template_name = "components/lookup_select.html"

    def __init__(self, lookup_url_name: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.lookup_url_name = lookup_url_name

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["lookup_url"] = reverse(self.lookup_url_name)
        return context

    def optgroups(self, name: str, value: list[Any], attrs: dict[str, Any] | None = None) -> list[Any]:
        chosen = [item for item in value if item not in ("", None)]
        field = getattr(self.choices, "field", None)
        options = [self.create_option(name, "", "—", not chosen, 0)]
        if field is not None and chosen:
            for index, obj in enumerate(field.queryset.filter(pk__in=chosen), start=1):
                options.append(self.create_option(name, obj.pk, field.label_from_instance(obj), True, index))
        return [(None, options, 0)]
