"""Intake pages: the board by status, submitting a referral, the referral with its matches and
decisions, a unit's waiting list, the offer shared with partners, a person's pathway."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from parcours.access import scoping
from parcours.access.models import AuditAction
from parcours.access.services import audit
from parcours.admissions import selectors, services
from parcours.admissions.choices import Status
from parcours.admissions.forms import AdmitForm, DecisionForm, ReferralForm
from parcours.core.dates import today
from parcours.core.errors import Invalid
from parcours.core.validators import date_error
from parcours.core.viewtools import service_errors, submit
from parcours.directory.models import Organisation


@login_required
@service_errors
def board(request):
    """Referrals of the user's scope by status (a partner sees its own, with status and unit only)."""
    items = list(
        selectors.referrals(request.user, emergency=True if request.GET.get("urgence") else None)[:500]
    )
    audit(request.user, AuditAction.VIEW, "referral", section="board", ids=[r.pk for r in items])
    columns = [(s.value, s.label, [r for r in items if r.status == s.value]) for s in Status]
    return render(
        request,
        "admissions/board.html",
        {"columns": columns, "nav": "intake", "partner": scoping.is_partner_only(request.user)},
    )


@login_required
@service_errors
def new_referral(request):
    organisations = Organisation.objects.filter(kind__in=["group", "association"]).order_by("name")
    form = ReferralForm(request.POST or None, organisations=organisations)

    def action(d):
        person = d["person"]
        if not person:
            missing = {
                f: "Obligatoire sans n° de dossier."
                for f in ("last_name", "first_name", "birth_date", "sex")
                if not d[f]
            }
            if missing:
                raise Invalid(missing)
            from parcours.people.services import create_person

            person = create_person(
                request.user,
                first_name=d["first_name"],
                last_name=d["last_name"],
                birth_date=d["birth_date"],
                sex=d["sex"],
                commune=d["commune"] or None,
            ).pk
        return services.submit_referral(
            request.user,
            person=person,
            modality=d["modality"],
            public=d["public"],
            emergency=d["emergency"],
            wished_date=d["wished_date"],
            reason=d["reason"],
            organisation=int(d["organisation"]) if d["organisation"] else None,
            family_informed=d["family_informed"],
            family_informed_on=d["family_informed_on"],
            consent_notes=d["consent_notes"],
        )

    if request.method == "POST":
        referral = submit(form, action)
        if referral is not None:
            messages.success(request, f"Orientation n° {referral.pk} transmise.")
            return redirect("admissions:referral", referral.pk)
    return render(request, "admissions/new.html", {"form": form, "nav": "intake"})


@login_required
@service_errors
def referral(request, referral_id: int, bound=None):
    item = services.referral_for(request.user, referral_id)
    audit(request.user, AuditAction.VIEW, item, person=item.person_id, section="referral")
    partner = scoping.is_partner_only(request.user)
    from parcours.admissions.schemas import ReferralOut

    context = {
        "follow_up_due": ReferralOut.resolve_follow_up_due(item),
        "emergency_end_due": ReferralOut.resolve_emergency_end_due(item),
        "documents": services.shared_documents(request.user, item.pk)[1],
        "referral": item,
        "partner": partner,
        "nav": "intake",
        "decisions": item.decisions.select_related("unit"),
        "bound": bound or {},
    }
    if not partner and item.status in ("received", "under_review", "accepted", "waiting_list", "refused"):
        context["matches"] = selectors.matches(request.user, item.pk)
        context["decided_units"] = set(item.decisions.values_list("unit_id", flat=True))
    return render(request, "admissions/referral.html", context, status=422 if bound else 200)


@require_POST
@login_required
@service_errors
def decide(request, referral_id: int):
    form = DecisionForm(request.POST)
    made = submit(form, lambda d: services.decide(request.user, referral_id, **d))
    if made is not None:
        if made.decision != form.cleaned_data["decision"]:
            messages.warning(
                request, "Aucune place libre : l'orientation est inscrite sur la liste d'attente."
            )
        else:
            messages.success(request, "Décision enregistrée.")
        return redirect("admissions:referral", referral_id)
    return referral(request, referral_id, bound={"decision": form})


@require_POST
@login_required
@service_errors
def admit(request, referral_id: int):
    form = AdmitForm(request.POST)
    if submit(form, lambda d: services.admit(request.user, referral_id, **d)) is not None:
        messages.success(request, "Admission enregistrée : le séjour est créé.")
        return redirect("admissions:referral", referral_id)
    return referral(request, referral_id, bound={"admit": form})


@login_required
@service_errors
def waiting_list(request, unit_id: int):
    unit = scoping.unit_for(request.user, unit_id)
    rows = selectors.waiting_list(request.user, unit_id)
    audit(
        request.user,
        AuditAction.VIEW,
        "waiting_list",
        section="waiting_list",
        unit=unit_id,
        ids=[r["referral"] for r in rows],
    )
    return render(request, "admissions/waiting_list.html", {"unit": unit, "rows": rows, "nav": "intake"})


@login_required
def shared_offer(request):
    return render(
        request,
        "admissions/shared_offer.html",
        {"rows": selectors.shared_offer(today()), "today": today(), "nav": "shared_offer"},
    )


@login_required
@service_errors
def pathway_page(request, person_id: int):
    from parcours.pathways.timeline import pathway
    from parcours.people.selectors import open_record

    person = open_record(request.user, person_id, section="pathway")
    return render(
        request,
        "admissions/pathway.html",
        {"person": person, "data": pathway(person, request.user), "nav": "people"},
    )


