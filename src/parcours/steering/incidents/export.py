"""The register as CSV (semicolon, UTF-8 with BOM): one line per event, spreadsheet formulas
neutralised (core.exports), audited as an export."""

from django.http import HttpResponse
from django.utils import timezone

from parcours.access.models import AuditAction
from parcours.access.services import audit
from parcours.core.dates import today
from parcours.core.exports import csv_bytes

HEADER = [
    "N°",
    "Survenu le",
    "Découvert le",
    "Établissement",
    "Unité",
    "Lieu",
    "Nature et circonstances",
    "Catégorie",
    "EIG",
    "Statut",
    "Autorité",
    "Échéance de transmission (48 h)",
    "Transmis le",
    "Victimes",
    "Personnes exposées",
    "Mesures immédiates",
    "Causes",
    "Actions correctives",
    "dont non réalisées",
    "Clôturé le",
]
LIMIT = 50_000


def _moment(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def rows(queryset):
    for i in queryset:
        yield [
            i.pk,
            _moment(i.occurred_at),
            _moment(i.discovered_at),
            i.establishment.name,
            i.unit.name if i.unit_id else "",
            i.place,
            i.description,
            i.get_category_display() if i.category else "Non qualifié",
            "oui" if i.serious else "non",
            i.get_status_display(),
            i.get_authority_display(),
            _moment(i.report_deadline) if i.serious else "",
            i.reported_on.strftime("%d/%m/%Y") if i.reported_on else "",
            i.victims_count,
            i.exposed_count,
            i.immediate_measures,
            i.causes,
            i.actions_count,
            i.open_actions_count,
            i.closed_on.strftime("%d/%m/%Y") if i.closed_on else "",
        ]


def csv_response(user, queryset) -> HttpResponse:
    """The register (already scoped and filtered) as a CSV download."""
    items = list(queryset[:LIMIT])
    audit(user, AuditAction.EXPORT, "incident", section="register", format="csv", count=len(items))
    response = HttpResponse(csv_bytes(HEADER, rows(items)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="evenements-indesirables-{today():%Y%m%d}.csv"'
    return response
