"""Quality pages: the establishments with their next external evaluation and their self-assessments,
the framework import (admins), a self-assessment (results by thematic, scores and evidence, the
action plan, the Excel export), an establishment's quality record."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from parcours.access.models import AuditAction
from parcours.access.services import audit
from parcours.core.errors import Forbidden, ServiceError
from parcours.core.viewtools import service_errors, submit
from parcours.steering.quality import selectors, services
from parcours.steering.quality.choices import AssessmentStatus
from parcours.steering.quality.export import self_assessment_xlsx
from parcours.steering.quality.forms import (
    ActionForm,
    ActionStatusForm,
    EstablishmentQualityForm,
    ImportForm,
    ScoreForm,
    SelfAssessmentForm,
)
from parcours.steering.quality.models import Framework

NAV = "steering"


@login_required
@service_errors
def overview(request):
    """Establishments with their next external evaluation; self-assessments; start a new one."""
    rows = selectors.establishments(request.user)
    managed = list(selectors.managed_establishments(request.user))
    frameworks = list(Framework.objects.order_by("-imported_at", "-id"))
    form = SelfAssessmentForm(request.POST or None, establishments=managed, frameworks=frameworks)
    if request.method == "POST":
        assessment = submit(
            form,
            lambda d: services.start_self_assessment(
                request.user,
                establishment=int(d["establishment"]),
                framework=int(d["framework"]),
                started_on=d["started_on"],
                title=d["title"],
            ),
        )
        if assessment is not None:
            messages.success(request, "Autoévaluation ouverte.")
            return redirect("quality:self_assessment", assessment.pk)
    return render(
        request,
        "quality/overview.html",
        {
            "rows": rows,
            "assessments": list(selectors.self_assessments(request.user)[:100]),
            "form": form,
            "can_start": bool(managed and frameworks),
            "can_import": selectors.can_import(request.user),
            "nav": NAV,
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
@service_errors
def framework_page(request):
    """The imported frameworks, and the import form for the group's administrators."""
    frameworks = list(selectors.frameworks(request.user))
    can_import = selectors.can_import(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_import:
            raise Forbidden("L'import du référentiel est réservé aux administrateurs du groupement.")
        framework = submit(
            form,
            lambda d: services.import_framework(
                request.user, d["file"].read(), d["file"].name, version=d["version"], name=d["name"]
            ),
        )
        if framework is not None:
            messages.success(
                request, f"Référentiel importé : {framework.criteria.count()} critères ({framework.version})."
            )
            return redirect("quality:framework")
    return render(
        request,
        "quality/framework.html",
        {"frameworks": frameworks, "form": form, "can_import": can_import, "nav": NAV},
        status=422 if request.method == "POST" else 200,
    )


def _can_manage(user, assessment) -> bool:
    try:
        selectors.self_assessment_for(user, assessment.pk, write=True)
    except ServiceError:
        return False
    return True


@login_required
@service_errors
def self_assessment_page(request, assessment_id):
    """Results by thematic; the criteria (of one thematic when chosen) with their scores and
    evidence; the action plan."""
    assessment = selectors.self_assessment_for(request.user, assessment_id)
    try:
        thematic = int(request.GET.get("thematique") or 0) or None
    except ValueError:
        thematic = None
    can_manage = _can_manage(request.user, assessment)
    criteria = list(assessment.framework.criteria.order_by("position", "id"))
    form = ActionForm(request.POST or None, criteria=criteria)
    if request.method == "POST":
        item = submit(
            form,
            lambda d: services.add_action(
                request.user,
                assessment.pk,
                action=d["action"],
                owner=d["owner"],
                due_date=d["due_date"],
                criterion=int(d["criterion"]) if d["criterion"] else None,
            ),
        )
        if item is not None:
            messages.success(request, "Action ajoutée au plan.")
            return redirect("quality:self_assessment", assessment.pk)
    results = selectors.results(assessment)
    return render(
        request,
        "quality/self_assessment.html",
        {
            "assessment": assessment,
            "results": results,
            "thematic": thematic,
            "criteria": selectors.criteria_with_scores(assessment, thematic),
            "actions": list(selectors.actions(assessment)),
            "action_form": form,
            "status_form": ActionStatusForm(),
            "can_manage": can_manage,
            "in_progress": assessment.status == AssessmentStatus.IN_PROGRESS,
            "nav": NAV,
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
@service_errors
def score_page(request, assessment_id, criterion_id):
    """Score one criterion with its evidence."""
    assessment = selectors.self_assessment_for(request.user, assessment_id, write=True)
    criterion = selectors.criterion_of(assessment, criterion_id)
    current = assessment.scores.filter(criterion=criterion).first()
    initial = (
        {"score": current.score, "evidence": current.evidence, "comment": current.comment} if current else {}
    )
    form = ScoreForm(request.POST or None, initial=initial)
    if request.method == "POST":
        done = submit(
            form, lambda d: services.score_criterion(request.user, assessment.pk, criterion.pk, **d)
        )
        if done is not None:
            messages.success(request, f"Critère {criterion.reference} coté.")
            url = reverse("quality:self_assessment", args=[assessment.pk])
            return redirect(f"{url}?thematique={criterion.thematic_id}#critere-{criterion.pk}")
    return render(
        request,
        "quality/score.html",
        {"assessment": assessment, "criterion": criterion, "form": form, "nav": NAV},
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_POST
@service_errors
def action_status(request, action_id):
    item = selectors.action_for(request.user, action_id, write=True)
    form = ActionStatusForm(request.POST)
    if submit(form, lambda d: services.update_action(request.user, item.pk, status=d["status"])) is None:
        messages.error(request, "Statut invalide.")
    return redirect("quality:self_assessment", item.self_assessment_id)


@login_required
@require_POST
@service_errors
def assessment_status(request, assessment_id):
    """Complete the self-assessment, or reopen it."""
    status = request.POST.get("status", "")
    try:
        services.update_self_assessment(request.user, assessment_id, status=status)
    except ServiceError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.detail)
    return redirect("quality:self_assessment", assessment_id)


@login_required
@service_errors
def export(request, assessment_id):
    assessment = selectors.self_assessment_for(request.user, assessment_id)
    body = self_assessment_xlsx(assessment)
    audit(request.user, AuditAction.EXPORT, assessment, format="xlsx")
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="autoevaluation-{assessment.pk}.xlsx"'
    return response


@login_required
@service_errors
def establishment_page(request, establishment_id):
    """The establishment's quality record: external evaluation, quality referent, ethics committee."""
    establishment = selectors.establishment_for(request.user, establishment_id, write=True)
    record = selectors.quality_record(establishment)
    initial = {}
    if record is not None:
        initial = {
            "last_external_evaluation": record.last_external_evaluation,
            "next_external_evaluation": record.next_external_evaluation,
            "evaluation_body": record.evaluation_body,
            "quality_referent": record.quality_referent_id or "",
            "quality_referent_name": record.quality_referent_name,
            "ethics_committee": record.ethics_committee,
        }
    form = EstablishmentQualityForm(
        request.POST or None, initial=initial, colleagues=selectors.colleagues(establishment)
    )
    if request.method == "POST":

        def save(d):
            d = dict(d)
            d["quality_referent"] = int(d["quality_referent"]) if d["quality_referent"] else None
            if d["last_external_evaluation"]:
                d["next_external_evaluation"] = None  # computed
            return services.set_establishment_quality(request.user, establishment.pk, **d)

        if submit(form, save) is not None:
            messages.success(request, "Fiche qualité enregistrée.")
            return redirect("quality:overview")
    return render(
        request,
        "quality/establishment.html",
        {"establishment": establishment, "record": record, "form": form, "nav": NAV},
        status=422 if request.method == "POST" else 200,
    )
