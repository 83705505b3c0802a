"""API: intake and orientation (API.md — Admissions)."""

from datetime import date

from ninja import File, Form, Router, Schema, Status, UploadedFile

from parcours.access import scoping
from parcours.access.models import AuditAction
from parcours.access.services import audit
from parcours.admissions import selectors, services
from parcours.admissions.models import CommissionSession
from parcours.admissions.schemas import (
    AdmitIn,
    AgendaIn,
    AllocationOut,
    DecisionIn,
    DecisionOut,
    MatchOut,
    NotificationOut,
    OutcomeIn,
    ReferralIn,
    ReferralListOut,
    ReferralView,
    SessionIn,
    SessionOut,
    WaitingOut,
    WithdrawIn,
)
from parcours.api.common import ERRORS, list_of, page
from parcours.pathways.schemas import StayOut
from parcours.people.schemas import DocumentOut

router = Router(tags=["Admissions"])


def _out(user, referral):
    """The referral, marked for the answer's schema (ReferralView): a partner sees its own view."""
    referral.partner_view = scoping.is_partner_only(user)
    return referral


@router.post("/referrals", response={201: ReferralView, **ERRORS})
def submit(request, data: ReferralIn):
    referral = services.submit_referral(request.user, **data.dict())
    return Status(201, _out(request.user, referral))


@router.get("/referrals", response={200: ReferralListOut, **ERRORS})
def list_referrals(
    request,
    status: str | None = None,
    unit: int | None = None,
    emergency: bool | None = None,
    limit: int = 50,
    offset: int = 0,
):
    count, items = page(
        selectors.referrals(request.user, status=status, unit=unit, emergency=emergency), limit, offset
    )
    audit(request.user, AuditAction.VIEW, "referral", section="referrals", ids=[r.pk for r in items])
    return {"count": count, "items": [_out(request.user, r) for r in items]}


@router.get("/referrals/{referral_id}", response={200: ReferralView, **ERRORS})
def get_referral(request, referral_id: int):
    referral = services.referral_for(request.user, referral_id)
    audit(request.user, AuditAction.VIEW, referral, person=referral.person_id, section="referral")
    return _out(request.user, referral)


@router.get("/referrals/{referral_id}/matches", response={200: list[MatchOut], **ERRORS})
def get_matches(request, referral_id: int, on: date | None = None):
    if scoping.is_partner_only(request.user):
        from parcours.core.errors import Forbidden

        raise Forbidden("Les correspondances sont réservées au pôle d'accueil.")
    return selectors.matches(request.user, referral_id, on)


@router.post("/referrals/{referral_id}/decisions", response={201: DecisionOut, **ERRORS})
def add_decision(request, referral_id: int, data: DecisionIn):
    return Status(201, services.decide(request.user, referral_id, **data.dict()))


@router.post("/referrals/{referral_id}/admit", response={201: StayOut, **ERRORS})
def admit(request, referral_id: int, data: AdmitIn):
    return Status(201, services.admit(request.user, referral_id, **data.dict()))


@router.post("/referrals/{referral_id}/withdraw", response={200: ReferralView, **ERRORS})
def withdraw(request, referral_id: int, data: WithdrawIn):
    return _out(request.user, services.withdraw(request.user, referral_id, reason=data.reason))


@router.get("/units/{unit_id}/waiting-list", response={200: list[WaitingOut], **ERRORS})
def waiting_list(request, unit_id: int):
    rows = selectors.waiting_list(request.user, unit_id)
    audit(
        request.user,
        AuditAction.VIEW,
        "waiting_list",
        section="waiting_list",
        unit=unit_id,
        ids=[r["referral"] for r in rows],
    )
    return rows


@router.get("/commission-sessions", response={200: list_of(SessionOut), **ERRORS})
def list_sessions(request, limit: int = 50, offset: int = 0):
    orgs = scoping.organisation_ids(request.user)
    qs = CommissionSession.objects.prefetch_related("members", "referrals").order_by("-date", "-id")
    if orgs is not None:
        qs = qs.filter(organisation_id__in=orgs)
    count, items = page(qs, limit, offset)
    return {"count": count, "items": items}


@router.post("/commission-sessions", response={201: SessionOut, **ERRORS})
def create_session(request, data: SessionIn):
    return Status(201, services.create_session(request.user, **data.dict()))


@router.post("/commission-sessions/{session_id}/referrals", response={200: ReferralView, **ERRORS})
def put_on_agenda(request, session_id: int, data: AgendaIn):
    return _out(request.user, services.put_on_agenda(request.user, session_id, data.referral))


@router.get("/allocation", response={200: AllocationOut, **ERRORS})
def get_allocation(request, scope: str, on: date | None = None):
    """The proposed assignment of waiting referrals to vacant places of an organisation on a date."""
    from parcours.core.dates import today

    if scoping.is_partner_only(request.user):
        from parcours.core.errors import Forbidden

        raise Forbidden("La proposition d'affectation est réservée au pôle d'accueil.")
    result = selectors.allocation(request.user, scope, on or today())
    audit(
        request.user,
        AuditAction.VIEW,
        "allocation",
        section="allocation",
        scope=scope,
        ids=[a["referral"] for a in result["assignments"]],
    )
    return result


@router.get("/offer", response={200: list[dict], **ERRORS})
def offer(request, on: date | None = None, modality: str | None = None, public: str | None = None):
    """The offer shared with partners (counts only, no personal data)."""
    from parcours.core.dates import today

    rows = selectors.shared_offer(on or today())
    return [
        r
        for r in rows
        if (not modality or r["modality"] == modality) and (not public or r["public"] == public)
    ]


