"""The audit log's guard on PostgreSQL: roles so that the application cannot erase its own audit trail.

The triggers of migrations 0002 and 0003 refuse UPDATE, DELETE and TRUNCATE on access_auditevent,
but a superuser, or the owner of the table, can disable or drop a trigger. So in production:

- the application connects as a role (e.g. `parcours_app`) that is no superuser, may not create
  roles, and owns every table of the schema *except* the audit log;
- the audit log, its sequence and the guard's trigger function belong to another role (e.g.
  `parcours_audit`, NOLOGIN) that the application's role is not a member of; so are the database
  and the schema (whose owner could drop any table in it);
- the application holds INSERT and SELECT on the audit log and USAGE on its sequence, nothing else:
  UPDATE, DELETE and TRUNCATE are refused by privileges and by the triggers, ALTER TABLE, DISABLE
  TRIGGER and DROP by ownership, `SET session_replication_role` because only a superuser may.

`secure()` sets that up (idempotent: run it after each `parcours migrate`, as an administrator);
`problems()` lists what is not so."""

from django.db import connection, transaction

from parcours.access.models import AuditEvent

AUDIT_TABLE = AuditEvent._meta.db_table
GUARD_TRIGGERS = ("access_auditevent_append_only", "access_auditevent_no_truncate")
RELKIND = {
    "r": "TABLE",
    "p": "TABLE",
    "f": "FOREIGN TABLE",
    "v": "VIEW",
    "m": "MATERIALIZED VIEW",
    "S": "SEQUENCE",
}


POSTGRES_ONLY = "La protection du journal d'audit par les rôles ne concerne que PostgreSQL."


class GuardError(Exception):
    """The set-up cannot be done as asked (wrong database, rights, role attributes)."""


def _ident(name: str) -> str:
    from psycopg import sql

    connection.ensure_connection()
    return sql.Identifier(name).as_string(connection.connection)


def _one(cursor, query: str, params=()):
    cursor.execute(query, params)
    row = cursor.fetchone()
    return row[0] if row else None


def _role(cursor, name: str) -> dict | None:
    cursor.execute("SELECT rolsuper, rolcreaterole, rolcanlogin FROM pg_roles WHERE rolname = %s", [name])
    row = cursor.fetchone()
    return None if row is None else {"super": row[0], "createrole": row[1], "login": row[2]}


def _member(cursor, role: str, of: str) -> bool:
    """Whether `role` holds the rights of `of` (itself, by membership, or as the database owner)."""
    return bool(_one(cursor, "SELECT pg_has_role(%s, %s::regrole, 'MEMBER')", [role, of]))


def _schema_objects(cursor):
    """Relations and routines of the current schema that are not an extension's nor a table's own
    sequence (those follow their table): (kind, qualified name, owner)."""
    cursor.execute(
        """
        SELECT c.relkind, c.oid::regclass::text, c.relowner::regrole::text
        FROM pg_class c
        WHERE c.relnamespace = current_schema()::regnamespace
          AND c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S')
          AND NOT EXISTS (
              SELECT 1 FROM pg_depend d
              WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                AND (d.deptype = 'e' OR (c.relkind = 'S' AND d.deptype IN ('a', 'i')))
          )
        ORDER BY 2
        """
    )
    relations = [(RELKIND[kind], name, owner) for kind, name, owner in cursor.fetchall()]
    cursor.execute(
        """
        SELECT p.oid::regprocedure::text, p.proowner::regrole::text
        FROM pg_proc p
        WHERE p.pronamespace = current_schema()::regnamespace AND p.prokind IN ('f', 'p')
          AND NOT EXISTS (
              SELECT 1 FROM pg_depend d
              WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
          )
        ORDER BY 1
        """
    )
    routines = [("ROUTINE", name, owner) for name, owner in cursor.fetchall()]
    return relations + routines


def _guard_functions(cursor) -> set[str]:
    cursor.execute(
        "SELECT DISTINCT tgfoid::regprocedure::text FROM pg_trigger "
        "WHERE tgrelid = %s::regclass AND NOT tgisinternal",
        [AUDIT_TABLE],
    )
    return {row[0] for row in cursor.fetchall()}