@login_required
@service_errors
def allocation_page(request):
    """The group allocation proposal for a date, accepted line by line by the commission."""
    from datetime import date as date_type

    from parcours.core.errors import Forbidden

    if scoping.is_partner_only(request.user):
        raise Forbidden("Réservé au pôle d'accueil.")
    from parcours.directory.models import Organisation

    covered = scoping.organisation_ids_at_org_level(request.user)
    organisations = (
        Organisation.objects.all() if covered is None else Organisation.objects.filter(pk__in=covered)
    )
    organisations = organisations.filter(kind__in=["group", "association"]).order_by("name")
    chosen = request.GET.get("organisation") or (organisations.first().pk if organisations.exists() else "")
    try:
        day = date_type.fromisoformat(request.GET.get("on", "")) if request.GET.get("on") else today()
    except ValueError:
        day = today()
    result = selectors.allocation(request.user, f"organisation:{chosen}", day) if chosen else None
    rows = []
    if result:
        from parcours.admissions.models import Referral
        from parcours.directory.models import Unit

        referrals = Referral.objects.in_bulk(
            [a["referral"] for a in result["assignments"]] + result["unplaced"]
        )
        units = Unit.objects.in_bulk([a["unit"] for a in result["assignments"]])
        rows = [
            {**a, "referral_obj": referrals[a["referral"]], "unit_obj": units[a["unit"]]}
            for a in result["assignments"]
        ]
        result["unplaced_objs"] = [referrals[r] for r in result["unplaced"]]
        audit(request.user, AuditAction.VIEW, "allocation", section="allocation", ids=list(referrals))
    return render(
        request,
        "admissions/allocation.html",
        {
            "organisations": organisations,
            "chosen": str(chosen),
            "on": day,
            "result": result,
            "rows": rows,
            "nav": "intake",
        },
    )


@login_required
@service_errors
def sessions(request):
    """Commission sessions of the user's organisations, and scheduling a new one."""
    from parcours.admissions.models import CommissionSession

    orgs = scoping.organisation_ids(request.user)
    qs = CommissionSession.objects.select_related("organisation").order_by("-date")
    if orgs is not None:
        qs = qs.filter(organisation_id__in=orgs)
    if request.method == "POST":
        try:
            from datetime import date as date_type

            when = date_type.fromisoformat(request.POST.get("date", ""))
            if date_error(when):
                raise Invalid({"date": date_error(when)})
            session = services.create_session(
                request.user,
                date=when,
                organisation=request.POST.get("organisation"),
                kind=request.POST.get("kind", "admission_commission"),
                members=[request.user.pk],
            )
        except ValueError:
            messages.error(request, "Date de séance invalide.")
        except Invalid as exc:
            messages.error(request, " ".join(e["message"] for e in exc.errors) or exc.detail)
        else:
            return redirect("admissions:session", session.pk)
    organisations = scoping.organisations_visible_to(request.user, "edit_records").filter(
        kind__in=["group", "association"]
    )
    return render(
        request,
        "admissions/sessions.html",
        {"sessions": qs[:100], "organisations": organisations, "nav": "intake"},
    )


@login_required
@service_errors
def session(request, session_id: int):
    """A session: its agenda with the decisions, adding a referral to the agenda, the PDF minutes."""
    item = services.session_for(request.user, session_id)
    if request.method == "POST":
        try:
            services.put_on_agenda(request.user, item.pk, request.POST.get("referral"))
            messages.success(request, "Orientation inscrite à l'ordre du jour.")
        except (Invalid, services.Conflict) as exc:
            messages.error(request, exc.detail)
        return redirect("admissions:session", item.pk)
    agenda = item.referrals.select_related("person").prefetch_related("decisions__unit")
    candidates = selectors.referrals(request.user, status="received").filter(organisation=item.organisation)
    audit(request.user, AuditAction.VIEW, item, section="session", ids=[r.pk for r in agenda])
    return render(
        request,
        "admissions/session.html",
        {"session": item, "agenda": agenda, "candidates": candidates, "nav": "intake"},
    )


@login_required
def notifications_page(request):
    items = list(request.user.notifications.all()[:100])
    if request.method == "POST":
        from django.utils import timezone

        request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("admissions:notifications")
    return render(request, "admissions/notifications.html", {"items": items, "nav": "notifications"})


@require_POST
@login_required
@service_errors
def attach(request, referral_id: int):
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Choisissez un fichier.")
        return redirect("admissions:referral", referral_id)
    try:
        services.attach_document(
            request.user,
            referral_id,
            filename=upload.name,
            data=upload.read(),
            kind=request.POST.get("kind", "other"),
            title=request.POST.get("title", ""),
        )
        messages.success(request, "Document joint et partagé avec les unités destinataires.")
    except Invalid as exc:
        messages.error(request, " ".join(e["message"] for e in exc.errors) or exc.detail)
    return redirect("admissions:referral", referral_id)


@login_required
@service_errors
def shared_document(request, referral_id: int, document_id: int):
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header

    from parcours.people.documents import DocumentUnreadable

    try:
        doc, data = services.read_shared_document(request.user, referral_id, document_id)
    except DocumentUnreadable as exc:  # the server cannot read it (unknown key, missing file)
        messages.error(request, exc.detail)
        return redirect("admissions:referral", referral_id)
    response = HttpResponse(data, content_type=doc.content_type)
    response["Content-Disposition"] = content_disposition_header(True, doc.filename)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
@service_errors
def ask_information(request, referral_id: int):
    try:
        services.request_information(request.user, referral_id, message=request.POST.get("message", ""))
        messages.success(request, "Demande d'informations envoyée.")
    except (Invalid, services.Conflict) as exc:
        messages.error(request, " ".join(e["message"] for e in exc.errors) or exc.detail)
    return redirect("admissions:referral", referral_id)
