import datetime as dt

from ninja import Field, Schema


class InformedItem(Schema):
    who: str
    when: dt.datetime | None = None


class PersonLinkIn(Schema):
    person: int
    role: str


class IncidentIn(Schema):
    establishment: int
    unit: int | None = None
    occurred_at: dt.datetime
    discovered_at: dt.datetime | None = None
    place: str = ""
    description: str
    other_involved: str = ""
    victims_count: int = 0
    exposed_count: int = 0
    immediate_measures: str = ""
    informed: list[InformedItem] = []
    media_coverage: bool = False
    judicial_follow_up: str = ""
    persons: list[PersonLinkIn] = []


class IncidentPatch(Schema):
    unit: int | None = None
    occurred_at: dt.datetime | None = None
    discovered_at: dt.datetime | None = None
    place: str | None = None
    description: str | None = None
    other_involved: str | None = None
    victims_count: int | None = None
    exposed_count: int | None = None
    immediate_measures: str | None = None
    informed: list[InformedItem] | None = None
    media_coverage: bool | None = None
    judicial_follow_up: str | None = None


class ClassifyIn(Schema):
    category: str
    serious: bool


class IncidentReportIn(Schema):
    reported_on: dt.date


class AnalysisIn(Schema):
    causes: str


class IncidentActionIn(Schema):
    description: str
    due_date: dt.date
    owner: str = ""
    owner_user: int | None = None


class ActionDoneIn(Schema):
    done_on: dt.date | None = None


class CloseIn(Schema):
    closed_on: dt.date | None = None
    reason: str = ""


class InformedOut(Schema):
    who: str
    when: str = ""


class PersonLinkOut(Schema):
    id: int
    person: int = Field(..., alias="person_id")
    name: str
    role: str

    @staticmethod
    def resolve_name(obj):
        return str(obj.person)


class IncidentActionOut(Schema):
    id: int
    incident: int = Field(..., alias="incident_id")
    description: str
    owner: str
    owner_user: int | None = Field(None, alias="owner_user_id")
    due_date: dt.date
    done_on: dt.date | None
    overdue: bool


class IncidentSummaryOut(Schema):
    id: int
    label: str
    establishment: int = Field(..., alias="establishment_id")
    establishment_name: str = Field(..., alias="establishment.name")
    unit: int | None = Field(None, alias="unit_id")
    unit_name: str | None = None
    occurred_at: dt.datetime
    discovered_at: dt.datetime
    place: str
    description: str
    category: str
    category_label: str
    serious: bool
    status: str
    status_label: str
    authority: str
    authority_label: str
    reported_on: dt.date | None
    report_deadline: dt.datetime
    report_overdue: bool
    closed_on: dt.date | None

    @staticmethod
    def resolve_unit_name(obj):
        return obj.unit.name if obj.unit_id else None

    @staticmethod
    def resolve_category_label(obj):
        return obj.get_category_display() if obj.category else ""

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_authority_label(obj):
        return obj.get_authority_display()


class IncidentOut(IncidentSummaryOut):
    other_involved: str
    victims_count: int
    exposed_count: int
    immediate_measures: str
    informed: list[InformedOut]
    media_coverage: bool
    judicial_follow_up: str
    reported_late: bool
    causes: str
    closure_reason: str
    declared_by: int | None = Field(None, alias="declared_by_id")
    created_at: dt.datetime
    updated_at: dt.datetime
    persons: list[PersonLinkOut]
    actions: list[IncidentActionOut]

    @staticmethod
    def resolve_persons(obj):
        shown = getattr(obj, "persons_shown", None)
        return shown if shown is not None else list(obj.persons.select_related("person"))

    @staticmethod
    def resolve_actions(obj):
        return list(obj.actions.all())


class RegisterQuery(Schema):
    from_: dt.date | None = Field(None, alias="from")
    to: dt.date | None = None
    establishment: int | None = None
    unit: int | None = None
    category: str | None = None
    serious: bool | None = None
    status: str | None = None
    limit: int = 50
    offset: int = 0


class FiguresQuery(Schema):
    from_: dt.date = Field(..., alias="from")
    to: dt.date
    establishment: int | None = None
    unit: int | None = None


class CategoryFigure(Schema):
    category: str
    label: str
    count: int
    serious: int


class UnitFigure(Schema):
    unit: int | None
    name: str
    establishment: int
    establishment_name: str
    count: int
    serious: int


class FiguresOut(Schema):
    from_: dt.date = Field(..., alias="from")
    to: dt.date
    incidents: int
    serious_incidents: int
    open_incidents: int
    unreported_serious: int
    incidents_by_category: dict[str, int]
    by_category: list[CategoryFigure]
    by_unit: list[UnitFigure]