@router.get("/offer.csv", response={200: None, **ERRORS})
def offer_csv(request, on: date | None = None):
    """The shared offer as a spreadsheet-safe CSV (semicolons, UTF-8 with BOM)."""
    from django.http import HttpResponse

    from parcours.core.dates import today
    from parcours.core.exports import csv_bytes

    day = on or today()
    rows = selectors.shared_offer(day)
    header = [
        "Organisation",
        "Établissement",
        "Unité",
        "Commune",
        "Modalité",
        "Public",
        "Âge min",
        "Âge max",
        "Territoire",
        "Critères d'admission",
        "Procédure",
        "Capacité",
        "Places vacantes",
    ]
    body = csv_bytes(
        header,
        (
            [
                r["organisation"],
                r["establishment"],
                r["name"],
                r["commune"],
                r["modality_label"],
                r["public_label"],
                r["age_min"],
                r["age_max"],
                ", ".join(r["territory"]),
                r["admission_criteria"],
                r["admission_procedure"],
                r["capacity"],
                r["vacant"],
            ]
            for r in rows
        ),
    )
    audit(request.user, AuditAction.EXPORT, "offer", format="csv")
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="offre-{day.isoformat()}.csv"'
    return response


@router.post("/referrals/{referral_id}/documents", response={201: DocumentOut, **ERRORS})
def attach_document(
    request,
    referral_id: int,
    file: File[UploadedFile],
    kind: Form[str],
    title: Form[str] = "",
    units: Form[str] = "",
):
    """Attach a document (the decision, a report) and share it with units (comma-separated ids; all
    the referral's units when empty)."""
    from parcours.core.errors import Invalid

    try:
        unit_ids = [int(u) for u in units.split(",") if u.strip()]
    except ValueError:
        raise Invalid({"units": "Liste d'identifiants d'unités séparés par des virgules."}) from None
    doc = services.attach_document(
        request.user,
        referral_id,
        filename=file.name or "",
        data=file.read(),
        kind=kind,
        title=title,
        units=unit_ids,
    )
    return Status(201, doc)


@router.get("/referrals/{referral_id}/documents", response={200: list[DocumentOut], **ERRORS})
def list_documents(request, referral_id: int):
    referral, docs = services.shared_documents(request.user, referral_id)
    audit(request.user, AuditAction.VIEW, referral, person=referral.person_id, section="shared_documents")
    return list(docs)


@router.get("/referrals/{referral_id}/documents/{document_id}/content", response={200: None, **ERRORS})
def download_document(request, referral_id: int, document_id: int):
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header

    doc, data = services.read_shared_document(request.user, referral_id, document_id)
    response = HttpResponse(data, content_type=doc.content_type)
    response["Content-Disposition"] = content_disposition_header(True, doc.filename)
    response["Cache-Control"] = "no-store"
    return response


@router.get("/commission-sessions/{session_id}/minutes.pdf", response={200: None, **ERRORS})
def minutes(request, session_id: int):
    """The session's minutes as a PDF: members, referrals examined, one decision per referral and unit."""
    from django.http import HttpResponse

    from parcours.admissions.minutes import minutes_pdf

    session = services.session_for(request.user, session_id)
    if scoping.is_partner_only(request.user):
        from parcours.core.errors import NotFound

        raise NotFound("Séance introuvable.")
    audit(
        request.user,
        AuditAction.EXPORT,
        session,
        format="pdf",
        ids=list(session.referrals.values_list("pk", flat=True)),
    )
    response = HttpResponse(minutes_pdf(session), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="pv-commission-{session.date.isoformat()}.pdf"'
    return response


@router.post("/referrals/{referral_id}/outcome", response={200: ReferralView, **ERRORS})
def record_outcome(request, referral_id: int, data: OutcomeIn):
    """Inclusion public: the orientation given (employment, socio-professional or social support)."""
    return _out(request.user, services.record_outcome(request.user, referral_id, **data.dict()))


@router.get("/referrals.csv", response={200: None, **ERRORS})
def export_referrals(request):
    """Referrals of the user's scope with the national orientation status codes (ViaTrajectoire PH)."""
    from django.http import HttpResponse

    from parcours.admissions.choices import VIATRAJECTOIRE_CODES
    from parcours.core.exports import csv_bytes

    items = list(selectors.referrals(request.user)[:50000])
    partner = scoping.is_partner_only(request.user)
    header = [
        "n°",
        "dossier",
        "urgence",
        "reçue le",
        "souhaitée le",
        "modalité",
        "public",
        "statut",
        "code ViaTrajectoire",
    ]
    rows = (
        [
            r.pk,
            r.person_id,
            "oui" if r.emergency else "non",
            r.received_on.isoformat(),
            r.wished_date.isoformat(),
            "" if partner else r.modality,
            "" if partner else r.public,
            r.status,
            VIATRAJECTOIRE_CODES[r.status],
        ]
        for r in items
    )
    audit(request.user, AuditAction.EXPORT, "referral", format="csv", ids=[r.pk for r in items])
    response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="orientations.csv"'
    return response


@router.get("/notifications", response={200: list[NotificationOut], **ERRORS})
def notifications(request, unread: bool = False):
    qs = request.user.notifications.all()
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return list(qs[:200])


@router.post("/notifications/{notification_id}/read", response={200: NotificationOut, **ERRORS})
def read_notification(request, notification_id: int):
    from django.utils import timezone

    from parcours.core.errors import NotFound

    note = request.user.notifications.filter(pk=notification_id).first()
    if note is None:
        raise NotFound("Notification introuvable.")
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    return note


class InformationIn(Schema):
    message: str


@router.post("/referrals/{referral_id}/information-request", response={200: ReferralView, **ERRORS})
def request_information(request, referral_id: int, data: InformationIn):
    """Ask the sender for missing information (the sender is notified)."""
    return _out(request.user, services.request_information(request.user, referral_id, message=data.message))
