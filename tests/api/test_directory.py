from parcours.directory.models import Establishment, Organisation, Unit
from tests.api.conftest import fields_of


def test_lists_are_scoped(api, world):
    director_units = {u["id"] for u in api.director.get("/units").data["items"]}
    assert director_units == {world.u1.pk}
    assert {u["id"] for u in api.outsider.get("/units").data["items"]} == {world.u2.pk}
    admin_units = {u["id"] for u in api.admin.get("/units").data["items"]}
    assert world.u1.pk in admin_units and world.u2.pk not in admin_units  # u2 is outside the group
    orgs = {o["id"] for o in api.director.get("/organisations").data["items"]}
    assert world.assoc.pk in orgs and world.other_assoc.pk not in orgs
    ests = api.director.get("/establishments").data
    assert ests["count"] == 1 and ests["items"][0]["finess_et"] == "120000001"


def test_list_envelope_and_limits(api, world):
    response = api.admin.get("/units", {"limit": 1})
    assert set(response.data) == {"count", "items"} and len(response.data["items"]) <= 1
    assert api.admin.get("/units", {"limit": 501}).status_code == 422
    assert "limit" in fields_of(api.admin.get("/units", {"limit": 0}))


def test_unit_detail_and_vacancy(api, world):
    unit = api.director.get(f"/units/{world.u1.pk}")
    assert unit.status_code == 200 and unit.data["capacity"] == 2
    vacancy = api.director.get(f"/units/{world.u1.pk}/vacancy", {"on": "2025-01-15"})
    assert vacancy.data == {
        "unit": world.u1.pk,
        "on": "2025-01-15",
        "capacity": 2,
        "occupied": 1,
        "held": 0,
        "vacant": 1,
    }
    assert api.outsider.get(f"/units/{world.u1.pk}").status_code == 404
    assert api.outsider.get(f"/units/{world.u1.pk}/vacancy").status_code == 404
    assert api.director.get("/units/999999").status_code == 404
    assert "on" in fields_of(api.director.get(f"/units/{world.u1.pk}/vacancy", {"on": "31/12/2024"}))


def test_create_establishment_and_unit(api, world):
    est = api.admin.post(
        "/establishments",
        {
            "organisation": world.assoc.pk,
            "name": "Foyer de Ségur",
            "finess_et": "120000099",
            "category": "177",
            "commune": "12145",
        },
    )
    assert est.status_code == 201, est.data
    assert est.data["category"].startswith("Maison d'enfants")
    unit = api.admin.post(
        "/units",
        {
            "establishment": est.data["id"],
            "name": "Internat",
            "modality": "residential",
            "public": "child_protection",
            "capacity": 12,
            "age_min": 12,
            "age_max": 18,
            "opened_on": "2020-01-01",
        },
    )
    assert unit.status_code == 201, unit.data
    assert unit.data["capacity"] == 12


def test_directory_writes_forbidden_and_bad_input(api, world):
    before = (Organisation.objects.count(), Establishment.objects.count(), Unit.objects.count())
    body = {"organisation": world.assoc.pk, "name": "X", "commune": "12145"}
    assert api.quality.post("/establishments", body).status_code == 403
    assert api.outsider.post("/establishments", body).status_code == 422  # organisation not in its scope
    assert api.director.post("/organisations", {"name": "Y", "kind": "association"}).status_code == 403
    bad = api.admin.post(
        "/establishments",
        {"organisation": world.assoc.pk, "name": "X", "finess_et": "ABC", "commune": "99999"},
    )
    assert bad.status_code == 422 and "commune" in fields_of(bad)
    bad_finess = api.admin.post(
        "/establishments",
        {"organisation": world.assoc.pk, "name": "X", "finess_et": "ABC", "commune": "12145"},
    )
    assert bad_finess.status_code == 422 and fields_of(bad_finess) == {"finess_et"}
    bad_unit = api.admin.post(
        "/units",
        {
            "establishment": world.e1.pk,
            "name": "U",
            "modality": "castle",
            "public": "child_protection",
            "capacity": -1,
        },
    )
    assert bad_unit.status_code == 422 and "capacity" in fields_of(bad_unit)
    bad_unit2 = api.admin.post(
        "/units",
        {
            "establishment": world.e1.pk,
            "name": "U",
            "modality": "castle",
            "public": "child_protection",
            "capacity": 3,
            "age_min": 18,
            "age_max": 3,
        },
    )
    assert bad_unit2.status_code == 422 and "modality" in fields_of(bad_unit2)
    bad_org = api.admin.post("/organisations", {"name": "", "kind": "kingdom", "member_of": [world.assoc.pk]})
    assert bad_org.status_code == 422 and "member_of[0]" in fields_of(bad_org)
    assert before == (Organisation.objects.count(), Establishment.objects.count(), Unit.objects.count())


