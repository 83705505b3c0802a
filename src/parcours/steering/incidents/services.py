"""Writes on the adverse events register: declaration by any professional, the persons involved
(linked to their records), classification, report of a serious event to the authority, analysis of
the causes, corrective actions, closure. Each function is atomic, audited, and checks the state it
starts from (409 on a transition that is not allowed).

declared → classified → (reported, serious events only) → analysed → closed."""

from datetime import date, datetime, time

from django.db import IntegrityError, transaction
from django.utils import timezone

from parcours.access import scoping
from parcours.access.models import AuditAction, User
from parcours.access.roles import Perm
from parcours.access.services import audit
from parcours.core.dates import today
from parcours.core.errors import Conflict, Forbidden, Invalid, NotFound
from parcours.steering.incidents import rules, selectors
from parcours.steering.incidents.choices import Category, PersonRole, Status
from parcours.steering.incidents.models import CorrectiveAction, Incident, IncidentPerson

# Who may declare: any professional who writes records, and the quality referents.
DECLARERS = (Perm.EDIT_RECORDS, Perm.MANAGE_QUALITY)
TEXT_LIMITS = {"place": 200, "owner": 200, "who": 200}
MAX_COUNT = 100_000
OLDEST = date(1990, 1, 1)
DECLARATION_FIELDS = (
    "unit",
    "occurred_at",
    "discovered_at",
    "place",
    "description",
    "other_involved",
    "victims_count",
    "exposed_count",
    "immediate_measures",
    "informed",
    "media_coverage",
    "judicial_follow_up",
)


# -- input checks ---------------------------------------------------------------------------------


def _pk(value) -> int:
    if isinstance(value, bool):
        return 0
    try:
        value = int(value)
    except (TypeError, ValueError):
        return 0
    return value if 0 < value < 2**63 else 0


def _text(errors: dict, field: str, value, *, required: bool = False, message: str = "") -> str:
    if value is not None and not isinstance(value, str):
        errors[field] = "Texte attendu."
        return ""
    value = (value or "").strip()
    limit = TEXT_LIMITS.get(field.rsplit(".", 1)[-1], 20000)
    if required and not value:
        errors[field] = message or "Champ obligatoire."
    elif len(value) > limit:
        errors[field] = f"{limit} caractères au plus."
    return value


def _count(errors: dict, field: str, value) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        errors[field] = f"Nombre entier entre 0 et {MAX_COUNT}."
        return 0
    return value


def _moment(errors: dict, field: str, value, *, required: bool = True) -> datetime | None:
    """An aware datetime, not in the future (a naive one is read in the local time zone)."""
    if value is None or value == "":
        if required:
            errors[field] = "Date et heure obligatoires."
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            errors[field] = "Date et heure attendues (AAAA-MM-JJTHH:MM)."
            return None
    elif isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time(0, 0))
    if not isinstance(value, datetime):
        errors[field] = "Date et heure attendues (AAAA-MM-JJTHH:MM)."
        return None
    if value.date() < OLDEST:
        errors[field] = "Date trop ancienne."
        return None
    if timezone.is_naive(value):
        try:
            value = timezone.make_aware(value)
        except Exception:  # a non-existent local time (DST change)
            errors[field] = "Heure inexistante dans le fuseau local."
            return None
    if value > timezone.now():
        errors[field] = "La date ne peut pas être dans le futur."
        return None
    return value


def _day(errors: dict, field: str, value, *, not_before: date | None = None, before_label: str = "") -> date:
    """A date not in the future (default today), optionally not before a given day."""
    if value is None:
        return today()
    if not isinstance(value, date) or isinstance(value, datetime):
        errors[field] = "Date attendue (AAAA-MM-JJ)."
        return today()
    if value > today():
        errors[field] = "La date ne peut pas être dans le futur."
    elif not_before is not None and value < not_before:
        errors[field] = f"La date précède {before_label}."
    return value


def _informed(errors: dict, items) -> list[dict]:
    """[{"who", "when"}]: who was informed (family, police, CVS…) and when."""
    if items is None:
        return []
    if not isinstance(items, list) or len(items) > 50:
        errors["informed"] = "Liste attendue (50 au plus) de {who, when}."
        return []
    out = []
    for index, item in enumerate(items):
        if hasattr(item, "dict"):
            item = item.dict()
        if not isinstance(item, dict):
            errors[f"informed[{index}]"] = "Objet {who, when} attendu."
            continue
        who = _text(
            errors, f"informed[{index}].who", item.get("who"), required=True, message="Qui a été informé ?"
        )
        when = item.get("when")
        moment = _moment(errors, f"informed[{index}].when", when, required=False) if when else None
        out.append(
            {"who": who, "when": timezone.localtime(moment).isoformat(timespec="minutes") if moment else ""}
        )
    return out


