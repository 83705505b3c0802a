"""On PostgreSQL the audit log refuses TRUNCATE too: a statement-level trigger (UPDATE and DELETE are
refused row by row since 0002). Triggers do not fire when a superuser sets
`session_replication_role = replica`: only the test suite's flush does that (tests/conftest.py); in
production the application connects as a role that may neither truncate nor alter the table
(`parcours secure_audit`)."""

from django.db import migrations

from parcours.core.migration_ops import postgres_only

SQL = """
CREATE TRIGGER access_auditevent_no_truncate
    BEFORE TRUNCATE ON access_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION parcours_audit_append_only();
"""
REVERSE = """
DROP TRIGGER IF EXISTS access_auditevent_no_truncate ON access_auditevent;
"""


class Migration(migrations.Migration):
    dependencies = [("access", "0002_audit_append_only_postgres")]
    operations = [postgres_only(SQL, REVERSE)]
