"""API: individual plans (API.md — Plans)."""

from datetime import date

from django.http import HttpResponse
from ninja import Router, Status

from parcours.access.models import AuditAction
from parcours.access.services import audit
from parcours.api.common import ERRORS, list_of, page
from parcours.core.dates import today
from parcours.plans import selectors, services
from parcours.plans.schemas import (
    DueOut,
    EvaluationIn,
    EvaluationOut,
    PlanIn,
    PlanObjectiveIn,
    PlanObjectiveOut,
    PlanOut,
    PlanPatch,
    SerafinOut,
    SignIn,
)

router = Router(tags=["Plans"])


@router.get("/plans", response={200: list_of(PlanOut), **ERRORS})
def list_plans(request, person: int | None = None, limit: int = 50, offset: int = 0):
    count, items = page(selectors.plans(request.user, person), limit, offset)
    audit(request.user, AuditAction.VIEW, "plan", person=person, section="plans", ids=[p.pk for p in items])
    return {"count": count, "items": items}


@router.post("/plans", response={201: PlanOut, **ERRORS})
def create_plan(request, data: PlanIn):
    return Status(201, services.create_plan(request.user, **data.dict()))


@router.get("/plans/due", response={200: list[DueOut], **ERRORS})
def due(request, before: date | None = None, unit: int | None = None, coordinator: int | None = None):
    """Legal deadlines not met that fall before the date, or overdue (optionally for the persons of a
    unit or followed by a professional)."""
    rows = selectors.due(request.user, before or today(), unit=unit, coordinator=coordinator)
    audit(request.user, AuditAction.VIEW, "plan", section="due", ids=[r["plan"] for r in rows])
    return rows


@router.get("/plans/{plan_id}", response={200: PlanOut, **ERRORS})
def get_plan(request, plan_id: int):
    plan = services.plan_for(request.user, plan_id)
    audit(request.user, AuditAction.VIEW, plan, person=plan.person_id, section="plan")
    return plan


@router.patch("/plans/{plan_id}", response={200: PlanOut, **ERRORS})
def update_plan(request, plan_id: int, data: PlanPatch):
    """Edit a draft: the person's and the family's expression, the needs by domain, the partners."""
    return services.update_plan(request.user, plan_id, **data.dict(exclude_none=True))


@router.get("/plans/{plan_id}/document.pdf", response={200: None, **ERRORS})
def plan_document(request, plan_id: int):
    """The plan as a PDF to be signed."""
    from parcours.plans.document import plan_pdf

    plan = services.plan_for(request.user, plan_id)
    audit(request.user, AuditAction.EXPORT, plan, person=plan.person_id, format="pdf")
    response = HttpResponse(plan_pdf(plan), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}-v{plan.version}.pdf"'
    return response


@router.delete("/objectives/{objective_id}", response={204: None, **ERRORS})
def remove_objective(request, objective_id: int):
    """Take an objective out of a draft plan."""
    services.remove_objective(request.user, objective_id)
    return Status(204, None)


@router.get("/reference/serafin-ph", response={200: list[SerafinOut], **ERRORS})
def serafin(request):
    """The SERAFIN-PH nomenclature of needs and services (codes and labels)."""
    from parcours.plans.reference import serafin_rows

    return serafin_rows()


@router.post("/plans/{plan_id}/objectives", response={201: PlanObjectiveOut, **ERRORS})
def add_objective(request, plan_id: int, data: PlanObjectiveIn):
    payload = data.dict()
    return Status(201, services.add_objective(request.user, plan_id, **payload))


@router.post("/plans/{plan_id}/sign", response={200: PlanOut, **ERRORS})
def sign(request, plan_id: int, data: SignIn):
    return services.sign(request.user, plan_id, **data.dict())


@router.post("/plans/{plan_id}/amend", response={201: PlanOut, **ERRORS})
def amend(request, plan_id: int):
    """A new draft version of a signed plan (the signed version is kept as it is)."""
    return Status(201, services.amend(request.user, plan_id))


@router.post("/plans/{plan_id}/evaluations", response={201: EvaluationOut, **ERRORS})
def evaluate(request, plan_id: int, data: EvaluationIn):
    payload = data.dict()
    return Status(201, services.evaluate(request.user, plan_id, **payload))
