"""On PostgreSQL, a trigram index makes partial name search fast at national size."""

from django.db import migrations

from parcours.core.migration_ops import postgres_only

SQL = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS people_person_search_trgm ON people_person USING gin (search_name gin_trgm_ops);
"""
REVERSE = "DROP INDEX IF EXISTS people_person_search_trgm;"


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [postgres_only(SQL, REVERSE)]
