"""API: stays (API.md — Pathways)."""

from ninja import Router, Status

from parcours.access.models import AuditAction
from parcours.access.services import audit
from parcours.api.common import ERRORS, list_of, page
from parcours.pathways import selectors, services
from parcours.pathways.schemas import AssignmentIn, AssignmentOut, PathwayOut, StayEndIn, StayIn, StayOut

router = Router(tags=["Parcours"])


@router.get("/stays", response={200: list_of(StayOut), **ERRORS})
def list_stays(request, person: int | None = None, unit: int | None = None, limit: int = 50, offset: int = 0):
    """Stays of the persons visible to the user; the listing is audited."""
    count, items = page(selectors.stays(request.user, person=person, unit=unit), limit, offset)
    audit(request.user, AuditAction.VIEW, "stay", person=person, section="stays", ids=[s.pk for s in items])
    return {"count": count, "items": items}


@router.post("/stays", response={201: StayOut, **ERRORS})
def create_stay(request, data: StayIn):
    return Status(201, services.create_stay(request.user, **data.dict()))


@router.get("/stays/{stay_id}", response={200: StayOut, **ERRORS})
def get_stay(request, stay_id: int):
    stay = selectors.stay_for(request.user, stay_id)
    audit(request.user, AuditAction.VIEW, stay, person=stay.person_id, section="stay")
    return stay


@router.post("/stays/{stay_id}/end", response={200: StayOut, **ERRORS})
def end_stay(request, stay_id: int, data: StayEndIn):
    return services.end_stay(request.user, stay_id, **data.dict())


@router.get("/persons/{person_id}/assignments", response={200: list[AssignmentOut], **ERRORS})
def list_assignments(request, person_id: int):
    """The professionals assigned to the person (référent, pathway coordinator), current and past."""
    person, qs = selectors.assignments(request.user, person_id)
    audit(request.user, AuditAction.VIEW, person, person=person, section="assignments")
    return list(qs)


@router.post("/persons/{person_id}/assignments", response={201: AssignmentOut, **ERRORS})
def assign(request, person_id: int, data: AssignmentIn):
    return Status(201, services.assign_professional(request.user, person=person_id, **data.dict()))


@router.get("/persons/{person_id}/pathway", response={200: PathwayOut, **ERRORS}, by_alias=True)
def get_pathway(request, person_id: int):
    """The person's timeline across referrals, decisions, stays and measures, with ruptures flagged."""
    from parcours.pathways.timeline import pathway
    from parcours.people.selectors import open_record

    person = open_record(request.user, person_id, section="pathway")
    return pathway(person, request.user)
