"""Entering a CPOM through the API: the contract, objectives, actions, stages and their progress,
indicators with targets and yearly values; bad input answers 422 with the field names (never a
500); scope: outsider 404, educator 403 on writes, partner refused; every write audited."""

import pytest

from parcours.access.models import AuditEvent
from parcours.steering.cpom.models import Cpom, CpomIndicator, IndicatorValue, Stage
from tests.api.conftest import fields_of


def new_cpom(api, world, client=None, **extra):
    body = {
        "organisation": world.assoc.pk,
        "title": "CPOM 2024-2028",
        "authority": "Conseil départemental de l'Aveyron",
        "start_year": 2024,
        "signatories": ["Président du Conseil départemental", "Président de l'association"],
        "signed_on": "2023-12-15",
        "establishments": [world.e1.pk],
        **extra,
    }
    response = (client or api.director).post("/cpoms", body)
    assert response.status_code == 201, response.data
    return response.data


@pytest.fixture
def cpom(api, world):
    data = new_cpom(api, world)
    objective = api.director.post(f"/cpoms/{data['id']}/objectives", {"title": "Thématique qualité"}).data
    action = api.director.post(
        f"/cpom-objectives/{objective['id']}/actions",
        {
            "number": "1.1",
            "title": "Renforcer la lisibilité",
            "pilot": "Direction et chefs de service",
            "context": "La mise en oeuvre du CPOM…",
            "objectives": "• Développer la communication",
            "means": "• Réunions internes",
            "implementation": "• Rencontres territoriales",
            "partners": "• Département",
            "calendar_start": 2024,
            "calendar_end": 2026,
        },
    ).data
    return {"cpom": data, "objective": objective, "action": action}


def test_enter_a_cpom_through_the_api(api, world, cpom):
    data = cpom["cpom"]
    assert data["end_year"] == 2028  # five years by default
    assert data["years"] == [2024, 2025, 2026, 2027, 2028]
    assert data["establishments"] == [world.e1.pk]
    assert cpom["objective"]["number"] == 1
    action = cpom["action"]
    assert action["number"] == "1.1" and action["pilot"] == "Direction et chefs de service"

    stage = api.director.post(
        f"/cpom-actions/{action['id']}/stages",
        {"label": "Site internet", "planned_years": [2025, 2024]},
    )
    assert stage.status_code == 201, stage.data
    assert stage.data["planned_years"] == [2024, 2025]
    progress = api.director.patch(f"/cpom-stages/{stage.data['id']}", {"progress": {"2024": "done"}})
    assert progress.status_code == 200, progress.data
    progress = api.director.patch(f"/cpom-stages/{stage.data['id']}", {"progress": {"2025": "late"}})
    assert progress.data["progress"] == {"2024": "done", "2025": "late"}  # merged, not replaced
    cleared = api.quality.patch(f"/cpom-stages/{stage.data['id']}", {"progress": {"2025": None}})
    assert cleared.status_code == 200 and cleared.data["progress"] == {"2024": "done"}

    manual = api.director.post(
        f"/cpom-actions/{action['id']}/indicators",
        {
            "label": "Nombre de rencontres partenariales extérieures",
            "unit": "rencontres",
            "direction": "at_least",
            "targets": {"2024": 6, "2025": "6"},
        },
    )
    assert manual.status_code == 201, manual.data
    assert manual.data["source"] == "manual"
    value = api.director.put(
        f"/cpom-indicators/{manual.data['id']}/values/2024", {"value": 5, "comment": "Deux reportées."}
    )
    assert value.status_code == 200, value.data
    again = api.director.put(f"/cpom-indicators/{manual.data['id']}/values/2024", {"value": "7"})
    assert again.status_code == 200
    assert IndicatorValue.objects.get(indicator_id=manual.data["id"], year=2024).value == 7

    computed = api.director.post(
        f"/cpom-actions/{action['id']}/indicators",
        {
            "label": "Taux d'activité de l'internat",
            "source": "computed",
            "key": "occupancy_rate",
            "scope": f"unit:{world.u1.pk}",
            "direction": "at_least",
            "targets": {"2025": 0.95},
        },
    )
    assert computed.status_code == 201, computed.data
    assert computed.data["targets"] == {"2025": "0.95"}
    whole = api.director.post(
        f"/cpom-objectives/{cpom['objective']['id']}/indicators",
        {
            "label": "Évènements indésirables",
            "source": "computed",
            "key": "incidents",
            "scope": f"establishment:{world.e1.pk}",
        },
    )
    assert whole.status_code == 201, whole.data
    assert whole.data["objective"] == cpom["objective"]["id"] and whole.data["action"] is None

    tree = api.educator.get(f"/cpoms/{data['id']}")
    assert tree.status_code == 200
    action_out = tree.data["objectives"][0]["actions"][0]
    assert [s["label"] for s in action_out["stages"]] == ["Site internet"]
    assert [i["label"] for i in action_out["indicators"]][0].startswith("Nombre de rencontres")
    assert action_out["indicators"][0]["values"][0]["value"] == "7.0000"
    assert len(tree.data["objectives"][0]["indicators"]) == 1

    listing = api.quality.get("/cpoms")
    assert listing.status_code == 200 and listing.data["count"] == 1

    patched = api.director.patch(
        f"/cpoms/{data['id']}", {"title": "CPOM Accueil Millau Ségur", "signed_on": None}
    )
    assert patched.status_code == 200, patched.data
    assert patched.data["title"] == "CPOM Accueil Millau Ségur" and patched.data["signed_on"] is None


