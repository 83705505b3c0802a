"""Filling grids through the API: validation, completion, versions, scope, audit and export."""

import csv
import io
import json
from datetime import date

import pytest

from parcours.access.models import AuditAction, AuditEvent
from parcours.admissions import services as admissions
from parcours.assessments.models import Assessment
from parcours.people.models import Person
from tests.api.conftest import fields_of
from tests.assessments.helpers import VALID, build_grid


@pytest.fixture
def grid(api, world):
    return build_grid(api.director, world.assoc.pk)


def start(client, grid_id, **payload):
    return client.post("/assessments", {"grid": grid_id, **payload})


def test_fill_and_complete_for_a_person(api, world, grid):
    draft = start(api.educator, grid["id"], person=world.child.pk, answers={"sante": 2})
    assert draft.status_code == 201, draft.data
    assert (draft.data["status"], draft.data["answers"], draft.data["grid_version"]) == (
        "draft",
        {"sante": 2},
        1,
    )
    url = f"/assessments/{draft.data['id']}"
    missing = api.educator.patch(url, {"complete": True})
    assert missing.status_code == 422 and fields_of(missing) == {"answers.orientation"}
    saved = api.educator.patch(url, {"answers": {"observations": "RAS", "sante": None, "freins": []}})
    assert saved.status_code == 200 and saved.data["answers"] == {"observations": "RAS"}  # null clears
    done = api.educator.patch(url, {"answers": VALID, "complete": True})
    assert done.status_code == 200, done.data
    assert done.data["status"] == "completed" and done.data["completed_at"]
    assert done.data["answers"] == VALID
    assert api.educator.patch(url, {"answers": {"sante": 1}}).status_code == 409  # completed: frozen
    read = api.director.get(url)
    assert read.status_code == 200 and read.data["answers"]["orientation"] == "sociale"
    listed = api.director.get("/assessments", {"person": world.child.pk})
    assert listed.status_code == 200 and [a["id"] for a in listed.data["items"]] == [draft.data["id"]]
    assert api.quality.get(url).status_code == 200  # read-only colleague reads


def test_complete_at_once_and_bad_answers_are_422_with_fields(api, world, grid):
    bad = start(
        api.director,
        grid["id"],
        person=world.child.pk,
        answers={
            "sante": 9,
            "orientation": "ailleurs",
            "freins": ["mobilite", "mobilite"],
            "date_entretien": "2025-02-30",
            "mois": -1,
            "observations": 12,
            "inconnue": "x",
        },
    )
    assert bad.status_code == 422
    assert fields_of(bad) == {
        "answers.sante",
        "answers.orientation",
        "answers.freins",
        "answers.date_entretien",
        "answers.mois",
        "answers.observations",
        "answers.inconnue",
    }
    assert not Assessment.objects.exists()
    complete = start(api.director, grid["id"], person=world.child.pk, answers=VALID, complete=True)
    assert complete.status_code == 201 and complete.data["status"] == "completed"
    both = start(api.director, grid["id"], person=world.child.pk, referral=1)
    assert both.status_code == 422 and {"person", "referral"} <= fields_of(both)
    neither = start(api.director, grid["id"])
    assert neither.status_code == 422


@pytest.mark.parametrize(
    "body",
    [
        {"grid": "abc", "person": 1},
        {"grid": 1, "person": 1, "answers": ["sante"]},
        {"grid": 1, "person": 1, "answers": "x"},
        {"grid": 10**30, "person": 1},
        {"grid": 1, "person": 10**30},
        {"grid": 1, "person": 1, "complete": "peut-être"},
        [],
        "texte",
    ],
)
def test_malformed_payloads_never_500(api, world, grid, body):
    response = api.director.client.post(
        "/api/v1/assessments", json.dumps(body), content_type="application/json", **api.director.headers
    )
    assert response.status_code in (400, 404, 422), response.content


def test_non_finite_numbers_are_refused(api, world, grid):
    answers = '{"mois": NaN, "sante": Infinity}'
    body = f'{{"grid": {grid["id"]}, "person": {world.child.pk}, "answers": {answers}}}'
    response = api.director.client.post(
        "/api/v1/assessments", body, content_type="application/json", **api.director.headers
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} >= {"answers.mois", "answers.sante"}


