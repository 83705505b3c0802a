"""Writes on the meetings register: meetings and their participants, attendance and minutes; the
persons a case review names; practice-analysis requests, the facilitators' proposals and the
acceptance of one, which plans the sessions. Each function is atomic and audited."""

from datetime import date, time, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction

from parcours.access import scoping
from parcours.access.models import AuditAction, User
from parcours.access.roles import Perm
from parcours.access.services import audit
from parcours.core.dates import add_months, today
from parcours.core.errors import Conflict, Forbidden, Invalid, NotFound
from parcours.steering.meetings import selectors
from parcours.steering.meetings.choices import (
    FREQUENCY_STEPS,
    Frequency,
    MeetingKind,
    MeetingStatus,
    PlaceKind,
    RequestStatus,
)
from parcours.steering.meetings.models import (
    FacilitatorProposal,
    Meeting,
    Participant,
    PracticeAnalysisRequest,
)

MAX_DURATION = 24 * 60
MAX_SESSIONS = 60
TEXT_LIMITS = {"title": 200, "facilitator": 200, "place": 200, "profession": 100, "name": 200}
MEETING_FIELDS = ("kind", "title", "date", "start_time", "duration_minutes", "facilitator", "place", "status")


def _conflict(detail: str, field: str) -> Conflict:
    """A 409 whose field error repeats the explanation (shown next to the field in a form)."""
    return Conflict(detail, [{"field": field, "message": detail}])


def _text(errors: dict, field: str, value, *, required: bool = False, limit: int | None = None) -> str:
    value = (value or "").strip()
    limit = limit or TEXT_LIMITS.get(field, 20000)
    if required and not value:
        errors[field] = "Champ obligatoire."
    elif len(value) > limit:
        errors[field] = f"{limit} caractères au plus."
    return value


def _attachment(actor, perms, organisation, establishment, errors: dict):
    """The organisation and establishment a meeting or a request is held for, within the actor's
    scope for one of the permissions (404 when out of sight, 403 without the permission)."""
    from parcours.directory.models import Establishment, Organisation

    if establishment is None and organisation is None:
        errors["organisation"] = "Indiquez l'organisation ou l'établissement."
        return None, None
    est = org = None
    seen_orgs, seen_ests = selectors.scope_ids(actor)
    orgs, ests = selectors.scope_ids(actor, perms)
    if establishment is not None:
        est = Establishment.objects.select_related("organisation").filter(pk=_pk(establishment)).first()
        if est is None or (seen_ests is not None and est.pk not in seen_ests):
            raise NotFound("Établissement introuvable.")
        if ests is not None and est.pk not in ests:
            raise Forbidden()
        if organisation is not None and _pk(organisation) != est.organisation_id:
            errors["organisation"] = "L'établissement ne relève pas de cette organisation."
        return est.organisation, est
    org = Organisation.objects.filter(pk=_pk(organisation)).first()
    if org is None or (seen_orgs is not None and org.pk not in seen_orgs):
        raise NotFound("Organisation introuvable.")
    if orgs is not None and org.pk not in orgs:
        raise Forbidden()
    return org, None


def _pk(value) -> int:
    try:
        value = int(value)
    except (TypeError, ValueError):
        return 0
    return value if 0 < value < 2**63 else 0


def _meeting_values(errors: dict, values: dict) -> dict:
    """Validate the editable fields present in values; return them cleaned."""
    out = {}
    if "kind" in values:
        if values["kind"] not in MeetingKind.values:
            errors["kind"] = "Type attendu : " + ", ".join(MeetingKind.values) + "."
        out["kind"] = values["kind"]
    if "date" in values:
        if not isinstance(values["date"], date):
            errors["date"] = "Date obligatoire."
        out["date"] = values["date"]
    if "start_time" in values:
        if values["start_time"] is not None and not isinstance(values["start_time"], time):
            errors["start_time"] = "Heure invalide."
        out["start_time"] = values["start_time"]
    if "duration_minutes" in values:
        duration = values["duration_minutes"]
        if not isinstance(duration, int) or isinstance(duration, bool) or not 1 <= duration <= MAX_DURATION:
            errors["duration_minutes"] = f"Durée en minutes, entre 1 et {MAX_DURATION}."
        out["duration_minutes"] = duration
    if "status" in values:
        if values["status"] not in MeetingStatus.values:
            errors["status"] = "Statut attendu : " + ", ".join(MeetingStatus.values) + "."
        out["status"] = values["status"]
    for field in ("title", "facilitator", "place"):
        if field in values:
            out[field] = _text(errors, field, values[field])
    return out


