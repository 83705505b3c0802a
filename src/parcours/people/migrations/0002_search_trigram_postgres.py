"""On PostgreSQL, a trigram index makes partial name search fast at national size."""

from django.db import migrations

SQL = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS people_person_search_trgm ON people_person USING gin (search_name gin_trgm_ops);
"""
REVERSE = "DROP INDEX IF EXISTS people_person_search_trgm;"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE)


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
