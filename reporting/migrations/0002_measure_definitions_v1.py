"""Load version 1 of the measure definitions (reporting/definitions.py, frozen)."""

from django.db import migrations


def load(apps, schema_editor):
    from reporting.definitions import EFFECTIVE_FROM, V1

    MeasureDefinition = apps.get_model("reporting", "MeasureDefinition")
    for report, rows in V1.items():
        for position, row in enumerate(rows, start=1):
            MeasureDefinition.objects.update_or_create(
                report=report,
                version=1,
                code=row["code"],
                defaults={**row, "position": position, "effective_from": EFFECTIVE_FROM},
            )


def unload(apps, schema_editor):
    apps.get_model("reporting", "MeasureDefinition").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