def create_meeting(
    actor,
    *,
    kind: str,
    date: date,
    organisation: int | None = None,
    establishment: int | None = None,
    title: str = "",
    start_time: time | None = None,
    duration_minutes: int = 60,
    facilitator: str = "",
    place: str = "",
    minutes: str = "",
    persons: list[int] | None = None,
) -> Meeting:
    """Record a meeting of an establishment, or of an organisation as a whole, in the actor's scope.
    A case review may name persons (each reached through the scoping layer)."""
    selectors.require_internal(actor)
    errors: dict = {}
    org, est = _attachment(actor, selectors.ORGANISE, organisation, establishment, errors)
    values = _meeting_values(
        errors,
        {
            "kind": kind,
            "date": date,
            "start_time": start_time,
            "duration_minutes": duration_minutes,
            "title": title,
            "facilitator": facilitator,
            "place": place,
        },
    )
    minutes = _text(errors, "minutes", minutes, limit=100_000)
    if persons and kind != MeetingKind.CASE_REVIEW:
        errors["persons"] = "Seule une étude de situation nomme des personnes."
    if errors:
        raise Invalid(errors)
    # naming a person writes on that person's record: its edit permission is needed (not only sight)
    subjects = [
        scoping.person_for(actor, person_id, Perm.EDIT_RECORDS) for person_id in dict.fromkeys(persons or [])
    ]
    with transaction.atomic():
        meeting = Meeting.objects.create(
            organisation=org, establishment=est, minutes=minutes, created_by=actor, **values
        )
        audit(actor, AuditAction.CREATE, meeting, kind=meeting.kind)
        if subjects:
            meeting.persons.set(subjects)
            for subject in subjects:
                audit(actor, AuditAction.UPDATE, meeting, person=subject, section="case_review")
    return meeting


def update_meeting(
    actor,
    meeting_id: int,
    *,
    attendance: list[dict] | None = None,
    minutes: str | None = None,
    **changes,
) -> Meeting:
    """Change a meeting's fields, and in the same transaction its attendance and its minutes."""
    meeting = selectors.meeting_for(actor, meeting_id, write=True)
    unknown = set(changes) - set(MEETING_FIELDS)
    errors: dict = {f: "Champ non modifiable." for f in unknown}
    values = _meeting_values(errors, changes)
    if minutes is not None:
        minutes = _text(errors, "minutes", minutes, limit=100_000)
    rows = _attendance_rows(errors, meeting, attendance) if attendance is not None else None
    day = values.get("date", meeting.date)
    if values.get("status") == MeetingStatus.HELD and isinstance(day, date) and day > today():
        errors["status"] = "Une réunion à venir ne peut pas être déjà tenue."
    if errors:
        raise Invalid(errors)
    if values.get("kind", meeting.kind) != MeetingKind.CASE_REVIEW and meeting.persons.exists():
        raise _conflict(
            "Cette étude de situation nomme des personnes : retirez-les avant d'en changer le type.", "kind"
        )
    with transaction.atomic():
        for field, value in values.items():
            setattr(meeting, field, value)
        if values:
            meeting.save(update_fields=list(values))
        if minutes is not None:
            _save_minutes(meeting, minutes)
        if rows is not None:
            _save_attendance(meeting, rows)
        audit(
            actor,
            AuditAction.UPDATE,
            meeting,
            fields=sorted(values) + (["minutes"] if minutes is not None else []),
            attendance=rows is not None,
        )
    return meeting


def add_participant(
    actor,
    meeting_id: int,
    *,
    user: int | None = None,
    name: str = "",
    profession: str = "",
    attended: bool = False,
    excused: bool = False,
) -> Participant:
    """Invite a user (by id) or a named person (a partner, an external professional) to a meeting."""
    meeting = selectors.meeting_for(actor, meeting_id, write=True)
    errors: dict = {}
    name = _text(errors, "name", name)
    profession = _text(errors, "profession", profession)
    member = None
    if user is not None:
        member = User.objects.filter(pk=_pk(user), is_active=True).first()
        if member is None:
            errors["user"] = "Utilisateur inconnu."
        else:
            name = name or member.display_name
    elif not name:
        errors["name"] = "Indiquez un utilisateur ou un nom."
    if attended and excused:
        errors["excused"] = "Présent ou excusé, pas les deux."
    if errors:
        raise Invalid(errors)
    if member is not None and meeting.participants.filter(user=member).exists():
        raise _conflict("Cette personne participe déjà à la réunion.", "user")
    with transaction.atomic():
        participant = Participant.objects.create(
            meeting=meeting, user=member, name=name, profession=profession, attended=attended, excused=excused
        )
        audit(actor, AuditAction.UPDATE, meeting, participant=participant.pk)
    return participant


