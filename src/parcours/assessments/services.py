"""Writes on assessment grids and assessments. Designing (grids, sections, questions, publishing, new
versions) is for the roles that manage the offer, on their organisation's grids; filling is for the
professionals who may edit the person's record or see the referral. A published grid never changes:
a new version is a draft copy, and publishing it retires the previous one."""

from collections.abc import Mapping

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from parcours.access import scoping
from parcours.access.models import AuditAction
from parcours.access.roles import Perm
from parcours.access.services import audit
from parcours.assessments import rules, selectors
from parcours.assessments.models import (
    Assessment,
    AssessmentStatus,
    Grid,
    GridStatus,
    Question,
    QuestionKind,
    Section,
)
from parcours.core.errors import Conflict, Forbidden, Invalid, NotFound

NAME_MAX = 200
DESCRIPTION_MAX = 5000


# --- designing ---------------------------------------------------------------------------------


def create_grid(actor, *, organisation: int, name: str, description: str = "") -> Grid:
    """A new draft grid owned by an organisation the actor may design grids for."""
    scoping.require(actor, Perm.MANAGE_OFFER)
    errors = {}
    owner = selectors.design_organisations(actor).filter(pk=_int_or_none(organisation)).first()
    if owner is None:
        errors["organisation"] = "Organisation introuvable ou hors de votre périmètre."
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX or rules.has_nul(name):
        errors["name"] = f"Nom obligatoire ({NAME_MAX} caractères au plus)."
    if len(description or "") > DESCRIPTION_MAX or rules.has_nul(description):
        errors["description"] = f"{DESCRIPTION_MAX} caractères au plus."
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        grid = Grid.objects.create(
            organisation=owner, name=name, description=(description or "").strip(), created_by=actor
        )
        audit(actor, AuditAction.CREATE, grid, name=name, organisation=owner.pk)
    return grid


def _draft_for_design(actor, grid_id) -> Grid:
    """The grid, locked, when the actor may design it and it is still a draft (409 once published)."""
    selectors.grid_for(actor, grid_id, design=True)  # 404 out of scope, 403 without the permission
    grid = Grid.objects.select_for_update().get(pk=int(grid_id))
    if grid.status != GridStatus.DRAFT:
        raise Conflict(
            "Grille publiée : elle ne se modifie plus. Créez une nouvelle version pour la faire évoluer.",
            [{"field": "grid", "message": grid.status}],
        )
    return grid


def add_section(actor, grid_id: int, *, title: str, position: int | None = None) -> Section:
    """A section (a theme of the grid) appended to a draft grid, or placed at a position."""
    title = (title or "").strip()
    errors = {}
    if not title or len(title) > 200 or rules.has_nul(title):
        errors["title"] = "Titre obligatoire (200 caractères au plus)."
    if position is not None and not 0 <= position <= 1000:
        errors["position"] = "Entre 0 et 1000."
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        grid = _draft_for_design(actor, grid_id)
        if position is None:
            position = (grid.sections.aggregate(m=Max("position"))["m"] or 0) + 1
        section = Section.objects.create(grid=grid, title=title, position=position)
        audit(actor, AuditAction.UPDATE, grid, section=section.pk, event="section_added")
    return section


def add_question(
    actor,
    grid_id: int,
    *,
    section: int,
    label: str,
    kind: str,
    key: str = "",
    help_text: str = "",
    required: bool = False,
    choices: list[dict] | None = None,
    scale_min: int | None = None,
    scale_max: int | None = None,
    min_value: float | None = None,
    max_value: float | None = None,
    position: int | None = None,
) -> Question:
    """A question in a section of a draft grid. Its key (derived from the label when left empty) is
    unique within the grid; choices are needed for choice kinds, bounds for a scale."""
    with transaction.atomic():
        grid = _draft_for_design(actor, grid_id)
        taken = set(grid.questions.values_list("key", flat=True))
        key = (key or "").strip() if isinstance(key, str) else key
        if not key:
            key = rules.unique_key(rules.slug_key(label if isinstance(label, str) else ""), taken)
        candidate = {
            "key": key,
            "label": label.strip() if isinstance(label, str) else label,
            "help_text": help_text.strip() if isinstance(help_text, str) else help_text,
            "kind": kind,
            "required": required,
            "choices": _plain(choices) if kind in rules.CHOICE_KINDS else [],
            "scale_min": scale_min if kind == QuestionKind.SCALE else None,
            "scale_max": scale_max if kind == QuestionKind.SCALE else None,
            "min": min_value if kind == QuestionKind.NUMBER else None,
            "max": max_value if kind == QuestionKind.NUMBER else None,
        }
        errors = rules.validate_question(candidate)
        if "key" not in errors and key in taken:
            errors["key"] = "Clé déjà utilisée par une autre question de la grille."
        target = grid.sections.filter(pk=_int_or_none(section)).first()
        if target is None:
            errors["section"] = "Section introuvable dans cette grille."
        if position is not None and not 0 <= position <= 1000:
            errors["position"] = "Entre 0 et 1000."
        if grid.questions.count() >= rules.MAX_QUESTIONS:
            errors["questions"] = f"{rules.MAX_QUESTIONS} questions au plus."
        if errors:
            raise Invalid(errors)
        if position is None:
            position = (target.questions.aggregate(m=Max("position"))["m"] or 0) + 1
        question = Question.objects.create(
            grid=grid,
            section=target,
            key=key,
            label=candidate["label"],
            help_text=candidate["help_text"],
            kind=kind,
            required=required,
            choices=[
                {"value": c["value"].strip(), "label": c["label"].strip()} for c in candidate["choices"]
            ],
            scale_min=candidate["scale_min"],
            scale_max=candidate["scale_max"],
            min_value=candidate["min"],
            max_value=candidate["max"],
            position=position,
        )
        audit(actor, AuditAction.UPDATE, grid, question=key, event="question_added")
    return question