def _role(errors: dict, field: str, role) -> str:
    if role not in PersonRole.values:
        errors[field] = "Rôle attendu : " + ", ".join(PersonRole.values) + "."
    return role


# -- access -------------------------------------------------------------------------------------------


def _unit_of(actor, establishment, unit_id, errors: dict):
    """The unit of the establishment concerned (404 when out of the actor's sight)."""
    if unit_id in (None, ""):
        return None
    unit = scoping.units_visible_to(actor).filter(pk=_pk(unit_id)).first()
    if unit is None:
        raise NotFound("Unité introuvable.")
    if unit.establishment_id != establishment.pk:
        errors["unit"] = "L'unité ne relève pas de cet établissement."
        return None
    return unit


def _person(actor, person_id):
    """The person's record within the actor's scope (404 otherwise, an absurd number included), to
    link to an event: linking writes on the record, so its edit permission is needed (403 for a
    read-only role such as quality)."""
    pk = _pk(person_id)
    if not pk:
        raise NotFound("Personne introuvable.")
    return scoping.person_for(actor, pk, Perm.EDIT_RECORDS)


def _may_declare(actor, establishment, unit) -> bool:
    """A unit's event by who writes records (or quality) in the unit; an event of the establishment
    as a whole (no unit) by who does so over the whole establishment (a membership on it or on its
    organisation), not by the staff of one of its units."""
    for perm in DECLARERS:
        if unit is not None:
            if scoping.units_visible_to(actor, perm).filter(pk=unit.pk).exists():
                return True
        else:
            covered = scoping.establishment_ids_at_level(actor, perm)
            if covered is None or establishment.pk in covered:
                return True
    return False


def _may_declare_in_a_unit(actor, establishment) -> bool:
    return any(
        scoping.units_visible_to(actor, perm).filter(establishment_id=establishment.pk).exists()
        for perm in DECLARERS
    )


def _quality(actor, incident_id) -> Incident:
    """The incident for the classification, report, analysis, actions and closure: MANAGE_QUALITY
    (director, quality referent, group admin) in its scope."""
    return selectors.incident_for(actor, incident_id, (Perm.MANAGE_QUALITY,), lock=True)


def _not_closed(incident: Incident) -> None:
    if incident.status == Status.CLOSED:
        raise Conflict("L'événement est clôturé.")


def _linked_persons(actor, persons, errors: dict) -> list[tuple]:
    """[{"person", "role"}] → [(Person, role)], each person within the actor's scope (404 otherwise)."""
    out, seen = [], set()
    if persons is None:
        return out
    if not isinstance(persons, list) or len(persons) > 100:
        errors["persons"] = "Liste attendue (100 au plus) de {person, role}."
        return out
    for index, item in enumerate(persons):
        if hasattr(item, "dict"):
            item = item.dict()
        if not isinstance(item, dict):
            errors[f"persons[{index}]"] = "Objet {person, role} attendu."
            continue
        role = _role(errors, f"persons[{index}].role", item.get("role"))
        subject = _person(actor, item.get("person"))
        if subject.pk in seen:
            errors[f"persons[{index}].person"] = "Personne déjà citée."
            continue
        seen.add(subject.pk)
        out.append((subject, role))
    return out


# -- declaration ----------------------------------------------------------------------------------


