"""Forms of the file import: the upload, the column mapping, the import mode."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.core.forms import StyledFormMixin
from crm.imports.access import sources_for
from crm.imports.models import ImportJob, ImportMode
from crm.imports.services import MAX_UPLOAD_BYTES
from crm.imports.sources import SOURCES
from crm.org.models import User

PRESET_CHOICES = [
    ("", _("Определить по заголовкам")),
    ("system", _("Типовая выгрузка системы-источника")),
    ("template", _("Шаблон CRM")),
]
NOT_LOADED = _("— не загружать —")


class UploadForm(StyledFormMixin, forms.Form):
    """Which source the file holds, whose export it is, and the file itself (CSV or XLSX)."""

    source = forms.ChoiceField(label=_("Что в файле"))
    preset = forms.ChoiceField(label=_("Столбцы"), choices=PRESET_CHOICES, required=False)
    file = forms.FileField(
        label=_("Файл"),
        help_text=_("CSV (UTF-8 или Windows-1251, разделитель «;» или «,») или XLSX, до %(limit)s МБ.")
        % {"limit": MAX_UPLOAD_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(source.kind.value, source.label) for source in sources_for(user)]
        cast(forms.ChoiceField, self.fields["source"]).choices = choices


class MappingForm(StyledFormMixin, forms.Form):
    """Which file column goes to which field: one select per field, pre-filled from the job's mapping."""

    def __init__(self, *args: Any, job: ImportJob, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source = SOURCES[job.source]
        columns = [("", NOT_LOADED), *((name, name) for name in job.header if name)]
        for spec in self.source.fields:
            field = forms.ChoiceField(
                label=str(spec.label), choices=columns, required=False, initial=job.mapping.get(spec.key)
            )
            field.widget.attrs["class"] = "form-select form-select-sm"
            self.fields[spec.key] = field
        self.required_keys = {spec.key for spec in self.source.fields if spec.required}

    def mapping(self) -> dict[str, str]:
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        return {key: value for key, value in data.items() if value}

    def add_problems(self, problems: dict[str, list[str]]) -> None:
        for key, messages in problems.items():
            for message in messages:
                self.add_error(key if key in self.fields else None, message)


class ModeForm(StyledFormMixin, forms.Form):
    """All-or-nothing, or only the rows without errors."""

    mode = forms.ChoiceField(
        label=_("Как импортировать"),
        choices=ImportMode.choices,
        initial=ImportMode.VALID,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mode"].widget.attrs["class"] = "form-check-input"