def test_the_programme_table(api, cpom):
    action = cpom["action"]["id"]
    for label, years in [
        ("Arrêtés d'autorisations", [2024]),
        ("Evaluation externe", [2025, 2026, 2027, 2028]),
    ]:
        api.director.post(f"/cpom-actions/{action}/stages", {"label": label, "planned_years": years})
    stage = Stage.objects.get(label="Evaluation externe")
    api.director.patch(f"/cpom-stages/{stage.pk}", {"progress": {"2025": "done", "2026": "in_progress"}})
    table = api.educator.get(f"/cpom-actions/{action}/programme")
    assert table.status_code == 200, table.data
    assert table.data["years"] == [2024, 2025, 2026, 2027, 2028]
    assert table.data["calendar_start"] == 2024 and table.data["calendar_end"] == 2026
    marks = {row["label"]: ["X" if c["planned"] else "" for c in row["cells"]] for row in table.data["rows"]}
    assert marks == {
        "Arrêtés d'autorisations": ["X", "", "", "", ""],
        "Evaluation externe": ["", "X", "X", "X", "X"],
    }
    progress = [c["progress"] for c in table.data["rows"][1]["cells"]]
    assert progress == [None, "done", "in_progress", None, None]
    assert table.data["rows"][1]["cells"][1]["progress_label"] == "Réalisé"


@pytest.mark.parametrize(
    "body, fields",
    [
        ({"organisation": 0, "title": "", "start_year": 2024}, {"organisation", "title"}),
        ({"organisation": None, "title": "X", "start_year": 2024}, {"organisation"}),
        ({"organisation": "abc", "title": "X", "start_year": 2024}, {"organisation"}),
        ({"title": "X", "start_year": 2024, "end_year": 2030}, {"end_year"}),
        ({"title": "X", "start_year": 2024, "end_year": 2023}, {"end_year"}),
        ({"title": "X", "start_year": 99999}, {"start_year"}),
        ({"title": "X", "start_year": 2024, "signatories": [""]}, {"signatories[0]"}),
        ({"title": "X", "start_year": 2024, "establishments": [999999]}, {"establishments"}),
        ({"title": "X" * 300, "start_year": 2024}, {"title"}),
    ],
)
def test_bad_cpom_input_answers_422_with_the_fields(api, world, body, fields):
    body.setdefault("organisation", world.assoc.pk)
    response = api.director.post("/cpoms", body)
    assert response.status_code == 422, response.data
    assert fields <= fields_of(response)


def test_an_establishment_of_another_manager_is_refused(api, world):
    response = api.admin.post(
        "/cpoms",
        {"organisation": world.assoc.pk, "title": "X", "start_year": 2024, "establishments": [world.e2.pk]},
    )
    assert response.status_code == 422 and fields_of(response) == {"establishments"}


@pytest.mark.parametrize(
    "path, body, fields",
    [
        ("objectives", {"title": ""}, {"title"}),
        ("objectives", {"title": "X", "number": 0}, {"number"}),
        ("objectives", {"title": "X", "number": "a"}, {"number"}),
    ],
)
def test_bad_objective_input(api, cpom, path, body, fields):
    response = api.director.post(f"/cpoms/{cpom['cpom']['id']}/{path}", body)
    assert response.status_code == 422, response.data
    assert fields <= fields_of(response)