def remove_participant(actor, meeting_id: int, participant_id: int) -> None:
    """Take someone off a meeting's list."""
    meeting = selectors.meeting_for(actor, meeting_id, write=True)
    participant = meeting.participants.filter(pk=_pk(participant_id)).first()
    if participant is None:
        raise NotFound("Participant introuvable.")
    with transaction.atomic():
        participant.delete()
        audit(actor, AuditAction.UPDATE, meeting, removed_participant=_pk(participant_id))


def _attendance_rows(errors: dict, meeting: Meeting, attendance: list[dict]) -> list[tuple]:
    """[(participant, attended, excused)] checked against the meeting's participants."""
    if meeting.status == MeetingStatus.CANCELLED:
        raise _conflict("La réunion est annulée.", "status")
    if meeting.date > today():
        raise _conflict(
            "La réunion n'a pas encore eu lieu : les présences se relèvent le jour même ou après.", "date"
        )
    participants = {p.pk: p for p in meeting.participants.all()}
    rows = []
    for index, item in enumerate(attendance):
        participant = participants.get(_pk(item.get("participant")))
        attended, excused = bool(item.get("attended")), bool(item.get("excused"))
        if participant is None:
            errors[f"attendance[{index}].participant"] = "Ce participant n'est pas invité à cette réunion."
        elif attended and excused:
            errors[f"attendance[{index}].excused"] = "Présent ou excusé, pas les deux."
        else:
            rows.append((participant, attended, excused))
    return rows


def _save_attendance(meeting: Meeting, rows: list[tuple]) -> None:
    for participant, attended, excused in rows:
        participant.attended, participant.excused = attended, excused
        participant.save(update_fields=["attended", "excused"])
    if meeting.status != MeetingStatus.HELD:
        meeting.status = MeetingStatus.HELD
        meeting.save(update_fields=["status"])


def _save_minutes(meeting: Meeting, minutes: str) -> None:
    meeting.minutes = minutes
    fields = ["minutes"]
    if minutes and meeting.status == MeetingStatus.PLANNED and meeting.date <= today():
        meeting.status = MeetingStatus.HELD
        fields.append("status")
    meeting.save(update_fields=fields)


def record_attendance(actor, meeting_id: int, attendance: list[dict]) -> Meeting:
    """Who attended, who was excused ([{"participant", "attended", "excused"}]); the meeting is held.
    Not before the day of the meeting, nor for a cancelled one (409)."""
    meeting = selectors.meeting_for(actor, meeting_id, write=True)
    errors: dict = {}
    rows = _attendance_rows(errors, meeting, attendance or [])
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        _save_attendance(meeting, rows)
        audit(actor, AuditAction.UPDATE, meeting, attendance=len(rows))
    return meeting


def write_minutes(actor, meeting_id: int, minutes: str) -> Meeting:
    """Write (or rewrite) a meeting's minutes; a planned meeting whose day has come is then held."""
    meeting = selectors.meeting_for(actor, meeting_id, write=True)
    errors: dict = {}
    minutes = _text(errors, "minutes", minutes, limit=100_000)
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        _save_minutes(meeting, minutes)
        audit(actor, AuditAction.UPDATE, meeting, fields=["minutes"])
    return meeting


def add_person(actor, meeting_id: int, person_id: int) -> Meeting:
    """Name a person in a case review: the person must be in the actor's scope (404 otherwise) and
    its record editable by the actor (403 for a read-only role such as quality)."""
    meeting = selectors.meeting_for(actor, meeting_id, write=True)
    if meeting.kind != MeetingKind.CASE_REVIEW:
        raise Invalid({"person": "Seule une étude de situation nomme des personnes."})
    subject = scoping.person_for(actor, person_id, Perm.EDIT_RECORDS)
    with transaction.atomic():
        meeting.persons.add(subject)
        audit(actor, AuditAction.UPDATE, meeting, person=subject, section="case_review")
    return meeting


