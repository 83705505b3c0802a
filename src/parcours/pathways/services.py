"""Writes on stays and assignments. Placing a person locks the unit row and recounts vacancy inside
the transaction, so two concurrent placements never take the same last place."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction

from parcours.access import scoping
from parcours.access.models import AuditAction
from parcours.access.roles import Perm
from parcours.access.services import audit
from parcours.core.errors import Conflict, Invalid
from parcours.pathways.choices import AssignmentRole, ExitReason, Intensity
from parcours.pathways.models import Assignment, Stay
from parcours.pathways.selectors import vacancy_for_admission


def _effective_end(start: date, end: date | None) -> date | None:
    if end is None:
        return None
    return start + timedelta(days=1) if end == start else end


def overlapping_stays(
    person_id: int, unit_id: int, start: date, end: date | None, exclude: int | None = None
):
    """Stays of the person in the unit whose days overlap [start, end) (same-day stays count their day)."""
    end_eff = _effective_end(start, end)
    qs = Stay.objects.filter(person_id=person_id, unit_id=unit_id)
    if exclude:
        qs = qs.exclude(pk=exclude)
    clashes = []
    for stay in qs.only("id", "start_date", "end_date"):
        other_end = _effective_end(stay.start_date, stay.end_date)
        if (other_end is None or start < other_end) and (end_eff is None or stay.start_date < end_eff):
            clashes.append(stay)
    return clashes


def _check_ending(start: date, end: date | None, exit_reason: str) -> dict:
    errors = {}
    if end is not None:
        if end < start:
            errors["end_date"] = "La date de sortie précède la date d'entrée."
        if exit_reason not in ExitReason.values:
            errors["exit_reason"] = "Motif de sortie obligatoire : " + ", ".join(ExitReason.values) + "."
    elif exit_reason:
        errors["exit_reason"] = "Un motif de sortie suppose une date de sortie."
    return errors


def place_person(
    actor,
    *,
    person,
    unit_id: int,
    start_date: date,
    end_date: date | None = None,
    exit_reason: str = "",
    intensity: str = Intensity.FULL_TIME,
    emergency: bool = False,
    check_vacancy: bool = True,
    releasing_referral: int | None = None,
) -> Stay:
    """Create a stay of a person in a unit. Locks the unit, refuses overlapping stays of the person in
    the unit and, for an open stay, refuses when no place is vacant on its first day (409); the
    referral being admitted (releasing_referral) consumes the place it holds, only the places held for
    referrals ranked before it count against it (selectors.vacancy_for_admission)."""
    errors = {}
    if start_date is None:
        errors["start_date"] = "Date d'entrée obligatoire."
    if intensity not in Intensity.values:
        errors["intensity"] = "Intensité inconnue."
    if start_date is not None:
        errors.update(_check_ending(start_date, end_date, exit_reason or ""))
    if errors:
        raise Invalid(errors)
    if person.is_archived:
        raise Conflict("Dossier archivé : lecture seule.")
    with transaction.atomic():
        unit = scoping.unit_for(actor, unit_id, Perm.EDIT_RECORDS, lock=True)
        if start_date < unit.opened_on or (unit.closed_on and start_date >= unit.closed_on):
            raise Invalid({"start_date": "L'unité n'est pas ouverte à cette date."})
        if overlapping_stays(person.pk, unit.pk, start_date, end_date):
            raise Conflict(
                "Cette personne a déjà un séjour dans cette unité sur ces dates.",
                [{"field": "start_date", "message": "Chevauchement avec un séjour existant."}],
            )
        if check_vacancy and end_date is None:
            vacancy = vacancy_for_admission(unit, start_date, releasing_referral)
            if vacancy["vacant"] < 1:
                raise Conflict(
                    "Aucune place vacante dans cette unité à cette date.",
                    [
                        {
                            "field": "unit",
                            "message": f"{vacancy['occupied']} places occupées sur {vacancy['capacity']}.",
                        }
                    ],
                )
        stay = Stay(
            person=person,
            unit=unit,
            start_date=start_date,
            end_date=end_date,
            exit_reason=exit_reason or "",
            intensity=intensity,
            emergency=emergency,
            created_by=actor,
        )
        try:
            with transaction.atomic():
                stay.save()
        except IntegrityError:
            raise Conflict("Séjour en conflit avec un séjour existant.") from None
        audit(actor, AuditAction.CREATE, stay, person=person, unit=unit.pk)
        if end_date is None:
            from parcours.plans.services import ensure_required_plans  # the plans the law requires

            ensure_required_plans(stay, actor)
    return stay


def create_stay(
    actor,
    *,
    person: int,
    unit: int,
    start_date: date,
    end_date: date | None = None,
    exit_reason: str = "",
    intensity: str = Intensity.FULL_TIME,
) -> Stay:
    """Record a stay for a person in scope (POST /stays)."""
    subject = scoping.person_for(actor, person, Perm.EDIT_RECORDS)
    return place_person(
        actor,
        person=subject,
        unit_id=unit,
        start_date=start_date,
        end_date=end_date,
        exit_reason=exit_reason,
        intensity=intensity,
    )


def end_stay(actor, stay_id: int, *, end_date: date, exit_reason: str) -> Stay:
    """Close an open stay with its exit date (not counted) and exit reason."""
    from parcours.pathways.selectors import stay_for

    stay = stay_for(actor, stay_id)
    scoping.unit_for(actor, stay.unit_id, Perm.EDIT_RECORDS)
    if end_date is None:
        raise Invalid({"end_date": "Date de sortie obligatoire."})
    errors = _check_ending(stay.start_date, end_date, exit_reason or "")
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        stay = Stay.objects.select_for_update().get(pk=stay.pk)
        if stay.end_date is not None:
            raise Conflict("Ce séjour est déjà terminé.")
        if stay.person.is_archived:
            raise Conflict("Dossier archivé : lecture seule.")
        stay.end_date = end_date
        stay.exit_reason = exit_reason
        stay.save(update_fields=["end_date", "exit_reason"])
        audit(
            actor,
            AuditAction.UPDATE,
            stay,
            person=stay.person_id,
            end_date=end_date.isoformat(),
            exit_reason=exit_reason,
        )
        from parcours.admissions.services import notify_place_freed  # the unit's waiting list

        notify_place_freed(stay.unit, end_date)
    return stay


def assign_professional(actor, *, person: int, professional: int, role: str, start_date: date) -> Assignment:
    """Name the référent or the pathway coordinator of a person (a professional of the actor's scope);
    the previous one of that role ends on that date."""
    from parcours.access.models import User
    from parcours.access.selectors import users_in_scope
    from parcours.core.services import pick

    subject = scoping.person_for(actor, person, Perm.EDIT_RECORDS)
    if role not in AssignmentRole.values:
        raise Invalid({"role": "Rôle inconnu : referent ou pathway_coordinator."})
    professional = pick(
        User, professional, "professional", "Professionnel", users_in_scope(actor, Perm.VIEW_RECORDS)
    )
    with transaction.atomic():
        Assignment.objects.filter(person=subject, role=role, end_date__isnull=True).update(
            end_date=start_date
        )
        assignment = Assignment.objects.create(
            person=subject, professional=professional, role=role, start_date=start_date
        )
        audit(actor, AuditAction.CREATE, assignment, person=subject, role=role)
    return assignment