def test_duplicate_numbers_are_a_conflict(api, cpom):
    again = api.director.post(f"/cpoms/{cpom['cpom']['id']}/objectives", {"title": "Bis", "number": 1})
    assert again.status_code == 409 and fields_of(again) == {"number"}
    action = api.director.post(
        f"/cpom-objectives/{cpom['objective']['id']}/actions", {"number": "1.1", "title": "Bis"}
    )
    assert action.status_code == 409 and fields_of(action) == {"number"}


@pytest.mark.parametrize(
    "body, fields",
    [
        ({"number": "", "title": ""}, {"number", "title"}),
        ({"number": "1 . 1; DROP", "title": "X"}, {"number"}),
        ({"number": "2", "title": "X", "calendar_start": 2030}, {"calendar_start"}),
        ({"number": "2", "title": "X", "calendar_start": 2026, "calendar_end": 2025}, {"calendar_end"}),
        ({"number": "2", "title": "X", "calendar_start": "soon"}, {"calendar_start"}),
    ],
)
def test_bad_action_input(api, cpom, body, fields):
    response = api.director.post(f"/cpom-objectives/{cpom['objective']['id']}/actions", body)
    assert response.status_code == 422, response.data
    assert fields <= fields_of(response)


@pytest.mark.parametrize(
    "body, fields",
    [
        ({"label": "", "planned_years": [2024]}, {"label"}),
        ({"label": "X", "planned_years": [2023, 2029]}, {"planned_years[0]", "planned_years[1]"}),
        ({"label": "X", "planned_years": "2024"}, {"planned_years"}),
        ({"label": "X", "progress": {"2025": "finished"}}, {"progress.2025"}),
        ({"label": "X", "progress": {"deux mille": "done"}}, {"progress.deux mille"}),
    ],
)
def test_bad_stage_input(api, cpom, body, fields):
    response = api.director.post(f"/cpom-actions/{cpom['action']['id']}/stages", body)
    assert response.status_code == 422, response.data
    assert fields <= fields_of(response)


@pytest.mark.parametrize(
    "body, fields",
    [
        ({"label": ""}, {"label"}),
        ({"label": "X", "targets": {"2024": "beaucoup"}}, {"targets.2024"}),
        ({"label": "X", "targets": {"2031": 3}}, {"targets.2031"}),
        ({"label": "X", "targets": {"2024": [1]}}, {"targets.2024"}),
        ({"label": "X", "targets": {"2024": "NaN"}}, {"targets.2024"}),
        ({"label": "X", "targets": {"2024": 1e300}}, {"targets.2024"}),
        ({"label": "X", "targets": [3]}, {"targets"}),
        ({"label": "X", "source": "guess"}, {"source"}),
        ({"label": "X", "direction": "sideways"}, {"direction"}),
        ({"label": "X", "key": "occupancy_rate"}, {"key"}),
        ({"label": "X", "source": "computed", "key": "happiness", "scope": "unit:1"}, {"key"}),
        ({"label": "X", "source": "computed", "key": "occupancy_rate"}, {"scope"}),
        ({"label": "X", "source": "computed", "key": "occupancy_rate", "scope": "galaxy:1"}, {"scope"}),
        ({"label": "X", "source": "computed", "key": "occupancy_rate", "scope": "unit:99999999"}, {"scope"}),
        (
            {
                "label": "X",
                "source": "computed",
                "key": "admissions",
                "related_keys": ["nope"],
                "scope": "organisation:1",
            },
            {"related_keys"},
        ),
        (
            {
                "label": "X",
                "source": "computed",
                "key": "occupancy_rate",
                "scope": "unit:U1",
                "targets": {"2025": 95},
            },
            {"targets.2025"},
        ),
    ],
)
def test_bad_indicator_input(api, world, cpom, body, fields):
    if body.get("scope") == "unit:U1":
        body["scope"] = f"unit:{world.u1.pk}"
    if body.get("scope") == "organisation:1":
        body["scope"] = f"organisation:{world.assoc.pk}"
    response = api.director.post(f"/cpom-actions/{cpom['action']['id']}/indicators", body)
    assert response.status_code == 422, response.data
    assert fields <= fields_of(response)


