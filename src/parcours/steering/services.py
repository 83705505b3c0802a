"""Writes of steering: asking for an activity report, built by a background task."""

from django.db import transaction
from django.utils import timezone

from parcours.access.models import AuditAction, User
from parcours.access.services import audit
from parcours.core.dates import today
from parcours.core.errors import Invalid, NotFound
from parcours.steering.models import ActivityReport, ReportStatus
from parcours.steering.scope import resolve


def request_report(actor, *, scope: str, year: int) -> ActivityReport:
    """Queue the annual activity report of a unit, an establishment or an organisation."""
    resolved = resolve(actor, scope)  # 404 out of scope, 422 malformed
    if not isinstance(year, int) or not 2000 <= year <= today().year:
        raise Invalid({"year": f"Année attendue entre 2000 et {today().year}."})
    from parcours.steering.tasks import build_activity_report

    with transaction.atomic():
        report = ActivityReport.objects.create(
            scope=resolved.key, label=resolved.label, year=year, requested_by=actor
        )
        audit(actor, AuditAction.CREATE, report, scope=report.scope, year=year)
        build_activity_report.enqueue(report_id=report.pk)  # after the commit with the database worker
    return report


def report_for(actor, report_id) -> ActivityReport:
    """The report if its scope is still visible to the user (404 otherwise)."""
    try:
        report = ActivityReport.objects.get(pk=int(report_id))
    except (ValueError, TypeError, ActivityReport.DoesNotExist):
        raise NotFound("Rapport introuvable.") from None
    resolve(actor, report.scope)
    return report


def run_report(report_id: int) -> None:
    """The task's body: build the figures, the PDF and the workbook, reporting progress."""
    from parcours.steering.documents import report_pdf, report_xlsx
    from parcours.steering.report import build

    report = ActivityReport.objects.get(pk=report_id)
    user = User.objects.get(pk=report.requested_by_id)

    def progress(pct: int, step: str) -> None:
        ActivityReport.objects.filter(pk=report.pk).update(
            progress=pct, step=step, status=ReportStatus.RUNNING
        )

    try:
        progress(5, "Préparation")
        data = build(user, report.scope, report.year, progress)
        progress(80, "Document PDF")
        pdf = report_pdf(data)
        progress(90, "Classeur Excel")
        xlsx = report_xlsx(data)
    except Exception as exc:  # the report says what failed instead of staying "running"
        ActivityReport.objects.filter(pk=report.pk).update(
            status=ReportStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    ActivityReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.DONE, progress=100, step="Terminé", pdf=pdf, xlsx=xlsx, finished_at=timezone.now()
    )