@transaction.atomic
def declare(
    actor,
    *,
    establishment: int,
    occurred_at,
    discovered_at=None,
    description: str,
    unit: int | None = None,
    place: str = "",
    other_involved: str = "",
    victims_count: int = 0,
    exposed_count: int = 0,
    immediate_measures: str = "",
    informed: list | None = None,
    media_coverage: bool = False,
    judicial_follow_up: str = "",
    persons: list | None = None,
) -> Incident:
    """Declare an adverse event: any professional of the establishment (who writes records) or its
    quality referent. What, when, where, who was involved, the immediate measures, who was informed.
    The discovery defaults to the occurrence; the authority to notify follows from the establishment."""
    from parcours.directory.models import Establishment

    est = scoping.establishments_visible_to(actor).filter(pk=_pk(establishment)).first()
    if est is None:
        raise NotFound("Établissement introuvable.")
    est = Establishment.objects.get(pk=est.pk)
    errors: dict = {}
    unit_obj = _unit_of(actor, est, unit, errors)
    if not _may_declare(actor, est, unit_obj):
        if unit_obj is None and "unit" not in errors and _may_declare_in_a_unit(actor, est):
            raise Invalid(
                {"unit": "Indiquez votre unité : l'établissement entier relève de son encadrement."}
            )
        raise Forbidden()
    values = {
        "occurred_at": _moment(errors, "occurred_at", occurred_at),
        "discovered_at": _moment(errors, "discovered_at", discovered_at, required=False),
        "place": _text(errors, "place", place),
        "description": _text(
            errors,
            "description",
            description,
            required=True,
            message="Décrivez la nature et les circonstances.",
        ),
        "other_involved": _text(errors, "other_involved", other_involved),
        "victims_count": _count(errors, "victims_count", victims_count),
        "exposed_count": _count(errors, "exposed_count", exposed_count),
        "immediate_measures": _text(errors, "immediate_measures", immediate_measures),
        "informed": _informed(errors, informed),
        "media_coverage": bool(media_coverage),
        "judicial_follow_up": _text(errors, "judicial_follow_up", judicial_follow_up),
    }
    if values["discovered_at"] is None and "discovered_at" not in errors:
        values["discovered_at"] = values["occurred_at"]
    _check_order(errors, values["occurred_at"], values["discovered_at"])
    linked = _linked_persons(actor, persons, errors)
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        incident = Incident.objects.create(
            establishment=est,
            unit=unit_obj,
            authority=rules.authority_for(est, unit_obj),
            declared_by=actor if actor.is_authenticated else None,
            **values,
        )
        audit(actor, AuditAction.CREATE, incident, section="incident")
        for subject, role in linked:
            IncidentPerson.objects.create(incident=incident, person=subject, role=role, added_by=actor)
            audit(actor, AuditAction.UPDATE, incident, person=subject, section="incident_person", role=role)
    return incident


def _check_order(errors: dict, occurred_at, discovered_at) -> None:
    if occurred_at and discovered_at and discovered_at < occurred_at:
        errors["discovered_at"] = "La découverte ne peut pas précéder la survenue."


@transaction.atomic
def update_declaration(actor, incident_id: int, **changes) -> Incident:
    """Complete or correct the declaration (what, when, where, counts, measures, who was informed)
    until the event is closed; the authority follows a change of unit until the report is sent."""
    incident = selectors.incident_for(actor, incident_id, DECLARERS, lock=True)
    _not_closed(incident)
    unknown = set(changes) - set(DECLARATION_FIELDS)
    if unknown:
        raise Invalid({field: "Champ non modifiable." for field in sorted(unknown)})
    errors: dict = {}
    values: dict = {}
    for field, value in changes.items():
        if field == "unit":
            values["unit"] = _unit_of(actor, incident.establishment, value, errors)
        elif field in ("occurred_at", "discovered_at"):
            values[field] = _moment(errors, field, value)
        elif field in ("victims_count", "exposed_count"):
            values[field] = _count(errors, field, value)
        elif field == "informed":
            values[field] = _informed(errors, value)
        elif field == "media_coverage":
            values[field] = bool(value)
        else:
            values[field] = _text(errors, field, value, required=(field == "description"))
    _check_order(
        errors,
        values.get("occurred_at", incident.occurred_at),
        values.get("discovered_at", incident.discovered_at),
    )
    if (
        "unit" in values
        and "unit" not in errors
        and not _may_declare(actor, incident.establishment, values["unit"])
    ):
        raise Forbidden()
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        for field, value in values.items():
            setattr(incident, field, value)
        fields = list(values)
        if "unit" in values and incident.reported_on is None:
            incident.authority = rules.authority_for(incident.establishment, incident.unit)
            fields.append("authority")
        incident.save(update_fields=[*fields, "updated_at"])
        audit(actor, AuditAction.UPDATE, incident, section="declaration", fields=sorted(values))
    return incident


