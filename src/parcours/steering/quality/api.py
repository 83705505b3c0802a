"""API: the HAS framework (import from its spreadsheet, read), self-assessments with their scores,
results by thematic, action plan and Excel export; the establishments' quality record."""

from django.http import HttpResponse
from ninja import File, Form, Router, Status, UploadedFile

from parcours.access.models import AuditAction
from parcours.access.services import audit
from parcours.api.common import ERRORS, list_of, page
from parcours.core.errors import Invalid
from parcours.steering.quality import importer, selectors, services
from parcours.steering.quality.export import self_assessment_xlsx
from parcours.steering.quality.schemas import (
    CriterionScoreIn,
    CriterionScoreOut,
    EstablishmentQualityIn,
    EstablishmentQualityOut,
    QualityActionIn,
    QualityActionOut,
    QualityActionPatch,
    QualityFrameworkOut,
    QualityFrameworkSummary,
    SelfAssessmentIn,
    SelfAssessmentOut,
    SelfAssessmentPatch,
    SelfAssessmentResultsOut,
)

router = Router(tags=["quality"])


@router.post("/quality/frameworks/import", response={201: QualityFrameworkOut, **ERRORS})
def import_framework(request, file: File[UploadedFile], version: Form[str] = "", name: Form[str] = ""):
    """Import the HAS framework from its spreadsheet (.xlsx or .csv, columns chapitre, thématique,
    référence, critère, impératif); 422 lists the bad lines. Group admins only."""
    if file.size is not None and file.size > importer.MAX_BYTES:
        raise Invalid({"file": "Fichier trop volumineux (5 Mo au plus)."})
    framework = services.import_framework(
        request.user, file.read(importer.MAX_BYTES + 1), file.name or "", version=version, name=name
    )
    return Status(201, selectors.framework_for(request.user, framework.pk))


@router.get("/quality/frameworks", response={200: list_of(QualityFrameworkSummary), **ERRORS})
def list_frameworks(request, limit: int = 50, offset: int = 0):
    count, items = page(selectors.frameworks(request.user), limit, offset)
    return {"count": count, "items": items}


@router.get("/quality/frameworks/{framework_id}", response={200: QualityFrameworkOut, **ERRORS})
def get_framework(request, framework_id: int):
    return selectors.framework_for(request.user, framework_id)


@router.get("/quality/self-assessments", response={200: list_of(SelfAssessmentOut), **ERRORS})
def list_self_assessments(request, establishment: int | None = None, limit: int = 50, offset: int = 0):
    count, items = page(selectors.self_assessments(request.user, establishment), limit, offset)
    return {"count": count, "items": items}


@router.post("/quality/self-assessments", response={201: SelfAssessmentOut, **ERRORS})
def start_self_assessment(request, data: SelfAssessmentIn):
    return Status(201, services.start_self_assessment(request.user, **data.dict()))


@router.get("/quality/self-assessments/{assessment_id}", response={200: SelfAssessmentOut, **ERRORS})
def get_self_assessment(request, assessment_id: int):
    return selectors.self_assessment_for(request.user, assessment_id)


@router.patch("/quality/self-assessments/{assessment_id}", response={200: SelfAssessmentOut, **ERRORS})
def update_self_assessment(request, assessment_id: int, data: SelfAssessmentPatch):
    """Rename, complete (`status`: completed) or reopen a self-assessment."""
    return services.update_self_assessment(request.user, assessment_id, **data.dict(exclude_unset=True))


@router.put(
    "/quality/self-assessments/{assessment_id}/scores/{criterion_id}",
    response={200: CriterionScoreOut, **ERRORS},
)
def score_criterion(request, assessment_id: int, criterion_id: int, data: CriterionScoreIn):
    """Score a criterion: `score` 1, 2, 3, 4, optimised or nc, with its evidence."""
    return services.score_criterion(request.user, assessment_id, criterion_id, **data.dict())


@router.get(
    "/quality/self-assessments/{assessment_id}/scores", response={200: list[CriterionScoreOut], **ERRORS}
)
def list_scores(request, assessment_id: int):
    assessment = selectors.self_assessment_for(request.user, assessment_id)
    return [score for _criterion, score in selectors.criteria_with_scores(assessment) if score]


@router.get(
    "/quality/self-assessments/{assessment_id}/results", response={200: SelfAssessmentResultsOut, **ERRORS}
)
def results(request, assessment_id: int):
    """By thematic and overall: average score, NC, imperatives at 4 and their share."""
    return selectors.results(selectors.self_assessment_for(request.user, assessment_id))


@router.get(
    "/quality/self-assessments/{assessment_id}/actions", response={200: list[QualityActionOut], **ERRORS}
)
def list_actions(request, assessment_id: int):
    return list(selectors.actions(selectors.self_assessment_for(request.user, assessment_id)))


@router.post("/quality/self-assessments/{assessment_id}/actions", response={201: QualityActionOut, **ERRORS})
def add_action(request, assessment_id: int, data: QualityActionIn):
    return Status(201, services.add_action(request.user, assessment_id, **data.dict()))


@router.patch("/quality/actions/{action_id}", response={200: QualityActionOut, **ERRORS})
def update_action(request, action_id: int, data: QualityActionPatch):
    return services.update_action(request.user, action_id, **data.dict(exclude_unset=True))


@router.get("/quality/self-assessments/{assessment_id}/export.xlsx", response={200: None, **ERRORS})
def export(request, assessment_id: int):
    """The self-assessment as an Excel workbook (scores and evidence, results, action plan)."""
    assessment = selectors.self_assessment_for(request.user, assessment_id)
    body = self_assessment_xlsx(assessment)
    audit(request.user, AuditAction.EXPORT, assessment, format="xlsx")
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="autoevaluation-{assessment.pk}.xlsx"'
    return response


def _record_out(establishment, record) -> dict:
    out = {"establishment": establishment.pk, "name": establishment.name}
    if record is not None:
        out.update(
            last_external_evaluation=record.last_external_evaluation,
            next_external_evaluation=record.next_external_evaluation,
            evaluation_body=record.evaluation_body,
            quality_referent=record.quality_referent_id,
            quality_referent_name=record.referent_label,
            ethics_committee=record.ethics_committee,
        )
    return out


@router.get("/quality/establishments", response={200: list[EstablishmentQualityOut], **ERRORS})
def establishments(request):
    """The establishments of the user's scope with their next external evaluation."""
    return [_record_out(r["establishment"], r["quality"]) for r in selectors.establishments(request.user)]


@router.put("/quality/establishments/{establishment_id}", response={200: EstablishmentQualityOut, **ERRORS})
def set_establishment_quality(request, establishment_id: int, data: EstablishmentQualityIn):
    record = services.set_establishment_quality(request.user, establishment_id, **data.dict())
    return _record_out(record.establishment, record)
