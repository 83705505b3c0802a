"""parcours rotate_document_key: re-encrypt every stored document with DOCUMENT_KEY, the previous keys
being listed in DOCUMENT_OLD_KEYS. Idempotent (a file already under the current key is left as it
is) and resumable (each file is replaced atomically; run it again after an interruption)."""

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from parcours.access.models import AuditAction
from parcours.access.services import audit
from parcours.people import documents as storage
from parcours.people.models import Document


class Command(BaseCommand):
    help = (
        "Rechiffre chaque document avec DOCUMENT_KEY (anciennes clés dans DOCUMENT_OLD_KEYS). "
        "Idempotent, reprend où il s'est arrêté. --generate-key affiche une nouvelle clé."
    )

    def add_arguments(self, parser):
        parser.add_argument("--generate-key", action="store_true", help="afficher une nouvelle clé Fernet")
        parser.add_argument("--dry-run", action="store_true", help="compter sans rien réécrire")

    def handle(self, *args, generate_key=False, dry_run=False, **options):
        if generate_key:
            self.stdout.write(Fernet.generate_key().decode())
            return
        discarded = 0 if dry_run else storage.discard_partials()
        rotated = current = 0
        unreadable = []
        try:
            for name in storage.stored_names():
                try:
                    if storage.rotate(name, dry_run=dry_run):
                        rotated += 1
                    else:
                        current += 1
                except storage.DocumentUnreadable:
                    unreadable.append(name)
        finally:  # what was rewritten is in the audit log, even when the run is interrupted
            if rotated and not dry_run:
                audit(
                    None,
                    AuditAction.UPDATE,
                    "document_key",
                    username="rotate_document_key",
                    rotated=rotated,
                    key=storage.fingerprint(settings.DOCUMENT_KEY),
                )
        present = set(storage.stored_names())
        missing = [n for n in Document.objects.values_list("storage_name", flat=True) if n not in present]
        verb = "à rechiffrer" if dry_run else "rechiffrés"
        self.stdout.write(
            f"Documents {verb} : {rotated} ; déjà sous la clé actuelle : {current}"
            + (
                f" ; fichiers partiels d'une rotation interrompue supprimés : {discarded}"
                if discarded
                else ""
            )
        )
        if missing:
            self.stderr.write(
                f"Fichiers absents du stockage pour {len(missing)} document(s) : {', '.join(missing[:20])}"
            )
        if unreadable:
            raise CommandError(
                f"{len(unreadable)} fichier(s) qu'aucune clé configurée n'ouvre (ajoutez l'ancienne clé à "
                f"DOCUMENT_OLD_KEYS) : {', '.join(unreadable[:20])}"
            )
        if not dry_run and settings.DOCUMENT_OLD_KEYS:
            self.stdout.write(
                "Tous les documents sont sous DOCUMENT_KEY : DOCUMENT_OLD_KEYS peut être vidée."
            )
