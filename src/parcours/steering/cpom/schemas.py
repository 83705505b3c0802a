from datetime import date
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

# Numbers are checked by the services (French messages, one field per year): any JSON value here.
Number = Any


class CpomIn(Schema):
    organisation: int
    title: str
    authority: str = ""
    start_year: int
    end_year: int | None = None
    signatories: list[str] = []
    signed_on: date | None = None
    establishments: list[int] = []


class CpomPatch(Schema):
    title: str | None = None
    authority: str | None = None
    start_year: int | None = None
    end_year: int | None = None
    signatories: list[str] | None = None
    signed_on: date | None = None
    establishments: list[int] | None = None


class CpomObjectiveIn(Schema):
    title: str
    number: int | None = None


class ObjectivePatch(Schema):
    title: str | None = None
    number: int | None = None


class CpomActionIn(Schema):
    number: str
    title: str
    pilot: str = ""
    context: str = ""
    objectives: str = ""
    means: str = ""
    implementation: str = ""
    partners: str = ""
    calendar_start: int | None = None
    calendar_end: int | None = None


class ActionPatch(Schema):
    number: str | None = None
    title: str | None = None
    pilot: str | None = None
    context: str | None = None
    objectives: str | None = None
    means: str | None = None
    implementation: str | None = None
    partners: str | None = None
    calendar_start: int | None = None
    calendar_end: int | None = None


class StageIn(Schema):
    label: str
    expected_results: str = ""
    planned_years: list[int] = []
    progress: dict[str, str | None] = {}


class StagePatch(Schema):
    """progress: {"2025": "planned" | "in_progress" | "done" | "late" | null (removes the mark)}."""

    label: str | None = None
    expected_results: str | None = None
    planned_years: list[int] | None = None
    progress: dict[str, str | None] | None = None


class IndicatorIn(Schema):
    """source 'manual' (a value entered each year) or 'computed' (key among the platform's
    indicators, scope unit:ID / establishment:ID / organisation:ID); targets {"2025": 0.95}."""

    label: str
    unit: str = ""
    source: str = "manual"
    key: str = ""
    related_keys: list[str] = []
    scope: str = ""
    direction: str = ""
    targets: dict[str, Number] = {}


class IndicatorPatch(Schema):
    label: str | None = None
    unit: str | None = None
    source: str | None = None
    key: str | None = None
    related_keys: list[str] | None = None
    scope: str | None = None
    direction: str | None = None
    targets: dict[str, Number] | None = None


class ValueIn(Schema):
    value: Number
    comment: str = ""


class ValueOut(Schema):
    indicator: int = Field(..., alias="indicator_id")
    year: int
    value: Decimal
    comment: str


class IndicatorOut(Schema):
    id: int
    cpom: int = Field(..., alias="cpom_id")
    action: int | None = Field(None, alias="action_id")
    objective: int | None = Field(None, alias="objective_id")
    label: str
    unit: str
    source: str
    key: str
    related_keys: list[str]
    scope: str
    direction: str
    targets: dict[str, Decimal]
    values: list[ValueOut]

    @staticmethod
    def resolve_values(obj):
        return list(obj.values.all())


class StageOut(Schema):
    id: int
    action: int = Field(..., alias="action_id")
    label: str
    expected_results: str
    planned_years: list[int]
    progress: dict[str, str]


class CpomActionOut(Schema):
    id: int
    objective: int = Field(..., alias="objective_id")
    number: str
    title: str
    pilot: str
    context: str
    objectives: str
    means: str
    implementation: str
    partners: str
    calendar_start: int | None
    calendar_end: int | None
    stages: list[StageOut]
    indicators: list[IndicatorOut]

    @staticmethod
    def resolve_stages(obj):
        return list(obj.stages.all())

    @staticmethod
    def resolve_indicators(obj):
        return list(obj.indicators.all())


class CpomObjectiveOut(Schema):
    id: int
    cpom: int = Field(..., alias="cpom_id")
    number: int
    title: str
    actions: list[CpomActionOut]
    indicators: list[IndicatorOut]

    @staticmethod
    def resolve_actions(obj):
        return list(obj.actions.all())

    @staticmethod
    def resolve_indicators(obj):
        return list(obj.indicators.all())


class CpomSummaryOut(Schema):
    id: int
    organisation: int = Field(..., alias="organisation_id")
    organisation_name: str = Field(..., alias="organisation.name")
    title: str
    authority: str
    start_year: int
    end_year: int
    signed_on: date | None


class CpomOut(CpomSummaryOut):
    signatories: list[str]
    years: list[int]
    establishments: list[int]
    objectives: list[CpomObjectiveOut]

    @staticmethod
    def resolve_establishments(obj):
        return [e.pk for e in obj.establishments.all()]

    @staticmethod
    def resolve_objectives(obj):
        return list(obj.objectives.all())


class CellOut(Schema):
    year: int
    planned: bool
    progress: str | None
    progress_label: str


class ProgrammeRowOut(Schema):
    stage: int
    label: str
    expected_results: str
    cells: list[CellOut]


class ProgrammeOut(Schema):
    action: int
    number: str
    title: str
    years: list[int]
    calendar_start: int | None
    calendar_end: int | None
    rows: list[ProgrammeRowOut]


class YearOut(Schema):
    year: int
    target: Decimal | None
    actual: Decimal | None
    status: str | None
    comment: str
    note: str
    related: dict[str, Decimal | None]


class DashboardIndicatorOut(Schema):
    id: int
    objective: int
    objective_id: int
    action: str | None
    action_id: int | None
    label: str
    unit: str
    source: str
    key: str
    key_label: str
    related_keys: list[str]
    scope: str
    direction: str
    years: list[YearOut]


class DashboardOut(Schema):
    cpom: int
    title: str
    years: list[int]
    summary: dict[str, int]
    indicators: list[DashboardIndicatorOut]


class ComputedKeyOut(Schema):
    key: str
    label: str
    rate: bool
