"""Intake and orientation: referrals, commission sessions, decisions, admission, withdrawal.
Every function is one transaction, checks scope, writes the audit log and notifies."""

from datetime import date

from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from parcours.access import scoping
from parcours.access.models import AuditAction, Membership, User
from parcours.access.roles import Perm, Role
from parcours.access.services import audit
from parcours.admissions.choices import OPEN_STATUSES, TRANSITIONS, DecisionKind, SessionKind, Status
from parcours.admissions.models import CommissionSession, Decision, Notification, Referral
from parcours.core.dates import today
from parcours.core.errors import Conflict, Forbidden, Invalid, NotFound
from parcours.core.serafin import NEED_CODES
from parcours.core.services import pick
from parcours.directory.choices import Modality, Public
from parcours.directory.models import Organisation, Unit


def notify(users, text: str, link: str = "") -> None:
    """In-app notification, and an e-mail through Django's mail backend for users with an address."""
    for user in {u.pk: u for u in users}.values():
        Notification.objects.create(user=user, text=text[:500], link=link)
        if user.email:
            send_mail("Parcours — " + text[:80], f"{text}\n\n{link}", None, [user.email], fail_silently=True)


def _staff_of(units=(), organisation=None, roles=(Role.HEAD_OF_SERVICE, Role.COORDINATOR, Role.DIRECTOR)):
    from django.db.models import Q

    unit_ids = [u.pk for u in units]
    q = Q(unit_id__in=unit_ids) | Q(establishment__units__id__in=unit_ids)
    if organisation is not None:
        q |= Q(organisation=organisation)
    return User.objects.filter(memberships__in=Membership.objects.filter(q, role__in=roles)).distinct()


def referral_for(actor, referral_id, *, lock: bool = False) -> Referral:
    try:
        referral_id = int(referral_id)
    except (TypeError, ValueError):
        raise NotFound("Orientation introuvable.") from None
    visible = scoping.referrals_visible_to(actor, Referral.objects.all()).filter(pk=referral_id)
    if not visible.exists():
        raise NotFound("Orientation introuvable.")
    qs = Referral.objects.select_related("person", "organisation")
    if lock:
        qs = qs.select_for_update(of=("self",))
    return qs.get(pk=referral_id)


def _require_handler(actor, referral: Referral) -> None:
    """403 unless the actor handles the referral as a professional: EDIT_RECORDS over a unit it is
    addressed to or decided for, or over the organisation it is addressed to — holding that
    permission in another scope is not enough."""
    handled = scoping.referrals_visible_to(
        actor, Referral.objects.filter(pk=referral.pk), Perm.EDIT_RECORDS, sent=False
    )
    if not handled.exists():
        raise Forbidden()


def _move(referral: Referral, status: str) -> None:
    if status not in TRANSITIONS[referral.status]:
        raise Conflict(
            f"Transition impossible : {referral.get_status_display()} → {Status(status).label}.",
            [{"field": "status", "message": f"{referral.status} → {status} n'est pas permis."}],
        )
    referral.status = status
    # the day the referral left the waiting lists by a refusal or a withdrawal (indicators "at a date")
    referral.closed_on = today() if status in (Status.REFUSED, Status.WITHDRAWN) else None


