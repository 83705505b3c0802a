"""Read queries on the offer, always scoped to the acting user."""

from datetime import date

from django.db.models import IntegerField, OuterRef, Prefetch, Subquery

from parcours.access import scoping
from parcours.directory.models import Establishment, Organisation, Partner, Unit, UnitCapacity


def capacity_subquery(day: date, unit_ref: str = "pk"):
    """Capacity in force on a day, as a subquery on the capacity history."""
    return Subquery(
        UnitCapacity.objects.filter(unit_id=OuterRef(unit_ref), valid_from__lte=day)
        .order_by("-valid_from")
        .values("capacity")[:1],
        output_field=IntegerField(),
    )


def organisations(user):
    return scoping.organisations_visible_to(user).prefetch_related("member_of")


def establishments(user):
    return scoping.establishments_visible_to(user).select_related("organisation", "commune")


def units(user, day: date | None = None):
    """Units in scope, annotated with the capacity in force on the day (default today)."""
    from parcours.core.dates import today

    return (
        scoping.units_visible_to(user)
        .select_related("establishment__organisation", "establishment__commune")
        .annotate(current_capacity=capacity_subquery(day or today()))
    )


def unit_detail(user, unit_id: int) -> Unit:
    unit = scoping.unit_for(user, unit_id)
    return (
        Unit.objects.select_related("establishment__organisation", "establishment__commune")
        .prefetch_related("capacities", "antennas__commune", "communes_served")
        .get(pk=unit.pk)
    )


def partners(user):
    scoping.require(user, "view_records")
    return Partner.objects.select_related("commune", "organisation").prefetch_related("contacts")


def groups_with_members(user):
    return (
        organisations(user)
        .filter(kind="group")
        .prefetch_related(Prefetch("members", queryset=Organisation.objects.order_by("name")))
    )


__all__ = ["Establishment"]
