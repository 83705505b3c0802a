"""Read queries of the access app, scoped to the acting user."""

from datetime import date, datetime, time

from django.utils import timezone

from parcours.access import scoping
from parcours.access.models import AuditEvent, User
from parcours.access.roles import Perm


def audit_events(actor, *, person=None, actor_id=None, action=None, date_from: date | None = None, date_to: date | None = None):
    """Audit events, newest first (admin and quality roles only)."""
    scoping.require(actor, Perm.VIEW_AUDIT)
    qs = AuditEvent.objects.select_related("actor").order_by("-at", "-id")
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


def users(actor):
    """Users (group admins only), with their memberships."""
    scoping.require(actor, Perm.MANAGE_USERS)
    qs = User.objects.prefetch_related("memberships").order_by("username")
    orgs = scoping.organisation_ids(actor, Perm.MANAGE_USERS)
    if orgs is not None:
        from django.db.models import Q

        qs = qs.filter(
            Q(memberships__organisation_id__in=orgs)
            | Q(memberships__establishment__organisation_id__in=orgs)
            | Q(memberships__unit__establishment__organisation_id__in=orgs)
        ).distinct()
    return qs
