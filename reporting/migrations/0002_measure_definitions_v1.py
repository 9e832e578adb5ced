"""Load version 1 of the measure definitions from reporting/measures/v1.json.

The JSON file is frozen: the migration reads data, not live code, so a later
change to the catalogue or to reporting/definitions.py cannot change what a new
database loads as version 1.
"""

import json
from datetime import date
from pathlib import Path

from django.db import migrations

V1 = Path(__file__).resolve().parent.parent / "measures" / "v1.json"


def load(apps, schema_editor):
    document = json.loads(V1.read_text(encoding="utf-8"))
    MeasureDefinition = apps.get_model("reporting", "MeasureDefinition")
    effective_from = date.fromisoformat(document["effective_from"])
    for report, rows in document["reports"].items():
        for position, row in enumerate(rows, start=1):
            MeasureDefinition.objects.update_or_create(
                report=report,
                version=document["version"],
                code=row["code"],
                defaults={**row, "position": position, "effective_from": effective_from},
            )


def unload(apps, schema_editor):
    apps.get_model("reporting", "MeasureDefinition").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
