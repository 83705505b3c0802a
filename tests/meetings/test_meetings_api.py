"""Meetings API: scope (outsider 404, partner 403), rules (participants, attendance, minutes, case
review persons), audit, bad input answered 422 with its fields."""

from datetime import date, timedelta

from parcours.access.models import AuditEvent
from parcours.core.dates import today
from parcours.directory.models import Establishment
from parcours.steering.meetings.models import Meeting
from tests.api.conftest import fields_of
from tests.conftest import make_user


def new_meeting(api_client, world, **extra):
    body = {
        "kind": "ethics_committee",
        "establishment": world.e1.pk,
        "date": "2025-03-14",
        "start_time": "14:00",
        "duration_minutes": 120,
        "title": "Comité éthique",
        "facilitator": "Référente qualité",
        "place": "Millau",
    }
    body.update(extra)
    return api_client.post("/meetings", body)


def test_create_list_and_scope(api, world):
    created = new_meeting(api.director, world)
    assert created.status_code == 201, created.data
    meeting = created.data
    assert meeting["organisation"] == world.assoc.pk and meeting["establishment"] == world.e1.pk
    assert meeting["status"] == "planned" and meeting["start_time"] == "14:00:00"
    assert AuditEvent.objects.filter(actor=world.director, action="create", object_type="meeting").exists()
    listed = api.director.get("/meetings")
    assert listed.status_code == 200 and [m["id"] for m in listed.data["items"]] == [meeting["id"]]
    # the quality referent and an educator of the establishment see it too
    assert api.quality.get(f"/meetings/{meeting['id']}").status_code == 200
    assert api.educator.get("/meetings").data["count"] == 1
    # another establishment: not listed, 404 on the meeting, 404 on writes
    assert api.outsider.get("/meetings").data["count"] == 0
    assert api.outsider.get(f"/meetings/{meeting['id']}").status_code == 404
    assert api.outsider.patch(f"/meetings/{meeting['id']}", {"title": "x"}).status_code == 404
    assert api.outsider.post(f"/meetings/{meeting['id']}/participants", {"name": "X"}).status_code == 404
    # partners see nothing of it
    assert api.partner.get("/meetings").status_code == 403
    assert api.partner.get(f"/meetings/{meeting['id']}").status_code == 403
    assert api.partner.post("/meetings", {"kind": "training", "date": "2025-01-01"}).status_code == 403
    assert api.anonymous.get("/meetings").status_code == 401
    # holding a meeting for an establishment out of sight: 404
    assert new_meeting(api.director, world, establishment=world.e2.pk).status_code == 404
    assert new_meeting(api.director, world, establishment=999999).status_code == 404


def test_organisation_meetings_need_an_organisation_membership(api, world):
    """A meeting of an organisation as a whole is seen by the memberships on the organisation (or on a
    group it belongs to), not by the staff of one of its establishments."""
    from parcours.access.services import issue_token
    from tests.api.conftest import ApiClient

    created = new_meeting(
        api.admin, world, establishment=None, organisation=world.assoc.pk, kind="partner_meeting"
    )
    assert created.status_code == 201, created.data
    group = new_meeting(api.admin, world, establishment=None, organisation=world.group.pk, kind="training")
    assert group.status_code == 201
    assert api.director.get("/meetings").data["count"] == 0
    assert api.director.get(f"/meetings/{created.data['id']}").status_code == 404
    assert api.outsider.get("/meetings").data["count"] == 0
    # the association's director sees its meetings, not the group's, and organises the association's
    association = ApiClient(issue_token(make_user("directrice_assoc", "director", world.assoc)))
    ids = {m["id"] for m in association.get("/meetings").data["items"]}
    assert ids == {created.data["id"]}
    assert association.patch(f"/meetings/{group.data['id']}", {"title": "x"}).status_code == 404
    assert association.patch(f"/meetings/{created.data['id']}", {"title": "x"}).status_code == 200
    # a meeting of another establishment of the same association stays with that establishment
    e3 = Establishment.objects.create(organisation=world.assoc, name="SEAD Millau", commune=world.millau)
    make_user("educ_e3", "educator", e3)
    other = new_meeting(api.admin, world, establishment=e3.pk, kind="case_review")
    assert other.status_code == 201
    assert other.data["id"] not in {m["id"] for m in api.director.get("/meetings").data["items"]}
    assert api.director.get(f"/meetings/{other.data['id']}").status_code == 404
    # filters
    assert api.admin.get("/meetings", {"kind": "training"}).data["count"] == 1
    assert api.admin.get("/meetings", {"from": "2025-03-14", "to": "2025-03-14"}).data["count"] == 3
    assert api.admin.get("/meetings", {"from": "2025-03-15"}).data["count"] == 0
    assert api.admin.get("/meetings", {"establishment": e3.pk}).data["count"] == 1


