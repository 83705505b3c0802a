"""Background tasks of steering (Django tasks framework; the database worker runs them)."""

from django_tasks import task


@task(queue_name="reports")
def build_activity_report(report_id: int) -> None:
    from parcours.steering.services import run_report

    run_report(report_id)
