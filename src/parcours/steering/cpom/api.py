"""API: CPOM follow-up — the contract, its objectives, actions, stages and indicators, the yearly
values, the dashboard (target vs actual per year, red/amber/green) and the PDF and Excel exports."""

from django.http import HttpResponse
from ninja import Router, Status

from parcours.access.models import AuditAction
from parcours.access.services import audit
from parcours.api.common import ERRORS, list_of, page
from parcours.steering.cpom import selectors, services
from parcours.steering.cpom.choices import COMPUTED_KEYS, RATE_KEYS
from parcours.steering.cpom.schemas import (
    ActionPatch,
    ComputedKeyOut,
    CpomActionIn,
    CpomActionOut,
    CpomIn,
    CpomObjectiveIn,
    CpomObjectiveOut,
    CpomOut,
    CpomPatch,
    CpomSummaryOut,
    DashboardOut,
    IndicatorIn,
    IndicatorOut,
    IndicatorPatch,
    ObjectivePatch,
    ProgrammeOut,
    StageIn,
    StageOut,
    StagePatch,
    ValueIn,
    ValueOut,
)

router = Router(tags=["CPOM"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/cpoms", response={200: list_of(CpomSummaryOut), **ERRORS})
def list_cpoms(request, organisation: int | None = None, limit: int = 50, offset: int = 0):
    """The CPOMs of the organisations in the user's scope."""
    qs = selectors.cpoms(request.user)
    if organisation is not None:
        qs = qs.filter(organisation_id=organisation)
    count, items = page(qs, limit, offset)
    return {"count": count, "items": items}


@router.post("/cpoms", response={201: CpomOut, **ERRORS})
def create_cpom(request, data: CpomIn):
    cpom = services.create_cpom(request.user, **data.dict())
    return Status(201, selectors.cpom_tree(request.user, cpom.pk))


@router.get("/cpom-indicator-keys", response={200: list[ComputedKeyOut], **ERRORS})
def computed_keys(request):
    """The platform's indicators a CPOM indicator may be bound to (rates are decimals 0–1)."""
    selectors.require_reader(request.user)
    return [{"key": k, "label": v, "rate": k in RATE_KEYS} for k, v in COMPUTED_KEYS.items()]


@router.get("/cpoms/{cpom_id}", response={200: CpomOut, **ERRORS})
def get_cpom(request, cpom_id: int):
    """The CPOM with its strategic objectives, actions, stages and indicators."""
    return selectors.cpom_tree(request.user, cpom_id)


@router.patch("/cpoms/{cpom_id}", response={200: CpomOut, **ERRORS})
def update_cpom(request, cpom_id: int, data: CpomPatch):
    services.update_cpom(request.user, cpom_id, **data.dict(exclude_unset=True))
    return selectors.cpom_tree(request.user, cpom_id)


@router.post("/cpoms/{cpom_id}/objectives", response={201: CpomObjectiveOut, **ERRORS})
def add_objective(request, cpom_id: int, data: CpomObjectiveIn):
    return Status(201, services.add_objective(request.user, cpom_id, **data.dict()))


@router.patch("/cpom-objectives/{objective_id}", response={200: CpomObjectiveOut, **ERRORS})
def update_objective(request, objective_id: int, data: ObjectivePatch):
    return services.update_objective(request.user, objective_id, **data.dict(exclude_unset=True))


@router.post("/cpom-objectives/{objective_id}/actions", response={201: CpomActionOut, **ERRORS})
def add_action(request, objective_id: int, data: CpomActionIn):
    return Status(201, services.add_action(request.user, objective_id, **data.dict()))


@router.post("/cpom-objectives/{objective_id}/indicators", response={201: IndicatorOut, **ERRORS})
def add_objective_indicator(request, objective_id: int, data: IndicatorIn):
    """An indicator of the strategic objective as a whole."""
    return Status(201, services.add_indicator(request.user, objective=objective_id, **data.dict()))


@router.patch("/cpom-actions/{action_id}", response={200: CpomActionOut, **ERRORS})
def update_action(request, action_id: int, data: ActionPatch):
    return services.update_action(request.user, action_id, **data.dict(exclude_unset=True))


@router.get("/cpom-actions/{action_id}/programme", response={200: ProgrammeOut, **ERRORS})
def programme(request, action_id: int):
    """The 'programmation prévisionnelle' table: stages × years, planned and progress."""
    return selectors.action_programme(request.user, action_id)


@router.post("/cpom-actions/{action_id}/stages", response={201: StageOut, **ERRORS})
def add_stage(request, action_id: int, data: StageIn):
    return Status(201, services.add_stage(request.user, action_id, **data.dict()))


@router.patch("/cpom-stages/{stage_id}", response={200: StageOut, **ERRORS})
def update_stage(request, stage_id: int, data: StagePatch):
    """The stage's progress per year ({"2025": "done"}), and optionally its label or planned years."""
    return services.update_stage(request.user, stage_id, **data.dict(exclude_unset=True))


@router.post("/cpom-actions/{action_id}/indicators", response={201: IndicatorOut, **ERRORS})
def add_action_indicator(request, action_id: int, data: IndicatorIn):
    return Status(201, services.add_indicator(request.user, action=action_id, **data.dict()))


@router.patch("/cpom-indicators/{indicator_id}", response={200: IndicatorOut, **ERRORS})
def update_indicator(request, indicator_id: int, data: IndicatorPatch):
    return services.update_indicator(request.user, indicator_id, **data.dict(exclude_unset=True))


@router.put("/cpom-indicators/{indicator_id}/values/{year}", response={200: ValueOut, **ERRORS})
def record_value(request, indicator_id: int, year: int, data: ValueIn):
    """The actual of a manual indicator for a year (created or replaced)."""
    return services.record_value(request.user, indicator_id, year, **data.dict())


@router.get("/cpoms/{cpom_id}/dashboard", response={200: DashboardOut, **ERRORS})
def dashboard(request, cpom_id: int):
    """Each indicator's target and actual per year with its status (green, amber, red or null)."""
    return selectors.dashboard(request.user, cpom_id)


@router.get("/cpoms/{cpom_id}/export.xlsx", response={200: None, **ERRORS})
def export_xlsx(request, cpom_id: int):
    """The CPOM as an Excel workbook: one sheet per strategic objective and one of indicators."""
    from parcours.steering.cpom.workbook import cpom_workbook

    cpom = selectors.cpom_tree(request.user, cpom_id)
    content = cpom_workbook(request.user, cpom)
    audit(request.user, AuditAction.EXPORT, cpom, format="xlsx")
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="cpom-{cpom.pk}.xlsx"'
    return response


@router.get("/cpoms/{cpom_id}/document.pdf", response={200: None, **ERRORS})
def document_pdf(request, cpom_id: int):
    """The CPOM as a PDF: action sheets, programme tables, indicators target vs actual."""
    from parcours.steering.cpom.document import cpom_pdf

    cpom = selectors.cpom_tree(request.user, cpom_id)
    content = cpom_pdf(request.user, cpom)
    audit(request.user, AuditAction.EXPORT, cpom, format="pdf")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="cpom-{cpom.pk}.pdf"'
    return response
