"""Backup and restore of a Parcours instance: the database and the documents' folder, with a manifest.

A backup is a folder (mode 0700) holding:
- `database.dump` (PostgreSQL: `pg_dump -Fc` of a snapshot) or `database.sqlite3` (SQLite: the
  online backup API, a consistent copy of a live database);
- `media.tar`: a tar of MEDIA_ROOT, taken *after* the database, so every document the dump knows has
  its file (the files are encrypted: the backup does not hold the keys, which are kept apart);
- `manifest.json`: versions (Parcours, Django, Python, database server and tool), applied
  migrations, row count of every table in the dumped snapshot, the fingerprints of the document keys
  in use, and the SHA-256 of each file.

A restore checks the checksums, then fills an *empty* database and an *empty* media folder (it never
overwrites), then checks the row counts. It never touches the audit log of a live database."""

import hashlib
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import tarfile
from importlib import metadata
from pathlib import Path

from django.db import connection
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_TAR = "media.tar"
DUMP = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
SKIPPED_MEDIA_SUFFIXES = (".rotating",)  # partial files of an interrupted key rotation


class BackupError(Exception):
    """A backup or restore that cannot be done, with the reason in French."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "inconnue"


# --- PostgreSQL tools -----------------------------------------------------------------------------


def _tool_major(path: str) -> int | None:
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    # "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)"
    for word in out.split():
        if word[:1].isdigit():
            return int(word.split(".")[0])
    return None


def pg_tool(name: str, server_major: int, pg_bin: str | None = None) -> str:
    """pg_dump or pg_restore of the server's major version (a newer one if none): from pg_bin, then
    Debian's /usr/lib/postgresql/<major>/bin, then the PATH."""
    candidates = []
    if pg_bin:
        candidates.append(str(Path(pg_bin) / name))
    candidates.append(f"/usr/lib/postgresql/{server_major}/bin/{name}")
    if shutil.which(name):
        candidates.append(shutil.which(name))
    found = [(c, _tool_major(c)) for c in candidates if Path(c).exists()]
    for candidate, major in found:
        if major == server_major:
            return candidate
    for candidate, major in found:
        if major is not None and major > server_major:
            return candidate
    raise BackupError(
        f"{name} {server_major} introuvable (serveur PostgreSQL {server_major}) : installez "
        f"postgresql-client-{server_major} ou indiquez son dossier avec --pg-bin."
    )


def _pg_env(settings_dict: dict) -> dict:
    env = dict(os.environ)
    for key, var in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    for option, var in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if settings_dict.get("OPTIONS", {}).get(option):
            env[var] = str(settings_dict["OPTIONS"][option])
    return env


def _pg_connect(settings_dict: dict):
    import psycopg

    params = {
        "host": settings_dict.get("HOST") or None,
        "port": settings_dict.get("PORT") or None,
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
        "dbname": settings_dict["NAME"],
        **{k: v for k, v in settings_dict.get("OPTIONS", {}).items() if k in ("sslmode", "sslrootcert")},
    }
    return psycopg.connect(**{k: v for k, v in params.items() if v is not None})


def _run(args: list[str], env: dict) -> str:
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} a échoué : {result.stderr.strip()[-2000:]}")
    return result.stdout


# --- counts and migrations of a database ----------------------------------------------------------


def _state(cursor, tables: list[str]) -> tuple[dict, dict]:
    """(row count of each table, applied migrations by app) through a DB-API cursor."""
    counts = {}
    for table in sorted(tables):
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    migrations: dict[str, list[str]] = {}
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        for app, name in cursor.fetchall():
            migrations.setdefault(app, []).append(name)
    return counts, migrations


def _pg_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace "
        "AND relkind IN ('r', 'p')"
    )
    return [row[0] for row in cursor.fetchall()]


