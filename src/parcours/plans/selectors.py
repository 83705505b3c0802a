"""Read side of plans: the plans of a person and the legal deadlines due (scoped)."""

from datetime import date

from django.db.models import Q

from parcours.core.dates import today
from parcours.people.models import Person
from parcours.plans.models import Plan, PlanStatus


def plans(user, person: int | None = None):
    qs = Plan.objects.filter(person__in=Person.objects.visible_to(user).values("pk")).prefetch_related(
        "objectives__actions", "evaluations__results"
    )
    if person:
        qs = qs.filter(person_id=person)
    return qs.order_by("person_id", "kind", "-version")


def due(user, before: date) -> list[dict]:
    """Deadlines not met that fall before the date or are overdue: drafts past their due date, signed
    plans to review."""
    day = today()
    rows = []
    qs = (
        plans(user)
        .filter(
            Q(status=PlanStatus.DRAFT, due_date__lte=before)
            | Q(status=PlanStatus.SIGNED, next_review_date__lte=before)
        )
        .exclude(amendment__status=PlanStatus.SIGNED)
    )
    for plan in qs.select_related("person"):
        if plan.status == PlanStatus.DRAFT:
            kind, deadline = plan.kind, plan.due_date
        else:
            kind, deadline = "review", plan.next_review_date
        rows.append(
            {
                "person": plan.person_id,
                "plan": plan.pk,
                "kind": kind,
                "deadline": deadline,
                "overdue": deadline < day,
            }
        )
    return sorted(rows, key=lambda r: (r["deadline"], r["person"]))
