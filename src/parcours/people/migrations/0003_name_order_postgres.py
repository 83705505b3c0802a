"""On PostgreSQL, the persons in name order with their folded name: the first names of that order are
read from this index alone when a frequent name fragment is searched (selectors.search_page).

The index is partial on a condition every person meets (a name) that only that query states, so
the planner cannot take it for the other name-ordered searches: walking the name order to find the
first matches of a rare fragment, or one whose names sort late ("lef"), is far slower than the
trigram index."""

from django.db import migrations

from parcours.core.migration_ops import postgres_only

SQL = """
CREATE INDEX IF NOT EXISTS people_person_name_order
ON people_person (last_name, first_name, id) INCLUDE (search_name) WHERE search_name <> '';
"""
REVERSE = "DROP INDEX IF EXISTS people_person_name_order;"


class Migration(migrations.Migration):
    dependencies = [("people", "0002_search_trigram_postgres")]
    operations = [postgres_only(SQL, REVERSE)]
