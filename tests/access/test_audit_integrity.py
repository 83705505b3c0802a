"""The audit log cannot be erased: on PostgreSQL, triggers refuse UPDATE, DELETE and TRUNCATE, and in
production the application connects as a role that can neither alter the table nor disable its
triggers (`parcours secure_audit`). The test suite's flush, as a superuser, goes past the triggers
with session_replication_role = replica (tests/conftest.py)."""

import io
import json
import secrets

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from parcours.access.models import AuditEvent
from parcours.access.services import audit
from tests import scratch


def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL seulement : sur SQLite, le journal est protégé par le modèle seul.")


def _refused(sql: str) -> str:
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    return str(caught.value)


def test_triggers_refuse_update_delete_and_truncate(world):
    _postgres_only()
    audit(world.director, "view", world.child, person=world.child)
    count = AuditEvent.objects.count()
    assert "append-only" in _refused("UPDATE access_auditevent SET reason = 'effacé'")
    assert "append-only" in _refused("DELETE FROM access_auditevent")
    assert "append-only" in _refused("TRUNCATE access_auditevent")
    assert AuditEvent.objects.count() == count


@pytest.mark.django_db(transaction=True)
def test_rebuilds_and_demo_reset_leave_the_audit_log(world):
    """The code that truncates (monthly figures rebuilt, demo data set reset) never names the audit
    log; the flush ending this transactional test goes past the TRUNCATE trigger as a superuser."""
    _postgres_only()
    from parcours.demo import datasets

    audit(world.director, "view", world.child, person=world.child)
    count = AuditEvent.objects.count()
    assert "append-only" in _refused("TRUNCATE access_auditevent, access_user CASCADE")
    call_command("figures", rebuild=True, stdout=io.StringIO())
    datasets.reset()
    assert AuditEvent.objects.count() == count
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'access_auditevent'::regclass "
            "AND NOT tgisinternal AND tgenabled <> 'D' ORDER BY 1"
        )
        assert [r[0] for r in cursor.fetchall()] == [
            "access_auditevent_append_only",
            "access_auditevent_no_truncate",
        ]


APP_SCRIPT = """
import json
from django.db import DatabaseError, connection, transaction
from parcours.access.models import AuditEvent, User
from parcours.access.services import audit
from parcours.directory.models import Organisation

out = {}
org = Organisation.objects.create(name="Association H2", kind="association")
org.name = "Association H2 bis"
org.save(update_fields=["name"])
user = User.objects.create_user(username="h2-user", password="motdepasse-solide-42")
event = audit(user, "view", org)
out["audit_read"] = AuditEvent.objects.filter(pk=event.pk).values_list("object_type", flat=True).first()
org.delete()
out["organisations"] = Organisation.objects.filter(name__startswith="Association H2").count()
for name, sql in [
    ("delete", "DELETE FROM access_auditevent"),
    ("truncate", "TRUNCATE access_auditevent"),
    ("disable", "ALTER TABLE access_auditevent DISABLE TRIGGER ALL"),
]:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
        out[name] = "passed"
    except DatabaseError as exc:
        out[name] = type(exc.__cause__).__name__
out["events"] = AuditEvent.objects.count()
print(json.dumps(out))
"""


