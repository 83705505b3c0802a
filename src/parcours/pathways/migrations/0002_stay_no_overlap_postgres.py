"""PostgreSQL backs the rule 'no overlapping stays of one person in one unit' with an exclusion
constraint (a same-day stay occupies its day). Other databases rely on the service check."""

from django.db import migrations

from parcours.core.migration_ops import postgres_only

SQL = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE pathways_stay ADD CONSTRAINT stay_no_overlap EXCLUDE USING gist (
    person_id WITH =,
    unit_id WITH =,
    daterange(start_date, CASE WHEN end_date = start_date THEN end_date + 1 ELSE end_date END, '[)') WITH &&
);
"""
REVERSE = "ALTER TABLE pathways_stay DROP CONSTRAINT IF EXISTS stay_no_overlap;"


class Migration(migrations.Migration):
    dependencies = [("pathways", "0001_initial")]
    operations = [postgres_only(SQL, REVERSE)]
