"""Writes of quality evaluation: importing the HAS framework from its spreadsheet (group admins),
self-assessments and their scores, the action plan, the establishment's quality record (external
evaluation every 5 years, quality referent, ethics committee). Atomic and audited; writes on an
establishment need Perm.MANAGE_QUALITY there (admin, director, quality referent)."""

from datetime import date

from django.db import IntegrityError, transaction

from parcours.access import scoping
from parcours.access.models import AuditAction, User
from parcours.access.roles import Perm
from parcours.access.services import audit
from parcours.core.dates import add_years, today
from parcours.core.errors import Conflict, Forbidden, Invalid
from parcours.steering.quality import importer, selectors
from parcours.steering.quality.choices import (
    CHAPTERS,
    EXTERNAL_EVALUATION_YEARS,
    THEMATICS,
    ActionStatus,
    AssessmentStatus,
    ScoreValue,
)
from parcours.steering.quality.models import (
    ActionPlanItem,
    Chapter,
    Criterion,
    EstablishmentQuality,
    Framework,
    Score,
    SelfAssessment,
    Thematic,
)

DEFAULT_NAME = "Référentiel d'évaluation de la qualité des ESSMS (HAS)"


def _pk(value) -> int:
    """A primary key from a body field (0 when it is not one: the lookup then finds nothing)."""
    try:
        value = int(value)
    except (TypeError, ValueError):
        return 0
    return value if 0 < value < 2**63 else 0


def _conflict(detail: str, field: str) -> Conflict:
    """A 409 whose field error repeats the explanation (shown next to the field in a form)."""
    return Conflict(detail, [{"field": field, "message": detail}])


def _text(errors: dict, field: str, value, *, required: bool = False, limit: int = 20000) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[field] = "Champ obligatoire."
    elif len(value) > limit:
        errors[field] = f"{limit} caractères au plus."
    return value


def import_framework(
    user, file_bytes: bytes, filename: str, *, version: str = "", name: str = ""
) -> Framework:
    """Import the HAS framework from its spreadsheet (.xlsx or .csv): the 3 chapters, the 9 thematics
    and the criteria of the file. All or nothing: a bad row anywhere answers 422 listing the lines.
    Without a version label (e.g. "2022 v1.1"), the import date stands for it."""
    selectors.require_internal(user)
    if not selectors.can_import(user):
        raise Forbidden("L'import du référentiel est réservé aux administrateurs du groupement.")
    errors: dict = {}
    version = _text(errors, "version", version, limit=50) or f"importé le {today():%d/%m/%Y}"
    name = _text(errors, "name", name, limit=200) or DEFAULT_NAME
    if errors:
        raise Invalid(errors)
    rows = importer.parse(file_bytes, filename)
    if Framework.objects.filter(name=name, version=version).exists():
        raise _conflict("Cette version du référentiel est déjà importée.", "version")
    try:
        with transaction.atomic():
            framework = Framework.objects.create(
                name=name, version=version, source_filename=(filename or "")[:255], imported_by=user
            )
            chapters = {
                number: Chapter.objects.create(framework=framework, number=number, title=title)
                for number, title in CHAPTERS.items()
            }
            thematics = {
                number: Thematic.objects.create(framework=framework, number=number, name=label)
                for number, (label, _aliases) in enumerate(THEMATICS, start=1)
            }
            Criterion.objects.bulk_create(
                Criterion(
                    framework=framework,
                    chapter=chapters[row.chapter],
                    thematic=thematics[row.thematic],
                    reference=row.reference,
                    objective=row.objective,
                    text=row.text,
                    imperative=row.imperative,
                    target=row.target,
                    target_detail=row.target_detail,
                    position=position,
                )
                for position, row in enumerate(rows, start=1)
            )
            audit(
                user,
                AuditAction.CREATE,
                framework,
                filename=(filename or "")[:255],
                criteria=len(rows),
                imperatives=sum(r.imperative for r in rows),
            )
    except IntegrityError:
        raise Conflict("Cette version du référentiel est déjà importée.") from None
    return framework


