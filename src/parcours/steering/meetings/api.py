"""API: the meetings register (sessions, participants and attendance, minutes), practice-analysis
requests and facilitators' proposals, and the meetings figures of the indicators."""

from ninja import Query, Router, Status

from parcours.access.models import AuditAction
from parcours.access.services import audit
from parcours.api.common import ERRORS, list_of, page
from parcours.steering.meetings import selectors, services
from parcours.steering.meetings.schemas import (
    AcceptedProposalOut,
    FacilitatorProposalIn,
    FacilitatorProposalOut,
    MeetingDetailOut,
    MeetingFiguresOut,
    MeetingFiguresQuery,
    MeetingIn,
    MeetingOut,
    MeetingParticipantIn,
    MeetingParticipantOut,
    MeetingPatch,
    MeetingQuery,
    PracticeAnalysisRequestIn,
    PracticeAnalysisRequestOut,
)

router = Router(tags=["meetings"])


def _detail(request, meeting_id: int):
    """The meeting with the persons a case review names (each read audited with the person)."""
    meeting = selectors.meeting_for(request.user, meeting_id)
    meeting.persons_shown = selectors.persons_of(request.user, meeting)
    for person in meeting.persons_shown:
        audit(request.user, AuditAction.VIEW, meeting, person=person, section="case_review")
    return meeting


@router.get("/meetings/figures", response={200: MeetingFiguresOut, **ERRORS})
def figures(request, q: Query[MeetingFiguresQuery]):
    """Meetings counted for the indicators over a period: the user's whole scope, or a scope
    (unit:ID, establishment:ID, organisation:ID); admission commission sessions included."""
    out = selectors.figures_for(request.user, q.from_, q.to, q.scope)
    return {"from": q.from_, "to": q.to, **out}


@router.get("/meetings", response={200: list_of(MeetingOut), **ERRORS})
def list_meetings(request, q: Query[MeetingQuery]):
    qs = selectors.meetings(
        request.user,
        kind=q.kind,
        start=q.from_,
        end=q.to,
        establishment=q.establishment,
        organisation=q.organisation,
    )
    count, items = page(qs, q.limit, q.offset)
    return {"count": count, "items": items}


@router.post("/meetings", response={201: MeetingDetailOut, **ERRORS})
def create_meeting(request, data: MeetingIn):
    meeting = services.create_meeting(request.user, **data.dict())
    return Status(201, _detail(request, meeting.pk))


@router.get("/meetings/{meeting_id}", response={200: MeetingDetailOut, **ERRORS})
def get_meeting(request, meeting_id: int):
    return _detail(request, meeting_id)


@router.patch("/meetings/{meeting_id}", response={200: MeetingDetailOut, **ERRORS})
def update_meeting(request, meeting_id: int, data: MeetingPatch):
    """Change the meeting; `attendance` ([{"participant", "attended", "excused"}]) and `minutes`
    are recorded in the same transaction."""
    services.update_meeting(request.user, meeting_id, **data.dict(exclude_unset=True))
    return _detail(request, meeting_id)


@router.post("/meetings/{meeting_id}/participants", response={201: MeetingParticipantOut, **ERRORS})
def add_participant(request, meeting_id: int, data: MeetingParticipantIn):
    return Status(201, services.add_participant(request.user, meeting_id, **data.dict()))


@router.delete("/meetings/{meeting_id}/participants/{participant_id}", response={204: None, **ERRORS})
def remove_participant(request, meeting_id: int, participant_id: int):
    services.remove_participant(request.user, meeting_id, participant_id)
    return Status(204, None)


@router.post("/meetings/{meeting_id}/persons/{person_id}", response={200: MeetingDetailOut, **ERRORS})
def add_person(request, meeting_id: int, person_id: int):
    """Name a person of the user's scope in a case review."""
    services.add_person(request.user, meeting_id, person_id)
    return _detail(request, meeting_id)


@router.delete("/meetings/{meeting_id}/persons/{person_id}", response={200: MeetingDetailOut, **ERRORS})
def remove_person(request, meeting_id: int, person_id: int):
    services.remove_person(request.user, meeting_id, person_id)
    return _detail(request, meeting_id)


@router.get("/practice-analysis-requests", response={200: list_of(PracticeAnalysisRequestOut), **ERRORS})
def list_requests(request, limit: int = 50, offset: int = 0):
    count, items = page(selectors.requests(request.user), limit, offset)
    return {"count": count, "items": items}


@router.post("/practice-analysis-requests", response={201: PracticeAnalysisRequestOut, **ERRORS})
def create_request(request, data: PracticeAnalysisRequestIn):
    obj = services.create_request(request.user, **data.dict())
    return Status(201, selectors.request_for(request.user, obj.pk))


@router.get("/practice-analysis-requests/{request_id}", response={200: PracticeAnalysisRequestOut, **ERRORS})
def get_request(request, request_id: int):
    return selectors.request_for(request.user, request_id)


@router.post(
    "/practice-analysis-requests/{request_id}/proposals", response={201: FacilitatorProposalOut, **ERRORS}
)
def add_proposal(request, request_id: int, data: FacilitatorProposalIn):
    return Status(201, services.add_proposal(request.user, request_id, **data.dict()))


@router.post(
    "/practice-analysis-requests/{request_id}/close", response={200: PracticeAnalysisRequestOut, **ERRORS}
)
def close_request(request, request_id: int):
    services.close_request(request.user, request_id)
    return selectors.request_for(request.user, request_id)


@router.post("/proposals/{proposal_id}/accept", response={200: AcceptedProposalOut, **ERRORS})
def accept_proposal(request, proposal_id: int):
    """Retain the proposal: its sessions are planned as practice-analysis meetings."""
    return services.accept_proposal(request.user, proposal_id)
