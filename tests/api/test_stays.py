from parcours.access.models import AuditEvent
from parcours.pathways.models import Stay
from parcours.people.models import Person
from tests.api.conftest import fields_of


def new_child(world, **extra):
    return Person.objects.create(
        first_name="Inès",
        last_name="Bernard",
        birth_date="2011-01-01",
        sex="f",
        home_establishment=world.e1,
        **extra,
    )


def test_list_and_read_stays_are_scoped_and_audited(api, world):
    listed = api.director.get("/stays", {"person": world.child.pk}).data
    assert listed["count"] == 1 and listed["items"][0]["unit"] == world.u1.pk
    stay_id = listed["items"][0]["id"]
    assert api.outsider.get("/stays").data["count"] == 0
    assert api.outsider.get(f"/stays/{stay_id}").status_code == 404
    assert api.director.get(f"/stays/{stay_id}").status_code == 200
    assert AuditEvent.objects.filter(
        actor=world.director, object_type="stay", person_id=world.child.pk
    ).exists()


def test_create_stay_days_and_vacancy(api, world):
    child = new_child(world)
    response = api.director.post(
        "/stays",
        {
            "person": child.pk,
            "unit": world.u1.pk,
            "start_date": "2024-02-28",
            "end_date": "2024-03-01",
            "exit_reason": "return_home",
        },
    )
    assert response.status_code == 201, response.data
    assert response.data["days"] == 2  # 28 and 29 February 2024; the exit day does not count
    open_stay = api.director.post(
        "/stays", {"person": child.pk, "unit": world.u1.pk, "start_date": "2025-01-10"}
    )
    assert open_stay.status_code == 201
    # Unit u1 has 2 places: the world's child and this one. A third is refused.
    third = new_child(world)
    full = api.director.post("/stays", {"person": third.pk, "unit": world.u1.pk, "start_date": "2025-06-01"})
    assert full.status_code == 409
    assert not Stay.objects.filter(person=third).exists()


def test_stay_overlap_and_bad_input(api, world):
    before = Stay.objects.count()
    overlap = api.director.post(
        "/stays",
        {
            "person": world.child.pk,
            "unit": world.u1.pk,
            "start_date": "2024-10-01",
            "end_date": "2024-10-05",
            "exit_reason": "other",
        },
    )
    assert overlap.status_code == 409
    bad = api.director.post(
        "/stays",
        {"person": world.child.pk, "unit": world.u1.pk, "start_date": "2024-01-10", "end_date": "2024-01-01"},
    )
    assert bad.status_code == 422 and {"end_date", "exit_reason"} <= fields_of(bad)
    assert "start_date" in fields_of(
        api.director.post("/stays", {"person": world.child.pk, "unit": world.u1.pk, "start_date": "hier"})
    )
    assert (
        api.quality.post(
            "/stays",
            {
                "person": world.child.pk,
                "unit": world.u1.pk,
                "start_date": "2019-01-01",
                "end_date": "2019-01-02",
                "exit_reason": "other",
            },
        ).status_code
        == 403
    )
    assert (
        api.outsider.post(
            "/stays", {"person": world.child.pk, "unit": world.u2.pk, "start_date": "2025-01-01"}
        ).status_code
        == 404
    )
    assert Stay.objects.count() == before


def test_end_stay(api, world):
    stay = Stay.objects.get(person=world.child)
    assert (
        api.quality.post(
            f"/stays/{stay.pk}/end", {"end_date": "2025-06-30", "exit_reason": "return_home"}
        ).status_code
        == 403
    )
    assert (
        api.outsider.post(
            f"/stays/{stay.pk}/end", {"end_date": "2025-06-30", "exit_reason": "return_home"}
        ).status_code
        == 404
    )
    assert "exit_reason" in fields_of(
        api.director.post(f"/stays/{stay.pk}/end", {"end_date": "2025-06-30", "exit_reason": "escape"})
    )
    assert "end_date" in fields_of(
        api.director.post(f"/stays/{stay.pk}/end", {"end_date": "2020-01-01", "exit_reason": "other"})
    )
    ended = api.director.post(
        f"/stays/{stay.pk}/end", {"end_date": "2025-06-30", "exit_reason": "no_solution"}
    )
    assert ended.status_code == 200 and ended.data["days"] == 302
    again = api.director.post(f"/stays/{stay.pk}/end", {"end_date": "2025-07-30", "exit_reason": "other"})
    assert again.status_code == 409


def test_assignments(api, world):
    body = {"professional": world.educator.pk, "role": "referent", "start_date": "2024-09-01"}
    response = api.director.post(f"/persons/{world.child.pk}/assignments", body)
    assert response.status_code == 201, response.data
    second = api.director.post(
        f"/persons/{world.child.pk}/assignments",
        dict(body, professional=world.director.pk, start_date="2025-01-01"),
    )
    assert second.status_code == 201
    listed = api.director.get(f"/persons/{world.child.pk}/assignments").data
    ends = {a["professional"]: a["end_date"] for a in listed}
    assert ends == {world.educator.pk: "2025-01-01", world.director.pk: None}
    assert "professional" in fields_of(
        api.director.post(
            f"/persons/{world.child.pk}/assignments", dict(body, professional=world.outsider.pk)
        )
    )
    assert "role" in fields_of(
        api.director.post(f"/persons/{world.child.pk}/assignments", dict(body, role="boss"))
    )
    assert api.quality.post(f"/persons/{world.child.pk}/assignments", body).status_code == 403
    assert api.outsider.get(f"/persons/{world.child.pk}/assignments").status_code == 404