def start_self_assessment(
    user, *, establishment: int, framework: int, started_on: date | None = None, title: str = ""
) -> SelfAssessment:
    """Open a self-assessment of an establishment against a framework (one in progress at a time)."""
    est = selectors.establishment_for(user, establishment, write=True)
    errors: dict = {}
    title = _text(errors, "title", title, limit=200)
    chosen = Framework.objects.filter(pk=_pk(framework)).first()
    if chosen is None:
        errors["framework"] = "Référentiel inconnu : importez-le d'abord."
    if errors:
        raise Invalid(errors)
    if SelfAssessment.objects.filter(establishment=est, status=AssessmentStatus.IN_PROGRESS).exists():
        raise _conflict("Une autoévaluation est déjà en cours pour cet établissement.", "establishment")
    try:
        with transaction.atomic():
            assessment = SelfAssessment.objects.create(
                establishment=est,
                framework=chosen,
                title=title,
                started_on=started_on or today(),
                created_by=user,
            )
            audit(user, AuditAction.CREATE, assessment, establishment=est.pk, framework=chosen.pk)
    except IntegrityError:
        raise Conflict("Une autoévaluation est déjà en cours pour cet établissement.") from None
    return assessment


def update_self_assessment(
    user, assessment_id: int, *, status: str | None = None, title: str | None = None
) -> SelfAssessment:
    """Rename a self-assessment, complete it (or reopen it while no other one is in progress)."""
    assessment = selectors.self_assessment_for(user, assessment_id, write=True)
    errors: dict = {}
    fields = []
    if title is not None:
        assessment.title = _text(errors, "title", title, limit=200)
        fields.append("title")
    if status is not None:
        if status not in AssessmentStatus.values:
            errors["status"] = "Statut attendu : " + ", ".join(AssessmentStatus.values) + "."
        else:
            assessment.status = status
            assessment.completed_on = today() if status == AssessmentStatus.COMPLETED else None
            fields += ["status", "completed_on"]
    if errors:
        raise Invalid(errors)
    try:
        with transaction.atomic():
            if fields:
                assessment.save(update_fields=fields)
            audit(user, AuditAction.UPDATE, assessment, fields=fields)
    except IntegrityError:
        raise Conflict("Une autre autoévaluation est déjà en cours pour cet établissement.") from None
    return assessment


def _in_progress(assessment: SelfAssessment) -> None:
    if assessment.status != AssessmentStatus.IN_PROGRESS:
        raise _conflict("L'autoévaluation est terminée : rouvrez-la pour la modifier.", "status")


def score_criterion(
    user, assessment_id: int, criterion_id: int, *, score: str, evidence: str = "", comment: str = ""
) -> Score:
    """Score a criterion (1–4, optimisé or NC) with its evidence. NC is refused on an imperative
    criterion (our convention: an imperative applies to every ESSMS)."""
    assessment = selectors.self_assessment_for(user, assessment_id, write=True)
    criterion = selectors.criterion_of(assessment, criterion_id)
    _in_progress(assessment)
    errors: dict = {}
    if score not in ScoreValue.values:
        errors["score"] = "Cotation attendue : 1, 2, 3, 4, optimised ou nc."
    elif score == ScoreValue.NC and criterion.imperative:
        errors["score"] = "Un critère impératif ne peut pas être coté « non concerné »."
    evidence = _text(errors, "evidence", evidence)
    comment = _text(errors, "comment", comment)
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        obj, created = Score.objects.update_or_create(
            self_assessment=assessment,
            criterion=criterion,
            defaults={"score": score, "evidence": evidence, "comment": comment, "updated_by": user},
        )
        audit(user, AuditAction.UPDATE, assessment, criterion=criterion.reference, score=score)
    return obj


def _criterion_choice(errors: dict, assessment: SelfAssessment, criterion) -> Criterion | None:
    if criterion in (None, ""):
        return None
    found = Criterion.objects.filter(pk=_pk(criterion), framework_id=assessment.framework_id).first()
    if found is None:
        errors["criterion"] = "Critère inconnu dans ce référentiel."
    return found


