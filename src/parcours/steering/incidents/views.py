"""Adverse events pages: the register with its filters and the figures by category and unit, the
declaration form, the event page (classification, report and EIG form, analysis, corrective
actions, closure). Views only parse forms and call services and selectors."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from parcours.access.models import AuditAction
from parcours.access.roles import Perm
from parcours.core.dates import add_months, today
from parcours.core.errors import ServiceError
from parcours.core.viewtools import attach_errors, plausible, service_errors, submit
from parcours.steering.incidents import export, selectors, services
from parcours.steering.incidents.choices import Status
from parcours.steering.incidents.forms import (
    ActionForm,
    AnalysisForm,
    ClassifyForm,
    CloseForm,
    DeclarationForm,
    DoneForm,
    PersonForm,
    RegisterFilterForm,
    ReportForm,
    form_field,
)

REGISTER_ROWS = 200


def _filters(request):
    """The register's filters (GET), the period defaulting to the last twelve months."""
    selectors.require_internal(request.user)
    from parcours.access import scoping

    form = RegisterFilterForm(
        request.GET or None,
        establishments=scoping.establishments_visible_to(request.user).order_by("name"),
        units=scoping.units_visible_to(request.user).select_related("establishment"),
    )
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    end = data.get("au") or today()
    start = data.get("du") or add_months(end, -12) + timedelta(days=1)
    if end < start:
        start, end = end, start
    serious = {"oui": True, "non": False}.get(data.get("grave") or "")
    values = {
        "start": start,
        "end": end,
        "establishment": data.get("etablissement"),
        "unit": data.get("unite"),
        "category": data.get("categorie") or None,
        "serious": serious,
        "status": data.get("statut") or None,
    }
    return form, values


@login_required
@service_errors
def register_page(request):
    """The register of the user's scope, filtered, with the figures by category and unit."""
    form, values = _filters(request)
    qs = selectors.register(request.user, **values)
    items = list(qs[:REGISTER_ROWS])
    figures = selectors.breakdown(
        request.user,
        values["start"],
        values["end"],
        establishment=values["establishment"],
        unit=values["unit"],
    )
    from parcours.access.services import audit

    audit(request.user, AuditAction.VIEW, "incident", section="register", ids=[i.pk for i in items])
    return render(
        request,
        "incidents/register.html",
        {
            "form": form,
            "items": items,
            "count": qs.count(),
            "shown": len(items),
            "figures": figures,
            "start": values["start"],
            "end": values["end"],
            "query": request.GET.urlencode(),
            "can_declare": selectors.establishments_for_declaration(request.user).exists(),
            "nav": "steering",
        },
    )


@login_required
@service_errors
def register_csv(request):
    _form, values = _filters(request)
    return export.csv_response(request.user, selectors.register(request.user, **values))


@login_required
@service_errors
def declare(request):
    """The declaration form: any professional of the establishment, or its quality referent."""
    selectors.require_internal(request.user)
    establishments = list(selectors.establishments_for_declaration(request.user))
    if not establishments:
        from parcours.core.errors import Forbidden

        raise Forbidden()
    units = selectors.units_for_declaration(request.user)
    initial = {"establishment": establishments[0].pk} if len(establishments) == 1 else {}
    form = DeclarationForm(
        request.POST or None, user=request.user, establishments=establishments, units=units, initial=initial
    )
    if request.method == "POST":
        incident = None
        if form.is_valid() and plausible(form):
            try:
                incident = services.declare(request.user, **form.service_values())
            except ServiceError as exc:
                if exc.status in (403, 404):
                    raise
                for item in exc.errors:
                    item["field"] = form_field(item.get("field", ""), form)
                attach_errors(form, exc)
        if incident is not None:
            messages.success(
                request, f"Événement n° {incident.pk} déclaré. La direction et la qualité en sont informées."
            )
            return redirect("incidents:incident", incident.pk)
    return render(
        request,
        "incidents/declare.html",
        {"form": form, "nav": "steering"},
        status=422 if request.method == "POST" else 200,
    )