def test_application_role_cannot_erase_the_audit_log(db, tmp_path):
    """A database administrator runs `parcours secure_audit` after migrate; connected as the
    application's role, the audit log takes INSERT and SELECT only, and everything else works."""
    import psycopg
    from psycopg import errors

    scratch.require_postgres_superuser()
    app, owner = scratch.scratch_name("app"), scratch.scratch_name("audit")
    password = "h2-" + secrets.token_hex(8)
    with scratch.scratch_database(roles=(app, owner)) as db_name:
        env = {"DATABASE_URL": scratch.url(db_name), "PARCOURS_VAR_DIR": str(tmp_path / "var")}

        def secure(*extra, check=True):
            args = ("secure_audit", "--skip-checks", "--app-role", app, "--owner-role", owner, *extra)
            return scratch.parcours(*args, env=env, check=check)

        scratch.parcours("migrate", "--noinput", "--skip-checks", env=env)
        # the usual mistake: the application's role owns the database (and so its public schema)
        scratch.admin_sql(
            f"CREATE ROLE \"{app}\" LOGIN PASSWORD '{password}'",
            f'ALTER DATABASE "{db_name}" OWNER TO "{app}"',
        )
        unsecured = secure("--check", check=False)
        assert unsecured.returncode != 0 and "non protégé" in unsecured.stderr

        first = secure()
        assert f"base {db_name} confiée à {owner}" in first.stdout
        again = secure()
        assert "objets remis" not in again.stdout and "créé" not in again.stdout  # idempotent
        secure("--check")

        # a grant slipped in later is found by --check and taken back by the next run
        scratch.admin_sql(f'GRANT UPDATE ON access_auditevent TO "{app}"', dbname=db_name)
        drift = secure("--check", check=False)
        assert drift.returncode != 0 and "UPDATE" in drift.stderr
        secure()

        with psycopg.connect(**scratch.admin_params(db_name, app, password), autocommit=True) as conn:
            conn.execute(
                "INSERT INTO access_auditevent (at, actor_label, action, object_type, object_id, reason, details)"
                " VALUES (now(), 'h2', 'view', 'person', '1', '', '{}')"
            )
            assert conn.execute("SELECT count(*) FROM access_auditevent").fetchone()[0] == 1
            refused = {
                "UPDATE access_auditevent SET reason = 'x'": errors.InsufficientPrivilege,
                "DELETE FROM access_auditevent": errors.InsufficientPrivilege,
                "TRUNCATE access_auditevent": errors.InsufficientPrivilege,
                "ALTER TABLE access_auditevent ADD COLUMN h2 int": errors.InsufficientPrivilege,
                "ALTER TABLE access_auditevent DISABLE TRIGGER ALL": errors.InsufficientPrivilege,
                "ALTER TABLE access_auditevent DISABLE TRIGGER access_auditevent_no_truncate": errors.InsufficientPrivilege,
                "DROP TRIGGER access_auditevent_append_only ON access_auditevent": errors.InsufficientPrivilege,
                "ALTER TABLE access_auditevent RENAME TO h2_gone": errors.InsufficientPrivilege,
                "DROP TABLE access_auditevent": errors.InsufficientPrivilege,
                "DROP SCHEMA public CASCADE": errors.InsufficientPrivilege,
                "CREATE RULE h2 AS ON INSERT TO access_auditevent DO INSTEAD NOTHING": errors.InsufficientPrivilege,
                "CREATE OR REPLACE FUNCTION parcours_audit_append_only() RETURNS trigger "
                "AS 'BEGIN RETURN NULL; END' LANGUAGE plpgsql": errors.InsufficientPrivilege,
                "SET session_replication_role = replica": errors.InsufficientPrivilege,
                "SELECT setval(pg_get_serial_sequence('access_auditevent', 'id'), 1)": errors.InsufficientPrivilege,
                "ALTER ROLE CURRENT_USER SUPERUSER": errors.InsufficientPrivilege,
            }
            for sql, error in refused.items():
                with pytest.raises(error):
                    conn.execute(sql)
            assert conn.execute("SELECT count(*) FROM access_auditevent").fetchone()[0] == 1
            # its own tables: the application may alter them (migrations)
            conn.execute("ALTER TABLE directory_organisation ADD COLUMN h2 int")
            conn.execute("ALTER TABLE directory_organisation DROP COLUMN h2")

        app_env = {**env, "DATABASE_URL": scratch.url(db_name, app, password)}
        scratch.parcours(
            "migrate", "--noinput", "--skip-checks", env=app_env
        )  # nothing pending, and allowed to check
        scratch.parcours("figures", "--rebuild", "--skip-checks", env=app_env)
        result = scratch.parcours("shell", "-c", APP_SCRIPT, env=app_env)
        out = json.loads(result.stdout.strip().splitlines()[-1])
        assert out == {
            "audit_read": "organisation",
            "organisations": 0,
            "delete": "InsufficientPrivilege",
            "truncate": "InsufficientPrivilege",
            "disable": "InsufficientPrivilege",
            "events": 2,
        }