@transaction.atomic
def add_person(actor, incident_id: int, person: int, role: str) -> IncidentPerson:
    """Link a person involved (victim, author, witness) to the event: the person must be within the
    actor's scope (404 otherwise); the link is audited with the person."""
    incident = selectors.incident_for(actor, incident_id, DECLARERS, lock=True)
    _not_closed(incident)
    errors: dict = {}
    _role(errors, "role", role)
    subject = _person(actor, person)
    if errors:
        raise Invalid(errors)
    if incident.persons.filter(person=subject).exists():
        raise Conflict(
            "Cette personne est déjà liée à l'événement.",
            [{"field": "person", "message": "Cette personne est déjà liée à l'événement."}],
        )
    try:
        with transaction.atomic():
            link = IncidentPerson.objects.create(incident=incident, person=subject, role=role, added_by=actor)
            audit(actor, AuditAction.UPDATE, incident, person=subject, section="incident_person", role=role)
    except IntegrityError:
        raise Conflict("Cette personne est déjà liée à l'événement.") from None
    return link


@transaction.atomic
def remove_person(actor, incident_id: int, person: int) -> None:
    incident = selectors.incident_for(actor, incident_id, DECLARERS, lock=True)
    _not_closed(incident)
    subject = _person(actor, person)
    link = incident.persons.filter(person=subject).first()
    if link is None:
        raise NotFound("Cette personne n'est pas liée à l'événement.")
    with transaction.atomic():
        link.delete()
        audit(actor, AuditAction.UPDATE, incident, person=subject, section="incident_person", removed=True)


# -- classification, report, analysis, actions, closure ----------------------------------------------


@transaction.atomic
def classify(actor, incident_id: int, *, category: str, serious: bool) -> Incident:
    """Classify the event in one of the 11 categories and say whether it is serious (EIG: to be
    reported to the authority without delay). Quality referent, director or admin; may be revised
    until the report is sent."""
    errors: dict = {}
    if category not in Category.values:
        errors["category"] = "Catégorie attendue : " + ", ".join(Category.values) + "."
    if not isinstance(serious, bool):
        errors["serious"] = "Vrai ou faux."
    incident = _quality(actor, incident_id)
    if errors:
        raise Invalid(errors)
    if incident.status not in (Status.DECLARED, Status.CLASSIFIED):
        raise Conflict("L'événement a déjà été transmis ou analysé : la qualification ne peut plus changer.")
    with transaction.atomic():
        incident.category = category
        incident.serious = serious
        incident.status = Status.CLASSIFIED
        incident.authority = rules.authority_for(incident.establishment, incident.unit)
        incident.save(update_fields=["category", "serious", "status", "authority", "updated_at"])
        audit(
            actor, AuditAction.UPDATE, incident, section="classification", category=category, serious=serious
        )
    return incident


@transaction.atomic
def record_report(actor, incident_id: int, *, reported_on: date | None) -> Incident:
    """Record the date the EIG notification form was sent to the authority (written confirmation due
    within 48 hours of the discovery). Serious events only; the date may be corrected until analysis."""
    incident = _quality(actor, incident_id)
    if not incident.serious:
        raise Conflict("Seul un événement indésirable grave (EIG) est transmis à l'autorité.")
    if incident.status not in (Status.CLASSIFIED, Status.REPORTED):
        raise Conflict(
            "L'événement doit être qualifié, et pas encore analysé, pour enregistrer sa transmission."
        )
    errors: dict = {}
    if reported_on is None:
        errors["reported_on"] = "Date d'envoi obligatoire."
    else:
        discovered = timezone.localtime(incident.discovered_at).date()
        _day(errors, "reported_on", reported_on, not_before=discovered, before_label="la découverte")
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        incident.reported_on = reported_on
        incident.status = Status.REPORTED
        incident.save(update_fields=["reported_on", "status", "updated_at"])
        audit(
            actor,
            AuditAction.UPDATE,
            incident,
            section="report",
            reported_on=reported_on.isoformat(),
            authority=incident.authority,
            late=incident.reported_late,
        )
    return incident


@transaction.atomic
def analyse(actor, incident_id: int, *, causes: str) -> Incident:
    """Record the analysis of the causes (after the classification, and after the report for an EIG);
    it may be completed until closure."""
    errors: dict = {}
    causes = _text(errors, "causes", causes, required=True, message="Décrivez les causes identifiées.")
    incident = _quality(actor, incident_id)
    if errors:
        raise Invalid(errors)
    _not_closed(incident)
    if incident.status == Status.DECLARED:
        raise Conflict("Qualifiez d'abord l'événement.")
    if incident.serious and incident.status == Status.CLASSIFIED:
        raise Conflict("Un EIG est d'abord transmis à l'autorité (date d'envoi), puis analysé.")
    with transaction.atomic():
        incident.causes = causes
        incident.status = Status.ANALYSED
        incident.save(update_fields=["causes", "status", "updated_at"])
        audit(actor, AuditAction.UPDATE, incident, section="analysis")
    return incident