def test_assessments_keep_the_version_they_filled(api, world, grid):
    first = start(api.director, grid["id"], person=world.child.pk, answers=VALID, complete=True).data
    draft = start(api.director, grid["id"], person=world.child.pk, answers={"sante": 4}).data
    v2 = api.director.post(f"/grids/{grid['id']}/versions").data
    section = api.director.post(f"/grids/{v2['id']}/sections", {"title": "Projet"}).data
    api.director.post(
        f"/grids/{v2['id']}/questions",
        {"section": section["id"], "key": "projet", "label": "Projet", "kind": "text", "required": True},
    )
    assert api.director.post(f"/grids/{v2['id']}/publish").status_code == 200
    again = api.director.get(f"/assessments/{first['id']}").data
    assert (again["grid"], again["grid_version"], again["answers"]) == (grid["id"], 1, VALID)
    # the retired version takes no new assessment, but a draft started with it can be completed
    assert start(api.director, grid["id"], person=world.child.pk).status_code == 409
    finished = api.director.patch(f"/assessments/{draft['id']}", {"answers": VALID, "complete": True})
    assert finished.status_code == 200 and finished.data["grid"] == grid["id"]
    # the new version asks the new question
    on_v2 = start(api.director, v2["id"], person=world.child.pk, answers=VALID, complete=True)
    assert on_v2.status_code == 422 and fields_of(on_v2) == {"answers.projet"}
    assert (
        start(api.director, v2["id"], person=world.child.pk, answers={**VALID, "projet": "CAP"}).status_code
        == 201
    )


def test_completing_needs_a_published_grid(api, world):
    draft_grid = build_grid(api.director, world.assoc.pk, publish=False)
    trial = start(api.director, draft_grid["id"], person=world.child.pk, answers={"sante": 1})
    assert trial.status_code == 201  # a draft grid can be tried
    assert (
        api.director.patch(
            f"/assessments/{trial.data['id']}", {"answers": VALID, "complete": True}
        ).status_code
        == 409
    )
    assert (
        start(api.director, draft_grid["id"], person=world.child.pk, answers=VALID, complete=True).status_code
        == 409
    )


def test_out_of_scope_answers_404_and_read_only_roles_403(api, world, grid):
    item = start(api.director, grid["id"], person=world.child.pk, answers={"sante": 2}).data
    url = f"/assessments/{item['id']}"
    assert api.outsider.get("/assessments", {"person": world.child.pk}).status_code == 404
    assert start(api.outsider, grid["id"], person=world.child.pk).status_code == 404
    assert api.outsider.get(url).status_code == 404
    assert api.outsider.patch(url, {"answers": {"sante": 1}}).status_code == 404
    assert api.outsider.get("/assessments").data["count"] == 0
    assert api.partner.get(url).status_code == 404
    assert api.partner.get("/assessments", {"person": world.child.pk}).status_code == 404
    assert start(api.quality, grid["id"], person=world.child.pk).status_code == 403
    assert api.quality.patch(url, {"answers": {"sante": 1}}).status_code == 403
    assert api.anonymous.get(url).status_code == 401
    assert api.director.get("/assessments/999999").status_code == 404


def test_archived_records_take_no_new_assessment(api, world, grid):
    from django.utils import timezone

    Person.objects.filter(pk=world.child.pk).update(archived_at=timezone.now())
    response = start(api.admin, grid["id"], person=world.child.pk, answers={"sante": 2})
    assert response.status_code == 409 and "archivé" in response.data["detail"]


def test_reads_are_audited(api, world, grid):
    item = start(api.educator, grid["id"], person=world.child.pk, answers={"sante": 2}).data
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="assessment", person_id=world.child.pk
    ).exists()
    api.director.get(f"/assessments/{item['id']}")
    assert AuditEvent.objects.filter(
        actor=world.director,
        action=AuditAction.VIEW,
        object_type="assessment",
        object_id=str(item["id"]),
        person_id=world.child.pk,
    ).exists()
    api.director.get("/assessments", {"person": world.child.pk})
    listing = AuditEvent.objects.filter(actor=world.director, details__section="assessments").get()
    assert listing.person_id == world.child.pk and listing.details["ids"] == [item["id"]]


