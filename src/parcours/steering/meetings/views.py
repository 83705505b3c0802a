"""Meeting pages: the register (list and new meeting), a meeting with its participants, attendance
and minutes (and the persons of a case review), the practice-analysis requests with the
facilitators' proposals."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from parcours.access.models import AuditAction
from parcours.access.services import audit
from parcours.core.dates import today
from parcours.core.errors import ServiceError
from parcours.core.viewtools import service_errors, submit
from parcours.steering.meetings import selectors, services
from parcours.steering.meetings.choices import MeetingKind, MeetingStatus, RequestStatus
from parcours.steering.meetings.forms import (
    AttendanceForm,
    MeetingEditForm,
    MeetingForm,
    MinutesForm,
    ParticipantForm,
    PersonForm,
    ProposalForm,
    RequestForm,
    attachment_of,
)

NAV = "steering"


def _date(value):
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
@service_errors
def meeting_list(request):
    """The meetings of the user's scope (filters: type, period) and the form of a new one."""
    kind = request.GET.get("type") or None
    start, end = _date(request.GET.get("du")), _date(request.GET.get("au"))
    if kind not in MeetingKind.values:
        kind = None
    if start and end and end < start:
        start, end = end, start
    items = list(selectors.meetings(request.user, kind=kind, start=start, end=end)[:200])
    can_organise = selectors.can_organise(request.user)
    form = MeetingForm(request.POST or None, attachments=selectors.attachments(request.user))
    if request.method == "POST":
        meeting = submit(
            form,
            lambda d: services.create_meeting(
                request.user,
                **attachment_of(d["attachment"]),
                **{k: v for k, v in d.items() if k != "attachment"},
            ),
        )
        if meeting is not None:
            messages.success(request, "Réunion enregistrée.")
            return redirect("meetings:meeting", meeting.pk)
    return render(
        request,
        "meetings/list.html",
        {
            "meetings": items,
            "form": form,
            "can_organise": can_organise,
            "kinds": MeetingKind.choices,
            "kind": kind,
            "start": start,
            "end": end,
            "nav": NAV,
        },
        status=422 if request.method == "POST" else 200,
    )


def _meeting_context(request, meeting, **forms):
    persons = selectors.persons_of(request.user, meeting)
    for person in persons:
        audit(request.user, AuditAction.VIEW, meeting, person=person, section="case_review")
    participants = list(meeting.participants.all())
    can_edit = _can_edit(request.user, meeting)
    context = {
        "meeting": meeting,
        "participants": participants,
        "persons": persons,
        "can_edit": can_edit,
        "is_case_review": meeting.kind == MeetingKind.CASE_REVIEW,
        "can_take_attendance": meeting.status != MeetingStatus.CANCELLED and meeting.date <= today(),
        "edit_form": MeetingEditForm(
            initial={
                f: getattr(meeting, f)
                for f in ("kind", "title", "date", "start_time", "duration_minutes", "facilitator", "place")
            }
            | {"status": meeting.status}
        ),
        "participant_form": ParticipantForm(colleagues=selectors.colleagues(meeting)),
        "attendance_form": AttendanceForm(participants=participants),
        "minutes_form": MinutesForm(initial={"minutes": meeting.minutes}),
        "person_form": PersonForm(),
        "nav": NAV,
    }
    context.update({k: v for k, v in forms.items() if v is not None})
    return context


def _can_edit(user, meeting) -> bool:
    try:
        selectors.meeting_for(user, meeting.pk, write=True)
    except ServiceError:
        return False
    return True


@login_required
@service_errors
def meeting_page(request, meeting_id):
    meeting = selectors.meeting_for(request.user, meeting_id)
    return render(request, "meetings/meeting.html", _meeting_context(request, meeting))


def _after(request, meeting_id, done, form_name, form):
    """Back to the meeting, or the page again with the form's errors (422)."""
    if done is not None:
        return redirect("meetings:meeting", meeting_id)
    meeting = selectors.meeting_for(request.user, meeting_id)
    return render(
        request, "meetings/meeting.html", _meeting_context(request, meeting, **{form_name: form}), status=422
    )


@login_required
@require_POST
@service_errors
def edit_meeting(request, meeting_id):
    form = MeetingEditForm(request.POST)
    done = submit(form, lambda d: services.update_meeting(request.user, meeting_id, **d))
    return _after(request, meeting_id, done, "edit_form", form)


