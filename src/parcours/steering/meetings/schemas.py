import datetime as dt
import re
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

_CLOCK = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$")


def _clock_time(value):
    """A local time of day as the API writes it, "HH:MM" or "HH:MM:SS": no offset, no fraction."""
    if isinstance(value, str) and not _CLOCK.match(value):
        raise ValueError("Heure attendue au format HH:MM.")
    return value


# Not JSON Schema's format "time" (RFC 3339 requires an offset): a wall-clock time of the meeting.
ClockTime = Annotated[
    dt.time,
    BeforeValidator(_clock_time),
    PlainSerializer(lambda t: t.strftime("%H:%M:%S"), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": _CLOCK.pattern, "examples": ["14:30", "09:00:00"]}),
]


class MeetingQuery(Schema):
    kind: str | None = None
    from_: dt.date | None = Field(None, alias="from")
    to: dt.date | None = None
    establishment: int | None = None
    organisation: int | None = None
    limit: int = 50
    offset: int = 0


class MeetingFiguresQuery(Schema):
    from_: dt.date = Field(..., alias="from")
    to: dt.date
    scope: str | None = None


class MeetingIn(Schema):
    kind: str
    date: dt.date
    organisation: int | None = None
    establishment: int | None = None
    title: str = ""
    start_time: ClockTime | None = None
    duration_minutes: int = 60
    facilitator: str = ""
    place: str = ""
    minutes: str = ""
    persons: list[int] = []


class MeetingAttendanceIn(Schema):
    participant: int
    attended: bool = False
    excused: bool = False


class MeetingPatch(Schema):
    kind: str | None = None
    title: str | None = None
    date: dt.date | None = None
    start_time: ClockTime | None = None
    duration_minutes: int | None = None
    facilitator: str | None = None
    place: str | None = None
    status: str | None = None
    minutes: str | None = None
    attendance: list[MeetingAttendanceIn] | None = None


class MeetingParticipantIn(Schema):
    user: int | None = None
    name: str = ""
    profession: str = ""
    attended: bool = False
    excused: bool = False


class MeetingParticipantOut(Schema):
    id: int
    user: int | None = Field(None, alias="user_id")
    name: str
    profession: str
    attended: bool
    excused: bool


class CaseReviewPersonOut(Schema):
    id: int
    first_name: str
    last_name: str


class MeetingOut(Schema):
    id: int
    kind: str
    kind_label: str = Field(..., alias="get_kind_display")
    title: str
    organisation: int = Field(..., alias="organisation_id")
    establishment: int | None = Field(None, alias="establishment_id")
    date: dt.date
    start_time: ClockTime | None
    duration_minutes: int
    facilitator: str
    place: str
    status: str
    minutes: str
    practice_analysis_request: int | None = Field(None, alias="practice_analysis_request_id")
    participants: list[MeetingParticipantOut]

    @staticmethod
    def resolve_participants(obj):
        return list(obj.participants.all())


class MeetingDetailOut(MeetingOut):
    # Case reviews: the persons named that the reader may see (each read is audited).
    persons: list[CaseReviewPersonOut] = Field([], alias="persons_shown")


class FacilitatorProposalIn(Schema):
    facilitator_name: str
    sessions_count: int
    organisation: str = ""
    qualifications: str = ""
    approach: str = ""
    price: Decimal | None = None
    received_on: dt.date | None = None


class FacilitatorProposalOut(Schema):
    id: int
    request: int = Field(..., alias="request_id")
    facilitator_name: str
    organisation: str
    qualifications: str
    approach: str
    sessions_count: int
    price: Decimal | None
    accepted: bool
    received_on: dt.date


class PlannedSessionOut(Schema):
    id: int
    date: dt.date
    title: str


class AcceptedProposalOut(FacilitatorProposalOut):
    sessions: list[PlannedSessionOut]

    @staticmethod
    def resolve_sessions(obj):
        return list(obj.request.meetings.order_by("date", "id"))


class PracticeAnalysisRequestIn(Schema):
    professions: str
    group_size: int
    session_duration_minutes: int
    period_start: dt.date
    period_end: dt.date
    organisation: int | None = None
    establishment: int | None = None
    title: str = ""
    context: str = ""
    sector: str = ""
    public: str = ""
    place_kind: str = "on_site"
    place: str = ""
    frequency: str = "monthly"
    sessions_planned: int | None = None
    response_deadline: dt.date | None = None
    facilitator_profile: str = ""
    methods: str = ""


class PracticeAnalysisRequestOut(Schema):
    id: int
    organisation: int = Field(..., alias="organisation_id")
    establishment: int | None = Field(None, alias="establishment_id")
    title: str
    context: str
    sector: str
    public: str
    professions: str
    group_size: int
    place_kind: str
    place: str
    session_duration_minutes: int
    frequency: str
    sessions_planned: int | None
    period_start: dt.date
    period_end: dt.date
    response_deadline: dt.date | None
    facilitator_profile: str
    methods: str
    status: str
    proposals: list[FacilitatorProposalOut]

    @staticmethod
    def resolve_proposals(obj):
        return list(obj.proposals.all())


class MeetingFiguresOut(Schema):
    from_: dt.date = Field(..., alias="from")
    to: dt.date
    meetings: int
    meetings_by_kind: dict[str, int]
    ethics_committee_meetings: int
    practice_analysis_sessions: int
    training_sessions: int
    attendance_rate: Decimal | None
