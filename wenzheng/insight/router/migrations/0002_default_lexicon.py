"""Loads the default lexicon of the major-sensitive screen (wenzheng/insight/router/data/sensitive_terms.csv)
into the table administrators edit. Terms already present are left as they are."""

import csv
from pathlib import Path

from django.db import migrations

LEXICON = Path(__file__).resolve().parents[1] / "data" / "sensitive_terms.csv"


def load(apps, schema_editor):
    SensitiveTerm = apps.get_model("router", "SensitiveTerm")
    with LEXICON.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            term, kind = row["term"].strip(), row["kind"].strip()
            if term and kind and not term.startswith("#"):
                SensitiveTerm.objects.get_or_create(
                    term=term, kind=kind, defaults={"weight": float(row.get("weight") or 1.0)}
                )


class Migration(migrations.Migration):
    dependencies = [("router", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
