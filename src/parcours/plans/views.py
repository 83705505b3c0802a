"""Plan pages: the deadlines dashboard, a person's plans, the plan editor (htmx partial saves), the
PDF to sign, signature and amendment, the co-evaluation form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from parcours.access import scoping
from parcours.access.models import AuditAction
from parcours.access.roles import Perm
from parcours.access.services import audit
from parcours.core.errors import ServiceError
from parcours.core.viewtools import attach_errors, plausible, service_errors, submit
from parcours.plans import selectors, services
from parcours.plans.forms import (
    EvaluationForm,
    ExpressionForm,
    NeedForm,
    NewPlanForm,
    ObjectiveForm,
    PartnerForm,
    SignForm,
)
from parcours.plans.models import PlanStatus
from parcours.plans.reference import DOMAINS, SERAFIN_PH


def _int(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


@login_required
@service_errors
def dashboard(request):
    """Deadlines per unit and per coordinator: overdue, this week, this month."""
    unit = _int(request.GET.get("unite"))
    coordinator = _int(request.GET.get("coordinateur"))
    if unit is not None:
        scoping.unit_for(request.user, unit)
    board = selectors.dashboard(request.user, unit=unit, coordinator=coordinator)
    ids = [r["plan"] for key in ("overdue", "week", "month") for r in board[key]]
    audit(request.user, AuditAction.VIEW, "plan", section="deadlines", ids=ids)
    return render(
        request,
        "plans/dashboard.html",
        {
            "board": board,
            "units": scoping.units_visible_to(request.user).order_by("name"),
            "coordinators": selectors.coordinators(request.user),
            "unit": unit,
            "coordinator": coordinator,
            "nav": "plans",
        },
    )


@login_required
@service_errors
def person_plans(request, person_id):
    """The plans of a person, and opening a new one."""
    person = scoping.person_for(request.user, person_id, Perm.VIEW_PLANS)
    items = list(selectors.plans(request.user, person.pk))
    audit(request.user, AuditAction.VIEW, "plan", person=person, section="plans", ids=[p.pk for p in items])
    form = NewPlanForm(request.POST or None)
    if request.method == "POST":
        plan = submit(
            form,
            lambda d: services.create_plan(
                request.user, person=person.pk, kind=d["kind"], start_date=d["start_date"]
            ),
        )
        if plan is not None:
            return redirect("plans:plan", plan.pk)
    return render(
        request, "plans/person_plans.html", {"person": person, "plans": items, "form": form, "nav": "people"}
    )


def _plan_context(request, plan, **extra):
    can_edit = _can_edit(request.user, plan)
    editable = plan.status == PlanStatus.DRAFT and can_edit
    needs = [
        dict(
            n,
            index=i,
            domain_label=DOMAINS.get(n["domain"], n["domain"]),
            serafin_label=SERAFIN_PH.get(n.get("serafin") or "", ""),
        )
        for i, n in enumerate(plan.needs)
    ]
    context = {
        "plan": plan,
        "person": plan.person,
        "editable": editable,
        "can_edit": can_edit,
        "needs": needs,
        "partners": list(enumerate(plan.partners)),
        "objectives": list(plan.objectives.prefetch_related("actions")),
        "domains": DOMAINS,
        "versions": selectors.versions(plan),
        "history": selectors.objective_history(plan),
        "expression_form": ExpressionForm(
            initial={"person_expression": plan.person_expression, "family_expression": plan.family_expression}
        ),
        "need_form": NeedForm(),
        "partner_form": PartnerForm(),
        "objective_form": ObjectiveForm(),
        "sign_form": SignForm(),
        "nav": "plans",
    }
    context.update(extra)
    return context


def _can_edit(user, plan) -> bool:
    try:
        services.plan_for(user, plan.pk, Perm.EDIT_RECORDS)
    except ServiceError:
        return False
    return True


@login_required
@service_errors
def plan_page(request, plan_id):
    plan = services.plan_for(request.user, plan_id)
    audit(request.user, AuditAction.VIEW, plan, person=plan.person_id, section="plan")
    return render(request, "plans/plan.html", _plan_context(request, plan))


@login_required
@service_errors
def plan_document(request, plan_id):
    from parcours.plans.document import plan_pdf

    plan = services.plan_for(request.user, plan_id)
    audit(request.user, AuditAction.EXPORT, plan, person=plan.person_id, format="pdf")
    response = HttpResponse(plan_pdf(plan), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="plan-{plan.pk}-v{plan.version}.pdf"'
    return response


def _fragment(request, plan_id, template, form_name=None, form=None, **extra):
    """Re-render one section of the editor (htmx) or the whole page (without JavaScript)."""
    plan = services.plan_for(request.user, plan_id)
    context = _plan_context(request, plan, **extra)
    if form_name and form is not None:
        context[form_name] = form
    if request.headers.get("HX-Request"):
        return render(request, template, context)
    if form is not None and form.errors:
        return render(request, "plans/plan.html", context, status=422)
    return redirect("plans:plan", plan.pk)


@login_required
@require_POST
@service_errors
def save_expression(request, plan_id):
    """Partial save of the person's and the family's expression."""
    form = ExpressionForm(request.POST)
    saved = submit(form, lambda d: services.update_plan(request.user, plan_id, **d))
    return _fragment(
        request, plan_id, "plans/_expression.html", "expression_form", form, saved=saved is not None
    )


LISTS = {
    "needs": (NeedForm, "plans/_needs.html", "need_form"),
    "partners": (PartnerForm, "plans/_partners.html", "partner_form"),
}


def _add_item(request, plan_id, field):
    form_class, template, form_name = LISTS[field]
    form = form_class(request.POST)
    done = submit(form, lambda d: services.add_item(request.user, plan_id, field, d))
    return _fragment(request, plan_id, template, form_name, None if done else form)


def _remove_item(request, plan_id, field, index):
    services.remove_item(request.user, plan_id, field, index)
    return _fragment(request, plan_id, LISTS[field][1])


@login_required
@require_POST
@service_errors
def add_need(request, plan_id):
    return _add_item(request, plan_id, "needs")


@login_required
@require_POST
@service_errors
def remove_need(request, plan_id, index):
    return _remove_item(request, plan_id, "needs", index)


@login_required
@require_POST
@service_errors
def add_partner(request, plan_id):
    return _add_item(request, plan_id, "partners")


@login_required
@require_POST
@service_errors
def remove_partner(request, plan_id, index):
    return _remove_item(request, plan_id, "partners", index)


@login_required
@require_POST
@service_errors
def add_objective(request, plan_id):
    form = ObjectiveForm(request.POST)

    def action(d):
        actions = []
        if d["action"] or d["responsible"]:
            actions = [
                {"description": d["action"], "responsible": d["responsible"], "due_date": d["due_date"]}
            ]
        try:
            return services.add_objective(
                request.user,
                plan_id,
                domain=d["domain"],
                description=d["description"],
                expected_results=d["expected_results"],
                actions=actions,
            )
        except ServiceError as exc:  # actions[0].x → the form's own field names
            for item in exc.errors:
                item["field"] = {
                    "actions[0].description": "action",
                    "actions[0].responsible": "responsible",
                }.get(item["field"], item["field"])
            raise

    done = submit(form, action)
    return _fragment(request, plan_id, "plans/_objectives.html", "objective_form", None if done else form)


@login_required
@require_POST
@service_errors
def remove_objective(request, plan_id, objective_id):
    services.plan_for(request.user, plan_id)
    services.remove_objective(request.user, objective_id)
    return _fragment(request, plan_id, "plans/_objectives.html")


@login_required
@require_POST
@service_errors
def sign(request, plan_id):
    form = SignForm(request.POST)
    plan = submit(
        form,
        lambda d: services.sign(
            request.user,
            plan_id,
            date=d["date"],
            signatories=[line.strip() for line in d["signatories"].splitlines() if line.strip()],
        ),
    )
    if plan is None:
        context = _plan_context(request, services.plan_for(request.user, plan_id), sign_form=form)
        return render(request, "plans/plan.html", context, status=422)
    messages.success(
        request, f"Signature enregistrée. Prochaine révision : {plan.next_review_date:%d/%m/%Y}."
    )
    return redirect("plans:plan", plan.pk)


@login_required
@require_POST
@service_errors
def amend(request, plan_id):
    try:
        draft = services.amend(request.user, plan_id)
    except ServiceError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.detail)
        return redirect("plans:plan", plan_id)
    messages.success(request, f"Avenant n° {draft.version - 1} ouvert : la version signée est conservée.")
    return redirect("plans:plan", draft.pk)


@login_required
@service_errors
def evaluation(request, plan_id):
    """Co-evaluation: who took part, objective by objective achieved or not, with comments."""
    plan = services.plan_for(request.user, plan_id, Perm.EDIT_RECORDS)
    objectives = list(plan.objectives.all())
    form = EvaluationForm(request.POST or None, objectives=objectives)
    if request.method == "POST" and form.is_valid() and plausible(form):
        try:
            services.evaluate(
                request.user,
                plan.pk,
                date=form.cleaned_data["date"],
                participants=form.participants(),
                results=form.results(),
            )
        except ServiceError as exc:
            if exc.status in (403, 404):
                raise
            attach_errors(form, exc)
        else:
            plan.refresh_from_db()
            messages.success(
                request, f"Co-évaluation enregistrée. Prochaine révision : {plan.next_review_date:%d/%m/%Y}."
            )
            return redirect("plans:plan", plan.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "plans/evaluation.html",
        {"plan": plan, "person": plan.person, "form": form, "nav": "plans"},
        status=status,
    )