def submit_referral(
    actor,
    *,
    person: int,
    modality: str,
    public: str,
    wished_date: date,
    reason: str,
    emergency: bool = False,
    target_units: list[int] | None = None,
    organisation: int | None = None,
    family_informed: bool = False,
    family_informed_on: date | None = None,
    consent_notes: str = "",
    needs: list[str] | None = None,
) -> Referral:
    """A partner or a professional refers a person: to units, to an organisation's commission, or to
    every unit of the platform, with the needs tagged by SERAFIN-PH codes (disability public). The
    addressees are notified."""
    if not scoping.has_perm_somewhere(actor, Perm.REFER):
        raise Forbidden()
    subject = scoping.person_for(actor, person, Perm.REFER)
    errors = {}
    if modality not in Modality.values:
        errors["modality"] = "Modalité inconnue."
    if public not in Public.values:
        errors["public"] = "Public inconnu."
    if not (reason or "").strip():
        errors["reason"] = "Motif de l'orientation obligatoire."
    if wished_date is None:
        errors["wished_date"] = "Date souhaitée obligatoire."
    if family_informed_on and not family_informed:
        errors["family_informed"] = "Cochez l'information de la famille si une date est donnée."
    for index, code in enumerate(needs or []):
        if code not in NEED_CODES:
            errors[f"needs[{index}]"] = f"Code de besoin SERAFIN-PH inconnu : {code}."
    units = []
    for index, unit_id in enumerate(target_units or []):
        unit = Unit.objects.filter(pk=unit_id).first() if isinstance(unit_id, int) else None
        if unit is None:
            errors[f"target_units[{index}]"] = "Unité introuvable."
        else:
            units.append(unit)
    org = None
    if organisation is not None:
        org = Organisation.objects.filter(pk=organisation).first()
        if org is None:
            errors["organisation"] = "Organisation introuvable."
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        referral = Referral.objects.create(
            person=subject,
            referrer=actor,
            modality=modality,
            public=public,
            emergency=bool(emergency),
            wished_date=wished_date,
            reason=reason.strip(),
            organisation=org,
            received_on=today(),
            family_informed=bool(family_informed),
            family_informed_on=family_informed_on,
            consent_notes=consent_notes or "",
            needs=sorted(set(needs or [])),
        )
        referral.target_units.set(units)
        audit(actor, AuditAction.CREATE, referral, person=subject, emergency=referral.emergency)
        kind = "URGENTE " if referral.emergency else ""
        notify(
            _staff_of(units, org),
            f"Nouvelle orientation {kind}n° {referral.pk} reçue.",
            f"/api/v1/referrals/{referral.pk}",
        )
    return referral


def create_session(
    actor,
    *,
    date: date,
    organisation: int,
    kind: str = SessionKind.ADMISSION_COMMISSION,
    members: list[int] | None = None,
) -> CommissionSession:
    """Schedule a commission session of an organisation (the group's CBDE, a collective orientation)."""
    orgs = scoping.organisation_ids(actor, Perm.EDIT_RECORDS)
    org = pick(Organisation, organisation, "organisation", "Organisation")
    if orgs is not None and org.pk not in orgs:
        raise Forbidden("Vous n'animez pas la commission de cette organisation.")
    if kind not in SessionKind.values:
        raise Invalid({"kind": "Type de séance inconnu."})
    if date is None:
        raise Invalid({"date": "Date obligatoire."})
    users = []
    for index, user_id in enumerate(members or []):
        users.append(pick(User, user_id, f"members[{index}]", "Membre"))
    with transaction.atomic():
        session = CommissionSession.objects.create(date=date, organisation=org, kind=kind)
        session.members.set(users)
        audit(actor, AuditAction.CREATE, session)
    return session


def session_for(actor, session_id) -> CommissionSession:
    orgs = scoping.organisation_ids(actor)
    session = CommissionSession.objects.filter(pk=session_id).select_related("organisation").first()
    if session is None or (orgs is not None and session.organisation_id not in orgs):
        raise NotFound("Séance introuvable.")
    return session


def put_on_agenda(actor, session_id: int, referral_id: int) -> Referral:
    """Put a referral on a session's agenda: it is now under review."""
    session = session_for(actor, session_id)
    orgs = scoping.organisation_ids(actor, Perm.EDIT_RECORDS)
    if orgs is not None and session.organisation_id not in orgs:
        raise Forbidden("Vous n'animez pas la commission de cette organisation.")
    with transaction.atomic():
        referral = referral_for(actor, referral_id, lock=True)
        _require_handler(actor, referral)
        _move(referral, Status.UNDER_REVIEW)
        referral.session = session
        referral.save(update_fields=["status", "session", "closed_on"])
        audit(actor, AuditAction.UPDATE, referral, person=referral.person_id, session=session.pk)
    return referral


def candidate_units(referral: Referral):
    """Units considered for a referral: its targets, else its organisation's (and members') units,
    else every unit."""
    targets = list(referral.target_units.all())
    if targets:
        return Unit.objects.filter(pk__in=[u.pk for u in targets])
    if referral.organisation_id:
        from parcours.access.scoping import _with_group_members

        orgs = _with_group_members({referral.organisation_id})
        return Unit.objects.filter(establishment__organisation_id__in=orgs)
    return Unit.objects.all()


