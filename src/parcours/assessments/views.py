"""Assessment grid pages: the list of grids (and creating one), the designer (sections, questions,
publishing, new version), the filler for a person or a referral, and a completed assessment."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from parcours.access.models import AuditAction
from parcours.access.services import audit
from parcours.assessments import rules, selectors, services
from parcours.assessments.forms import GridForm, QuestionForm, SectionForm
from parcours.assessments.models import Assessment, AssessmentStatus, GridStatus
from parcours.core.errors import Conflict, Invalid, NotFound
from parcours.core.viewtools import service_errors, submit


@login_required
@service_errors
def grid_list(request):
    """Grids of the user's organisations; creating a grid for those who design them."""
    organisations = list(selectors.design_organisations(request.user).order_by("name"))
    form = GridForm(request.POST or None, organisations=organisations)
    if request.method == "POST":
        grid = submit(
            form,
            lambda d: services.create_grid(
                request.user, organisation=d["organisation"], name=d["name"], description=d["description"]
            ),
        )
        if grid is not None:
            messages.success(request, "Grille créée : ajoutez ses sections et ses questions.")
            return redirect("assessments:grid", grid.pk)
    context = {
        "grids": selectors.grids(request.user)[:500],
        "form": form if organisations else None,
        "nav": "grids",
    }
    return render(request, "assessments/grids.html", context, status=422 if form.errors else 200)


@login_required
@service_errors
def designer(request, grid_id: int, bound: dict | None = None, publish_errors=None):
    """A grid version: its sections and questions, and for its designers the forms to build it."""
    grid = selectors.grid_for(request.user, grid_id)
    sections = list(grid.sections.all())
    forms = {"section": SectionForm(), "question": QuestionForm(sections=sections)}
    forms.update(bound or {})
    context = {
        "grid": grid,
        "sections": sections,
        "can_design": selectors.can_design(request.user, grid),
        "forms": forms,
        "publish_errors": publish_errors or [],
        "versions": selectors.versions_of(grid),
        "completed": selectors.assessments_visible_to(request.user)
        .filter(grid=grid, status=AssessmentStatus.COMPLETED)
        .count(),
        "nav": "grids",
    }
    status = 422 if bound or publish_errors else 200
    return render(request, "assessments/designer.html", context, status=status)


@require_POST
@login_required
@service_errors
def add_section(request, grid_id: int):
    form = SectionForm(request.POST)

    def action(d):
        try:
            return services.add_section(request.user, grid_id, title=d["title"])
        except Conflict as exc:
            raise Invalid(exc.detail) from None

    if submit(form, action) is not None:
        messages.success(request, "Section ajoutée.")
        return redirect("assessments:grid", grid_id)
    return designer(request, grid_id, bound={"section": form})


@require_POST
@login_required
@service_errors
def add_question(request, grid_id: int):
    grid = selectors.grid_for(request.user, grid_id)
    form = QuestionForm(request.POST, sections=grid.sections.all())

    def action(d):
        try:
            return services.add_question(
                request.user,
                grid_id,
                section=d["section"],
                label=d["label"],
                kind=d["kind"],
                key=d["key"],
                help_text=d["help_text"],
                required=d["required"],
                choices=rules.parse_choice_lines(d["choices"]),
                scale_min=d["scale_min"],
                scale_max=d["scale_max"],
                min_value=d["min"],
                max_value=d["max"],
            )
        except Invalid as exc:
            raise _on_question_form(exc, form) from None
        except Conflict as exc:  # the grid was published meanwhile
            raise Invalid(exc.detail) from None

    if submit(form, action) is not None:
        messages.success(request, "Question ajoutée.")
        return redirect("assessments:grid", grid_id)
    return designer(request, grid_id, bound={"question": form})


def _on_question_form(exc: Invalid, form) -> Invalid:
    """Field errors of the service onto the form's fields ('choices[1].value' → 'choices')."""
    merged: dict[str, str] = {}
    for item in exc.errors:
        field = item["field"]
        name = field.split("[", 1)[0] if field.startswith("choices") else field
        name = name if name in form.fields else "__all__"
        merged[name] = f"{merged[name]} {item['message']}" if name in merged else item["message"]
    return Invalid(merged, detail=exc.detail)


@require_POST
@login_required
@service_errors
def remove_section(request, grid_id: int, section_id: int):
    try:
        services.remove_section(request.user, grid_id, section_id)
        messages.success(request, "Section supprimée.")
    except Conflict as exc:
        messages.error(request, exc.detail)
    return redirect("assessments:grid", grid_id)


@require_POST
@login_required
@service_errors
def remove_question(request, grid_id: int, question_id: int):
    try:
        services.remove_question(request.user, grid_id, question_id)
        messages.success(request, "Question supprimée.")
    except Conflict as exc:
        messages.error(request, exc.detail)
    return redirect("assessments:grid", grid_id)


@require_POST
@login_required
@service_errors
def publish(request, grid_id: int):
    try:
        services.publish(request.user, grid_id)
    except Invalid as exc:
        return designer(request, grid_id, publish_errors=exc.errors)
    except Conflict as exc:
        messages.error(request, exc.detail)
        return redirect("assessments:grid", grid_id)
    messages.success(request, "Grille publiée : elle peut être remplie et ne se modifie plus.")
    return redirect("assessments:grid", grid_id)


@require_POST
@login_required
@service_errors
def new_version(request, grid_id: int):
    try:
        draft = services.new_version(request.user, grid_id)
    except Conflict as exc:
        messages.error(request, exc.detail)
        return redirect("assessments:grid", grid_id)
    messages.success(request, f"Version {draft.version} créée en préparation : modifiez-la puis publiez-la.")
    return redirect("assessments:grid", draft.pk)


