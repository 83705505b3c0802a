"""Read side of the meetings register, always scoped, and the figures that feed the indicators.

Whose meetings a user sees: a meeting held for an establishment is seen by the users with a
membership on that establishment or on its organisation (or a group it belongs to); a meeting of an
organisation as a whole (no establishment) only by those with a membership on that organisation or
on a group it belongs to — not by the staff of one of its establishments or units. Partners see
nothing of it (403)."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Prefetch, Q, QuerySet

from parcours.access import scoping
from parcours.access.roles import Perm
from parcours.core.errors import Forbidden, Invalid, NotFound
from parcours.steering.meetings.choices import ADMISSION_COMMISSION, MeetingKind, MeetingStatus
from parcours.steering.meetings.models import (
    FacilitatorProposal,
    Meeting,
    Participant,
    PracticeAnalysisRequest,
)

FOUR = Decimal("0.0001")
# Who organises meetings (records them, their attendance and minutes): every internal role.
ORGANISE = (Perm.EDIT_RECORDS, Perm.MANAGE_QUALITY)
# Who asks for a practice-analysis facilitator and chooses one: the management and quality.
COMMISSION = (Perm.MANAGE_OFFER, Perm.MANAGE_QUALITY)


def scope_ids(user, perms=(Perm.VIEW_RECORDS,)) -> tuple[set | None, set | None]:
    """(organisation ids, establishment ids) whose meetings the user reaches with one of the
    permissions; (None, None) for who sees everything. A meeting is the business of those whose
    memberships cover where it is held: an organisation's meetings as a whole need a membership on
    the organisation or on a group it belongs to; an establishment's, a membership on it or on its
    organisation. A unit membership reaches neither (its staff are invited by name)."""
    if scoping.sees_everything(user):
        return None, None
    orgs: set[int] = set()
    ests: set[int] = set()
    for perm in perms:
        orgs |= scoping.organisation_ids_at_org_level(user, perm) or set()
        ests |= scoping.establishment_ids_at_level(user, perm) or set()
    return orgs, ests


def belongs_q(organisation_ids: set | None, establishment_ids: set | None, prefix: str = "") -> Q:
    """Rows held for one of the establishments, or for one of the organisations as a whole."""
    whole = Q(**{f"{prefix}establishment__isnull": True})
    if organisation_ids is not None:
        whole &= Q(**{f"{prefix}organisation_id__in": organisation_ids})
    held = Q(**{f"{prefix}establishment__isnull": False})
    if establishment_ids is not None:
        held &= Q(**{f"{prefix}establishment_id__in": establishment_ids})
    return whole | held


def _visible_q(user, perms=(Perm.VIEW_RECORDS,)) -> Q:
    orgs, ests = scope_ids(user, perms)
    return belongs_q(orgs, ests)


def require_internal(user) -> None:
    """Meetings are the professionals' business: 403 for a partner (or a user without any role)."""
    scoping.require(user, Perm.VIEW_RECORDS)


def _id(value, label: str) -> int:
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise NotFound(f"{label} introuvable.") from None
    if not 0 < value < 2**63:
        raise NotFound(f"{label} introuvable.")
    return value


def _check_write(user, obj, perms) -> None:
    """403 unless the object is in the user's scope for one of the permissions."""
    if not type(obj).objects.filter(_visible_q(user, perms), pk=obj.pk).exists():
        raise Forbidden()


def meetings(
    user,
    *,
    kind: str | None = None,
    start: date | None = None,
    end: date | None = None,
    establishment: int | None = None,
    organisation: int | None = None,
) -> QuerySet:
    """The meetings the user sees, newest first, optionally of a kind, dated in a period (both ends
    included), of an establishment or an organisation."""
    require_internal(user)
    errors = {}
    if kind and kind not in MeetingKind.values:
        errors["kind"] = "Type attendu : " + ", ".join(MeetingKind.values) + "."
    if start and end and end < start:
        errors["to"] = "La fin de la période précède son début."
    if errors:
        raise Invalid(errors)
    qs = Meeting.objects.filter(_visible_q(user)).select_related("organisation", "establishment")
    if kind:
        qs = qs.filter(kind=kind)
    if start:
        qs = qs.filter(date__gte=start)
    if end:
        qs = qs.filter(date__lte=end)
    if establishment:
        qs = qs.filter(establishment_id=establishment)
    if organisation:
        qs = qs.filter(organisation_id=organisation)
    return qs.prefetch_related("participants").order_by("-date", "-start_time", "-id")


