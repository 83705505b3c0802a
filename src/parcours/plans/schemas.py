from datetime import date

from ninja import Field, Schema


class PlanIn(Schema):
    person: int
    kind: str
    start_date: date
    stay: int | None = None


class ActionSchema(Schema):
    description: str
    responsible: str
    due_date: date | None = None


class PlanObjectiveIn(Schema):
    domain: str
    description: str
    expected_results: str = ""
    actions: list[ActionSchema] = []


class PlanObjectiveOut(Schema):
    id: int
    domain: str
    description: str
    expected_results: str
    actions: list[ActionSchema]

    @staticmethod
    def resolve_actions(obj):
        return list(obj.actions.all())


class NeedSchema(Schema):
    domain: str
    serafin: str = ""
    description: str


class PartnerSchema(Schema):
    name: str
    role: str = ""


class PlanPatch(Schema):
    person_expression: str | None = None
    family_expression: str | None = None
    needs: list[NeedSchema] | None = None
    partners: list[PartnerSchema] | None = None


class PlanOut(Schema):
    id: int
    person: int = Field(..., alias="person_id")
    stay: int | None = Field(None, alias="stay_id")
    kind: str
    status: str
    version: int
    previous: int | None = Field(None, alias="previous_id")
    start_date: date
    due_date: date
    next_review_date: date | None
    signed_on: date | None
    signatories: list[str]
    person_expression: str
    family_expression: str
    needs: list[NeedSchema]
    partners: list[PartnerSchema]
    objectives: list[PlanObjectiveOut]

    @staticmethod
    def resolve_objectives(obj):
        return list(obj.objectives.all())


class Participant(Schema):
    name: str
    role: str


class ResultIn(Schema):
    objective: int
    status: str
    comment: str = ""


class EvaluationIn(Schema):
    date: date
    participants: list[Participant]
    results: list[ResultIn]


class EvaluationOut(Schema):
    id: int
    plan: int = Field(..., alias="plan_id")
    date: date
    participants: list[Participant]
    next_review_date: date | None = Field(None, alias="plan.next_review_date")


class SignIn(Schema):
    date: date
    signatories: list[str]


class DueOut(Schema):
    person: int
    plan: int
    kind: str
    plan_kind: str
    unit: str
    deadline: date
    overdue: bool


class SerafinOut(Schema):
    code: str
    label: str
    kind: str
    depth: int