def test_bad_input_is_422_with_fields(api, world):
    bad = new_meeting(api.director, world, kind="bogus", duration_minutes=0)
    assert bad.status_code == 422
    assert {"kind", "duration_minutes"} <= fields_of(bad)
    # a text longer than its column is refused before the service (core.validators, for every write)
    assert fields_of(new_meeting(api.director, world, kind="bogus", title="x" * 300)) == {"title"}
    assert fields_of(new_meeting(api.director, world, date="14/03/2025")) == {"date"}
    assert new_meeting(api.director, world, duration_minutes=10**30).status_code == 422
    missing = api.director.post("/meetings", {"kind": "training", "date": "2025-01-01"})
    assert missing.status_code == 422 and "organisation" in fields_of(missing)
    persons = new_meeting(api.director, world, persons=[world.child.pk])
    assert persons.status_code == 422 and fields_of(persons) == {"persons"}
    created = new_meeting(api.director, world).data
    assert fields_of(api.director.patch(f"/meetings/{created['id']}", {"status": "nope"})) == {"status"}
    assert fields_of(api.director.patch(f"/meetings/{created['id']}", {"kind": None})) == {"kind"}
    assert api.director.get("/meetings", {"from": "2025-02-01", "to": "2025-01-01"}).status_code == 422
    assert api.director.get("/meetings", {"kind": "x"}).status_code == 422
    assert api.director.get("/meetings/99999999999999999999").status_code in (404, 422)
    assert api.director.get("/meetings", {"limit": 0}).status_code == 422
    assert not Meeting.objects.filter(kind="bogus").exists()


def test_participants_attendance_and_minutes(api, world):
    meeting = new_meeting(api.director, world).data
    url = f"/meetings/{meeting['id']}"
    educator = api.director.post(
        f"{url}/participants", {"user": world.educator.pk, "profession": "Éducateur"}
    )
    assert educator.status_code == 201 and educator.data["name"] == "Educ_E1 Test"
    guest = api.director.post(f"{url}/participants", {"name": "Mme Roux", "profession": "Référente ASE"})
    assert guest.status_code == 201
    assert api.director.post(f"{url}/participants", {"user": world.educator.pk}).status_code == 409
    assert fields_of(api.director.post(f"{url}/participants", {"profession": "x"})) == {"name"}
    assert fields_of(api.director.post(f"{url}/participants", {"user": 987654})) == {"user"}
    both = api.director.post(f"{url}/participants", {"name": "Y", "attended": True, "excused": True})
    assert fields_of(both) == {"excused"}
    # attendance and minutes in one PATCH: the meeting is held
    done = api.director.patch(
        url,
        {
            "minutes": "Échanges sur le pouvoir d'agir.",
            "attendance": [
                {"participant": educator.data["id"], "attended": True},
                {"participant": guest.data["id"], "excused": True},
            ],
        },
    )
    assert done.status_code == 200, done.data
    assert done.data["status"] == "held" and done.data["minutes"] == "Échanges sur le pouvoir d'agir."
    by_id = {p["id"]: p for p in done.data["participants"]}
    assert by_id[educator.data["id"]]["attended"] and by_id[guest.data["id"]]["excused"]
    # a participant of another meeting, both flags: 422, nothing saved
    other = new_meeting(api.director, world).data
    stranger = api.director.post(f"/meetings/{other['id']}/participants", {"name": "Z"}).data
    wrong = api.director.patch(
        url,
        {"title": "Changé", "attendance": [{"participant": stranger["id"], "attended": True}]},
    )
    assert wrong.status_code == 422 and fields_of(wrong) == {"attendance[0].participant"}
    assert Meeting.objects.get(pk=meeting["id"]).title == "Comité éthique"
    # not before the day of the meeting
    future = new_meeting(api.director, world, date=(today() + timedelta(days=10)).isoformat()).data
    person = api.director.post(f"/meetings/{future['id']}/participants", {"name": "A"}).data
    early = api.director.patch(
        f"/meetings/{future['id']}", {"attendance": [{"participant": person["id"], "attended": True}]}
    )
    assert early.status_code == 409
    assert fields_of(api.director.patch(f"/meetings/{future['id']}", {"status": "held"})) == {"status"}
    # the quality referent (read-only on records) organises meetings; remove a participant
    assert api.quality.patch(url, {"place": "Ségur"}).data["place"] == "Ségur"
    assert api.director.delete(f"{url}/participants/{guest.data['id']}").status_code == 204
    assert len(api.director.get(url).data["participants"]) == 1
    assert (
        AuditEvent.objects.filter(
            object_type="meeting", object_id=str(meeting["id"]), action="update"
        ).count()
        >= 4
    )