def remove_person(actor, meeting_id: int, person_id: int) -> Meeting:
    meeting = selectors.meeting_for(actor, meeting_id, write=True)
    subject = scoping.person_for(actor, person_id, Perm.EDIT_RECORDS)
    if not meeting.persons.filter(pk=subject.pk).exists():
        raise NotFound("Cette personne n'est pas nommée dans la réunion.")
    with transaction.atomic():
        meeting.persons.remove(subject)
        audit(actor, AuditAction.UPDATE, meeting, person=subject, section="case_review", removed=True)
    return meeting


# Practice analysis: request → proposals → one accepted → sessions planned.


def create_request(
    actor,
    *,
    professions: str,
    group_size: int,
    session_duration_minutes: int,
    period_start: date,
    period_end: date,
    organisation: int | None = None,
    establishment: int | None = None,
    title: str = "",
    context: str = "",
    sector: str = "",
    public: str = "",
    place_kind: str = PlaceKind.ON_SITE,
    place: str = "",
    frequency: str = Frequency.MONTHLY,
    sessions_planned: int | None = None,
    response_deadline: date | None = None,
    facilitator_profile: str = "",
    methods: str = "",
) -> PracticeAnalysisRequest:
    """Ask for a practice-analysis facilitator (management or quality of the establishment)."""
    selectors.require_internal(actor)
    errors: dict = {}
    org, est = _attachment(actor, selectors.COMMISSION, organisation, establishment, errors)
    texts = {
        "title": _text(errors, "title", title or "Analyse des pratiques professionnelles", limit=200),
        "context": _text(errors, "context", context),
        "sector": _text(errors, "sector", sector, limit=100),
        "public": _text(errors, "public", public),
        "professions": _text(errors, "professions", professions, required=True),
        "place": _text(errors, "place", place),
        "facilitator_profile": _text(errors, "facilitator_profile", facilitator_profile),
        "methods": _text(errors, "methods", methods),
    }
    if not _int_between(group_size, 1, 500):
        errors["group_size"] = "Nombre de personnes du groupe, entre 1 et 500."
    if not _int_between(session_duration_minutes, 15, 8 * 60):
        errors["session_duration_minutes"] = "Durée d'une séance en minutes, entre 15 et 480."
    if sessions_planned is not None and not _int_between(sessions_planned, 1, MAX_SESSIONS):
        errors["sessions_planned"] = f"Entre 1 et {MAX_SESSIONS} séances."
    if place_kind not in PlaceKind.values:
        errors["place_kind"] = "Lieu attendu : " + ", ".join(PlaceKind.values) + "."
    if frequency not in Frequency.values:
        errors["frequency"] = "Fréquence attendue : " + ", ".join(Frequency.values) + "."
    if not isinstance(period_start, date):
        errors["period_start"] = "Date de début obligatoire."
    if not isinstance(period_end, date):
        errors["period_end"] = "Date de fin obligatoire."
    elif isinstance(period_start, date) and period_end < period_start:
        errors["period_end"] = "La fin de la période précède son début."
    elif isinstance(period_start, date) and (period_end - period_start).days > 3 * 366:
        errors["period_end"] = "Période de trois ans au plus."
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        obj = PracticeAnalysisRequest.objects.create(
            organisation=org,
            establishment=est,
            group_size=group_size,
            session_duration_minutes=session_duration_minutes,
            place_kind=place_kind,
            frequency=frequency,
            sessions_planned=sessions_planned,
            period_start=period_start,
            period_end=period_end,
            response_deadline=response_deadline,
            created_by=actor,
            **texts,
        )
        audit(actor, AuditAction.CREATE, obj)
    return obj


