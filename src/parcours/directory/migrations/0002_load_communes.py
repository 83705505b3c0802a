"""Load the INSEE communes reference table (all of France) from data/communes.csv.gz."""

import csv
import gzip
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "communes.csv.gz"


def forward(apps, schema_editor):
    Commune = apps.get_model("directory", "Commune")
    with gzip.open(DATA, "rt", encoding="utf-8") as handle:
        rows = [
            Commune(
                code=row["code"],
                name=row["name"],
                departement=row["departement"],
                population=int(row["population"]) if row["population"] else None,
                latitude=float(row["latitude"]) if row["latitude"] else None,
                longitude=float(row["longitude"]) if row["longitude"] else None,
            )
            for row in csv.DictReader(handle)
        ]
    Commune.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)


def backward(apps, schema_editor):
    apps.get_model("directory", "Commune").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