def test_a_scope_out_of_sight_or_of_another_manager_is_refused(api, world, cpom):
    body = {"label": "X", "source": "computed", "key": "occupancy_rate", "scope": f"unit:{world.u2.pk}"}
    director = api.director.post(f"/cpom-actions/{cpom['action']['id']}/indicators", body)
    assert director.status_code == 422 and fields_of(director) == {"scope"}  # not in the director's sight
    admin = api.admin.post(f"/cpom-actions/{cpom['action']['id']}/indicators", body)
    assert admin.status_code == 422 and fields_of(admin) == {"scope"}  # another manager's unit


def test_bad_values(api, cpom):
    manual = api.director.post(f"/cpom-actions/{cpom['action']['id']}/indicators", {"label": "Réunions"}).data
    base = f"/cpom-indicators/{manual['id']}/values"
    assert fields_of(api.director.put(f"{base}/2030", {"value": 3})) == {"year"}
    assert fields_of(api.director.put(f"{base}/2025", {"value": "trois"})) == {"value"}
    assert fields_of(api.director.put(f"{base}/2025", {"value": None})) == {"value"}
    response = api.director.put(f"{base}/deux", {"value": 3})
    assert response.status_code == 422 and fields_of(response) == {"year"}
    computed = api.director.post(
        f"/cpom-objectives/{cpom['objective']['id']}/indicators",
        {
            "label": "EI",
            "source": "computed",
            "key": "incidents",
            "scope": f"organisation:{cpom['cpom']['organisation']}",
        },
    ).data
    refused = api.director.put(f"/cpom-indicators/{computed['id']}/values/2025", {"value": 3})
    assert refused.status_code == 409


def test_a_period_change_keeps_the_years_in_use(api, cpom):
    api.director.post(f"/cpom-actions/{cpom['action']['id']}/stages", {"label": "X", "planned_years": [2028]})
    response = api.director.patch(f"/cpoms/{cpom['cpom']['id']}", {"start_year": 2023, "end_year": 2027})
    assert response.status_code == 422 and "start_year" in fields_of(response)


def test_unknown_ids_answer_404(api, cpom):
    for path in ["/cpoms/999999", "/cpoms/999999/dashboard", "/cpom-actions/999999/programme"]:
        assert api.director.get(path).status_code == 404
    assert api.director.post("/cpoms/999999/objectives", {"title": "X"}).status_code == 404
    assert api.director.patch("/cpom-stages/999999", {"progress": {}}).status_code == 404
    assert api.director.put("/cpom-indicators/999999/values/2025", {"value": 1}).status_code == 404
    assert api.director.get("/cpoms/99999999999999999999").status_code in (404, 422)


def test_outsider_gets_404(api, cpom):
    ids = {k: v["id"] for k, v in cpom.items()}
    stage = api.director.post(
        f"/cpom-actions/{ids['action']}/stages", {"label": "X", "planned_years": [2024]}
    ).data
    manual = api.director.post(f"/cpom-actions/{ids['action']}/indicators", {"label": "Réunions"}).data
    outsider = api.outsider
    assert outsider.get("/cpoms").data["count"] == 0
    assert outsider.get(f"/cpoms/{ids['cpom']}").status_code == 404
    assert outsider.get(f"/cpoms/{ids['cpom']}/dashboard").status_code == 404
    assert outsider.get(f"/cpoms/{ids['cpom']}/export.xlsx").status_code == 404
    assert outsider.get(f"/cpoms/{ids['cpom']}/document.pdf").status_code == 404
    assert outsider.get(f"/cpom-actions/{ids['action']}/programme").status_code == 404
    assert outsider.patch(f"/cpoms/{ids['cpom']}", {"title": "Pris"}).status_code == 404
    assert outsider.post(f"/cpoms/{ids['cpom']}/objectives", {"title": "X"}).status_code == 404
    assert (
        outsider.post(
            f"/cpom-objectives/{ids['objective']}/actions", {"number": "9", "title": "X"}
        ).status_code
        == 404
    )
    assert outsider.post(f"/cpom-actions/{ids['action']}/stages", {"label": "X"}).status_code == 404
    assert outsider.patch(f"/cpom-stages/{stage['id']}", {"progress": {"2024": "done"}}).status_code == 404
    assert outsider.post(f"/cpom-actions/{ids['action']}/indicators", {"label": "X"}).status_code == 404
    assert outsider.put(f"/cpom-indicators/{manual['id']}/values/2024", {"value": 1}).status_code == 404


