from django.db import migrations

from crm.pipeline.reference import STAGES


def load(apps, schema_editor):
    Stage = apps.get_model("pipeline", "Stage")
    for name, position, probability in STAGES:
        Stage.objects.get_or_create(position=position, defaults={"name": name, "default_probability": probability})


class Migration(migrations.Migration):
    dependencies = [("pipeline", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
