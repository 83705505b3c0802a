"""CPOM pages: the list with the creation form, the CPOM page (objectives, action sheets, the
programme table of each action, indicators target vs actual per year in red/amber/green) with the
entry forms, and the PDF and Excel exports. The rules live in services and selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from parcours.access import scoping
from parcours.access.models import AuditAction
from parcours.access.roles import Perm
from parcours.access.services import audit
from parcours.core.errors import Forbidden, ServiceError
from parcours.core.viewtools import service_errors, submit
from parcours.steering.cpom import checks, selectors, services
from parcours.steering.cpom.choices import Source
from parcours.steering.cpom.forms import (
    ActionForm,
    CpomForm,
    IndicatorForm,
    ObjectiveForm,
    ProgressForm,
    StageForm,
    ValueForm,
)

MANAGE = Perm.MANAGE_QUALITY
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _establishment_choices(user):
    qs = scoping.establishments_visible_to(user)
    managed = selectors.managed_organisation_ids(user)
    if managed is not None:
        qs = qs.filter(organisation_id__in=checks.family_of(managed))
    return qs.order_by("name")


@login_required
@service_errors
def cpom_list(request):
    """The CPOMs in the user's scope; creating one for the managers."""
    items = list(selectors.cpoms(request.user))
    organisations = list(selectors.managed_organisations(request.user))
    can_create = bool(organisations) and scoping.has_perm_somewhere(request.user, MANAGE)
    form = None
    status = 200
    if can_create:
        form = CpomForm(
            request.POST or None,
            organisations=organisations,
            establishments=_establishment_choices(request.user),
        )
        if request.method == "POST":
            cpom = submit(form, lambda d: services.create_cpom(request.user, **form.payload()))
            if cpom is not None:
                messages.success(request, "CPOM enregistré : ajoutez ses objectifs stratégiques.")
                return redirect("cpom:cpom", cpom.pk)
            status = 422
    elif request.method == "POST":
        raise Forbidden()
    return render(request, "cpom/list.html", {"cpoms": items, "form": form, "nav": "steering"}, status=status)


# --- the CPOM page -------------------------------------------------------------------------------


def _scope_choices(user, cpom):
    family = checks.family_of(cpom.organisation_id)
    choices = [(f"organisation:{cpom.organisation_id}", f"Organisation : {cpom.organisation.name}")]
    for est in scoping.establishments_visible_to(user).filter(organisation_id__in=family).order_by("name"):
        choices.append((f"establishment:{est.pk}", f"Établissement : {est.name}"))
    units = scoping.units_visible_to(user).filter(establishment__organisation_id__in=family)
    for unit in units.select_related("establishment").order_by("establishment__name", "name"):
        choices.append((f"unit:{unit.pk}", f"Unité : {unit.name} ({unit.establishment.name})"))
    return choices


def _build_form(name, user, cpom, data=None):
    """One of the CPOM page's entry forms, its choices limited to this CPOM's parts."""
    years = cpom.years
    objectives = list(cpom.objectives.all())
    actions = [a for o in objectives for a in o.actions.all()]
    if name == "objective":
        return ObjectiveForm(data, prefix="objective")
    if name == "action":
        return ActionForm(data, prefix="action", objectives=objectives, years=years)
    if name == "stage":
        return StageForm(data, prefix="stage", actions=actions, years=years)
    if name == "progress":
        stages = [(a.number, s) for a in actions for s in a.stages.all()]
        return ProgressForm(data, prefix="progress", stages=stages, years=years)
    if name == "indicator":
        parents = []
        for o in objectives:
            parents.append((f"objective:{o.pk}", f"Objectif stratégique n° {o.number} (dans son ensemble)"))
            parents += [(f"action:{a.pk}", f"Action n° {a.number} — {a.title}") for a in o.actions.all()]
        return IndicatorForm(
            data, prefix="indicator", parents=parents, scopes=_scope_choices(user, cpom), years=years
        )
    manual = []
    for o in objectives:
        manual += [
            (f"Objectif {o.number} — {i.label}", i) for i in o.indicators.all() if i.source == Source.MANUAL
        ]
        for a in o.actions.all():
            manual += [
                (f"{a.number} — {i.label}", i) for i in a.indicators.all() if i.source == Source.MANUAL
            ]
    return ValueForm(data, prefix="value", indicators=manual, years=years)


FORMS = ("objective", "action", "stage", "progress", "indicator", "value")


def _render_page(request, cpom, *, bound=None, status=200):
    can_manage = selectors.can_manage(request.user, cpom)
    context = {**selectors.overview(request.user, cpom), "can_manage": can_manage, "nav": "steering"}
    context["establishments"] = list(cpom.establishments.all())
    context["open_form"] = bound[0] if bound else ""
    if can_manage:
        for name in FORMS:
            context[f"{name}_form"] = (
                bound[1] if bound and bound[0] == name else _build_form(name, request.user, cpom)
            )
    return render(request, "cpom/cpom.html", context, status=status)