def remove_question(actor, grid_id: int, question_id: int) -> None:
    """Take a question out of a draft grid."""
    with transaction.atomic():
        grid = _draft_for_design(actor, grid_id)
        question = grid.questions.filter(pk=_int_or_none(question_id)).first()
        if question is None:
            raise NotFound("Question introuvable dans cette grille.")
        key = question.key
        question.delete()
        audit(actor, AuditAction.UPDATE, grid, question=key, event="question_removed")


def remove_section(actor, grid_id: int, section_id: int) -> None:
    """Take a section, with its questions, out of a draft grid."""
    with transaction.atomic():
        grid = _draft_for_design(actor, grid_id)
        section = grid.sections.filter(pk=_int_or_none(section_id)).first()
        if section is None:
            raise NotFound("Section introuvable dans cette grille.")
        section_pk = section.pk
        section.delete()
        audit(actor, AuditAction.UPDATE, grid, section=section_pk, event="section_removed")


def publish(actor, grid_id: int) -> Grid:
    """Publish a well-formed draft (at least one question, valid choices and scales, unique keys): it
    becomes immutable, and the version it replaces is retired."""
    with transaction.atomic():
        grid = _draft_for_design(actor, grid_id)
        errors = rules.validate_structure(selectors.structure_of(grid))
        if errors:
            raise Invalid(errors, detail="La grille ne peut pas être publiée en l'état.")
        grid.status = GridStatus.PUBLISHED
        grid.published_at = timezone.now()
        grid.save(update_fields=["status", "published_at"])
        if grid.previous_id:
            Grid.objects.filter(pk=grid.previous_id, status=GridStatus.PUBLISHED).update(
                status=GridStatus.RETIRED
            )
        audit(actor, AuditAction.UPDATE, grid, event="published", version=grid.version)
    return grid


def new_version(actor, grid_id: int) -> Grid:
    """A draft copy (sections and questions, same keys) of a published grid, numbered version + 1;
    the published version stays in use until the new one is published."""
    selectors.grid_for(actor, grid_id, design=True)
    with transaction.atomic():
        grid = Grid.objects.select_for_update().get(pk=int(grid_id))
        if grid.status != GridStatus.PUBLISHED:
            raise Conflict(
                "Seule la version publiée d'une grille fait l'objet d'une nouvelle version.",
                [{"field": "grid", "message": grid.status}],
            )
        if Grid.objects.filter(previous=grid).exists():
            raise Conflict("Une nouvelle version de cette grille est déjà en préparation.")
        draft = Grid.objects.create(
            organisation_id=grid.organisation_id,
            name=grid.name,
            description=grid.description,
            version=grid.version + 1,
            previous=grid,
            created_by=actor,
        )
        for section in grid.sections.prefetch_related("questions"):
            copy = Section.objects.create(grid=draft, title=section.title, position=section.position)
            Question.objects.bulk_create(
                Question(
                    grid=draft,
                    section=copy,
                    key=q.key,
                    label=q.label,
                    help_text=q.help_text,
                    kind=q.kind,
                    required=q.required,
                    choices=q.choices,
                    scale_min=q.scale_min,
                    scale_max=q.scale_max,
                    min_value=q.min_value,
                    max_value=q.max_value,
                    position=q.position,
                )
                for q in section.questions.all()
            )
        audit(actor, AuditAction.CREATE, draft, event="new_version", previous=grid.pk, version=draft.version)
    return draft


# --- filling -----------------------------------------------------------------------------------


