"""Designing grids through the API: building, publishing, versions, who may design."""

from parcours.access.models import AuditAction, AuditEvent
from parcours.assessments.models import Grid
from tests.api.conftest import fields_of
from tests.assessments.helpers import QUESTIONS, build_grid


def test_build_and_publish_a_grid(api, world):
    grid = build_grid(api.director, world.assoc.pk, publish=False)
    assert grid["status"] == "draft" and grid["version"] == 1 and grid["organisation"] == world.assoc.pk
    [section] = grid["sections"]
    assert [q["key"] for q in section["questions"]] == [q["key"] for q in QUESTIONS]
    scale = section["questions"][0]
    assert (scale["kind"], scale["required"], scale["scale_min"], scale["scale_max"]) == ("scale", True, 1, 4)
    assert section["questions"][5]["min"] == 0 and section["questions"][5]["max"] == 600
    published = api.director.post(f"/grids/{grid['id']}/publish")
    assert published.status_code == 200 and published.data["status"] == "published"
    assert published.data["published_at"]
    listed = api.director.get("/grids", {"status": "published"})
    assert listed.status_code == 200 and [g["id"] for g in listed.data["items"]] == [grid["id"]]
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_type="grid", object_id=str(grid["id"]), details__event="published"
    ).exists()
    # the key is derived from the label when left empty
    other = api.director.post("/grids", {"organisation": world.assoc.pk, "name": "Autre"}).data
    section_id = api.director.post(f"/grids/{other['id']}/sections", {"title": "S"}).data["id"]
    first = api.director.post(
        f"/grids/{other['id']}/questions", {"section": section_id, "label": "Santé mentale", "kind": "text"}
    )
    second = api.director.post(
        f"/grids/{other['id']}/questions", {"section": section_id, "label": "Santé mentale", "kind": "text"}
    )
    assert (first.data["key"], second.data["key"]) == ("sante_mentale", "sante_mentale_2")


def test_published_grid_is_immutable_and_versions_are_kept(api, world):
    grid = build_grid(api.director, world.assoc.pk)
    section_id = grid["sections"][0]["id"]
    question_id = grid["sections"][0]["questions"][0]["id"]
    late = api.director.post(
        f"/grids/{grid['id']}/questions", {"section": section_id, "label": "Tardive", "kind": "text"}
    )
    assert late.status_code == 409
    assert api.director.post(f"/grids/{grid['id']}/sections", {"title": "Tardive"}).status_code == 409
    assert api.director.delete(f"/grids/{grid['id']}/questions/{question_id}").status_code == 409
    assert api.director.post(f"/grids/{grid['id']}/publish").status_code == 409

    v2 = api.director.post(f"/grids/{grid['id']}/versions")
    assert v2.status_code == 201, v2.data
    assert (v2.data["version"], v2.data["status"], v2.data["previous"]) == (2, "draft", grid["id"])
    assert [q["key"] for q in v2.data["sections"][0]["questions"]] == [q["key"] for q in QUESTIONS]
    assert api.director.post(f"/grids/{grid['id']}/versions").status_code == 409  # one draft at a time
    new_section = api.director.post(f"/grids/{v2.data['id']}/sections", {"title": "Projet"}).data
    added = api.director.post(
        f"/grids/{v2.data['id']}/questions",
        {"section": new_section["id"], "key": "projet", "label": "Projet", "kind": "text", "required": True},
    )
    assert added.status_code == 201
    old = api.director.get(f"/grids/{grid['id']}").data
    assert old["status"] == "published" and old["next_version"] == v2.data["id"]
    assert len(old["sections"]) == 1  # the published version did not move

    assert api.director.post(f"/grids/{v2.data['id']}/publish").status_code == 200
    assert api.director.get(f"/grids/{grid['id']}").data["status"] == "retired"
    assert api.director.post(f"/grids/{grid['id']}/versions").status_code == 409  # from the version in use
    assert Grid.objects.filter(pk=grid["id"]).exists()


