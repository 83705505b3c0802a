from datetime import datetime
from typing import Any

from ninja import Field, Schema


class GridIn(Schema):
    organisation: int
    name: str
    description: str = ""


class GridSectionIn(Schema):
    title: str
    position: int | None = None


class GridChoice(Schema):
    value: str
    label: str


class GridQuestionIn(Schema):
    section: int
    label: str
    kind: str = Field(..., description="choice, multiple_choice, scale, text, date ou number")
    key: str = Field("", description="Identifiant de la question dans la grille (déduit du libellé si vide)")
    help_text: str = ""
    required: bool = False
    choices: list[GridChoice] = Field([], description="Pour choice et multiple_choice : au moins deux")
    scale_min: int | None = None
    scale_max: int | None = None
    min: float | None = Field(None, description="Pour number : minimum (facultatif)")
    max: float | None = Field(None, description="Pour number : maximum (facultatif)")
    position: int | None = None


class GridQuestionOut(Schema):
    id: int
    section: int = Field(..., alias="section_id")
    key: str
    label: str
    help_text: str
    kind: str
    required: bool
    choices: list[GridChoice]
    scale_min: int | None
    scale_max: int | None
    min: float | None = Field(None, alias="min_value")
    max: float | None = Field(None, alias="max_value")
    position: int


class GridSectionOut(Schema):
    id: int
    title: str
    position: int
    questions: list[GridQuestionOut]

    @staticmethod
    def resolve_questions(obj):
        return list(obj.questions.all())


class GridSummaryOut(Schema):
    id: int
    organisation: int = Field(..., alias="organisation_id")
    organisation_name: str = Field(..., alias="organisation.name")
    name: str
    description: str
    version: int
    previous: int | None = Field(None, alias="previous_id")
    next_version: int | None = None
    status: str
    created_at: datetime
    published_at: datetime | None

    @staticmethod
    def resolve_next_version(obj):
        following = getattr(obj, "next_version", None)
        return following.pk if following is not None else None


class GridOut(GridSummaryOut):
    sections: list[GridSectionOut]

    @staticmethod
    def resolve_sections(obj):
        return list(obj.sections.all())


class AssessmentIn(Schema):
    grid: int
    person: int | None = None
    referral: int | None = None
    answers: dict[str, Any] = Field({}, description="{clé de la question: réponse}")
    complete: bool = False


class AssessmentPatch(Schema):
    answers: dict[str, Any] = Field(
        {}, description="Réponses à enregistrer : les clés données remplacent les précédentes, null efface"
    )
    complete: bool = Field(False, description="true pour terminer l'évaluation")


class AssessmentOut(Schema):
    id: int
    grid: int = Field(..., alias="grid_id")
    grid_name: str = Field(..., alias="grid.name")
    grid_version: int = Field(..., alias="grid.version")
    person: int | None = Field(None, alias="person_id")
    referral: int | None = Field(None, alias="referral_id")
    status: str
    answers: dict[str, Any]
    filled_by: int | None = Field(None, alias="filled_by_id")
    started_at: datetime
    updated_at: datetime
    completed_at: datetime | None