def subject_for_filling(actor, person, referral):
    """(person, referral) for an assessment, checked for writing: the person's record must be
    editable by the actor (and neither archived nor merged); the referral handled by the actor
    (EDIT_RECORDS over its units or organisation)."""
    if (person is None) == (referral is None):
        message = "Indiquez une personne ou une orientation (l'une des deux)."
        raise Invalid({"person": message, "referral": message})
    if person is not None:
        subject = scoping.person_for(actor, person, Perm.EDIT_RECORDS)
        if subject.is_archived:
            raise Conflict("Dossier archivé : lecture seule.")
        if subject.merged_into_id:
            raise Conflict(f"Dossier fusionné dans le dossier n° {subject.merged_into_id}.")
        return subject, None
    from parcours.admissions.models import Referral

    item = selectors.referral_visible(actor, referral)
    # EDIT_RECORDS over the referral (its units or organisation), not in another scope
    handled = scoping.referrals_visible_to(
        actor, Referral.objects.filter(pk=item.pk), Perm.EDIT_RECORDS, sent=False
    )
    if not handled.exists():
        raise Forbidden()
    return None, item


def start_assessment(
    actor,
    *,
    grid: int,
    person: int | None = None,
    referral: int | None = None,
    answers: dict | None = None,
    complete: bool = False,
) -> Assessment:
    """Start filling a grid for a person or a referral, with the answers given so far (a draft may be
    partial). A retired grid is not used any more; only a published grid can be completed."""
    subject, item = subject_for_filling(actor, person, referral)
    used = selectors.grid_for(actor, grid)
    if used.status == GridStatus.RETIRED:
        raise Conflict(
            "Cette version de la grille est remplacée : utilisez la version en vigueur.",
            [{"field": "grid", "message": used.status}],
        )
    answers = {} if answers is None else answers
    structure = used.structure()
    _check_answers(structure, answers, complete=complete, grid=used)
    with transaction.atomic():
        assessment = Assessment.objects.create(
            grid=used,
            person=subject,
            referral=item,
            answers=rules.clean_answers(structure, answers),
            filled_by=actor,
            status=AssessmentStatus.COMPLETED if complete else AssessmentStatus.DRAFT,
            completed_at=timezone.now() if complete else None,
        )
        audit(
            actor,
            AuditAction.CREATE,
            assessment,
            person=assessment.subject_person_id,
            grid=used.pk,
            status=assessment.status,
        )
    return assessment


def save_assessment(actor, assessment_id: int, *, answers: dict | None = None, complete: bool = False):
    """Save answers on a draft assessment (given keys replace the stored ones, null clears one) and,
    with complete=True, complete it once every required question is answered. A completed
    assessment does not change any more."""
    found = selectors.assessment_for(actor, assessment_id)
    subject_for_filling(actor, found.person_id, found.referral_id)
    answers = {} if answers is None else answers
    if not isinstance(answers, dict):
        raise Invalid({"answers": "Objet attendu : {clé de la question: réponse}."})
    with transaction.atomic():
        assessment = (
            Assessment.objects.select_for_update(of=("self",))
            .select_related("grid", "referral")
            .get(pk=found.pk)
        )
        if assessment.status != AssessmentStatus.DRAFT:
            raise Conflict(
                "Évaluation terminée : elle ne se modifie plus.",
                [{"field": "status", "message": assessment.status}],
            )
        structure = selectors.structure_of(assessment.grid)
        merged = {**rules.clean_answers(structure, assessment.answers or {}), **answers}
        _check_answers(structure, merged, complete=complete, grid=assessment.grid)
        assessment.answers = rules.clean_answers(structure, merged)
        assessment.filled_by = actor
        fields = ["answers", "filled_by", "updated_at"]
        if complete:
            assessment.status = AssessmentStatus.COMPLETED
            assessment.completed_at = timezone.now()
            fields += ["status", "completed_at"]
        assessment.save(update_fields=fields)
        audit(
            actor,
            AuditAction.UPDATE,
            assessment,
            person=assessment.subject_person_id,
            event="completed" if complete else "saved",
        )
    return assessment


def complete_assessment(actor, assessment_id: int, *, answers: dict | None = None) -> Assessment:
    """Complete a draft assessment: every required question answered, on a published grid."""
    return save_assessment(actor, assessment_id, answers=answers, complete=True)


def _check_answers(structure: dict, answers, *, complete: bool, grid: Grid) -> None:
    errors = rules.validate_answers(structure, answers, complete=complete)
    if errors:
        raise Invalid(errors)
    if complete and grid.published_at is None:
        raise Conflict(
            "La grille est encore en préparation : publiez-la avant de terminer une évaluation.",
            [{"field": "grid", "message": grid.status}],
        )


def _plain(choices):
    """Choices as plain dicts (from schemas or forms); anything else is left for the rules to refuse."""
    if not isinstance(choices, list):
        return choices
    return [dict(c) if isinstance(c, Mapping) else c for c in choices]


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
