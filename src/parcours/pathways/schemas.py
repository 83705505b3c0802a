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
