"""API: the adverse events register (EI / EIG) — declaration, persons involved, classification,
report to the authority with the EIG notification form (PDF), analysis, corrective actions, closure;
the register as CSV and the figures by category and unit."""

from django.http import HttpResponse
from ninja import Query, Router, Status

from parcours.access.models import AuditAction
from parcours.access.services import audit
from parcours.api.common import ERRORS, list_of, page
from parcours.core.dates import today
from parcours.steering.incidents import export, selectors, services
from parcours.steering.incidents.schemas import (
    ActionDoneIn,
    AnalysisIn,
    ClassifyIn,
    CloseIn,
    FiguresOut,
    FiguresQuery,
    IncidentActionIn,
    IncidentActionOut,
    IncidentIn,
    IncidentOut,
    IncidentPatch,
    IncidentReportIn,
    IncidentSummaryOut,
    PersonLinkIn,
    PersonLinkOut,
    RegisterQuery,
)

router = Router(tags=["incidents"])


def _shown(request, incident, section: str = "incident"):
    """The incident with its persons, each read audited with the person."""
    incident.persons_shown = selectors.read(request.user, incident, section=section)
    return incident


def _fresh(request, incident_id: int, section: str):
    return _shown(request, selectors.incident_for(request.user, incident_id), section)


@router.get("/incidents", response={200: list_of(IncidentSummaryOut), **ERRORS})
def register(request, q: Query[RegisterQuery]):
    """The register of the user's scope, newest first (filters: from, to, establishment, unit,
    category — or "unclassified" —, serious, status)."""
    qs = selectors.register(
        request.user,
        start=q.from_,
        end=q.to,
        establishment=q.establishment,
        unit=q.unit,
        category=q.category,
        serious=q.serious,
        status=q.status,
    )
    count, items = page(qs, q.limit, q.offset)
    audit(request.user, AuditAction.VIEW, "incident", section="register", ids=[i.pk for i in items])
    return {"count": count, "items": items}


@router.post("/incidents", response={201: IncidentOut, **ERRORS})
def declare(request, data: IncidentIn):
    payload = data.dict()
    payload["informed"] = [dict(item) for item in payload["informed"]]
    incident = services.declare(request.user, **payload)
    return Status(201, _fresh(request, incident.pk, "declaration"))


@router.get("/incidents/figures", response={200: FiguresOut, **ERRORS}, by_alias=True)
def figures(request, q: Query[FiguresQuery]):
    """Counts of the user's scope over a period of occurrence: totals, per category, per unit."""
    return selectors.breakdown(request.user, q.from_, q.to, establishment=q.establishment, unit=q.unit)


@router.get("/incidents.csv", response={200: None, **ERRORS})
def register_csv(request, q: Query[RegisterQuery]):
    """The register as a spreadsheet (formulas neutralised), audited as an export."""
    qs = selectors.register(
        request.user,
        start=q.from_,
        end=q.to,
        establishment=q.establishment,
        unit=q.unit,
        category=q.category,
        serious=q.serious,
        status=q.status,
    )
    return export.csv_response(request.user, qs)


@router.get("/incidents/{incident_id}", response={200: IncidentOut, **ERRORS})
def get_incident(request, incident_id: int):
    return _fresh(request, incident_id, "incident")


@router.patch("/incidents/{incident_id}", response={200: IncidentOut, **ERRORS})
def update_incident(request, incident_id: int, data: IncidentPatch):
    """Complete or correct the declaration (fields sent only)."""
    changes = data.dict(exclude_unset=True)
    if "informed" in changes and changes["informed"] is not None:
        changes["informed"] = [dict(item) for item in changes["informed"]]
    services.update_declaration(request.user, incident_id, **changes)
    return _fresh(request, incident_id, "declaration")


@router.post("/incidents/{incident_id}/persons", response={201: PersonLinkOut, **ERRORS})
def add_person(request, incident_id: int, data: PersonLinkIn):
    """Link a person involved, by record number (within the user's scope)."""
    return Status(201, services.add_person(request.user, incident_id, data.person, data.role))


@router.delete("/incidents/{incident_id}/persons/{person_id}", response={204: None, **ERRORS})
def remove_person(request, incident_id: int, person_id: int):
    services.remove_person(request.user, incident_id, person_id)
    return Status(204, None)


@router.post("/incidents/{incident_id}/classify", response={200: IncidentOut, **ERRORS})
def classify(request, incident_id: int, data: ClassifyIn):
    services.classify(request.user, incident_id, **data.dict())
    return _fresh(request, incident_id, "classification")


@router.post("/incidents/{incident_id}/report", response={200: IncidentOut, **ERRORS})
def report(request, incident_id: int, data: IncidentReportIn):
    """Record the date the EIG notification form was sent to the authority."""
    services.record_report(request.user, incident_id, reported_on=data.reported_on)
    return _fresh(request, incident_id, "report")


@router.post("/incidents/{incident_id}/analysis", response={200: IncidentOut, **ERRORS})
def analysis(request, incident_id: int, data: AnalysisIn):
    services.analyse(request.user, incident_id, causes=data.causes)
    return _fresh(request, incident_id, "analysis")


@router.post("/incidents/{incident_id}/actions", response={201: IncidentActionOut, **ERRORS})
def add_action(request, incident_id: int, data: IncidentActionIn):
    return Status(201, services.add_corrective_action(request.user, incident_id, **data.dict()))


@router.post("/incidents/{incident_id}/actions/{action_id}/done", response={200: IncidentActionOut, **ERRORS})
def action_done(request, incident_id: int, action_id: int, data: ActionDoneIn | None = None):
    """Mark a corrective action done (default today)."""
    done_on = data.done_on if data else None
    return services.complete_action(request.user, action_id, done_on=done_on, incident_id=incident_id)


@router.post("/incidents/{incident_id}/close", response={200: IncidentOut, **ERRORS})
def close(request, incident_id: int, data: CloseIn):
    services.close(request.user, incident_id, **data.dict())
    return _fresh(request, incident_id, "closure")


@router.get("/incidents/{incident_id}/eig.pdf", response={200: None, **ERRORS})
def eig_form(request, incident_id: int):
    """The EIG notification form to the authority (PDF), audited as an export."""
    from parcours.steering.incidents.document import eig_pdf

    incident = selectors.incident_for(request.user, incident_id)
    links = selectors.read(request.user, incident, section="eig_form", action=AuditAction.EXPORT)
    response = HttpResponse(eig_pdf(incident, links), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="eig-{incident.pk}-{today():%Y%m%d}.pdf"'
    return response
