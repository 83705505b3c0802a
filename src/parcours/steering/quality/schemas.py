import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class QualityChapterOut(Schema):
    id: int
    number: int
    title: str


class QualityThematicOut(Schema):
    id: int
    number: int
    name: str


class QualityCriterionOut(Schema):
    id: int
    reference: str
    chapter: int = Field(..., alias="chapter_id")
    thematic: int = Field(..., alias="thematic_id")
    objective: str
    text: str
    imperative: bool
    target: str
    target_detail: str


class QualityFrameworkSummary(Schema):
    id: int
    name: str
    version: str
    imported_at: dt.datetime
    criteria_count: int = 0
    imperatives_count: int = 0


class QualityFrameworkOut(QualityFrameworkSummary):
    source_filename: str
    chapters: list[QualityChapterOut]
    thematics: list[QualityThematicOut]
    criteria: list[QualityCriterionOut]

    @staticmethod
    def resolve_chapters(obj):
        return list(obj.chapters.all())

    @staticmethod
    def resolve_thematics(obj):
        return list(obj.thematics.all())

    @staticmethod
    def resolve_criteria(obj):
        return list(obj.criteria.all())


class SelfAssessmentIn(Schema):
    establishment: int
    framework: int
    started_on: dt.date | None = None
    title: str = ""


class SelfAssessmentPatch(Schema):
    status: str | None = None
    title: str | None = None


class SelfAssessmentOut(Schema):
    id: int
    establishment: int = Field(..., alias="establishment_id")
    framework: int = Field(..., alias="framework_id")
    title: str
    started_on: dt.date
    completed_on: dt.date | None
    status: str


class CriterionScoreIn(Schema):
    score: str
    evidence: str = ""
    comment: str = ""


class CriterionScoreOut(Schema):
    id: int
    self_assessment: int = Field(..., alias="self_assessment_id")
    criterion: int = Field(..., alias="criterion_id")
    score: str
    evidence: str
    comment: str


class QualityThematicResult(Schema):
    criteria: int
    scored: int
    to_score: int
    nc: int
    optimised: int
    average_score: Decimal | None
    imperatives: int
    imperatives_applicable: int
    imperatives_at_4: int
    imperatives_at_4_share: Decimal | None


class QualityThematicRow(QualityThematicResult):
    thematic: int
    number: int
    name: str


class SelfAssessmentResultsOut(Schema):
    self_assessment: int
    thematics: list[QualityThematicRow]
    overall: QualityThematicResult


class QualityActionIn(Schema):
    action: str
    owner: str
    due_date: dt.date | None = None
    criterion: int | None = None
    status: str = "planned"


class QualityActionPatch(Schema):
    action: str | None = None
    owner: str | None = None
    due_date: dt.date | None = None
    status: str | None = None


class QualityActionOut(Schema):
    id: int
    self_assessment: int = Field(..., alias="self_assessment_id")
    criterion: int | None = Field(None, alias="criterion_id")
    action: str
    owner: str
    due_date: dt.date | None
    status: str


class EstablishmentQualityIn(Schema):
    last_external_evaluation: dt.date | None = None
    next_external_evaluation: dt.date | None = None
    evaluation_body: str = ""
    quality_referent: int | None = None
    quality_referent_name: str = ""
    ethics_committee: str = ""


class EstablishmentQualityOut(Schema):
    establishment: int
    name: str
    last_external_evaluation: dt.date | None = None
    next_external_evaluation: dt.date | None = None
    evaluation_body: str = ""
    quality_referent: int | None = None
    quality_referent_name: str = ""
    ethics_committee: str = ""
