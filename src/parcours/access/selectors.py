"""Read queries of the access app, scoped to the acting user."""

from datetime import date, datetime, time

from django.db.models import Q
from django.utils import timezone

from parcours.access import scoping
from parcours.access.models import AuditEvent, User
from parcours.access.roles import Perm


def audit_events(
    actor,
    *,
    person=None,
    actor_id=None,
    action=None,
    date_from: date | None = None,
    date_to: date | None = None,
):
    """Audit events, newest first (admin and quality roles only)."""
    scoping.require(actor, Perm.VIEW_AUDIT)
    qs = AuditEvent.objects.select_related("actor").order_by("-at", "-id")
    if not scoping.sees_everything(actor):
        # Events on the persons of the viewer's scope, and the other events of its colleagues.
        from parcours.people.models import Person

        persons = Person.objects.visible_to(actor, Perm.VIEW_AUDIT).values("pk")
        colleagues = users_in_scope(actor, Perm.VIEW_AUDIT).values("pk")
        qs = qs.filter(Q(person_id__in=persons) | Q(person_id__isnull=True, actor_id__in=colleagues))
    if person:
        qs = qs.filter(person_id=person)
    if actor_id:
        qs = qs.filter(actor_id=actor_id)
    if action:
        qs = qs.filter(action=action)
    tz = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        qs = qs.filter(at__lte=datetime.combine(date_to, time.max, tzinfo=tz))
    return qs


def users_in_scope(actor, perm: str):
    """Users holding a membership inside the actor's scope for a permission."""
    qs = User.objects.all()
    if scoping.sees_everything(actor):
        return qs
    units = scoping.units_visible_to(actor, perm).values("pk")
    ests = scoping.establishments_visible_to(actor, perm).values("pk")
    orgs = scoping.organisation_ids(actor, perm) or set()
    return qs.filter(
        Q(memberships__organisation_id__in=orgs)
        | Q(memberships__establishment_id__in=ests)
        | Q(memberships__unit_id__in=units)
    ).distinct()


def users(actor):
    """Users (group admins only), with their memberships."""
    scoping.require(actor, Perm.MANAGE_USERS)
    return users_in_scope(actor, Perm.MANAGE_USERS).prefetch_related("memberships").order_by("username")
