"""parcours restore: a backup of `parcours backup` into an empty database (DATABASE_URL) and an empty
documents' folder (MEDIA_ROOT); then every document is read back with the configured keys."""

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from parcours.core import backup


class Command(BaseCommand):
    help = (
        "Restaure une sauvegarde dans une base vide (DATABASE_URL) et un dossier de documents vide "
        "(MEDIA_ROOT), après contrôle des sommes SHA-256 ; vérifie ensuite chaque document avec les clés "
        "configurées. --check : contrôler la sauvegarde sans rien restaurer."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="dossier d'une sauvegarde (parcours backup)")
        parser.add_argument("--check", action="store_true", help="contrôler les sommes seulement")
        parser.add_argument(
            "--pg-bin", help="dossier de pg_restore (défaut : celui de la version du serveur)"
        )
        parser.add_argument("--skip-documents", action="store_true", help="ne pas relire chaque document")

    def handle(self, *args, source, check=False, pg_bin=None, skip_documents=False, **options):
        from parcours.people import documents

        configured = {documents.fingerprint(key) for key in documents.configured_keys()}
        try:
            if check:
                manifest = backup.read(Path(source))
            else:
                manifest = backup.restore(Path(source), media_root=Path(settings.MEDIA_ROOT), pg_bin=pg_bin)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        tables = manifest["tables"]
        self.stdout.write(
            f"Sauvegarde du {manifest['created_at']} (Parcours {manifest['application']['parcours']}, "
            f"{manifest['database']['vendor']} {manifest['database']['server_version']}) : "
            f"{tables.get('people_document', 0)} documents, {tables.get('access_auditevent', 0)} "
            f"événements d'audit, {manifest['media']['files']} fichiers ; sommes de contrôle exactes."
        )
        if not configured & set(manifest.get("document_keys", [])):
            self.stderr.write(
                "Attention : aucune des clés configurées (DOCUMENT_KEY, DOCUMENT_OLD_KEYS) n'est celle de la "
                f"sauvegarde (empreintes {', '.join(manifest.get('document_keys', []))})."
            )
        if check:
            return
        self.stdout.write(f"Base et documents restaurés ({settings.MEDIA_ROOT}).")
        pending = backup.pending_migrations()
        if pending:
            self.stdout.write(f"{len(pending)} migrations à appliquer : lancez `parcours migrate`.")
        if connection.vendor == "postgresql":
            self.stdout.write(
                "Tables restaurées au nom de l'utilisateur de la restauration : relancez "
                "`parcours secure_audit` (administrateur) avant de servir l'application."
            )
        if skip_documents:
            return
        unreadable = self._unreadable_documents(documents)
        if unreadable:
            raise CommandError(
                f"Restauration faite, mais {len(unreadable)} document(s) illisible(s) avec les clés configurées "
                f"(DOCUMENT_KEY, DOCUMENT_OLD_KEYS) ou altéré(s) : {', '.join(map(str, unreadable[:20]))}."
            )
        self.stdout.write(f"{tables.get('people_document', 0)} documents relus avec la clé configurée.")

    def _unreadable_documents(self, documents) -> list[int]:
        from parcours.people.models import Document

        unreadable = []
        for pk, name, digest in Document.objects.values_list("pk", "storage_name", "sha256").iterator():
            try:
                if hashlib.sha256(documents.load(name)).hexdigest() != digest:
                    unreadable.append(pk)
            except documents.DocumentUnreadable:
                unreadable.append(pk)
        return unreadable