@login_required
@require_POST
@service_errors
def add_participant(request, meeting_id):
    meeting = selectors.meeting_for(request.user, meeting_id, write=True)
    form = ParticipantForm(request.POST, colleagues=selectors.colleagues(meeting))
    done = submit(
        form,
        lambda d: services.add_participant(
            request.user, meeting_id, user=d["user"] or None, name=d["name"], profession=d["profession"]
        ),
    )
    return _after(request, meeting_id, done, "participant_form", form)


@login_required
@require_POST
@service_errors
def remove_participant(request, meeting_id, participant_id):
    services.remove_participant(request.user, meeting_id, participant_id)
    return redirect("meetings:meeting", meeting_id)


@login_required
@require_POST
@service_errors
def record_attendance(request, meeting_id):
    meeting = selectors.meeting_for(request.user, meeting_id, write=True)
    form = AttendanceForm(request.POST, participants=meeting.participants.all())
    done = submit(form, lambda d: services.record_attendance(request.user, meeting_id, form.attendance()))
    if done is not None:
        messages.success(request, "Présences enregistrées.")
    return _after(request, meeting_id, done, "attendance_form", form)


@login_required
@require_POST
@service_errors
def write_minutes(request, meeting_id):
    form = MinutesForm(request.POST)
    done = submit(form, lambda d: services.write_minutes(request.user, meeting_id, d["minutes"]))
    if done is not None:
        messages.success(request, "Compte rendu enregistré.")
    return _after(request, meeting_id, done, "minutes_form", form)


@login_required
@require_POST
@service_errors
def add_person(request, meeting_id):
    form = PersonForm(request.POST)
    done = submit(form, lambda d: services.add_person(request.user, meeting_id, d["person"]))
    return _after(request, meeting_id, done, "person_form", form)


@login_required
@require_POST
@service_errors
def remove_person(request, meeting_id, person_id):
    services.remove_person(request.user, meeting_id, person_id)
    return redirect("meetings:meeting", meeting_id)


@login_required
@service_errors
def requests_page(request):
    """The practice-analysis requests with their proposals, and the form of a new request."""
    items = list(selectors.requests(request.user)[:100])
    form = RequestForm(
        request.POST or None, attachments=selectors.attachments(request.user, selectors.COMMISSION)
    )
    if request.method == "POST":
        created = submit(form, lambda d: services.create_request(request.user, **form.request_values()))
        if created is not None:
            messages.success(request, "Demande enregistrée.")
            return redirect("meetings:request", created.pk)
    return render(
        request,
        "meetings/requests.html",
        {
            "requests": items,
            "form": form,
            "can_commission": selectors.can_commission(request.user),
            "nav": NAV,
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
@service_errors
def request_page(request, request_id):
    """A request, its proposals (one to retain) and the sessions planned."""
    obj = selectors.request_for(request.user, request_id)
    form = ProposalForm(request.POST or None)
    if request.method == "POST":
        done = submit(form, lambda d: services.add_proposal(request.user, obj.pk, **d))
        if done is not None:
            messages.success(request, "Proposition enregistrée.")
            return redirect("meetings:request", obj.pk)
    try:
        selectors.request_for(request.user, obj.pk, write=True)
        can_commission = True
    except ServiceError:
        can_commission = False
    return render(
        request,
        "meetings/request.html",
        {
            "obj": obj,
            "proposals": list(obj.proposals.all()),
            "sessions": list(obj.meetings.order_by("date", "id")),
            "form": form,
            "can_commission": can_commission,
            "open": obj.status in (RequestStatus.OPEN, RequestStatus.ANSWERED),
            "nav": NAV,
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_POST
@service_errors
def accept_proposal(request, proposal_id):
    proposal = selectors.proposal_for(request.user, proposal_id)
    try:
        services.accept_proposal(request.user, proposal_id)
    except ServiceError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.detail)
    else:
        messages.success(request, "Proposition retenue : les séances sont planifiées.")
    return redirect("meetings:request", proposal.request_id)


@login_required
@require_POST
@service_errors
def close_request(request, request_id):
    try:
        services.close_request(request.user, request_id)
    except ServiceError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.detail)
    return redirect("meetings:request", request_id)
