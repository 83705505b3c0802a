"""Read queries on stays: occupancy, vacancy, a person's stays. Always scoped to the acting user."""

from datetime import date

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from parcours.access import scoping
from parcours.core.dates import today
from parcours.directory.models import Unit
from parcours.directory.selectors import capacity_subquery
from parcours.pathways.models import Stay


def occupying_q(day: date, prefix: str = "") -> Q:
    """Stays occupying a place on a day: entered on or before it and not yet left (a same-day stay
    occupies its day)."""
    p = prefix
    return Q(**{f"{p}start_date__lte": day}) & (
        Q(**{f"{p}end_date__isnull": True})
        | Q(**{f"{p}end_date__gt": day})
        | Q(**{f"{p}end_date": day, f"{p}start_date": day})
    )


def occupied_subquery(day: date, unit_ref: str = "pk"):
    return Coalesce(
        Subquery(
            Stay.objects.filter(occupying_q(day), unit_id=OuterRef(unit_ref))
            .order_by()
            .values("unit_id")
            .annotate(n=Count("id"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def held_places(unit: Unit, day: date, exclude_referral: int | None = None) -> int:
    """Places held on a day for persons accepted in the unit (decision taken by then) and not yet
    admitted, withdrawn or refused."""
    from django.apps import apps

    Decision = apps.get_model("admissions", "Decision")
    qs = Decision.objects.filter(
        unit=unit, decision="accepted", decided_on__lte=day, referral__status="accepted"
    )
    if exclude_referral:
        qs = qs.exclude(referral_id=exclude_referral)
    return qs.count()


def held_before(unit: Unit, day: date, referral_id: int) -> int | None:
    """Places held on a day in the unit for the referrals ranked before this one — emergency first,
    then the date of the decision, then its order (the waiting list's priority) —, or None when this
    referral holds no place there (not accepted in the unit, or decided after the day)."""
    from django.apps import apps

    Decision = apps.get_model("admissions", "Decision")
    holds = Decision.objects.filter(
        unit=unit, decision="accepted", decided_on__lte=day, referral__status="accepted"
    )
    own = holds.filter(referral_id=referral_id).select_related("referral").first()
    if own is None:
        return None
    emergency = own.referral.emergency
    earlier = Q(decided_on__lt=own.decided_on) | Q(decided_on=own.decided_on, id__lt=own.pk)
    ahead = Q(referral__emergency=emergency) & earlier
    if not emergency:
        ahead |= Q(referral__emergency=True)
    return holds.filter(ahead).exclude(pk=own.pk).count()


def vacancy_for_admission(unit: Unit, day: date, referral_id: int | None) -> dict:
    """vacancy_on for admitting a referral on a day. The place the referral holds in the unit is its
    own: admitting consumes it, and only the places held for referrals ranked before it count against
    it (so that, even when more places are held than are free — a capacity lowered, acceptances
    recorded before acceptance was bounded by the free places —, the first in priority can be
    admitted). A referral holding no place there finds vacant only what no stay occupies and no
    acceptance holds."""
    vacancy = vacancy_on(unit, day)
    ahead = held_before(unit, day, referral_id) if referral_id else None
    if ahead is not None:
        vacancy["held"] = ahead
        vacancy["vacant"] = max(0, vacancy["capacity"] - vacancy["occupied"] - ahead)
    return vacancy


def vacancies_on(units, day: date, exclude_referral: int | None = None) -> dict[int, dict]:
    """vacancy_on for many units in one query (capacity in force, stays occupying, places held)."""
    from django.apps import apps

    Decision = apps.get_model("admissions", "Decision")
    held = Decision.objects.filter(
        unit_id=OuterRef("pk"), decision="accepted", decided_on__lte=day, referral__status="accepted"
    )
    if exclude_referral:
        held = held.exclude(referral_id=exclude_referral)
    held_count = Coalesce(
        Subquery(
            held.order_by().values("unit_id").annotate(n=Count("id")).values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )
    rows = (
        Unit.objects.filter(pk__in=units.values("pk"))
        .annotate(
            capacity=Coalesce(capacity_subquery(day), Value(0)),
            occupied=occupied_subquery(day),
            held=held_count,
        )
        .values("pk", "capacity", "occupied", "held")
    )
    return {
        r["pk"]: {
            "unit": r["pk"],
            "on": day,
            "capacity": r["capacity"],
            "occupied": r["occupied"],
            "held": r["held"],
            "vacant": max(0, r["capacity"] - r["occupied"] - r["held"]),
        }
        for r in rows
    }


def vacancy_on(unit: Unit, day: date, exclude_referral: int | None = None) -> dict:
    """Capacity in force on the day, places occupied by stays, places held for accepted referrals,
    and what is left (a referral being admitted does not count against itself)."""
    capacity = unit.capacity_on(day)
    occupied = Stay.objects.filter(occupying_q(day), unit=unit).count()
    held = held_places(unit, day, exclude_referral)
    return {
        "unit": unit.pk,
        "on": day,
        "capacity": capacity,
        "occupied": occupied,
        "held": held,
        "vacant": max(0, capacity - occupied - held),
    }


def offer(user, day: date | None = None):
    """Units in the user's scope with capacity and occupancy on the day, ordered by establishment."""
    day = day or today()
    return (
        scoping.units_visible_to(user)
        .select_related("establishment__organisation", "establishment__commune")
        .annotate(capacity_today=capacity_subquery(day), occupied_today=occupied_subquery(day))
        .order_by("establishment__organisation__name", "establishment__name", "name")
    )


def stays(user, *, person=None, unit=None, open_on: date | None = None):
    """Stays visible to the user: those in units of their scope, and all stays of persons they may
    see (the record shows the whole pathway)."""
    from parcours.people.models import Person

    visible_persons = Person.objects.visible_to(user).values("pk")
    qs = Stay.objects.filter(person_id__in=visible_persons).select_related("unit__establishment", "person")
    if person is not None:
        qs = qs.filter(person_id=person)
    if unit is not None:
        qs = qs.filter(unit_id=unit)
    if open_on is not None:
        qs = qs.filter(occupying_q(open_on))
    return qs.order_by("-start_date", "-id")


def stay_for(user, stay_id):
    try:
        stay_id = int(stay_id)
    except (TypeError, ValueError):
        stay_id = 0
    stay = stays(user).filter(pk=stay_id).first()
    if stay is None:
        from parcours.core.errors import NotFound

        raise NotFound("Séjour introuvable.")
    return stay


def assignments(user, person_id):
    from parcours.pathways.models import Assignment

    person = scoping.person_for(user, person_id)
    return person, Assignment.objects.filter(person=person).select_related("professional")
