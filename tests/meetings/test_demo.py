"""The demo meetings: the SESSAD GAPP request with one accepted proposal and its sessions, the ethics
committee twice a year over the CPOM, trainings and partner meetings; idempotent."""

from datetime import date

from parcours.steering.meetings.demo import demo_meetings
from parcours.steering.meetings.models import FacilitatorProposal, Meeting, PracticeAnalysisRequest
from parcours.steering.meetings.selectors import figures


def test_demo_meetings(world):
    world.admin.is_superuser = True
    world.admin.save(update_fields=["is_superuser"])
    keys = (
        {"sessad93": world.other_assoc.pk, "aveyron": world.assoc.pk},
        {"sessad93": world.e2.pk, "millau": world.e1.pk},
        {
            "admin": world.admin,
            "psy.sessad": world.outsider,
            "qualite.aveyron": world.quality,
            "directrice.millau": world.director,
            "educ.millau": world.educator,
        },
    )
    demo_meetings(*keys)
    request = PracticeAnalysisRequest.objects.get()
    assert (
        request.group_size == 27 and request.status == "accepted" and request.establishment_id == world.e2.pk
    )
    assert FacilitatorProposal.objects.filter(request=request, accepted=True).count() == 1
    sessions = Meeting.objects.filter(practice_analysis_request=request)
    assert sessions.count() == 4 and all(m.status == "held" for m in sessions)
    assert Meeting.objects.filter(kind="ethics_committee", organisation=world.assoc).count() == 10
    out = figures(date(2024, 1, 1), date(2024, 12, 31), {world.assoc.pk}, {world.e1.pk})
    assert out["ethics_committee_meetings"] == 2 and out["training_sessions"] == 2
    assert out["meetings_by_kind"]["partner_meeting"] == 2 and out["attendance_rate"] == 1
    gapp = figures(date(2023, 1, 1), date(2023, 12, 31), {world.other_assoc.pk}, {world.e2.pk})
    assert gapp["practice_analysis_sessions"] == 4 and gapp["attendance_rate"] < 1
    total = Meeting.objects.count()
    demo_meetings(*keys)
    assert Meeting.objects.count() == total


def test_list_endpoint_query_count(api, world, django_assert_max_num_queries):
    from parcours.steering.meetings.models import Participant

    for day in range(1, 21):
        m = Meeting.objects.create(
            kind="training", date=date(2025, 1, day), organisation=world.assoc, establishment=world.e1
        )
        Participant.objects.create(meeting=m, name="A")
    with django_assert_max_num_queries(12):
        response = api.director.get("/meetings")
    assert response.data["count"] == 20
