"""parcours backup: the database (pg_dump -Fc, or SQLite's online backup), then the documents' folder
(a tar of MEDIA_ROOT), with a manifest of versions, row counts and checksums (core/backup.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parcours.core import backup


class Command(BaseCommand):
    help = (
        "Sauvegarde la base (pg_dump -Fc ou copie SQLite) puis les documents (tar de MEDIA_ROOT) dans un "
        "dossier, avec un manifeste (versions, nombres de lignes, sommes SHA-256). Les clés des "
        "documents n'y sont pas : gardez-les à part."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", help="dossier de la sauvegarde (défaut : var/backups/parcours-<date>)"
        )
        parser.add_argument("--pg-bin", help="dossier de pg_dump (défaut : celui de la version du serveur)")

    def handle(self, *args, output=None, pg_bin=None, **options):
        from parcours.people import documents

        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        destination = Path(output) if output else Path(settings.VAR_DIR) / "backups" / f"parcours-{stamp}"
        fingerprints = [documents.fingerprint(key) for key in documents.configured_keys()]
        try:
            manifest = backup.create(
                destination,
                media_root=Path(settings.MEDIA_ROOT),
                key_fingerprints=fingerprints,
                pg_bin=pg_bin,
            )
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        tables = manifest["tables"]
        self.stdout.write(
            f"Sauvegarde : {destination}\n"
            f"- base {manifest['database']['vendor']} {manifest['database']['server_version']} "
            f"({manifest['database']['tool']}) : {manifest['database']['file']}\n"
            f"- {manifest['media']['files']} fichiers de documents : {manifest['media']['file']}\n"
            f"- {tables.get('people_document', 0)} documents, {tables.get('access_auditevent', 0)} "
            "événements d'audit\n"
            f"- clé des documents nécessaire à la restauration : empreinte {fingerprints[0]}"
        )
