"""`parcours remind`: run the deadline reminders once (from cron or a systemd timer, daily), or
`--enqueue` them for the database worker (`parcours db_worker`)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from parcours.plans.tasks import deadline_reminders


class Command(BaseCommand):
    help = (
        "Rappels des échéances des projets (15 jours avant, et en retard), dans l'application et par e-mail."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Jour de référence (AAAA-MM-JJ), aujourd'hui par défaut.")
        parser.add_argument("--enqueue", action="store_true", help="Confier le travail au worker de tâches.")

    def handle(self, *args, date: str | None = None, enqueue: bool = False, **options):
        if date:
            try:
                _parse(date)
            except ValueError as exc:
                raise CommandError(f"--date : date attendue au format AAAA-MM-JJ ({exc}).") from None
        if enqueue:
            result = deadline_reminders.enqueue(as_of=date)
            for error in getattr(result, "errors", []):
                self.stderr.write(error.traceback)
            self.stdout.write(f"Rappels mis en file (tâche {result.id}).")
            return
        sent = deadline_reminders.call(as_of=date)
        self.stdout.write(f"Rappels envoyés : {sent['upcoming']} à venir, {sent['overdue']} en retard.")


def _parse(value: str):
    return date.fromisoformat(value)
