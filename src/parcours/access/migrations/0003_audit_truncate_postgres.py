"""On PostgreSQL the audit log refuses TRUNCATE too (placeholder: filled by the audit hardening)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("access", "0002_audit_append_only_postgres")]
    operations = []
