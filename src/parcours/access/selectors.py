"""Read queries of the access app, scoped to the acting user."""

from datetime import date, datetime, time

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from parcours.access import scoping
from parcours.access.models import AuditEvent, Membership, User
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


def users_managed_by(actor):
    """The accounts an administrator may manage (list, change, revoke the tokens of): those whose
    memberships all lie within the organisations of its organisation-level admin memberships (a group
    with its members), with at least one membership there; never a superuser's. A superuser manages
    every account. The others answer 404 (their existence does not leak)."""
    if scoping.sees_everything(actor):
        return User.objects.all()
    orgs = scoping.organisation_ids_at_org_level(actor, Perm.MANAGE_USERS)
    if not orgs:
        return User.objects.none()
    inside = (
        Q(organisation_id__in=orgs)
        | Q(establishment__organisation_id__in=orgs)
        | Q(unit__establishment__organisation_id__in=orgs)
    )
    held = Membership.objects.filter(user_id=OuterRef("pk"))
    return User.objects.filter(Exists(held), is_superuser=False).exclude(Exists(held.exclude(inside)))


def users(actor):
    """Users (group admins only) whose memberships all lie within the admin's organisations, with
    their memberships."""
    scoping.require(actor, Perm.MANAGE_USERS)
    return users_managed_by(actor).prefetch_related("memberships").order_by("username")
