"""Migration operations shared by the apps."""

from django.db import migrations


def postgres_only(sql: str, reverse_sql: str) -> migrations.RunPython:
    """Run SQL on PostgreSQL only (constraints, triggers, indexes the production database backs the
    rules with); other databases — SQLite for development — skip it, and the services check instead."""

    def forward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    def backward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(reverse_sql)

    return migrations.RunPython(forward, backward)
