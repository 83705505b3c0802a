"""Scratch PostgreSQL databases and roles for the tests that need a database of their own (backup and
restore, the audit log's roles), and the `parcours` command run in a separate process.

Every scratch object is named with the h2_ prefix and a random suffix, and dropped afterwards."""

import os
import secrets
import subprocess
import sys
from contextlib import contextmanager

import pytest
from django.db import connection

PREFIX = "h2_"


def require_postgres_superuser() -> None:
    """Skip unless the test database is PostgreSQL reached as a superuser (who creates databases and
    roles)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL seulement (SQLite n'a ni rôles, ni déclencheurs, ni pg_dump).")
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            pytest.skip("Il faut un superutilisateur PostgreSQL pour créer bases et rôles de test.")


def scratch_name(what: str) -> str:
    return f"{PREFIX}{what}_{secrets.token_hex(4)}"


def admin_params(dbname: str = "postgres", user: str | None = None, password: str | None = None) -> dict:
    """psycopg connection parameters to the test server (as its superuser unless user is given)."""
    settings = connection.settings_dict
    params = {
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
        "dbname": dbname,
        "user": user or settings["USER"] or None,
        "password": password if user else (settings["PASSWORD"] or None),
    }
    return {k: v for k, v in params.items() if v is not None}


def url(dbname: str, user: str | None = None, password: str | None = None) -> str:
    """A DATABASE_URL for dbname on the test server."""
    from urllib.parse import quote

    p = admin_params(dbname, user, password)
    auth = quote(p.get("user", ""), safe="")
    if p.get("password"):
        auth += ":" + quote(p["password"], safe="")
    return f"postgres://{auth}@{p.get('host', 'localhost')}:{p.get('port', 5432)}/{dbname}"


def admin_sql(*statements: str, dbname: str = "postgres") -> None:
    import psycopg

    with psycopg.connect(**admin_params(dbname), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


@contextmanager
def scratch_database(roles: tuple[str, ...] = ()):
    """An empty database (and the roles named), dropped at the end."""
    name = scratch_name("db")
    admin_sql(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        for role in roles:
            admin_sql(f'DROP ROLE IF EXISTS "{role}"')


def parcours(*args: str, env: dict, check: bool = True) -> subprocess.CompletedProcess:
    """Run `parcours <args>` in a separate process with the given environment additions."""
    full = {**os.environ, "DJANGO_SETTINGS_MODULE": "parcours.settings", **env}
    result = subprocess.run(
        [sys.executable, "-m", "parcours.manage", *args],
        env=full,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"parcours {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result
