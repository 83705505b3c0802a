from datetime import date
from decimal import Decimal

from ninja import Field, Schema


class IndicatorQuery(Schema):
    scope: str
    from_: date | None = Field(None, alias="from")
    to: date | None = None


class DrillQuery(IndicatorQuery):
    figure: str
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0)


class IndicatorsOut(Schema):
    scope: str
    label: str
    from_: date = Field(..., alias="from")
    to: date
    days_theoretical: Decimal
    days_realised: Decimal
    occupancy_rate: Decimal
    active_caseload: int
    admissions: int
    exits: int
    average_length_of_stay: Decimal | None
    waiting_list_size: int
    average_waiting_days: Decimal | None
    average_days_referral_to_admission: Decimal | None
    emergency_requests: int
    emergency_admissions: int
    referrals_received: int
    ruptures: int
    persons_present: int
    plans_up_to_date_share: Decimal
    overdue_plans: int
    incidents: int | None = None
    serious_incidents: int | None = None
    incidents_by_category: dict[str, int] | None = None
    meetings: int | None = None
    meetings_by_kind: dict[str, int] | None = None
    ethics_committee_meetings: int | None = None
    practice_analysis_sessions: int | None = None
    training_sessions: int | None = None
    attendance_rate: Decimal | None = None


class MonthOut(Schema):
    month: str
    occupancy_rate: Decimal
    active_caseload: int
    admissions: int
    exits: int
    waiting_list_size: int


class UnitFiguresOut(Schema):
    unit: int
    name: str
    establishment: str
    days_theoretical: Decimal
    days_realised: Decimal
    occupancy_rate: Decimal
    active_caseload: int
    admissions: int
    exits: int


class DrillRow(Schema):
    kind: str
    id: int
    person: int
    person_name: str
    unit: str = ""
    start_date: date | None = None
    end_date: date | None = None
    status: str = ""
    emergency: bool = False


class ActivityReportIn(Schema):
    scope: str
    year: int


class ReportOut(Schema):
    id: int
    scope: str
    label: str
    year: int
    status: str
    progress: int
    step: str
    error: str