def test_capacity_history(api, world):
    response = api.director.post(
        f"/units/{world.u1.pk}/capacity", {"capacity": 3, "valid_from": "2026-01-01"}
    )
    assert response.status_code == 201
    assert api.director.get(f"/units/{world.u1.pk}/vacancy", {"on": "2026-01-02"}).data["capacity"] == 3
    assert api.director.get(f"/units/{world.u1.pk}/vacancy", {"on": "2025-12-31"}).data["capacity"] == 2
    again = api.director.post(f"/units/{world.u1.pk}/capacity", {"capacity": 4, "valid_from": "2026-01-01"})
    assert again.status_code == 409
    assert (
        api.quality.post(
            f"/units/{world.u1.pk}/capacity", {"capacity": 3, "valid_from": "2026-02-01"}
        ).status_code
        == 403
    )
    assert (
        api.outsider.post(
            f"/units/{world.u1.pk}/capacity", {"capacity": 3, "valid_from": "2026-02-01"}
        ).status_code
        == 404
    )
    assert "capacity" in fields_of(
        api.director.post(f"/units/{world.u1.pk}/capacity", {"capacity": "many", "valid_from": "2026-02-01"})
    )


def test_territory_antennas_partners(api, world):
    served = api.outsider.put(f"/units/{world.u2.pk}/communes", {"communes": ["93066", "93001"]})
    assert served.status_code == 403  # an educator does not manage the offer
    served = api.admin.put(f"/units/{world.u1.pk}/communes", {"communes": ["12145", "12225"]})
    assert served.status_code == 200 and sorted(served.data["communes_served"]) == ["12145", "12225"]
    assert "communes[1]" in fields_of(
        api.admin.put(f"/units/{world.u1.pk}/communes", {"communes": ["12145", "1"]})
    )
    antenna = api.director.post(
        f"/units/{world.u1.pk}/antennas",
        {"name": "Collège Jean Moulin", "commune": "12145", "host": "collège"},
    )
    assert antenna.status_code == 201
    partner = api.director.post(
        "/partners",
        {
            "name": "Tribunal pour enfants de Rodez",
            "kind": "court",
            "commune": "12202",
            "contacts": [{"name": "Greffe"}],
        },
    )
    assert partner.status_code == 201, partner.data
    assert api.director.get("/partners").data["items"][0]["contacts"] == [
        {"name": "Greffe", "function": "", "phone": "", "email": ""}
    ]
    assert api.quality.post("/partners", {"name": "X", "kind": "court"}).status_code == 403
    assert "kind" in fields_of(api.director.post("/partners", {"name": "X", "kind": "castle"}))


def test_communes_reference(api):
    response = api.director.get("/communes", {"search": "12145"})
    assert response.data["items"][0]["name"] == "Millau"
    seine_saint_denis = api.director.get("/communes", {"departement": "93", "limit": 500}).data
    assert seine_saint_denis["count"] >= 39  # Pierrefitte joined Saint-Denis in 2025
    assert all(c["code"].startswith("93") for c in seine_saint_denis["items"])