def _may_decide(actor, referral: Referral, unit: Unit) -> bool:
    if scoping.units_visible_to(actor, Perm.EDIT_RECORDS).filter(pk=unit.pk).exists():
        return True
    orgs = scoping.organisation_ids(actor, Perm.EDIT_RECORDS)
    return orgs is None or (referral.organisation_id is not None and referral.organisation_id in orgs)


SURPLUS_NOTE = (
    "Acceptée sans place libre le {day:%d/%m/%Y} ({occupied} occupée(s) et {held} réservée(s) sur "
    "{capacity}) : inscrite sur la liste d'attente de l'unité."
)


def _accepted_within_free_places(unit: Unit, reason: str) -> tuple[str, str]:
    """An acceptance holds a place in the unit from the decision day until the admission. Under the
    unit's lock — the one admissions take, so that two acceptances or an acceptance and an admission
    never count the same place —, when no place is free that day (all occupied or already held), the
    acceptance goes on the unit's waiting list instead, and its reason says so: accepted and waiting
    referrals make up the waiting list (DOMAIN.md), served in priority order as places free up."""
    from parcours.pathways.selectors import vacancy_on

    locked = Unit.objects.select_for_update().get(pk=unit.pk)
    day = today()
    vacancy = vacancy_on(locked, day)
    if vacancy["vacant"] >= 1:
        return DecisionKind.ACCEPTED, reason
    note = SURPLUS_NOTE.format(day=day, **vacancy)
    return DecisionKind.WAITING_LIST, f"{note} {reason}".strip()


def decide(actor, referral_id: int, *, unit: int, decision: str, reason: str = "") -> Decision:
    """Record the decision of a unit (or of the commission for it): accepted, waiting list or refused
    (a refusal states its reason). An acceptance beyond the unit's free places is recorded on its
    waiting list (see _accepted_within_free_places). The referral's status follows the best
    decision."""
    errors = {}
    if decision not in DecisionKind.values:
        errors["decision"] = "Décision attendue : accepted, waiting_list ou refused."
    if decision == DecisionKind.REFUSED and not (reason or "").strip():
        errors["reason"] = "Un refus doit être motivé."
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        referral = referral_for(actor, referral_id, lock=True)
        target = candidate_units(referral).filter(pk=unit).first() if isinstance(unit, int) else None
        if target is None:
            raise Invalid({"unit": "Cette unité n'est pas destinataire de l'orientation."})
        if not _may_decide(actor, referral, target):
            raise Forbidden("Vous ne pouvez pas décider pour cette unité.")
        if referral.status not in OPEN_STATUSES and referral.status != Status.REFUSED:
            raise Conflict("L'orientation est close.", [{"field": "status", "message": referral.status}])
        reason = (reason or "").strip()
        if decision == DecisionKind.ACCEPTED:
            decision, reason = _accepted_within_free_places(target, reason)
        try:
            with transaction.atomic():
                made = Decision.objects.create(
                    referral=referral,
                    unit=target,
                    decision=decision,
                    reason=reason,
                    decided_on=today(),
                    decided_by=actor,
                    session=referral.session,
                )
        except IntegrityError:
            raise Conflict(
                "Une décision existe déjà pour cette unité.", [{"field": "unit", "message": "Déjà décidé."}]
            ) from None
        kinds = set(referral.decisions.values_list("decision", flat=True))
        best = next(
            k for k in (DecisionKind.ACCEPTED, DecisionKind.WAITING_LIST, DecisionKind.REFUSED) if k in kinds
        )
        _move(referral, best)
        referral.save(update_fields=["status", "closed_on"])
        audit(actor, AuditAction.CREATE, made, person=referral.person_id, decision=decision, unit=target.pk)
        if referral.referrer_id:
            notify(
                [referral.referrer],
                f"Orientation n° {referral.pk} : {made.get_decision_display().lower()} ({target.name}).",
                f"/api/v1/referrals/{referral.pk}",
            )
    return made


