"""API: assessment grids (designed by an admin, filled for a person or a referral)."""

from django.http import HttpResponse
from ninja import Router, Status

from parcours.access.models import AuditAction
from parcours.access.services import audit
from parcours.api.common import ERRORS, list_of, page
from parcours.assessments import selectors, services
from parcours.assessments.schemas import (
    AssessmentIn,
    AssessmentOut,
    AssessmentPatch,
    GridIn,
    GridOut,
    GridQuestionIn,
    GridQuestionOut,
    GridSectionIn,
    GridSectionOut,
    GridSummaryOut,
)
from parcours.core.exports import csv_bytes

router = Router(tags=["Assessment grids"])


def _grid_out(user, grid_id: int):
    return selectors.grid_for(user, grid_id)


@router.get("/grids", response={200: list_of(GridSummaryOut), **ERRORS})
def list_grids(
    request, status: str | None = None, organisation: int | None = None, limit: int = 50, offset: int = 0
):
    """Grids of the organisations in the user's scope (all versions; status=published for those in use)."""
    count, items = page(
        selectors.grids(request.user, status=status, organisation=organisation), limit, offset
    )
    return {"count": count, "items": items}


@router.post("/grids", response={201: GridOut, **ERRORS})
def create_grid(request, data: GridIn):
    grid = services.create_grid(request.user, **data.dict())
    return Status(201, _grid_out(request.user, grid.pk))


@router.get("/grids/{grid_id}", response={200: GridOut, **ERRORS})
def get_grid(request, grid_id: int):
    """A grid version with its sections and questions."""
    return _grid_out(request.user, grid_id)


@router.post("/grids/{grid_id}/sections", response={201: GridSectionOut, **ERRORS})
def add_section(request, grid_id: int, data: GridSectionIn):
    return Status(201, services.add_section(request.user, grid_id, **data.dict()))


@router.delete("/grids/{grid_id}/sections/{section_id}", response={204: None, **ERRORS})
def remove_section(request, grid_id: int, section_id: int):
    """Only on a draft grid: the section and its questions."""
    services.remove_section(request.user, grid_id, section_id)
    return Status(204, None)


@router.post("/grids/{grid_id}/questions", response={201: GridQuestionOut, **ERRORS})
def add_question(request, grid_id: int, data: GridQuestionIn):
    payload = data.dict()
    payload["min_value"] = payload.pop("min")
    payload["max_value"] = payload.pop("max")
    return Status(201, services.add_question(request.user, grid_id, **payload))


@router.delete("/grids/{grid_id}/questions/{question_id}", response={204: None, **ERRORS})
def remove_question(request, grid_id: int, question_id: int):
    """Only on a draft grid."""
    services.remove_question(request.user, grid_id, question_id)
    return Status(204, None)


@router.post("/grids/{grid_id}/publish", response={200: GridOut, **ERRORS})
def publish(request, grid_id: int):
    """The draft becomes immutable and replaces the previous version (which is retired)."""
    services.publish(request.user, grid_id)
    return _grid_out(request.user, grid_id)


@router.post("/grids/{grid_id}/versions", response={201: GridOut, **ERRORS})
def new_version(request, grid_id: int):
    """A draft copy of a published grid, numbered version + 1, to make it evolve."""
    draft = services.new_version(request.user, grid_id)
    return Status(201, _grid_out(request.user, draft.pk))


@router.get("/grids/{grid_id}/export.csv", response={200: None, **ERRORS})
def export_grid(request, grid_id: int):
    """Completed assessments of this grid version visible to the user: one row each, one column per
    question key (spreadsheet-safe CSV: semicolons, UTF-8 with BOM)."""
    grid = selectors.grid_for(request.user, grid_id)
    header, rows, items = selectors.export_rows(request.user, grid)
    audit(
        request.user,
        AuditAction.EXPORT,
        grid,
        format="csv",
        ids=[a.pk for a in items],
        persons=sorted({a.subject_person_id for a in items}),
    )
    response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="grille-{grid.pk}-v{grid.version}.csv"'
    return response


@router.get("/assessments", response={200: list_of(AssessmentOut), **ERRORS})
def list_assessments(
    request,
    person: int | None = None,
    referral: int | None = None,
    grid: int | None = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
):
    """Assessments of a person or a referral (404 when out of scope), or all those the user may read."""
    qs = selectors.assessments(request.user, person=person, referral=referral, grid=grid, status=status)
    count, items = page(qs, limit, offset)
    audit(
        request.user,
        AuditAction.VIEW,
        "assessment",
        person=person,
        section="assessments",
        referral=referral,
        ids=[a.pk for a in items],
    )
    return {"count": count, "items": items}


@router.post("/assessments", response={201: AssessmentOut, **ERRORS})
def start_assessment(request, data: AssessmentIn):
    """Start filling a grid for a person or a referral (complete: true to complete it at once)."""
    return Status(201, services.start_assessment(request.user, **data.dict()))


@router.get("/assessments/{assessment_id}", response={200: AssessmentOut, **ERRORS})
def get_assessment(request, assessment_id: int):
    return selectors.open_assessment(request.user, assessment_id)


@router.patch("/assessments/{assessment_id}", response={200: AssessmentOut, **ERRORS})
def save_assessment(request, assessment_id: int, data: AssessmentPatch):
    """Save answers on a draft (given keys replace the stored ones, null clears one); complete: true
    completes it once every required question is answered."""
    return services.save_assessment(request.user, assessment_id, **data.dict())
