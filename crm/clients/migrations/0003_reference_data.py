from django.db import migrations

from crm.clients.reference import INDUSTRIES, LEAD_SOURCES


def load(apps, schema_editor):
    Industry = apps.get_model("clients", "Industry")
    LeadSource = apps.get_model("clients", "LeadSource")
    created = {}
    for code, name, section, parent in INDUSTRIES:
        created[code], _ = Industry.objects.get_or_create(
            code=code, defaults={"name": name, "okved_section": section, "parent": created.get(parent)}
        )
    for code, name in LEAD_SOURCES:
        LeadSource.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("clients", "0002_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