def admit(actor, referral_id: int, *, unit: int, start_date: date):
    """Admit the referred person into a unit: the stay is created under the unit's lock (never two
    admissions for the last place), the referral becomes admitted. 409 when closed or no place."""
    from parcours.pathways.services import place_person

    if start_date is None:
        raise Invalid({"start_date": "Date d'entrée obligatoire."})
    with transaction.atomic():
        referral = referral_for(actor, referral_id, lock=True)
        allowed = {Status.ACCEPTED, Status.WAITING_LIST}
        if referral.emergency:
            allowed |= {Status.RECEIVED, Status.UNDER_REVIEW}
        if referral.status not in allowed:
            raise Conflict(
                "L'orientation n'est pas admissible dans son état actuel.",
                [{"field": "status", "message": referral.status}],
            )
        if not candidate_units(referral).filter(pk=unit).exists():
            raise Invalid({"unit": "Cette unité n'est pas destinataire de l'orientation."})
        stay = place_person(
            actor,
            person=referral.person,
            unit_id=unit,
            start_date=start_date,
            emergency=referral.emergency,
            releasing_referral=referral.pk,
        )
        _move(referral, Status.ADMITTED)
        referral.stay = stay
        referral.save(update_fields=["status", "stay", "closed_on"])
        audit(actor, AuditAction.UPDATE, referral, person=referral.person_id, admitted=stay.pk)
        if referral.referrer_id:
            notify([referral.referrer], f"Orientation n° {referral.pk} : admission le {start_date:%d/%m/%Y}.")
    return stay


def withdraw(actor, referral_id: int, *, reason: str) -> Referral:
    """Withdraw an open referral (by its sender or a professional of its scope), with the reason."""
    if not (reason or "").strip():
        raise Invalid({"reason": "Motif du retrait obligatoire."})
    with transaction.atomic():
        referral = referral_for(actor, referral_id, lock=True)
        if referral.referrer_id != actor.pk:
            _require_handler(actor, referral)
        _move(referral, Status.WITHDRAWN)
        referral.closed_reason = reason.strip()[:255]
        referral.save(update_fields=["status", "closed_reason", "closed_on"])
        audit(actor, AuditAction.UPDATE, referral, person=referral.person_id, withdrawn=True)
    return referral


def notify_place_freed(unit: Unit, day: date, limit: int = 3) -> list[int]:
    """When a stay ends, tell the unit's head of service which waiting referrals could take the place
    (the first suitable ones of the waiting list). Returns their ids."""
    decisions = (
        Decision.objects.filter(
            unit=unit,
            decision__in=["accepted", "waiting_list"],
            referral__status__in=["accepted", "waiting_list"],
        )
        .select_related("referral")
        .order_by("-referral__emergency", "decided_on", "id")[:limit]
    )
    ids = [d.referral_id for d in decisions]
    if ids:
        heads = _staff_of([unit], roles=(Role.HEAD_OF_SERVICE,)) or _staff_of([unit], roles=(Role.DIRECTOR,))
        numbers = ", ".join(f"n° {i}" for i in ids)
        notify(
            heads,
            f"Une place se libère le {day:%d/%m/%Y} à {unit.name} : orientations en attente {numbers}.",
            f"/api/v1/units/{unit.pk}/waiting-list",
        )
    return ids


def attach_document(
    actor,
    referral_id: int,
    *,
    filename: str,
    data: bytes,
    kind: str,
    title: str = "",
    units: list[int] | None = None,
):
    """Attach a document to a referral and share it with the units examining it (all the referral's
    candidate units when none is named): until it admits the person, a unit sees only what was
    shared with it (secret professionnel partagé)."""
    from parcours.admissions.models import SharedDocument
    from parcours.people.services import upload_document

    referral = referral_for(actor, referral_id)
    candidates = candidate_units(referral)
    chosen = []
    for index, unit_id in enumerate(units or []):
        unit = candidates.filter(pk=unit_id).first()
        if unit is None:
            raise Invalid({f"units[{index}]": "Cette unité n'est pas destinataire de l'orientation."})
        chosen.append(unit)
    with transaction.atomic():
        doc = upload_document(actor, referral.person_id, filename=filename, data=data, kind=kind, title=title)
        for unit in chosen or [None]:
            SharedDocument.objects.create(referral=referral, document=doc, unit=unit)
        audit(
            actor,
            AuditAction.CREATE,
            doc,
            person=referral.person_id,
            referral=referral.pk,
            shared_with=[u.pk for u in chosen] or "all",
        )
    return doc


