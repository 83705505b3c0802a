from django.core.management.base import BaseCommand

from parcours.people.services import archive_inactive


class Command(BaseCommand):
    help = "Archive les dossiers dont le dernier contact dépasse la durée de conservation (RETENTION_YEARS)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="liste sans archiver")

    def handle(self, *args, dry_run=False, **options):
        found = archive_inactive(dry_run=dry_run)
        for person, contact in found:
            self.stdout.write(f"{person.pk}\t{person}\tdernier contact {contact:%d/%m/%Y}")
        verb = "seraient archivés" if dry_run else "archivés"
        self.stdout.write(f"{len(found)} dossier(s) {verb}.")