def meeting_for(user, meeting_id, *, write: bool = False) -> Meeting:
    """The meeting if the user sees it (404 otherwise); for a write, 403 unless the user organises
    meetings in its scope."""
    require_internal(user)
    meeting_id = _id(meeting_id, "Réunion")
    meeting = (
        Meeting.objects.filter(_visible_q(user), pk=meeting_id)
        .select_related("organisation", "establishment", "practice_analysis_request")
        .prefetch_related("participants")
        .first()
    )
    if meeting is None:
        raise NotFound("Réunion introuvable.")
    if write:
        _check_write(user, meeting, ORGANISE)
    return meeting


def persons_of(user, meeting: Meeting) -> list:
    """The persons a case review names that the reader may see (the caller audits each read)."""
    if meeting.kind != MeetingKind.CASE_REVIEW:
        return []
    visible = scoping.persons_visible_to(user, meeting.persons.all())
    return list(visible.order_by("last_name", "first_name"))


def requests(user) -> QuerySet:
    """The practice-analysis requests of the user's scope, with their proposals."""
    require_internal(user)
    return (
        PracticeAnalysisRequest.objects.filter(_visible_q(user))
        .select_related("organisation", "establishment")
        .prefetch_related(
            Prefetch("proposals", queryset=FacilitatorProposal.objects.order_by("received_on", "id"))
        )
        .order_by("-period_start", "-id")
    )


def request_for(user, request_id, *, write: bool = False) -> PracticeAnalysisRequest:
    """The request if in the user's scope (404), for a write 403 unless management or quality there."""
    require_internal(user)
    request_id = _id(request_id, "Demande")
    obj = requests(user).filter(pk=request_id).first()
    if obj is None:
        raise NotFound("Demande introuvable.")
    if write:
        _check_write(user, obj, COMMISSION)
    return obj


def proposal_for(user, proposal_id, *, write: bool = False) -> FacilitatorProposal:
    require_internal(user)
    proposal_id = _id(proposal_id, "Proposition")
    proposal = (
        FacilitatorProposal.objects.filter(pk=proposal_id)
        .filter(request__in=PracticeAnalysisRequest.objects.filter(_visible_q(user)).values("pk"))
        .select_related("request")
        .first()
    )
    if proposal is None:
        raise NotFound("Proposition introuvable.")
    if write:
        _check_write(user, proposal.request, COMMISSION)
    return proposal


def attachments(user, perms=ORGANISE) -> list[tuple[str, str]]:
    """Where the user may hold a meeting: ("organisation:ID" | "establishment:ID", label)."""
    from parcours.directory.models import Establishment, Organisation

    orgs, ests = scope_ids(user, perms)
    org_qs = Organisation.objects.all() if orgs is None else Organisation.objects.filter(pk__in=orgs)
    est_qs = Establishment.objects.all() if ests is None else Establishment.objects.filter(pk__in=ests)
    org_qs = org_qs.exclude(kind__in=["departement", "mdph", "pjj"]) if orgs is None else org_qs
    out = [(f"organisation:{o.pk}", f"{o.name} (toute l'organisation)") for o in org_qs.order_by("name")]
    out += [(f"establishment:{e.pk}", e.name) for e in est_qs.select_related("organisation").order_by("name")]
    return out


def _holds_somewhere(user, perms) -> bool:
    """Whether the user may act for at least one organisation or establishment (not only a unit)."""
    orgs, ests = scope_ids(user, perms)
    return orgs is None or bool(orgs or ests)