@login_required
@service_errors
def fill(request, grid_id: int):
    """Fill a grid for a person (?personne=) or a referral (?orientation=): the current draft is taken
    up again; each answer's error is shown next to its question."""
    grid = selectors.grid_for(request.user, grid_id)
    person_id, referral_id = request.GET.get("personne") or None, request.GET.get("orientation") or None
    try:
        person, referral = services.subject_for_filling(request.user, person_id, referral_id)
    except Invalid:
        messages.error(request, "Indiquez un n° de dossier ou un n° d'orientation (l'un des deux).")
        return redirect("assessments:grid", grid.pk)
    except Conflict as exc:  # an archived or merged record
        messages.error(request, exc.detail)
        return redirect("assessments:grid", grid.pk)
    assessment = _assessment_in_progress(request, grid, person, referral)
    if assessment is not None and assessment.status == AssessmentStatus.COMPLETED:
        return redirect("assessments:assessment", assessment.pk)
    structure = grid.structure()
    values, errors, top_error, status = (assessment.answers if assessment else {}), {}, "", 200
    if request.method == "POST":
        values = rules.answers_from_form(structure, request.POST)
        complete = request.POST.get("action") == "complete"
        try:
            if assessment is None:
                assessment = services.start_assessment(
                    request.user,
                    grid=grid.pk,
                    person=person.pk if person else None,
                    referral=referral.pk if referral else None,
                    answers=values,
                    complete=complete,
                )
            else:
                assessment = services.save_assessment(
                    request.user, assessment.pk, answers=values, complete=complete
                )
        except Invalid as exc:
            errors = {e["field"]: e["message"] for e in exc.errors}
            top_error, status = exc.detail, 422
        except Conflict as exc:
            top_error, status = exc.detail, 409
        else:
            if complete:
                messages.success(request, "Évaluation terminée.")
                return redirect("assessments:assessment", assessment.pk)
            messages.success(request, "Brouillon enregistré.")
            return redirect(_fill_url(grid.pk, person, referral, assessment))
    elif assessment is not None:
        audit(request.user, AuditAction.VIEW, assessment, person=assessment.subject_person_id, section="fill")
    else:
        subject = person or referral
        audit(request.user, AuditAction.VIEW, subject, person=(person or referral.person).pk, section="fill")
    context = {
        "grid": grid,
        "person": person,
        "referral": referral,
        "assessment": assessment,
        "sections": _fields(structure, values, errors),
        "errors": errors,
        "top_error": top_error,
        "nav": "grids",
    }
    return render(request, "assessments/fill.html", context, status=status)


def _assessment_in_progress(request, grid, person, referral) -> Assessment | None:
    """The assessment named by ?evaluation= (it must be of this grid and subject), or the latest
    draft of this grid for this subject."""
    wanted = request.POST.get("evaluation") or request.GET.get("evaluation")
    if wanted:
        item = selectors.assessment_for(request.user, wanted)
        same_subject = (item.person_id, item.referral_id) == (
            person.pk if person else None,
            referral.pk if referral else None,
        )
        if item.grid_id != grid.pk or not same_subject:
            raise NotFound("Évaluation introuvable.")
        return item
    return (
        selectors.assessments_visible_to(request.user)
        .filter(grid=grid, person=person, referral=referral, status=AssessmentStatus.DRAFT)
        .select_related("referral")
        .order_by("-updated_at", "-id")
        .first()
    )


def _fill_url(grid_id, person, referral, assessment) -> str:
    params = {"personne": person.pk} if person else {"orientation": referral.pk}
    params["evaluation"] = assessment.pk
    return reverse("assessments:fill", args=[grid_id]) + "?" + urlencode(params)


def _fields(structure: dict, values: dict, errors: dict) -> list[dict]:
    """What the filler template needs for each question: its current value and its error."""
    sections = []
    for section in structure["sections"]:
        fields = []
        for question in section["questions"]:
            key = question["key"]
            value = values.get(key)
            field = {
                "q": question,
                "name": f"answers.{key}",
                "id": f"q-{key}",
                "error": errors.get(f"answers.{key}", ""),
                "value": "" if rules.is_empty(value) else _as_text(value),
            }
            if question["kind"] in rules.CHOICE_KINDS:
                chosen = value if isinstance(value, list) else [value]
                field["options"] = [
                    {"value": c["value"], "label": c["label"], "checked": c["value"] in chosen}
                    for c in question["choices"]
                ]
            if question["kind"] == "scale":
                field["options"] = [
                    {"value": str(n), "label": str(n), "checked": value == n}
                    for n in range(question["scale_min"], question["scale_max"] + 1)
                ]
            fields.append(field)
        sections.append({"title": section["title"], "fields": fields})
    return sections


def _as_text(value) -> str:
    if isinstance(value, float):
        return rules.format_number(value)
    return str(value)


@login_required
@service_errors
def assessment_page(request, assessment_id: int):
    """An assessment as filled, question by question (the read is audited)."""
    item = selectors.open_assessment(request.user, assessment_id, section="assessment_page")
    structure = selectors.structure_of(item.grid)
    sections = [
        {
            "title": s["title"],
            "rows": [(q, rules.display_answer(q, item.answers.get(q["key"]))) for q in s["questions"]],
        }
        for s in structure["sections"]
    ]
    continue_url = None
    if item.status == AssessmentStatus.DRAFT:
        continue_url = _fill_url(item.grid_id, item.person, item.referral, item)
    return render(
        request,
        "assessments/assessment.html",
        {
            "assessment": item,
            "sections": sections,
            "continue_url": continue_url,
            "retired": item.grid.status == GridStatus.RETIRED,
            "nav": "grids",
        },
    )
