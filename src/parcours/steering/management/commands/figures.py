"""parcours figures: extend the per-unit-per-month day counts to the last complete month (run it each
night beside `parcours remind`; otherwise the first read of a new month does it), or --rebuild them
from the stays."""

from django.core.management.base import BaseCommand

from parcours.steering import unit_months


class Command(BaseCommand):
    help = "Prépare les chiffres d'activité des mois écoulés (PostgreSQL) ; --rebuild les recalcule."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="tout recalculer depuis les séjours")

    def handle(self, *args, rebuild=False, **options):
        if not unit_months.enabled():
            self.stdout.write("Base sans déclencheurs (SQLite) : les chiffres sont calculés à la lecture.")
            return
        if rebuild:
            unit_months.rebuild()
        else:
            unit_months.build()
        unit_months.vacuum()
        self.stdout.write(f"Chiffres mensuels prêts jusqu'au mois de {unit_months.horizon():%m/%Y}.")
