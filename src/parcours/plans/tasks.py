"""Background tasks of the plans (Django's tasks framework; the database worker runs them)."""

from datetime import date

from django_tasks import task


@task()
def deadline_reminders(as_of: str | None = None) -> dict:
    """The daily deadline reminders (see plans.reminders)."""
    from parcours.plans.reminders import send_reminders

    return send_reminders(date.fromisoformat(as_of) if as_of else None)