def _context(request, incident, **forms):
    links = selectors.read(request.user, incident)
    manage = selectors.can(request.user, incident, Perm.MANAGE_QUALITY)
    declarer = manage or any(selectors.can(request.user, incident, p) for p in services.DECLARERS)
    open_ = incident.status != Status.CLOSED
    actions = list(incident.actions.all())
    context = {
        "incident": incident,
        "links": links,
        "informed": selectors.informed_rows(incident.informed),
        "actions": actions,
        "open_actions": [a for a in actions if a.done_on is None],
        "can_manage": manage and open_,
        "can_link": declarer and open_,
        "can_classify": manage and incident.status in (Status.DECLARED, Status.CLASSIFIED),
        "can_report": manage and incident.serious and incident.status in (Status.CLASSIFIED, Status.REPORTED),
        "can_analyse": manage
        and open_
        and incident.status != Status.DECLARED
        and not (incident.serious and incident.status == Status.CLASSIFIED),
        "can_act": manage and open_ and incident.status != Status.DECLARED,
        "can_close": manage and incident.status == Status.ANALYSED,
        "person_form": PersonForm(),
        "classify_form": ClassifyForm(
            initial={"category": incident.category, "serious": incident.serious}
            if incident.category
            else None
        ),
        "report_form": ReportForm(initial={"reported_on": incident.reported_on or today()}),
        "analysis_form": AnalysisForm(initial={"causes": incident.causes}),
        "action_form": ActionForm(),
        "done_form": DoneForm(),
        "close_form": CloseForm(),
        "nav": "steering",
    }
    context.update(forms)
    return context


@login_required
@service_errors
def incident_page(request, incident_id):
    incident = selectors.incident_for(request.user, incident_id)
    return render(request, "incidents/incident.html", _context(request, incident))


@login_required
@service_errors
def eig_form(request, incident_id):
    """The EIG notification form (PDF), audited as an export with each person concerned."""
    from parcours.steering.incidents.document import eig_pdf

    incident = selectors.incident_for(request.user, incident_id)
    links = selectors.read(request.user, incident, section="eig_form", action=AuditAction.EXPORT)
    response = HttpResponse(eig_pdf(incident, links), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="eig-{incident.pk}.pdf"'
    return response


def _post(request, incident_id, form_class, form_name, action, success: str):
    """Run one of the event page's forms; errors are shown next to the field (422)."""
    form = form_class(request.POST)
    done = submit(form, action)
    if done is not None:
        messages.success(request, success)
        return redirect("incidents:incident", incident_id)
    incident = selectors.incident_for(request.user, incident_id)
    return render(
        request, "incidents/incident.html", _context(request, incident, **{form_name: form}), status=422
    )


@login_required
@require_POST
@service_errors
def add_person(request, incident_id):
    return _post(
        request,
        incident_id,
        PersonForm,
        "person_form",
        lambda d: services.add_person(request.user, incident_id, d["person"], d["role"]),
        "Personne liée à l'événement.",
    )


@login_required
@require_POST
@service_errors
def remove_person(request, incident_id, person_id):
    services.remove_person(request.user, incident_id, person_id)
    messages.success(request, "Personne retirée de l'événement.")
    return redirect("incidents:incident", incident_id)


@login_required
@require_POST
@service_errors
def classify(request, incident_id):
    return _post(
        request,
        incident_id,
        ClassifyForm,
        "classify_form",
        lambda d: services.classify(request.user, incident_id, category=d["category"], serious=d["serious"]),
        "Qualification enregistrée.",
    )


@login_required
@require_POST
@service_errors
def report(request, incident_id):
    return _post(
        request,
        incident_id,
        ReportForm,
        "report_form",
        lambda d: services.record_report(request.user, incident_id, reported_on=d["reported_on"]),
        "Date de transmission à l'autorité enregistrée.",
    )


@login_required
@require_POST
@service_errors
def analysis(request, incident_id):
    return _post(
        request,
        incident_id,
        AnalysisForm,
        "analysis_form",
        lambda d: services.analyse(request.user, incident_id, causes=d["causes"]),
        "Analyse enregistrée.",
    )


@login_required
@require_POST
@service_errors
def add_action(request, incident_id):
    return _post(
        request,
        incident_id,
        ActionForm,
        "action_form",
        lambda d: services.add_corrective_action(request.user, incident_id, **d),
        "Action corrective ajoutée.",
    )


@login_required
@require_POST
@service_errors
def action_done(request, incident_id, action_id):
    return _post(
        request,
        incident_id,
        DoneForm,
        "done_form",
        lambda d: services.complete_action(
            request.user, action_id, done_on=d.get("done_on"), incident_id=incident_id
        ),
        "Action marquée comme réalisée.",
    )


@login_required
@require_POST
@service_errors
def close(request, incident_id):
    return _post(
        request,
        incident_id,
        CloseForm,
        "close_form",
        lambda d: services.close(request.user, incident_id, closed_on=d.get("closed_on"), reason=d["reason"]),
        "Événement clôturé.",
    )
