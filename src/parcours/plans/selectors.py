"""Read side of plans: the plans of a person, the legal deadlines due and the deadlines dashboard
(always scoped through the access layer)."""

from datetime import date, timedelta

from django.db.models import Prefetch, Q

from parcours.access import scoping
from parcours.core.dates import today
from parcours.pathways.models import Assignment, Stay
from parcours.plans.models import Evaluation, Plan, PlanStatus


def plans(user, person: int | None = None):
    qs = scoping.plans_visible_to(user, Plan.objects.all()).prefetch_related(
        "objectives__actions", "evaluations__results"
    )
    if person:
        qs = qs.filter(person_id=person)
    return qs.order_by("person_id", "kind", "-version")


def _pending(user):
    """Plans whose deadline is not met: drafts (due date) and signed plans to review (next review),
    leaving out a signed plan already replaced by a signed amendment."""
    return (
        scoping.plans_visible_to(user, Plan.objects.all())
        .filter(Q(status=PlanStatus.DRAFT) | Q(status=PlanStatus.SIGNED, next_review_date__isnull=False))
        .exclude(status=PlanStatus.SIGNED, amendment__isnull=False)
    )


def _deadline_of(plan) -> tuple[str, date]:
    if plan.status == PlanStatus.DRAFT:
        return plan.kind, plan.due_date
    return "review", plan.next_review_date


def due(user, before: date, *, unit: int | None = None, coordinator: int | None = None) -> list[dict]:
    """Deadlines not met that fall before the date or are overdue: drafts past their due date, signed
    plans to review (a signed plan with an amendment in progress counts by the amendment's date).
    Optionally restricted to the persons staying in a unit or followed by a professional."""
    day = today()
    qs = _pending(user).filter(
        Q(status=PlanStatus.DRAFT, due_date__lte=before)
        | Q(status=PlanStatus.SIGNED, next_review_date__lte=before)
    )
    if unit:
        qs = qs.filter(
            person__in=Stay.objects.filter(unit_id=unit)
            .filter(Q(end_date__isnull=True) | Q(end_date__gt=day))
            .values("person_id")
        )
    if coordinator:
        qs = qs.filter(
            person__in=Assignment.objects.filter(professional_id=coordinator)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
            .values("person_id")
        )
    rows = []
    for plan in qs.select_related("person", "stay__unit"):
        kind, deadline = _deadline_of(plan)
        rows.append(
            {
                "person": plan.person_id,
                "person_name": str(plan.person),
                "plan": plan.pk,
                "plan_kind": plan.kind,
                "plan_label": plan.get_kind_display(),
                "unit": plan.stay.unit.name if plan.stay_id else "",
                "kind": kind,
                "deadline": deadline,
                "overdue": deadline < day,
                "days": (deadline - day).days,
                "late_days": max(0, (day - deadline).days),
            }
        )
    return sorted(rows, key=lambda r: (r["deadline"], r["person"]))


def dashboard(user, *, unit: int | None = None, coordinator: int | None = None) -> dict:
    """The deadlines dashboard: what is overdue, due this week (up to Sunday) and this month (up to its
    last day, or the next 30 days when the month ends within the week)."""
    day = today()
    week_end = day + timedelta(days=6 - day.weekday())
    next_month = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    month_end = max(next_month - timedelta(days=1), week_end)
    rows = due(user, month_end, unit=unit, coordinator=coordinator)
    return {
        "overdue": [r for r in rows if r["overdue"]],
        "week": [r for r in rows if not r["overdue"] and r["deadline"] <= week_end],
        "month": [r for r in rows if r["deadline"] > week_end],
        "week_end": week_end,
        "month_end": month_end,
    }


def coordinators(user):
    """Professionals assigned to persons in the user's scope (for the dashboard's filter)."""
    from parcours.access.models import User
    from parcours.people.models import Person

    persons = scoping.persons_visible_to(user, Person.objects.all())
    return (
        User.objects.filter(assignments__person__in=persons.values("pk"))
        .distinct()
        .order_by("last_name", "first_name")
    )


def plan_detail(user, plan_id: int) -> Plan:
    """A plan with its objectives, actions and evaluations, and the other versions of its line."""
    plan = (
        scoping.plans_visible_to(user, Plan.objects.select_related("person", "stay__unit", "previous"))
        .prefetch_related(
            "objectives__actions",
            Prefetch("evaluations", queryset=Evaluation.objects.prefetch_related("results__objective")),
        )
        .filter(pk=plan_id)
        .first()
    )
    return plan


def versions(plan: Plan) -> list[Plan]:
    """The versions of a plan, oldest first (following the amendment chain both ways)."""
    chain = [plan]
    current = plan
    while current.previous_id:
        current = Plan.objects.get(pk=current.previous_id)
        chain.insert(0, current)
    current = plan
    while True:
        nxt = Plan.objects.filter(previous=current).first()
        if nxt is None:
            break
        chain.append(nxt)
        current = nxt
    return chain


def objective_history(plan: Plan) -> list[dict]:
    """How each objective evolved across the co-evaluations of the plan and its earlier versions
    (objectives carried over by an amendment are matched by their description)."""
    chain = [p for p in versions(plan) if p.version <= plan.version]
    evaluations = (
        Evaluation.objects.filter(plan__in=chain)
        .prefetch_related("results__objective")
        .order_by("date", "id")
    )
    history: dict[str, dict] = {}
    for objective in plan.objectives.all():
        history[objective.description] = {"objective": objective, "results": []}
    for evaluation in evaluations:
        for result in evaluation.results.all():
            entry = history.get(result.objective.description)
            if entry is not None:
                entry["results"].append(
                    {
                        "date": evaluation.date,
                        "status": result.status,
                        "label": result.get_status_display(),
                        "comment": result.comment,
                    }
                )
    return list(history.values())
