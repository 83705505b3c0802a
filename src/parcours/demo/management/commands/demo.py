import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from parcours.demo.datasets import build_demo, build_scale, reset
from parcours.demo.generator import DEMO_PASSWORD, DEMO_USERS, Generator
from parcours.directory.models import Organisation

SCALES = {
    "department": {"persons": 50_000, "stays": 150_000, "departements": ["40"]},
    "national": {"persons": 400_000, "stays": 1_500_000, "departements": None},
}


class Command(BaseCommand):
    help = "Génère un jeu de données synthétique déterministe (demo, department, national)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["demo", "department", "national"], default="demo")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--if-empty", action="store_true", help="ne rien faire si des données existent")
        parser.add_argument("--reset", action="store_true", help="efface les données générées avant")
        parser.add_argument("--persons", type=int, help="nombre de personnes visé (grandes échelles)")
        parser.add_argument("--stays", type=int, help="nombre de séjours visé (grandes échelles)")

    def handle(
        self, *args, scale, seed, if_empty=False, reset_first=False, persons=None, stays=None, **options
    ):
        reset_first = options.get("reset", False)
        if if_empty and Organisation.objects.exists():
            self.stdout.write("Des données existent déjà : jeu de démonstration non rechargé.")
            self.print_logins()
            return
        if reset_first:
            reset()
        elif Organisation.objects.exists():
            raise CommandError("La base contient déjà des données : utilisez --reset ou --if-empty.")
        started = time.monotonic()
        if scale == "demo":
            from datetime import timedelta

            from django.utils import timezone

            start = timezone.localdate() - timedelta(days=int(365.25 * 4))
            gen = Generator(
                seed, stdout=self.stdout, history_start=start, length_factor=3.0, family_rate=0.35
            )
        else:
            gen = Generator(seed, stdout=self.stdout)
        with transaction.atomic():
            if scale == "demo":
                build_demo(gen)
            else:
                conf = dict(SCALES[scale])
                if conf["departements"] is None:
                    from parcours.directory.models import Commune

                    conf["departements"] = sorted(set(Commune.objects.values_list("departement", flat=True)))
                build_scale(
                    gen,
                    persons=persons or conf["persons"],
                    stays=stays or conf["stays"],
                    departements=conf["departements"],
                )
            if scale == "demo":
                from parcours.people.services import archive_inactive

                archived = archive_inactive()
                self.stdout.write(f"{len(archived)} dossiers anciens archivés (conservation dépassée).")
        from parcours.steering import unit_months

        unit_months.build()  # the per-unit-per-month figures of the complete months
        unit_months.vacuum()
        self.summary(time.monotonic() - started)
        if scale == "demo":
            self.print_logins()

    def summary(self, seconds: float) -> None:
        from parcours.directory.models import Unit
        from parcours.pathways.models import Stay
        from parcours.people.models import Person

        self.stdout.write(
            f"{Organisation.objects.count()} organisations, {Unit.objects.count()} unités, "
            f"{Person.objects.count()} personnes, {Stay.objects.count()} séjours — {seconds:.1f} s"
        )

    def print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"Identifiants de démonstration (mot de passe : {DEMO_PASSWORD})")
        width = max(len(u[0]) for u in DEMO_USERS)
        for username, _role, label, _scope in DEMO_USERS:
            self.stdout.write(f"  {username.ljust(width)}  {label}")
        self.stdout.write("")
