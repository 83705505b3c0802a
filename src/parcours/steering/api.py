"""API: activity indicators (API.md — Indicators), monthly trends, comparison between units and the
drill-down to the stays or referrals behind a figure."""

from ninja import Query, Router

from parcours.access.models import AuditAction
from parcours.access.services import audit
from parcours.api.common import ERRORS
from parcours.steering import selectors
from parcours.steering.schemas import (
    DrillQuery,
    DrillRow,
    IndicatorQuery,
    IndicatorsOut,
    MonthOut,
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