def _check_database(cursor) -> None:
    if connection.vendor != "postgresql":
        raise GuardError(POSTGRES_ONLY)
    if not _one(cursor, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"):
        raise GuardError(
            "À lancer par un administrateur de la base (superutilisateur), avec son DATABASE_URL."
        )
    if _one(cursor, "SELECT to_regclass(%s)", [AUDIT_TABLE]) is None:
        raise GuardError("Table du journal d'audit absente : lancez d'abord `parcours migrate`.")


def secure(app_role: str, owner_role: str) -> list[str]:
    """Give the audit log to owner_role and everything else to app_role, with INSERT and SELECT only on
    the audit log for app_role; roles created when missing. Idempotent. Returns what was done."""
    done = []
    if connection.vendor != "postgresql":
        raise GuardError(POSTGRES_ONLY)
    if app_role == owner_role:
        raise GuardError("Le rôle de l'application et le propriétaire du journal doivent être distincts.")
    app, owner = _ident(app_role), _ident(owner_role)
    with transaction.atomic(), connection.cursor() as cursor:
        _check_database(cursor)
        if app_role == _one(cursor, "SELECT current_user"):
            raise GuardError(
                "Le rôle de l'application ne peut pas être l'administrateur qui lance la commande."
            )
        if _role(cursor, owner_role) is None:
            cursor.execute(f"CREATE ROLE {owner} NOLOGIN")
            done.append(f"rôle {owner_role} créé (NOLOGIN)")
        attrs = _role(cursor, app_role)
        if attrs is None:
            cursor.execute(f"CREATE ROLE {app} LOGIN")
            done.append(f"rôle {app_role} créé (LOGIN, sans mot de passe : ALTER ROLE … PASSWORD)")
        elif attrs["super"] or attrs["createrole"]:
            raise GuardError(
                f"Le rôle {app_role} est superutilisateur ou peut créer des rôles : "
                f"ALTER ROLE {app} NOSUPERUSER NOCREATEROLE, puis relancez."
            )
        if _member(cursor, app_role, owner_role):
            raise GuardError(f"Le rôle {app_role} est membre de {owner_role} : REVOKE {owner} FROM {app}.")

        database = _one(cursor, "SELECT current_database()")
        db_owner = _one(
            cursor, "SELECT datdba::regrole::text FROM pg_database WHERE datname = current_database()"
        )
        if _member(cursor, app_role, db_owner):
            cursor.execute(f"ALTER DATABASE {_ident(database)} OWNER TO {owner}")
            done.append(f"base {database} confiée à {owner_role}")
        cursor.execute(f"GRANT CONNECT, TEMPORARY ON DATABASE {_ident(database)} TO {app}")
        schema = _one(cursor, "SELECT current_schema()")
        schema_owner = _one(
            cursor, "SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = %s", [schema]
        )
        if _member(cursor, app_role, schema_owner):
            cursor.execute(f"ALTER SCHEMA {_ident(schema)} OWNER TO {owner}")
            done.append(f"schéma {schema} confié à {owner_role}")
        cursor.execute(f"GRANT USAGE, CREATE ON SCHEMA {_ident(schema)} TO {app}")

        guard = _guard_functions(cursor)
        moved = 0
        for kind, name, current in _schema_objects(cursor):
            target = owner_role if name in guard or name == AUDIT_TABLE else app_role
            if current != target:
                cursor.execute(f"ALTER {kind} {name} OWNER TO {_ident(target)}")
                moved += 1
        if moved:
            done.append(f"{moved} objets remis à leur propriétaire")

        sequence = _one(cursor, "SELECT pg_get_serial_sequence(%s, 'id')", [AUDIT_TABLE])
        cursor.execute(f"REVOKE ALL ON TABLE {AUDIT_TABLE} FROM PUBLIC, {app}")
        cursor.execute(f"GRANT SELECT, INSERT ON TABLE {AUDIT_TABLE} TO {app}")
        if sequence:
            cursor.execute(f"REVOKE ALL ON SEQUENCE {sequence} FROM PUBLIC, {app}")
            cursor.execute(f"GRANT USAGE ON SEQUENCE {sequence} TO {app}")
        left = problems(app_role, owner_role)
        if left:
            raise GuardError("Protection incomplète : " + " ; ".join(left))
    return done


def problems(app_role: str, owner_role: str) -> list[str]:
    """What lets app_role alter or erase the audit log, or keeps it from working (empty when secured)."""
    found = []
    with connection.cursor() as cursor:
        _check_database(cursor)
        attrs = _role(cursor, app_role)
        if attrs is None or _role(cursor, owner_role) is None:
            return [f"rôle {app_role if attrs is None else owner_role} absent"]
        if attrs["super"] or attrs["createrole"]:
            found.append(f"{app_role} est superutilisateur ou peut créer des rôles")
        table_owner = _one(
            cursor, "SELECT relowner::regrole::text FROM pg_class WHERE oid = %s::regclass", [AUDIT_TABLE]
        )
        db_owner = _one(
            cursor, "SELECT datdba::regrole::text FROM pg_database WHERE datname = current_database()"
        )
        schema_owner = _one(
            cursor,
            "SELECT nspowner::regrole::text FROM pg_namespace WHERE oid = current_schema()::regnamespace",
        )
        if table_owner != owner_role:
            found.append(f"le journal appartient à {table_owner}, pas à {owner_role}")
        for what, holder in (
            ("le propriétaire du journal", table_owner),
            ("le propriétaire de la base", db_owner),
            ("le propriétaire du schéma", schema_owner),
        ):
            if _member(cursor, app_role, holder):
                found.append(f"{app_role} a les droits de {what} ({holder})")
        for privilege in ("SELECT", "INSERT"):
            if not _one(cursor, "SELECT has_table_privilege(%s, %s, %s)", [app_role, AUDIT_TABLE, privilege]):
                found.append(f"{app_role} n'a pas {privilege} sur le journal")
        for privilege in ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER", "REFERENCES"):
            if _one(cursor, "SELECT has_table_privilege(%s, %s, %s)", [app_role, AUDIT_TABLE, privilege]):
                found.append(f"{app_role} a {privilege} sur le journal")
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND tgenabled <> 'D'", [AUDIT_TABLE]
        )
        enabled = {row[0] for row in cursor.fetchall()}
        for trigger in GUARD_TRIGGERS:
            if trigger not in enabled:
                found.append(f"déclencheur {trigger} absent ou désactivé")
        guard = _guard_functions(cursor)
        for kind, name, current in _schema_objects(cursor):
            if name in guard and _member(cursor, app_role, current):
                found.append(f"{app_role} peut remplacer la fonction {name}")
            elif name not in guard and name != AUDIT_TABLE and current != app_role:
                found.append(f"{kind.lower()} {name} appartient à {current}, pas à {app_role}")
    return found
