"""Deadline reminders: every day, the professionals responsible for a person are told of the plans due
in the next 15 days and of the overdue ones, in the app and by e-mail. Each reminder is sent once per
deadline (the job may run again the same day, or be late, without repeating itself)."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q

from parcours.access.models import AuditAction, Membership, User
from parcours.access.roles import Role
from parcours.access.services import audit
from parcours.core.dates import today
from parcours.pathways.models import Assignment, Stay
from parcours.plans.models import Plan, PlanStatus, Reminder

WINDOW_DAYS = 15
STAFF_ROLES = (Role.HEAD_OF_SERVICE, Role.COORDINATOR, Role.DIRECTOR)


def pending_deadlines(as_of: date, window: int = WINDOW_DAYS):
    """Every plan whose deadline falls within the window or has passed without being met (all scopes:
    the job works for everyone, each reminder goes to the people responsible)."""
    limit = as_of + timedelta(days=window)
    qs = (
        Plan.objects.filter(
            Q(status=PlanStatus.DRAFT, due_date__lte=limit)
            | Q(status=PlanStatus.SIGNED, next_review_date__lte=limit)
        )
        .exclude(status=PlanStatus.SIGNED, amendment__isnull=False)
        .filter(person__archived_at__isnull=True)
        .select_related("person", "stay__unit")
    )
    for plan in qs:
        deadline = plan.due_date if plan.status == PlanStatus.DRAFT else plan.next_review_date
        yield plan, deadline


def responsible_for(plan: Plan, as_of: date) -> list[User]:
    """The person's référent and pathway coordinator; failing them, the heads of service, coordinators
    and directors of the unit where the person stays (or of the plan's stay)."""
    assigned = User.objects.filter(
        is_active=True,
        assignments__in=Assignment.objects.filter(person_id=plan.person_id, start_date__lte=as_of).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=as_of)
        ),
    ).distinct()
    if assigned:
        return list(assigned)
    unit_ids = set(
        Stay.objects.filter(person_id=plan.person_id, start_date__lte=as_of)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=as_of))
        .values_list("unit_id", flat=True)
    )
    if plan.stay_id:
        unit_ids.add(plan.stay.unit_id)
    q = Q(unit_id__in=unit_ids) | Q(establishment__units__id__in=unit_ids)
    if plan.person.home_establishment_id:
        q |= Q(establishment_id=plan.person.home_establishment_id)
    for role in STAFF_ROLES:
        staff = User.objects.filter(
            is_active=True, memberships__in=Membership.objects.filter(q, role=role)
        ).distinct()
        if staff:
            return list(staff)
    return []


def send_reminders(as_of: date | None = None) -> dict:
    """Notify the responsible professionals of the deadlines in the next 15 days and of the overdue
    ones; returns counts of reminders sent by kind."""
    from parcours.admissions.services import notify

    as_of = as_of or today()
    sent = {"upcoming": 0, "overdue": 0}
    for plan, deadline in pending_deadlines(as_of):
        kind = "overdue" if deadline < as_of else "upcoming"
        label = (
            plan.get_kind_display()
            if plan.status == PlanStatus.DRAFT
            else f"Révision — {plan.get_kind_display()}"
        )
        if kind == "overdue":
            text = f"En retard depuis le {deadline:%d/%m/%Y} : {label} de {plan.person}."
        else:
            text = f"Échéance le {deadline:%d/%m/%Y} : {label} de {plan.person}."
        for user in responsible_for(plan, as_of):
            try:
                with transaction.atomic():
                    Reminder.objects.create(plan=plan, user=user, deadline=deadline, kind=kind, sent_on=as_of)
                    notify([user], text, f"/projets/{plan.pk}/")
            except IntegrityError:
                continue  # already reminded of this deadline
            sent[kind] += 1
    audit(None, AuditAction.CREATE, "reminder", username="parcours remind", as_of=as_of.isoformat(), **sent)
    return sent
