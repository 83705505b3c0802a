from tests.api.conftest import fields_of


def test_partner_sees_the_shared_offer_counts_only(api, world):
    rows = api.partner.get("/offer", {"on": "2025-01-15"}).data
    by_unit = {r["unit"]: r for r in rows}
    assert by_unit[world.u1.pk]["capacity"] == 2 and by_unit[world.u1.pk]["vacant"] == 1
    assert world.u2.pk in by_unit
    forbidden = {"person", "persons", "first_name", "last_name", "birth_date"}
    assert not forbidden & set(by_unit[world.u1.pk])
    assert [r["unit"] for r in api.partner.get("/offer", {"modality": "ambulatory"}).data] == [world.u2.pk]


def test_admission_terms_edited_by_managers_and_exported_safely(api, world):
    body = {
        "admission_criteria": '=HYPERLINK("http://x")',
        "admission_procedure": "Dossier ASE complet",
        "max_emergency_days": 15,
    }
    assert api.quality.patch(f"/units/{world.u1.pk}/admission", body).status_code == 403
    assert api.outsider.patch(f"/units/{world.u1.pk}/admission", body).status_code == 404
    assert "max_emergency_days" in fields_of(
        api.director.patch(f"/units/{world.u1.pk}/admission", {"max_emergency_days": 0})
    )
    response = api.director.patch(f"/units/{world.u1.pk}/admission", body)
    assert response.status_code == 200 and response.data["max_emergency_days"] == 15
    export = api.partner.client.get("/api/v1/offer.csv", **api.partner.headers)
    assert export.status_code == 200
    text = export.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ";=HYPERLINK" not in text
    assert "Dossier ASE complet" in text