def add_action(
    user,
    assessment_id: int,
    *,
    action: str,
    owner: str,
    due_date: date | None = None,
    criterion: int | None = None,
    status: str = ActionStatus.PLANNED,
) -> ActionPlanItem:
    """An action of the plan that follows the self-assessment: what, who, by when (and the criterion
    it answers)."""
    assessment = selectors.self_assessment_for(user, assessment_id, write=True)
    errors: dict = {}
    action = _text(errors, "action", action, required=True, limit=4000)
    owner = _text(errors, "owner", owner, required=True, limit=200)
    found = _criterion_choice(errors, assessment, criterion)
    if status not in ActionStatus.values:
        errors["status"] = "Statut attendu : " + ", ".join(ActionStatus.values) + "."
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        item = ActionPlanItem.objects.create(
            self_assessment=assessment,
            criterion=found,
            action=action,
            owner=owner,
            due_date=due_date,
            status=status,
        )
        audit(user, AuditAction.UPDATE, assessment, action_item=item.pk)
    return item


def update_action(user, action_id: int, **changes) -> ActionPlanItem:
    """Change an action of the plan (its status as it progresses, its owner, its due date…)."""
    item = selectors.action_for(user, action_id, write=True)
    errors: dict = {
        f: "Champ non modifiable." for f in set(changes) - {"action", "owner", "due_date", "status"}
    }
    if "action" in changes:
        item.action = _text(errors, "action", changes["action"], required=True, limit=4000)
    if "owner" in changes:
        item.owner = _text(errors, "owner", changes["owner"], required=True, limit=200)
    if "due_date" in changes:
        item.due_date = changes["due_date"]
    if "status" in changes:
        if changes["status"] not in ActionStatus.values:
            errors["status"] = "Statut attendu : " + ", ".join(ActionStatus.values) + "."
        item.status = changes["status"]
    if errors:
        raise Invalid(errors)
    fields = [f for f in ("action", "owner", "due_date", "status") if f in changes]
    with transaction.atomic():
        if fields:
            item.save(update_fields=fields)
        audit(user, AuditAction.UPDATE, item.self_assessment, action_item=item.pk, fields=fields)
    return item


def set_establishment_quality(
    user,
    establishment_id: int,
    *,
    last_external_evaluation: date | None = None,
    next_external_evaluation: date | None = None,
    evaluation_body: str = "",
    quality_referent: int | None = None,
    quality_referent_name: str = "",
    ethics_committee: str = "",
) -> EstablishmentQuality:
    """The establishment's quality record. The next external evaluation is the last one + 5 years;
    it is entered by hand only to plan a first one when none is recorded. The quality referent is a
    professional of the establishment, or a name."""
    est = selectors.establishment_for(user, establishment_id, write=True)
    errors: dict = {}
    evaluation_body = _text(errors, "evaluation_body", evaluation_body, limit=200)
    quality_referent_name = _text(errors, "quality_referent_name", quality_referent_name, limit=200)
    ethics_committee = _text(errors, "ethics_committee", ethics_committee)
    if last_external_evaluation is not None:
        if last_external_evaluation > today():
            errors["last_external_evaluation"] = "La dernière évaluation ne peut pas être à venir."
        computed = add_years(last_external_evaluation, EXTERNAL_EVALUATION_YEARS)
        if next_external_evaluation is not None and next_external_evaluation != computed:
            errors["next_external_evaluation"] = (
                f"Calculée : {computed:%d/%m/%Y} (dernière évaluation + {EXTERNAL_EVALUATION_YEARS} ans)."
            )
        next_external_evaluation = computed
    referent = None
    if quality_referent is not None:
        referent = User.objects.filter(pk=_pk(quality_referent), is_active=True).first()
        in_establishment = referent is not None and (
            scoping.establishments_visible_to(referent, Perm.VIEW_RECORDS).filter(pk=est.pk).exists()
        )
        if not in_establishment:
            errors["quality_referent"] = "Professionnel de l'établissement attendu."
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        record, _created = EstablishmentQuality.objects.update_or_create(
            establishment=est,
            defaults={
                "last_external_evaluation": last_external_evaluation,
                "next_external_evaluation": next_external_evaluation,
                "evaluation_body": evaluation_body,
                "quality_referent": referent,
                "quality_referent_name": "" if referent else quality_referent_name,
                "ethics_committee": ethics_committee,
            },
        )
        audit(user, AuditAction.UPDATE, record, establishment=est.pk)
    return record
