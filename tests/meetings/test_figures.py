"""figures(): exact counts on hand-built data, admission commission sessions included; the
/meetings/figures endpoint scoped to the user."""

from datetime import date
from decimal import Decimal

from parcours.admissions.models import CommissionSession
from parcours.steering.meetings.models import Meeting, Participant
from parcours.steering.meetings.selectors import figures

START, END = date(2025, 1, 1), date(2025, 12, 31)


def meeting(world, kind, day, *, establishment="e1", organisation=None, status="planned"):
    est = getattr(world, establishment) if establishment else None
    org = organisation or est.organisation
    return Meeting.objects.create(kind=kind, date=day, organisation=org, establishment=est, status=status)


def attend(m, *flags):
    for i, (attended, excused) in enumerate(flags):
        Participant.objects.create(meeting=m, name=f"P{i}", attended=attended, excused=excused)


def build(world):
    meeting(world, "ethics_committee", date(2025, 3, 14))
    meeting(world, "ethics_committee", date(2025, 10, 14))
    training = meeting(world, "training", date(2025, 1, 1), status="held")  # first day counts
    attend(training, (True, False), (True, False), (False, True))
    gapp = meeting(world, "practice_analysis", date(2025, 12, 31), status="held")  # last day counts
    attend(gapp, (True, False), (False, False))
    planned = meeting(
        world, "practice_analysis", date(2025, 6, 1)
    )  # attendance not taken: left out of the rate
    attend(planned, (False, False), (False, False), (False, False))
    meeting(world, "training", date(2025, 5, 5), status="cancelled")
    meeting(world, "ethics_committee", date(2024, 12, 31))  # before the period
    meeting(world, "partner_meeting", date(2025, 4, 1), establishment=None, organisation=world.assoc)
    meeting(world, "training", date(2025, 4, 2), establishment=None, organisation=world.group)
    other = meeting(world, "training", date(2025, 4, 3), establishment="e2", status="held")
    attend(other, (False, False))
    CommissionSession.objects.create(date=date(2025, 2, 1), organisation=world.group)
    CommissionSession.objects.create(
        date=date(2025, 2, 15), organisation=world.group, kind="collective_orientation"
    )
    CommissionSession.objects.create(date=date(2026, 1, 1), organisation=world.group)
    CommissionSession.objects.create(date=date(2025, 2, 1), organisation=world.other_assoc)


def test_figures_of_an_establishment_and_its_organisations(world):
    build(world)
    out = figures(START, END, {world.assoc.pk, world.group.pk}, {world.e1.pk})
    assert out["meetings_by_kind"] == {
        "admission_commission": 1,
        "practice_analysis": 2,
        "training": 2,  # E1's held training, the group's training (the cancelled one left out)
        "ethics_committee": 2,
        "partner_meeting": 1,
        "collective_orientation": 1,
        "case_review": 0,
        "other": 0,
    }
    assert out["meetings"] == 9
    assert out["ethics_committee_meetings"] == 2
    assert out["practice_analysis_sessions"] == 2
    assert out["training_sessions"] == 2
    # held meetings: 3 of 5 expected participants attended (the excused one counts as absent)
    assert out["attendance_rate"] == Decimal("0.6000")


def test_figures_filters(world):
    build(world)
    only_e1 = figures(START, END, set(), {world.e1.pk})
    assert only_e1["meetings"] == 5 and only_e1["meetings_by_kind"]["admission_commission"] == 0
    assert figures(START, END, {world.other_assoc.pk}, {world.e2.pk})["meetings"] == 2
    assert figures(START, END, {world.other_assoc.pk}, {world.e2.pk})["attendance_rate"] == Decimal("0.0000")
    everything = figures(START, END, None, None)
    assert everything["meetings"] == 11 and everything["meetings_by_kind"]["admission_commission"] == 2
    assert everything["attendance_rate"] == Decimal("0.5000")  # 3 of 6
    empty = figures(date(2030, 1, 1), date(2030, 12, 31), None, None)
    assert empty["meetings"] == 0 and empty["attendance_rate"] is None


def test_figures_aggregate_queries_only(world, django_assert_max_num_queries):
    build(world)
    with django_assert_max_num_queries(3):
        figures(START, END, {world.assoc.pk}, {world.e1.pk})


def test_figures_endpoint(api, world):
    build(world)
    # the director of E1 (an establishment membership): the establishment's own meetings, not those
    # of its association or group as a whole (organisation-level objects)
    mine = api.director.get("/meetings/figures", {"from": "2025-01-01", "to": "2025-12-31"})
    assert mine.status_code == 200, mine.data
    assert mine.data["meetings"] == 5 and mine.data["attendance_rate"] == "0.6000"
    scoped = api.director.get(
        "/meetings/figures",
        {"from": "2025-01-01", "to": "2025-12-31", "scope": f"establishment:{world.e1.pk}"},
    )
    assert scoped.data["meetings"] == 5
    # the group's admin: the group's and its members' meetings and commission sessions
    group = api.admin.get(
        "/meetings/figures",
        {"from": "2025-01-01", "to": "2025-12-31", "scope": f"organisation:{world.group.pk}"},
    )
    assert group.data["meetings"] == 9
    assert (
        api.outsider.get("/meetings/figures", {"from": "2025-01-01", "to": "2025-12-31"}).data["meetings"]
        == 1
    )
    assert (
        api.outsider.get(
            "/meetings/figures",
            {"from": "2025-01-01", "to": "2025-12-31", "scope": f"establishment:{world.e1.pk}"},
        ).status_code
        == 404
    )
    assert api.partner.get("/meetings/figures", {"from": "2025-01-01", "to": "2025-12-31"}).status_code == 403
    bad = api.director.get("/meetings/figures", {"from": "2025-12-31", "to": "2025-01-01"})
    assert bad.status_code == 422
    assert api.director.get("/meetings/figures", {"from": "x", "to": "2025-01-01"}).status_code == 422
    assert (
        api.director.get(
            "/meetings/figures", {"from": "2025-01-01", "to": "2025-12-31", "scope": "foo"}
        ).status_code
        == 422
    )


def test_indicators_include_meetings(api, world):
    build(world)
    out = api.director.get(
        "/indicators", {"scope": f"establishment:{world.e1.pk}", "from": "2025-01-01", "to": "2025-12-31"}
    )
    assert out.status_code == 200, out.data
    assert out.data["meetings"] == 5 and out.data["ethics_committee_meetings"] == 2  # E1's own
