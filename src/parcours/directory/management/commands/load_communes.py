from pathlib import Path

from django.core.management.base import BaseCommand

from parcours.directory.services import load_communes


class Command(BaseCommand):
    help = "Charge le référentiel des communes INSEE (fichier CSV compressé du projet ou autre)."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=None)
        parser.add_argument("--departements", default="", help="ex. 12,40,93 (défaut : toute la France)")

    def handle(self, *args, file=None, departements="", **options):
        deps = {d.strip() for d in departements.split(",") if d.strip()} or None
        count = load_communes(file, deps)
        self.stdout.write(f"{count} communes chargées.")
