from django.db import migrations

from crm.catalog.reference import PRODUCT_LINES, RISKS


def load(apps, schema_editor):
    ProductLine = apps.get_model("catalog", "ProductLine")
    Risk = apps.get_model("catalog", "Risk")
    lines = {}
    for position, (code, name) in enumerate(PRODUCT_LINES):
        lines[code], _ = ProductLine.objects.get_or_create(code=code, defaults={"name": name, "position": position})
    for code, name, line_code in RISKS:
        Risk.objects.get_or_create(code=code, defaults={"name": name, "product_line": lines.get(line_code)})


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