@login_required
@service_errors
def cpom_page(request, cpom_id):
    return _render_page(request, selectors.cpom_tree(request.user, cpom_id))


def _renamed(call, rename):
    """Run a service call, renaming the fields of its errors to the form's own field names."""
    try:
        return call()
    except ServiceError as exc:
        for item in exc.errors:
            item["field"] = rename(item.get("field", ""))
        raise


def _field_root(field: str) -> str:
    return field.split("[")[0].split(".")[0]


def _post(request, cpom_id, name, action, anchor=lambda obj: "", rename=_field_root, message=""):
    cpom = selectors.cpom_tree(request.user, cpom_id)
    selectors.cpom_for(request.user, cpom.pk, MANAGE)
    form = _build_form(name, request.user, cpom, request.POST)
    done = submit(form, lambda d: _renamed(lambda: action(d, form), rename))
    if done is None:
        return _render_page(request, cpom, bound=(name, form), status=422)
    if message:
        messages.success(request, message)
    return redirect(reverse("cpom:cpom", args=[cpom.pk]) + anchor(done))


@login_required
@require_POST
@service_errors
def add_objective(request, cpom_id):
    return _post(
        request,
        cpom_id,
        "objective",
        lambda d, form: services.add_objective(request.user, cpom_id, title=d["title"], number=d["number"]),
        anchor=lambda o: f"#objective-{o.pk}",
        message="Objectif stratégique ajouté.",
    )


@login_required
@require_POST
@service_errors
def add_action(request, cpom_id):
    def action(d, form):
        data = dict(d)
        objective = data.pop("objective")
        return services.add_action(request.user, objective, **data)

    return _post(
        request, cpom_id, "action", action, anchor=lambda a: f"#action-{a.pk}", message="Action ajoutée."
    )


@login_required
@require_POST
@service_errors
def add_stage(request, cpom_id):
    return _post(
        request,
        cpom_id,
        "stage",
        lambda d, form: services.add_stage(
            request.user,
            d["action"],
            label=d["label"],
            expected_results=d["expected_results"],
            planned_years=d["planned_years"],
        ),
        anchor=lambda s: f"#action-{s.action_id}",
        message="Étape ajoutée au programme.",
    )


@login_required
@require_POST
@service_errors
def stage_progress(request, cpom_id):
    return _post(
        request,
        cpom_id,
        "progress",
        lambda d, form: services.update_stage(
            request.user, d["stage"], progress={str(d["year"]): d["progress"] or None}
        ),
        anchor=lambda s: f"#action-{s.action_id}",
        rename=lambda f: "year" if f.startswith("progress.") else _field_root(f),
        message="Avancement enregistré.",
    )


def _indicator_field(field: str) -> str:
    if field.startswith("targets."):
        return "target_" + field.split(".", 1)[1]
    if field in ("action", "objective"):
        return "parent"
    return _field_root(field)


@login_required
@require_POST
@service_errors
def add_indicator(request, cpom_id):
    def action(d, form):
        kind, _, ident = d["parent"].partition(":")
        return services.add_indicator(request.user, **{kind: int(ident)}, **form.payload())

    return _post(
        request,
        cpom_id,
        "indicator",
        action,
        anchor=lambda i: f"#indicator-{i.pk}",
        rename=_indicator_field,
        message="Indicateur ajouté.",
    )


@login_required
@require_POST
@service_errors
def record_value(request, cpom_id):
    return _post(
        request,
        cpom_id,
        "value",
        lambda d, form: services.record_value(
            request.user, d["indicator"], d["year"], value=d["value"], comment=d["comment"]
        ),
        anchor=lambda v: f"#indicator-{v.indicator_id}",
        rename=lambda f: "indicator" if f == "source" else _field_root(f),
        message="Valeur enregistrée.",
    )


# --- exports -------------------------------------------------------------------------------------


@login_required
@service_errors
def document_pdf(request, cpom_id):
    from parcours.steering.cpom.document import cpom_pdf

    cpom = selectors.cpom_tree(request.user, cpom_id)
    content = cpom_pdf(request.user, cpom)
    audit(request.user, AuditAction.EXPORT, cpom, format="pdf")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="cpom-{cpom.pk}.pdf"'
    return response


@login_required
@service_errors
def export_xlsx(request, cpom_id):
    from parcours.steering.cpom.workbook import cpom_workbook

    cpom = selectors.cpom_tree(request.user, cpom_id)
    content = cpom_workbook(request.user, cpom)
    audit(request.user, AuditAction.EXPORT, cpom, format="xlsx")
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="cpom-{cpom.pk}.xlsx"'
    return response