def test_case_review_persons_scoped_and_audited(api, world):
    review = new_meeting(api.director, world, kind="case_review", persons=[world.child.pk])
    assert review.status_code == 201, review.data
    assert [p["id"] for p in review.data["persons"]] == [world.child.pk]
    assert AuditEvent.objects.filter(actor=world.director, person_id=world.child.pk, action="update").exists()
    url = f"/meetings/{review.data['id']}"
    before = AuditEvent.objects.filter(actor=world.educator, person_id=world.child.pk, action="view").count()
    assert api.educator.get(url).data["persons"][0]["last_name"] == "Dupont-Martin"
    after = AuditEvent.objects.filter(actor=world.educator, person_id=world.child.pk, action="view").count()
    assert after == before + 1
    # a person out of the user's scope cannot be named (404), nor on a meeting of another kind (422)
    from parcours.people.models import Person

    stranger = Person.objects.create(
        first_name="Ana", last_name="Lopez", birth_date=date(2010, 1, 1), sex="f", home_establishment=world.e2
    )
    assert api.director.post(f"{url}/persons/{stranger.pk}").status_code == 404
    assert new_meeting(api.director, world, kind="case_review", persons=[stranger.pk]).status_code == 404
    ethics = new_meeting(api.director, world).data
    assert fields_of(api.director.post(f"/meetings/{ethics['id']}/persons/{world.child.pk}")) == {"person"}
    # changing the kind of a review that names persons: 409
    assert api.director.patch(url, {"kind": "training"}).status_code == 409
    # a review of E1 naming a person of another establishment: E1's staff see the meeting, not the person
    e3 = Establishment.objects.create(organisation=world.assoc, name="SEAD Millau", commune=world.millau)
    colleague = make_user("educ_e3", "educator", e3)
    elsewhere = Person.objects.create(
        first_name="Léa", last_name="Roux", birth_date=date(2011, 1, 1), sex="f", home_establishment=e3
    )
    mixed = new_meeting(api.admin, world, kind="case_review", persons=[elsewhere.pk]).data
    seen = api.educator.get(f"/meetings/{mixed['id']}")
    assert seen.status_code == 200 and seen.data["persons"] == []
    assert not AuditEvent.objects.filter(actor=world.educator, person_id=elsewhere.pk).exists()
    # an organisation-wide review is not seen from one establishment at all
    wide = new_meeting(
        api.admin,
        world,
        kind="case_review",
        establishment=None,
        organisation=world.assoc.pk,
        persons=[world.child.pk],
    ).data
    from parcours.access.services import issue_token
    from tests.api.conftest import ApiClient

    assert ApiClient(issue_token(colleague)).get(f"/meetings/{wide['id']}").status_code == 404
    assert not AuditEvent.objects.filter(actor=colleague, person_id=world.child.pk).exists()
    # remove the person, then the kind may change
    assert api.director.delete(f"{url}/persons/{world.child.pk}").data["persons"] == []
    assert api.director.patch(url, {"kind": "other"}).status_code == 200


def test_read_only_quality_cannot_name_persons_in_a_case_review(api, world):
    """Naming a person in a case review writes on that person's record: the quality referent, who
    may organise the establishment's meetings but only read records, is refused (403)."""
    refused = new_meeting(api.quality, world, kind="case_review", persons=[world.child.pk])
    assert refused.status_code == 403, refused.data
    review = new_meeting(api.quality, world, kind="case_review")
    assert review.status_code == 201, review.data
    url = f"/meetings/{review.data['id']}"
    assert api.quality.post(f"{url}/persons/{world.child.pk}").status_code == 403
    assert not Meeting.objects.get(pk=review.data["id"]).persons.exists()
    assert api.educator.post(f"{url}/persons/{world.child.pk}").status_code == 200
    assert api.quality.delete(f"{url}/persons/{world.child.pk}").status_code == 403
    assert Meeting.objects.get(pk=review.data["id"]).persons.count() == 1
