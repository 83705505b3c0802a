from datetime import date

from ninja import Field, Schema


class StayIn(Schema):
    person: int
    unit: int
    start_date: date
    end_date: date | None = None
    exit_reason: str = ""
    intensity: str = "full_time"


class StayEndIn(Schema):
    end_date: date
    exit_reason: str


class StayOut(Schema):
    id: int
    person: int = Field(..., alias="person_id")
    unit: int = Field(..., alias="unit_id")
    unit_name: str = Field(..., alias="unit.name")
    start_date: date
    end_date: date | None
    exit_reason: str
    intensity: str
    emergency: bool
    days: int


class AssignmentIn(Schema):
    professional: int
    role: str
    start_date: date


class AssignmentOut(Schema):
    id: int
    person: int = Field(..., alias="person_id")
    professional: int = Field(..., alias="professional_id")
    professional_name: str = Field(..., alias="professional.display_name")
    role: str
    start_date: date
    end_date: date | None


class PathwayEventOut(Schema):
    date: date
    type: str
    id: int
    label: str


class RuptureOut(Schema):
    from_: date = Field(..., alias="from")
    to: date
    reason: str
    label: str


class PathwayOut(Schema):
    """Answered by alias (a rupture's "from")."""

    person: int
    events: list[PathwayEventOut]
    ruptures: list[RuptureOut]