def shared_documents(actor, referral_id: int):
    """Documents of a referral the user may read: all for its sender and for those who may open the
    record; otherwise only those shared with a unit of the user's scope (or with every unit)."""
    from django.db.models import Q

    from parcours.admissions.models import SharedDocument
    from parcours.people.models import Document, Person
    from parcours.people.selectors import documents_of

    referral = referral_for(actor, referral_id)
    docs = Document.objects.filter(
        pk__in=SharedDocument.objects.filter(referral=referral).values("document_id")
    )
    if Person.objects.visible_to(actor, Perm.VIEW_DOCUMENTS).filter(pk=referral.person_id).exists():
        # the whole file to its professionals; a partner sender: its own and those shared with it
        person = Person.objects.get(pk=referral.person_id)
        return referral, docs.filter(pk__in=documents_of(actor, person).values("pk"))
    unit_ids = scoping.units_visible_to(actor).values("id")
    shared = SharedDocument.objects.filter(Q(unit__in=unit_ids) | Q(unit__isnull=True), referral=referral)
    return referral, docs.filter(pk__in=shared.values("document_id"))


def read_shared_document(actor, referral_id: int, document_id: int):
    """The content of a document shared for a referral; the read is audited."""
    from parcours.people import documents as storage

    referral, docs = shared_documents(actor, referral_id)
    doc = docs.filter(pk=document_id).first()
    if doc is None:
        raise NotFound("Document introuvable.")
    data = storage.load(doc.storage_name)
    audit(actor, AuditAction.DOWNLOAD, doc, person=referral.person_id, referral=referral.pk)
    return doc, data


def record_outcome(actor, referral_id: int, *, outcome: str, reason: str = "") -> Referral:
    """For the inclusion public (RSA orientation platforms), the orientation given — towards
    employment, socio-professional or social support — accepts and closes the referral's review."""
    from parcours.admissions.choices import InclusionOutcome

    if outcome not in InclusionOutcome.values:
        raise Invalid({"outcome": "Orientation attendue : employment, socio_professional ou social."})
    if not scoping.has_perm_somewhere(actor, Perm.EDIT_RECORDS):
        raise Forbidden()
    with transaction.atomic():
        referral = referral_for(actor, referral_id, lock=True)
        _require_handler(actor, referral)
        if referral.public != "inclusion":
            raise Conflict(
                "Seules les orientations du public insertion (RSA) reçoivent cette orientation.",
                [{"field": "outcome", "message": "public " + referral.public}],
            )
        _move(referral, Status.ACCEPTED)
        referral.outcome = outcome
        referral.closed_reason = (reason or "")[:255]
        referral.save(update_fields=["status", "outcome", "closed_reason", "closed_on"])
        audit(actor, AuditAction.UPDATE, referral, person=referral.person_id, outcome=outcome)
        if referral.referrer_id:
            notify([referral.referrer], f"Orientation n° {referral.pk} : {InclusionOutcome(outcome).label}.")
    return referral


def request_information(actor, referral_id: int, *, message: str) -> Referral:
    """The intake pole asks the sender for missing information: the sender is notified and the
    request is kept in the referral's history (audit)."""
    if not (message or "").strip():
        raise Invalid({"message": "Précisez les informations manquantes."})
    if not scoping.has_perm_somewhere(actor, Perm.EDIT_RECORDS):
        raise Forbidden()
    referral = referral_for(actor, referral_id)
    _require_handler(actor, referral)
    if referral.status not in OPEN_STATUSES:
        raise Conflict("L'orientation est close.", [{"field": "status", "message": referral.status}])
    with transaction.atomic():
        audit(
            actor,
            AuditAction.UPDATE,
            referral,
            person=referral.person_id,
            information_requested=message[:500],
        )
        if referral.referrer_id:
            notify(
                [referral.referrer],
                f"Orientation n° {referral.pk} : informations demandées — {message.strip()}",
                f"/orientations/{referral.pk}/",
            )
    return referral