def _int_between(value, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def add_proposal(
    actor,
    request_id: int,
    *,
    facilitator_name: str,
    sessions_count: int,
    organisation: str = "",
    qualifications: str = "",
    approach: str = "",
    price: Decimal | None = None,
    received_on: date | None = None,
) -> FacilitatorProposal:
    """Record a facilitator's answer to an open request (the request is then answered)."""
    request = selectors.request_for(actor, request_id, write=True)
    if request.status in (RequestStatus.ACCEPTED, RequestStatus.CLOSED):
        raise _conflict("Une proposition est déjà retenue ou la demande est close.", "status")
    errors: dict = {}
    texts = {
        "facilitator_name": _text(errors, "facilitator_name", facilitator_name, required=True, limit=200),
        "organisation": _text(errors, "organisation", organisation, limit=200),
        "qualifications": _text(errors, "qualifications", qualifications),
        "approach": _text(errors, "approach", approach),
    }
    if not _int_between(sessions_count, 1, MAX_SESSIONS):
        errors["sessions_count"] = f"Nombre de séances proposées, entre 1 et {MAX_SESSIONS}."
    if price is not None:
        try:
            price = Decimal(price)
        except (ArithmeticError, TypeError, ValueError):
            errors["price"] = "Montant invalide."
        else:
            if not price.is_finite() or price < 0 or price >= Decimal("100000000"):
                errors["price"] = "Montant en euros, positif, inférieur à 100 000 000."
            else:
                price = price.quantize(Decimal("0.01"))
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        proposal = FacilitatorProposal.objects.create(
            request=request,
            sessions_count=sessions_count,
            price=price,
            received_on=received_on or today(),
            created_by=actor,
            **texts,
        )
        if request.status == RequestStatus.OPEN:
            request.status = RequestStatus.ANSWERED
            request.save(update_fields=["status"])
        audit(actor, AuditAction.UPDATE, request, proposal=proposal.pk)
    return proposal


def session_dates(start: date, end: date, frequency: str, count: int) -> list[date]:
    """The dates of count sessions from the start of the period: one step of the frequency apart;
    when they do not fit in the period (or the frequency is irregular), spread evenly from its start
    to its end."""
    step = FREQUENCY_STEPS.get(frequency)
    if step is not None:
        days, months = step
        dates = [add_months(start, months * k) + timedelta(days=days * k) for k in range(count)]
        if dates[-1] <= end:
            return dates
    if count == 1:
        return [start]
    span = (end - start).days
    return [start + timedelta(days=round(span * k / (count - 1))) for k in range(count)]


def accept_proposal(actor, proposal_id: int) -> FacilitatorProposal:
    """Retain a facilitator's proposal: the request is accepted, and its sessions are planned as
    practice-analysis meetings over the request's period (409 when one is already retained)."""
    proposal = selectors.proposal_for(actor, proposal_id, write=True)
    with transaction.atomic():
        request = PracticeAnalysisRequest.objects.select_for_update().get(pk=proposal.request_id)
        if (
            request.status in (RequestStatus.ACCEPTED, RequestStatus.CLOSED)
            or request.proposals.filter(accepted=True).exists()
        ):
            raise _conflict("Une proposition est déjà retenue ou la demande est close.", "status")
        proposal.accepted = True
        try:
            with transaction.atomic():
                proposal.save(update_fields=["accepted"])
        except IntegrityError:
            raise Conflict("Une proposition est déjà retenue pour cette demande.") from None
        request.status = RequestStatus.ACCEPTED
        request.save(update_fields=["status"])
        dates = session_dates(
            request.period_start, request.period_end, request.frequency, proposal.sessions_count
        )
        meetings = Meeting.objects.bulk_create(
            Meeting(
                kind=MeetingKind.PRACTICE_ANALYSIS,
                title=f"{request.title} — séance {index}/{len(dates)}",
                organisation_id=request.organisation_id,
                establishment_id=request.establishment_id,
                date=day,
                duration_minutes=request.session_duration_minutes,
                facilitator=_facilitator_label(proposal),
                place=request.place,
                practice_analysis_request=request,
                created_by=actor,
            )
            for index, day in enumerate(dates, start=1)
        )
        audit(
            actor,
            AuditAction.UPDATE,
            request,
            accepted_proposal=proposal.pk,
            sessions=[m.pk for m in meetings if m.pk],
        )
    return proposal


def _facilitator_label(proposal: FacilitatorProposal) -> str:
    label = proposal.facilitator_name
    if proposal.organisation:
        label = f"{label} ({proposal.organisation})"
    return label[:200]


def close_request(actor, request_id: int) -> PracticeAnalysisRequest:
    """Close a request (the sessions are over, or no facilitator is retained)."""
    request = selectors.request_for(actor, request_id, write=True)
    if request.status == RequestStatus.CLOSED:
        raise _conflict("La demande est déjà close.", "status")
    with transaction.atomic():
        request.status = RequestStatus.CLOSED
        request.save(update_fields=["status"])
        audit(actor, AuditAction.UPDATE, request, status=RequestStatus.CLOSED)
    return request
