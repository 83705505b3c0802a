"""On PostgreSQL the audit log refuses UPDATE and DELETE at the database level too."""

from django.db import migrations

from parcours.core.migration_ops import postgres_only

SQL = """
CREATE OR REPLACE FUNCTION parcours_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'access_auditevent is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER access_auditevent_append_only
    BEFORE UPDATE OR DELETE ON access_auditevent
    FOR EACH ROW EXECUTE FUNCTION parcours_audit_append_only();
"""
REVERSE = """
DROP TRIGGER IF EXISTS access_auditevent_append_only ON access_auditevent;
DROP FUNCTION IF EXISTS parcours_audit_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("access", "0001_initial")]
    operations = [postgres_only(SQL, REVERSE)]
