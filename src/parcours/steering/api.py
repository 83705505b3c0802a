"""API: activity indicators (API.md — Indicators), monthly trends, comparison between units and the
drill-down to the stays or referrals behind a figure."""

from django.http import HttpResponse
from ninja import Query, Router, Status

from parcours.access.models import AuditAction
from parcours.access.services import audit
from parcours.api.common import ERRORS
from parcours.steering import selectors, services
from parcours.steering.models import ReportStatus
from parcours.steering.schemas import (
    ActivityReportIn,
    DrillQuery,
    DrillRow,
    IndicatorQuery,
    IndicatorsOut,
    MonthOut,
    ReportOut,
    UnitFiguresOut,
)

router = Router(tags=["Indicators"])


@router.get("/indicators", response={200: IndicatorsOut, **ERRORS})
def indicators(request, q: Query[IndicatorQuery]):
    """The indicator set for a scope (unit:ID, establishment:ID, organisation:ID) and a period."""
    return selectors.activity(request.user, q.scope, q.from_, q.to)


@router.get("/indicators/trend", response={200: list[MonthOut], **ERRORS})
def trend(request, q: Query[IndicatorQuery]):
    """Month by month: occupancy, active caseload, waiting list, admissions and exits."""
    return selectors.trend(request.user, q.scope, q.from_, q.to)


@router.get("/indicators/units", response={200: list[UnitFiguresOut], **ERRORS})
def units(request, q: Query[IndicatorQuery]):
    """The main figures unit by unit, for comparison."""
    return selectors.comparison(request.user, q.scope, q.from_, q.to)


@router.get("/indicators/drilldown", response={200: dict, **ERRORS})
def drilldown(request, q: Query[DrillQuery]):
    """The stays or referrals behind a figure (personal data: audited)."""
    kind, qs = selectors.drilldown(request.user, q.scope, q.figure, q.from_, q.to)
    count = qs.count()
    items = list(qs[q.offset : q.offset + q.limit])
    rows = [drill_row(kind, obj) for obj in items]
    audit(
        request.user,
        AuditAction.VIEW,
        kind[:-1],
        section="indicator drill-down",
        figure=q.figure,
        scope=q.scope,
        persons=sorted({r["person"] for r in rows}),
    )
    return {"figure": q.figure, "kind": kind, "count": count, "items": [DrillRow(**r).dict() for r in rows]}


def drill_row(kind: str, obj) -> dict:
    if kind == "stays":
        return {
            "kind": "stay",
            "id": obj.pk,
            "person": obj.person_id,
            "person_name": str(obj.person),
            "unit": obj.unit.name,
            "start_date": obj.start_date,
            "end_date": obj.end_date,
            "emergency": obj.emergency,
        }
    return {
        "kind": "referral",
        "id": obj.pk,
        "person": obj.person_id,
        "person_name": str(obj.person),
        "start_date": obj.received_on,
        "status": obj.status,
        "emergency": obj.emergency,
    }


@router.post("/activity-reports", response={202: ReportOut, **ERRORS})
def request_report(request, data: ActivityReportIn):
    """Queue the annual activity report (PDF with charts and Excel workbook) of a scope."""
    return Status(202, services.request_report(request.user, scope=data.scope, year=data.year))


@router.get("/activity-reports/{report_id}", response={200: ReportOut, **ERRORS})
def report_status(request, report_id: int):
    """Where the report stands: status, progress (0–100) and current step."""
    return services.report_for(request.user, report_id)


@router.get("/activity-reports/{report_id}/report.{fmt}", response={200: None, **ERRORS})
def report_file(request, report_id: int, fmt: str):
    """The finished report as PDF or Excel."""
    return report_download(request, report_id, fmt)


def report_download(request, report_id, fmt: str):
    from parcours.core.errors import Conflict, NotFound

    report = services.report_for(request.user, report_id)
    if fmt not in ("pdf", "xlsx"):
        raise NotFound("Format attendu : pdf ou xlsx.")
    if report.status != ReportStatus.DONE:
        raise Conflict("Le rapport n'est pas encore prêt.", [{"field": "status", "message": report.status}])
    content = bytes(report.pdf if fmt == "pdf" else report.xlsx)
    types = {
        "pdf": "application/pdf",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    audit(request.user, AuditAction.EXPORT, report, format=fmt, scope=report.scope, year=report.year)
    response = HttpResponse(content, content_type=types[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="rapport-activite-{report.year}-{report.pk}.{fmt}"'
    )
    return response