@transaction.atomic
def add_corrective_action(
    actor,
    incident_id: int,
    *,
    description: str,
    due_date: date | None,
    owner: str = "",
    owner_user: int | None = None,
) -> CorrectiveAction:
    """A measure to remedy the cause and prevent recurrence, with who carries it (a name, or a user of
    the platform) and by when. After the classification, until closure."""
    errors: dict = {}
    description = _text(errors, "description", description, required=True, message="Décrivez l'action.")
    owner = _text(errors, "owner", owner)
    user = None
    if owner_user not in (None, ""):
        user = User.objects.filter(pk=_pk(owner_user), is_active=True).first()
        if user is None:
            errors["owner_user"] = "Utilisateur inconnu."
    if not owner and user is None and "owner_user" not in errors:
        errors["owner"] = "Qui porte l'action ?"
    if due_date is None:
        errors["due_date"] = "Échéance obligatoire."
    elif not isinstance(due_date, date) or isinstance(due_date, datetime):
        errors["due_date"] = "Date attendue (AAAA-MM-JJ)."
    incident = _quality(actor, incident_id)
    if errors:
        raise Invalid(errors)
    _not_closed(incident)
    if incident.status == Status.DECLARED:
        raise Conflict("Qualifiez d'abord l'événement.")
    with transaction.atomic():
        action = CorrectiveAction.objects.create(
            incident=incident,
            description=description,
            owner=owner or user.display_name,
            owner_user=user,
            due_date=due_date,
        )
        audit(actor, AuditAction.UPDATE, incident, section="corrective_action", corrective_action=action.pk)
    return action


@transaction.atomic
def complete_action(
    actor, action_id: int, *, done_on: date | None = None, incident_id: int | None = None
) -> CorrectiveAction:
    """Mark a corrective action done (default today): the quality roles, or the user who carries it."""
    action = CorrectiveAction.objects.filter(pk=_pk(action_id)).first()
    if action is None or (incident_id is not None and action.incident_id != _pk(incident_id)):
        raise NotFound("Action introuvable.")
    perms = (Perm.VIEW_RECORDS,) if action.owner_user_id == actor.pk else (Perm.MANAGE_QUALITY,)
    incident = selectors.incident_for(actor, action.incident_id, perms, lock=True)
    action = CorrectiveAction.objects.get(pk=action.pk)
    _not_closed(incident)
    if action.done_on is not None:
        raise Conflict(f"Action déjà réalisée le {action.done_on:%d/%m/%Y}.")
    errors: dict = {}
    done_on = _day(
        errors,
        "done_on",
        done_on,
        not_before=timezone.localtime(incident.occurred_at).date(),
        before_label="l'événement",
    )
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        action.done_on = done_on
        action.save(update_fields=["done_on"])
        audit(
            actor,
            AuditAction.UPDATE,
            incident,
            section="corrective_action",
            corrective_action=action.pk,
            done=True,
        )
    return action


@transaction.atomic
def close(actor, incident_id: int, *, closed_on: date | None = None, reason: str = "") -> Incident:
    """Close the event once analysed, with every corrective action done — or explicitly, with a
    reason stating why actions remain open."""
    errors: dict = {}
    reason = _text(errors, "reason", reason)
    incident = _quality(actor, incident_id)
    _not_closed(incident)
    if incident.status != Status.ANALYSED:
        raise Conflict("L'événement doit être analysé (causes) avant sa clôture.")
    closed_on = _day(
        errors,
        "closed_on",
        closed_on,
        not_before=timezone.localtime(incident.occurred_at).date(),
        before_label="l'événement",
    )
    if errors:
        raise Invalid(errors)
    pending = incident.actions.filter(done_on__isnull=True).count()
    if pending and not reason:
        raise Conflict(
            f"{pending} action(s) corrective(s) non réalisée(s) : indiquez le motif de la clôture.",
            [{"field": "reason", "message": "Motif obligatoire tant que des actions restent ouvertes."}],
        )
    with transaction.atomic():
        incident.status = Status.CLOSED
        incident.closed_on = closed_on
        incident.closure_reason = reason
        incident.save(update_fields=["status", "closed_on", "closure_reason", "updated_at"])
        audit(actor, AuditAction.UPDATE, incident, section="closure", pending_actions=pending)
    return incident