def can_organise(user) -> bool:
    return _holds_somewhere(user, ORGANISE)


def can_commission(user) -> bool:
    return _holds_somewhere(user, COMMISSION)


def figures(
    start: date, end: date, organisation_ids: set[int] | None, establishment_ids: set[int] | None
) -> dict:
    """Meetings dated in [start, end] (both included) held for one of the establishments or for one of
    the organisations as a whole (None: all of them), cancelled ones left out; admission commission
    sessions (admissions.CommissionSession) of the organisations counted under their own kind.
    attendance_rate = participants who attended / participants, over the meetings held (attendance
    taken), 4 decimals, None when nobody was expected. Aggregate queries only."""
    from parcours.admissions.models import CommissionSession

    base = Meeting.objects.filter(belongs_q(organisation_ids, establishment_ids), date__range=(start, end))
    base = base.exclude(status=MeetingStatus.CANCELLED)
    by_kind = {ADMISSION_COMMISSION: 0, **{kind: 0 for kind in MeetingKind.values}}
    for row in base.values("kind").annotate(n=Count("id")).order_by():
        by_kind[row["kind"]] = by_kind.get(row["kind"], 0) + row["n"]
    sessions = CommissionSession.objects.filter(date__range=(start, end))
    if organisation_ids is not None:
        sessions = sessions.filter(organisation_id__in=organisation_ids)
    for row in sessions.values("kind").annotate(n=Count("id")).order_by():
        by_kind[row["kind"]] = by_kind.get(row["kind"], 0) + row["n"]
    attendance = Participant.objects.filter(
        meeting__in=base.filter(status=MeetingStatus.HELD).values("pk")
    ).aggregate(expected=Count("id"), attended=Count("id", filter=Q(attended=True)))
    rate = None
    if attendance["expected"]:
        rate = (Decimal(attendance["attended"]) / Decimal(attendance["expected"])).quantize(
            FOUR, rounding=ROUND_HALF_UP
        )
    return {
        "meetings": sum(by_kind.values()),
        "meetings_by_kind": by_kind,
        "ethics_committee_meetings": by_kind[MeetingKind.ETHICS_COMMITTEE],
        "practice_analysis_sessions": by_kind[MeetingKind.PRACTICE_ANALYSIS],
        "training_sessions": by_kind[MeetingKind.TRAINING],
        "attendance_rate": rate,
    }


def figures_for(user, start: date, end: date, scope: str | None = None) -> dict:
    """figures() for the user's whole scope, or for a scope (unit:ID, establishment:ID,
    organisation:ID) the user's memberships cover (404 otherwise): an organisation's meetings and its
    establishments', an establishment's own, none for a unit (steering.selectors.meeting_holders)."""
    require_internal(user)
    if end < start:
        raise Invalid({"to": "La fin de la période précède son début."})
    if (end - start).days > 366 * 10:
        raise Invalid({"from": "Période de dix ans au plus."})
    if scope:
        from parcours.steering.scope import resolve
        from parcours.steering.selectors import meeting_holders

        return figures(start, end, *meeting_holders(resolve(user, scope)))
    orgs, ests = scope_ids(user)
    return figures(start, end, orgs, ests)


def colleagues(meeting: Meeting) -> QuerySet:
    """The professionals (internal roles) of the meeting's establishment or organisation, who may be
    invited by name from a list."""
    from parcours.access.models import Membership, User
    from parcours.access.roles import INTERNAL

    org, est = meeting.organisation_id, meeting.establishment_id
    where = Q(organisation_id=org)
    if est:
        where |= Q(establishment_id=est) | Q(unit__establishment_id=est)
    else:
        where |= Q(establishment__organisation_id=org) | Q(unit__establishment__organisation_id=org)
    members = Membership.objects.filter(where, role__in=[str(r) for r in INTERNAL]).values("user_id")
    return User.objects.filter(pk__in=members, is_active=True).order_by("last_name", "first_name")
