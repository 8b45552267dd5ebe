from django.db import migrations

from crm.org.reference import ROLE_DISCOUNT_LIMITS


def load(apps, schema_editor):
    RoleDiscountLimit = apps.get_model("org", "RoleDiscountLimit")
    for role, limit in ROLE_DISCOUNT_LIMITS:
        RoleDiscountLimit.objects.get_or_create(role=role, defaults={"limit_rate": limit})


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