def test_bad_design_input_is_422_with_fields(api, world):
    grid = api.director.post("/grids", {"organisation": world.assoc.pk, "name": "Grille"}).data
    section_id = api.director.post(f"/grids/{grid['id']}/sections", {"title": "S"}).data["id"]
    url = f"/grids/{grid['id']}/questions"
    one_choice = api.director.post(
        url,
        {"section": section_id, "label": "Q", "kind": "choice", "choices": [{"value": "a", "label": "A"}]},
    )
    assert one_choice.status_code == 422 and "choices" in fields_of(one_choice)
    same_choices = api.director.post(
        url,
        {
            "section": section_id,
            "label": "Q",
            "kind": "multiple_choice",
            "choices": [{"value": "a", "label": "A"}, {"value": "a", "label": "B"}],
        },
    )
    assert same_choices.status_code == 422 and "choices[1].value" in fields_of(same_choices)
    scale = api.director.post(
        url, {"section": section_id, "label": "Q", "kind": "scale", "scale_min": 4, "scale_max": 1}
    )
    assert scale.status_code == 422 and "scale_max" in fields_of(scale)
    no_bounds = api.director.post(url, {"section": section_id, "label": "Q", "kind": "scale"})
    assert {"scale_min", "scale_max"} <= fields_of(no_bounds)
    bad = api.director.post(url, {"section": 999999, "label": "", "kind": "colour", "key": "Pas Une Clé"})
    assert bad.status_code == 422 and {"section", "label", "kind", "key"} <= fields_of(bad)
    ok = api.director.post(url, {"section": section_id, "key": "q1", "label": "Q", "kind": "text"})
    assert ok.status_code == 201
    twice = api.director.post(url, {"section": section_id, "key": "q1", "label": "Q", "kind": "text"})
    assert twice.status_code == 422 and "key" in fields_of(twice)
    number = api.director.post(
        url, {"section": section_id, "label": "N", "kind": "number", "min": 5, "max": 1}
    )
    assert number.status_code == 422 and "max" in fields_of(number)
    wrong_type = api.director.post(
        url, {"section": section_id, "label": "Q", "kind": "choice", "choices": "a"}
    )
    assert wrong_type.status_code == 422 and "choices" in fields_of(wrong_type)
    assert api.director.post("/grids", {"organisation": world.assoc.pk, "name": ""}).status_code == 422

    empty = api.director.post("/grids", {"organisation": world.assoc.pk, "name": "Vide"}).data
    api.director.post(f"/grids/{empty['id']}/sections", {"title": "Sans question"})
    publish = api.director.post(f"/grids/{empty['id']}/publish")
    assert publish.status_code == 422 and "questions" in fields_of(publish)


def test_only_managers_of_the_organisation_design_its_grids(api, world):
    grid = build_grid(api.director, world.assoc.pk, publish=False)
    payload = {"organisation": world.assoc.pk, "name": "Grille"}
    assert api.partner.post("/grids", payload).status_code == 403
    assert api.quality.post("/grids", payload).status_code == 403
    assert api.educator.post("/grids", payload).status_code == 403
    assert api.partner.get(f"/grids/{grid['id']}").status_code == 404
    assert api.partner.post(f"/grids/{grid['id']}/sections", {"title": "x"}).status_code == 404
    assert api.partner.get("/grids").data["count"] == 0
    assert api.outsider.get(f"/grids/{grid['id']}").status_code == 404
    assert api.outsider.post(f"/grids/{grid['id']}/publish").status_code == 404
    # a draft is its organisation's business: the staff of one establishment do not see it
    assert api.quality.get(f"/grids/{grid['id']}").status_code == 404
    assert api.quality.post(f"/grids/{grid['id']}/sections", {"title": "x"}).status_code == 404
    assert api.educator.post(f"/grids/{grid['id']}/publish").status_code == 404
    # a read-only colleague of the association sees the draft but does not design it
    from parcours.access.services import issue_token
    from tests.api.conftest import ApiClient
    from tests.conftest import make_user

    colleague = ApiClient(issue_token(make_user("qualite_assoc", "quality", world.assoc)))
    assert colleague.get(f"/grids/{grid['id']}").status_code == 200
    assert colleague.post(f"/grids/{grid['id']}/sections", {"title": "x"}).status_code == 403
    # a director designs their association's grids, not another's nor the whole group's
    other = api.director.post("/grids", {"organisation": world.other_assoc.pk, "name": "Grille"})
    assert other.status_code == 422 and fields_of(other) == {"organisation"}
    assert api.director.post("/grids", {"organisation": world.group.pk, "name": "G"}).status_code == 422
    group_grid = api.admin.post("/grids", {"organisation": world.group.pk, "name": "Grille du groupement"})
    assert group_grid.status_code == 201
    # the group's draft is the group's; once published, its members' professionals use it
    assert api.director.get(f"/grids/{group_grid.data['id']}").status_code == 404
    assert api.director.post(f"/grids/{group_grid.data['id']}/sections", {"title": "x"}).status_code == 404
    assert api.admin.post(f"/grids/{grid['id']}/sections", {"title": "Ajout"}).status_code == 201


def test_draft_grids_can_lose_sections_and_questions(api, world):
    grid = build_grid(api.director, world.assoc.pk, publish=False)
    section = grid["sections"][0]
    question = section["questions"][1]
    assert api.director.delete(f"/grids/{grid['id']}/questions/{question['id']}").status_code == 204
    assert api.director.delete(f"/grids/{grid['id']}/questions/{question['id']}").status_code == 404
    keys = [q["key"] for q in api.director.get(f"/grids/{grid['id']}").data["sections"][0]["questions"]]
    assert question["key"] not in keys
    assert api.director.delete(f"/grids/{grid['id']}/sections/{section['id']}").status_code == 204
    assert api.director.get(f"/grids/{grid['id']}").data["sections"] == []