def _sqlite_tables(cursor) -> list[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return [row[0] for row in cursor.fetchall()]


# --- backup ---------------------------------------------------------------------------------------


def _dump_postgres(settings_dict: dict, target: Path, pg_bin: str | None) -> tuple[dict, dict, dict]:
    """pg_dump -Fc of a snapshot whose row counts are taken in the same snapshot."""
    from psycopg import IsolationLevel

    with _pg_connect(settings_dict) as conn:
        server_major = conn.info.server_version // 10000
        pg_dump = pg_tool("pg_dump", server_major, pg_bin)
        conn.isolation_level = IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        server_version = conn.execute("SHOW server_version").fetchone()[0]
        cursor = conn.cursor()
        counts, migrations = _state(cursor, _pg_tables(cursor))
        _run([pg_dump, "-Fc", f"--snapshot={snapshot}", "--file", str(target)], _pg_env(settings_dict))
        conn.rollback()
    tool = _run([pg_dump, "--version"], os.environ).strip()
    return {"vendor": "postgresql", "server_version": server_version, "tool": tool}, counts, migrations


def _dump_sqlite(target: Path) -> tuple[dict, dict, dict]:
    """A consistent copy through SQLite's online backup API, made a single self-contained file."""
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
        destination.execute("PRAGMA journal_mode=DELETE")
        counts, migrations = _state(destination.cursor(), _sqlite_tables(destination.cursor()))
    finally:
        destination.close()
    info = {"vendor": "sqlite", "server_version": sqlite3.sqlite_version, "tool": "sqlite3 backup API"}
    return info, counts, migrations


def _tar_media(media_root: Path, target: Path) -> int:
    files = 0
    with tarfile.open(target, "w") as tar:
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                if path.is_file() and not path.name.endswith(SKIPPED_MEDIA_SUFFIXES):
                    tar.add(path, arcname=str(path.relative_to(media_root)), recursive=False)
                    files += 1
    return files


def create(
    destination: Path, *, media_root: Path, key_fingerprints: list[str], pg_bin: str | None = None
) -> dict:
    """Back up the default database then the media folder into `destination` (absent or empty)."""
    destination = Path(destination)
    if destination.exists() and any(destination.iterdir()):
        raise BackupError(f"Le dossier {destination} n'est pas vide.")
    destination.mkdir(parents=True, exist_ok=True, mode=0o700)
    destination.chmod(0o700)
    vendor = connection.vendor
    if vendor not in DUMP:
        raise BackupError(f"Base {vendor} non prise en charge (PostgreSQL ou SQLite).")
    dump = destination / DUMP[vendor]
    if vendor == "postgresql":
        database, counts, migrations = _dump_postgres(connection.settings_dict, dump, pg_bin)
    else:
        database, counts, migrations = _dump_sqlite(dump)
    media_files = _tar_media(Path(media_root), destination / MEDIA_TAR)
    files = {}
    for name in (dump.name, MEDIA_TAR):
        (destination / name).chmod(0o600)
        files[name] = {"sha256": _sha256(destination / name), "bytes": (destination / name).stat().st_size}
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "application": {
            "parcours": _version("parcours"),
            "django": _version("django"),
            "python": platform.python_version(),
        },
        "database": {**database, "file": dump.name},
        "migrations": migrations,
        "tables": counts,
        "media": {"file": MEDIA_TAR, "files": media_files},
        "document_keys": key_fingerprints,
        "files": files,
    }
    path = destination / MANIFEST
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    path.chmod(0o600)
    return manifest


# --- restore --------------------------------------------------------------------------------------


def read(source: Path) -> dict:
    """The manifest of a backup whose files match their checksums."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"Manifeste illisible dans {source} : {exc}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Format de sauvegarde {manifest.get('format')} inconnu (attendu : {FORMAT}).")
    for name, expected in manifest["files"].items():
        path = source / name
        if not path.is_file():
            raise BackupError(f"Fichier {name} absent de la sauvegarde.")
        if _sha256(path) != expected["sha256"]:
            raise BackupError(f"Somme de contrôle de {name} incorrecte : sauvegarde altérée ou incomplète.")
    return manifest


def _unknown_migrations(manifest: dict) -> list[str]:
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [
        f"{app}.{name}"
        for app, names in manifest["migrations"].items()
        for name in names
        if (app, name) not in known
    ]


def restore(source: Path, *, media_root: Path, pg_bin: str | None = None) -> dict:
    """Restore a backup into the default database, which must be empty, and media_root, which must be
    empty or absent. Returns the manifest."""
    source, media_root = Path(source), Path(media_root)
    manifest = read(source)
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(f"Sauvegarde d'une base {vendor}, base cible {connection.vendor}.")
    unknown = _unknown_migrations(manifest)
    if unknown:
        raise BackupError(
            "Sauvegarde faite par une version plus récente de Parcours (migrations inconnues : "
            + ", ".join(unknown[:10])
            + ") : installez cette version avant de restaurer."
        )
    if connection.introspection.table_names():
        raise BackupError(
            "La base cible n'est pas vide : la restauration n'écrase rien. Créez une base vide "
            "(createdb, ou un nouveau fichier SQLite) et indiquez-la par DATABASE_URL."
        )
    if media_root.exists() and any(p.is_file() for p in media_root.rglob("*")):
        raise BackupError(
            f"Le dossier des documents {media_root} n'est pas vide : indiquez-en un vide (MEDIA_ROOT)."
        )

    dump = source / manifest["database"]["file"]
    if vendor == "postgresql":
        settings_dict = connection.settings_dict
        with _pg_connect(settings_dict) as conn:
            server_major = conn.info.server_version // 10000
        pg_restore = pg_tool("pg_restore", server_major, pg_bin)
        args = [pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
        _run([*args, "--dbname", settings_dict["NAME"], str(dump)], _pg_env(settings_dict))
    else:
        connection.close()
        target = sqlite3.connect(connection.settings_dict["NAME"])
        origin = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
        try:
            origin.backup(target)
        finally:
            origin.close()
            target.close()

    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / MEDIA_TAR) as tar:
        tar.extractall(media_root, filter="data")

    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts, _ = _state(cursor, [t for t in tables if t in manifest["tables"]])
    differing = [t for t, n in manifest["tables"].items() if counts.get(t) != n]
    if differing:
        raise BackupError(
            "Restauration incomplète : nombre de lignes différent pour " + ", ".join(differing[:10])
        )
    return manifest


def pending_migrations() -> list[str]:
    """Migrations of this version that the restored database has not applied (run `parcours migrate`)."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, _ in plan]