def test_educator_reads_but_may_not_write(api, world, cpom):
    ids = {k: v["id"] for k, v in cpom.items()}
    stage = api.director.post(
        f"/cpom-actions/{ids['action']}/stages", {"label": "X", "planned_years": [2024]}
    ).data
    manual = api.director.post(f"/cpom-actions/{ids['action']}/indicators", {"label": "Réunions"}).data
    educator = api.educator
    assert educator.get(f"/cpoms/{ids['cpom']}").status_code == 200
    assert educator.get(f"/cpoms/{ids['cpom']}/dashboard").status_code == 200
    assert (
        educator.post(
            "/cpoms", {"organisation": world.assoc.pk, "title": "X", "start_year": 2024}
        ).status_code
        == 403
    )
    assert educator.patch(f"/cpoms/{ids['cpom']}", {"title": "Pris"}).status_code == 403
    assert educator.post(f"/cpoms/{ids['cpom']}/objectives", {"title": "X"}).status_code == 403
    assert educator.patch(f"/cpom-objectives/{ids['objective']}", {"title": "X"}).status_code == 403
    assert (
        educator.post(
            f"/cpom-objectives/{ids['objective']}/actions", {"number": "9", "title": "X"}
        ).status_code
        == 403
    )
    assert educator.patch(f"/cpom-actions/{ids['action']}", {"title": "X"}).status_code == 403
    assert educator.post(f"/cpom-actions/{ids['action']}/stages", {"label": "X"}).status_code == 403
    assert educator.patch(f"/cpom-stages/{stage['id']}", {"progress": {"2024": "done"}}).status_code == 403
    assert educator.post(f"/cpom-actions/{ids['action']}/indicators", {"label": "X"}).status_code == 403
    assert educator.patch(f"/cpom-indicators/{manual['id']}", {"targets": {"2024": 3}}).status_code == 403
    assert educator.put(f"/cpom-indicators/{manual['id']}/values/2024", {"value": 1}).status_code == 403
    assert Cpom.objects.get().title == "CPOM 2024-2028"


def test_partner_is_refused(api, world, cpom):
    partner = api.partner
    assert partner.get("/cpoms").status_code == 403
    assert partner.get(f"/cpoms/{cpom['cpom']['id']}").status_code == 403
    assert partner.get(f"/cpoms/{cpom['cpom']['id']}/dashboard").status_code == 403
    assert (
        partner.post("/cpoms", {"organisation": world.assoc.pk, "title": "X", "start_year": 2024}).status_code
        == 403
    )
    assert api.anonymous.get("/cpoms").status_code == 401


def test_a_director_does_not_write_the_groups_cpom(api, world):
    group_cpom = new_cpom(api, world, client=api.admin, organisation=world.group.pk, establishments=[])
    # the group's contract is the group's business: a member association's director does not read it
    assert api.director.get(f"/cpoms/{group_cpom['id']}").status_code == 404
    assert api.director.post(f"/cpoms/{group_cpom['id']}/objectives", {"title": "X"}).status_code == 404
    response = api.director.post("/cpoms", {"organisation": world.group.pk, "title": "X", "start_year": 2024})
    assert response.status_code == 422 and fields_of(response) == {"organisation"}


def test_writes_are_audited(api, world, cpom):
    action = cpom["action"]["id"]
    stage = api.director.post(f"/cpom-actions/{action}/stages", {"label": "X", "planned_years": [2024]}).data
    api.director.patch(f"/cpom-stages/{stage['id']}", {"progress": {"2024": "done"}})
    manual = api.director.post(f"/cpom-actions/{action}/indicators", {"label": "Réunions"}).data
    api.director.put(f"/cpom-indicators/{manual['id']}/values/2024", {"value": 4})
    events = AuditEvent.objects.filter(actor=world.director)
    kinds = {(e.action, e.object_type) for e in events}
    assert {
        ("create", "cpom"),
        ("create", "strategicobjective"),
        ("create", "cpomaction"),
        ("create", "stage"),
        ("update", "stage"),
        ("create", "cpomindicator"),
        ("create", "indicatorvalue"),
    } <= kinds
    update = events.get(action="update", object_type="stage")
    assert update.details["progress"] == {"2024": "done"}
    assert CpomIndicator.objects.count() == 1