def test_assessments_of_a_referral(api, world, grid):
    partner_child = Person.objects.create(
        first_name="Léa",
        last_name="Martin",
        birth_date=date(2011, 5, 6),
        sex="f",
        created_by=world.partner,
    )
    referral = admissions.submit_referral(
        world.partner,
        person=partner_child.pk,
        modality="residential",
        public="child_protection",
        wished_date=date(2026, 12, 1),
        reason="Orientation",
        target_units=[world.u1.pk],
    )
    created = start(api.director, grid["id"], referral=referral.pk, answers=VALID, complete=True)
    assert created.status_code == 201, created.data
    assert (created.data["referral"], created.data["person"]) == (referral.pk, None)
    url = f"/assessments/{created.data['id']}"
    assert api.director.get(url).status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_id=str(created.data["id"]), person_id=partner_child.pk
    ).exists()
    listed = api.director.get("/assessments", {"referral": referral.pk})
    assert [a["id"] for a in listed.data["items"]] == [created.data["id"]]
    # the partner follows its referral's status, not the professionals' assessments
    assert api.partner.get(url).status_code == 404
    assert api.partner.get("/assessments", {"referral": referral.pk}).status_code == 404
    assert start(api.partner, grid["id"], referral=referral.pk).status_code == 404
    assert api.outsider.get(url).status_code == 404
    assert start(api.outsider, grid["id"], referral=referral.pk).status_code == 404
    assert start(api.quality, grid["id"], referral=referral.pk).status_code == 403
    assert start(api.director, grid["id"], referral=999999).status_code == 404


def test_export_csv_neutralises_formulas_and_is_audited(api, world, grid):
    answers = {**VALID, "observations": '=HYPERLINK("http://x","clic")'}
    done = start(api.director, grid["id"], person=world.child.pk, answers=answers, complete=True).data
    start(api.director, grid["id"], person=world.child.pk, answers={"sante": 1})  # a draft: not exported
    response = api.director.get(f"/grids/{grid['id']}/export.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, [row] = rows[0], rows[1:]
    assert header[:2] == ["evaluation", "personne"]
    assert header[5:] == ["sante", "observations", "orientation", "freins", "date_entretien", "mois"]
    values = dict(zip(header, row, strict=True))
    assert values["evaluation"] == str(done["id"]) and values["personne"] == str(world.child.pk)
    assert values["observations"] == '\'=HYPERLINK("http://x","clic")'
    assert (values["sante"], values["freins"], values["mois"]) == ("3", "mobilite", "7.5")
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, object_type="grid")
    assert event.details["ids"] == [done["id"]] and event.details["persons"] == [world.child.pk]
    assert api.outsider.get(f"/grids/{grid['id']}/export.csv").status_code == 404
    assert api.partner.get(f"/grids/{grid['id']}/export.csv").status_code == 404


def test_list_endpoints_do_not_grow_with_rows(api, world, grid):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(path, params=None):
        with CaptureQueriesContext(connection) as queries:
            assert api.director.get(path, params).status_code == 200
        return len(queries)

    start(api.director, grid["id"], person=world.child.pk, answers=VALID, complete=True)
    calls = [
        ("/assessments", {"person": world.child.pk}),
        ("/grids", None),
        (f"/grids/{grid['id']}", None),
        (f"/grids/{grid['id']}/export.csv", None),
    ]
    before = [count(path, params) for path, params in calls]
    for _ in range(4):
        start(api.director, grid["id"], person=world.child.pk, answers=VALID, complete=True)
    v2 = api.director.post(f"/grids/{grid['id']}/versions").data
    api.director.post(f"/grids/{v2['id']}/sections", {"title": "Autre section"})
    build_grid(api.director, world.assoc.pk, name="Deuxième grille")
    assert [count(path, params) for path, params in calls] == before
