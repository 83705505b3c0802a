from parcours.access.models import AuditEvent
from parcours.people.models import Measure, Note, Person, RecordChange, Relationship
from tests.api.conftest import fields_of

CHILD = {"first_name": "Léa", "last_name": "Éloi", "birth_date": "2014-05-06", "sex": "f", "commune": "12145"}


def audit_count(person, action="view"):
    return AuditEvent.objects.filter(person_id=person.pk, action=action).count()


def test_search_accents_case_and_scope(api, world):
    for query in ("joel", "DUPONT", "dupont martin", "martin joël", "Dupont-Mar"):
        items = api.director.get("/persons", {"search": query}).data["items"]
        assert [p["id"] for p in items] == [world.child.pk], query
    assert api.outsider.get("/persons", {"search": "dupont"}).data == {"count": 0, "items": []}
    assert api.partner.get("/persons").data["count"] == 0
    assert AuditEvent.objects.filter(actor=world.director, action="search").exists()


def test_open_record_is_audited_and_scoped(api, world):
    before = audit_count(world.child)
    response = api.director.get(f"/persons/{world.child.pk}")
    assert response.status_code == 200
    assert response.data["last_name"] == "Dupont-Martin" and response.data["age"] >= 12
    assert audit_count(world.child) == before + 1
    assert api.quality.get(f"/persons/{world.child.pk}").status_code == 200
    for path in ("", "/relationships", "/measures", "/notes", "/documents", "/history", "/export"):
        assert api.outsider.get(f"/persons/{world.child.pk}{path}").status_code == 404, path
        assert api.partner.get(f"/persons/{world.child.pk}{path}").status_code == 404, path
    assert api.director.get("/persons/987654").status_code == 404


def test_create_person_with_duplicate_check(api, world):
    created = api.director.post("/persons", CHILD)
    assert created.status_code == 201, created.data
    assert Person.objects.get(pk=created.data["id"]).home_establishment == world.e1
    twin = api.director.post(
        "/persons", dict(CHILD, first_name="Eloi", last_name="Lea")
    )  # inverted, no accents
    assert twin.status_code == 409
    assert (
        twin.data["errors"][0]["field"] == "duplicates"
        and str(created.data["id"]) in twin.data["errors"][0]["message"]
    )
    confirmed = api.director.post(
        "/persons", dict(CHILD, first_name="Eloi", last_name="Lea", allow_duplicate=True)
    )
    assert confirmed.status_code == 201


def test_create_person_bad_input_and_roles(api, world):
    before = Person.objects.count()
    bad = api.director.post(
        "/persons",
        {
            "first_name": "",
            "last_name": "X",
            "birth_date": "2030-01-01",
            "sex": "z",
            "commune": "00000",
            "nir": "123",
        },
    )
    assert bad.status_code == 422
    assert "commune" in fields_of(bad)
    bad2 = api.director.post(
        "/persons", {"first_name": "", "last_name": "X", "birth_date": "2010-01-01", "sex": "z", "nir": "123"}
    )
    assert {"first_name", "sex", "nir"} <= fields_of(bad2)
    future = api.director.post("/persons", dict(CHILD, birth_date="2999-01-01"))
    assert fields_of(future) == {"birth_date"}
    assert "birth_date" in fields_of(api.director.post("/persons", dict(CHILD, birth_date="06/05/2014")))
    assert api.quality.post("/persons", CHILD).status_code == 403
    assert Person.objects.count() == before


def test_patch_keeps_field_history(api, world):
    response = api.director.patch(f"/persons/{world.child.pk}", {"first_name": "Joëlle", "commune": "12225"})
    assert response.status_code == 200 and response.data["commune"] == "12225"
    change = RecordChange.objects.get(person=world.child, field="first_name")
    assert (change.old_value, change.new_value, change.actor) == ("Joël", "Joëlle", world.director)
    history = api.director.get(f"/persons/{world.child.pk}/history").data
    assert {c["field"] for c in history["items"]} == {"first_name", "commune"}
    assert api.quality.patch(f"/persons/{world.child.pk}", {"first_name": "X"}).status_code == 403
    assert api.outsider.patch(f"/persons/{world.child.pk}", {"first_name": "X"}).status_code == 404
    assert "email" in fields_of(api.director.patch(f"/persons/{world.child.pk}", {"email": "pas-un-email"}))
    world.child.refresh_from_db()
    assert world.child.email == ""


def test_relationships(api, world):
    mother = api.director.post(
        "/persons", {"first_name": "Sophie", "last_name": "Dupont", "birth_date": "1985-02-03", "sex": "f"}
    ).data
    response = api.director.post(
        f"/persons/{world.child.pk}/relationships",
        {"relative": mother["id"], "kind": "mother", "parental_authority": True},
    )
    assert response.status_code == 201, response.data
    assert Relationship.objects.filter(person_id=mother["id"], relative=world.child, kind="child").exists()
    listed = api.director.get(f"/persons/{world.child.pk}/relationships").data
    assert listed[0]["relative_name"] == "DUPONT Sophie" and listed[0]["parental_authority"] is True
    assert (
        api.director.post(
            f"/persons/{world.child.pk}/relationships", {"relative": mother["id"], "kind": "mother"}
        ).status_code
        == 409
    )
    assert "kind" in fields_of(
        api.director.post(
            f"/persons/{world.child.pk}/relationships", {"relative": mother["id"], "kind": "cousin"}
        )
    )
    assert "relative" in fields_of(
        api.director.post(f"/persons/{world.child.pk}/relationships", {"relative": 999999, "kind": "father"})
    )
    assert (
        api.quality.post(
            f"/persons/{world.child.pk}/relationships", {"relative": mother["id"], "kind": "father"}
        ).status_code
        == 403
    )


def test_measures(api, world):
    body = {
        "kind": "judicial_placement",
        "authority": world.departement.pk,
        "start_date": "2024-08-20",
        "end_date": "2026-08-19",
        "reference": "TE Rodez 24/123",
    }
    response = api.director.post(f"/persons/{world.child.pk}/measures", body)
    assert response.status_code == 201, response.data
    assert api.director.get(f"/persons/{world.child.pk}/measures").data[0]["reference"] == "TE Rodez 24/123"
    before = Measure.objects.count()
    bad = api.director.post(
        f"/persons/{world.child.pk}/measures", dict(body, kind="prison", end_date="2020-01-01")
    )
    assert bad.status_code == 422 and {"kind", "end_date"} <= fields_of(bad)
    assert api.quality.post(f"/persons/{world.child.pk}/measures", body).status_code == 403
    assert api.outsider.post(f"/persons/{world.child.pk}/measures", body).status_code == 404
    assert Measure.objects.count() == before
    patched = api.director.patch(f"/measures/{response.data['id']}", {"end_date": "2025-12-31"})
    assert patched.status_code == 200 and patched.data["end_date"] == "2025-12-31"
    assert RecordChange.objects.filter(person=world.child, model="measure", field="end_date").exists()


def test_notes_confidentiality(api, world):
    assert api.educator.post(f"/persons/{world.child.pk}/notes", {"text": "Bonne semaine"}).status_code == 201
    assert (
        api.educator.post(
            f"/persons/{world.child.pk}/notes", {"text": "Réservé", "confidentiality": "coordinator"}
        ).status_code
        == 403
    )
    assert (
        api.director.post(
            f"/persons/{world.child.pk}/notes", {"text": "Réservé", "confidentiality": "coordinator"}
        ).status_code
        == 201
    )
    assert [n["text"] for n in api.educator.get(f"/persons/{world.child.pk}/notes").data] == ["Bonne semaine"]
    assert len(api.director.get(f"/persons/{world.child.pk}/notes").data) == 2
    before = Note.objects.count()
    assert "text" in fields_of(api.director.post(f"/persons/{world.child.pk}/notes", {"text": "  "}))
    assert "confidentiality" in fields_of(
        api.director.post(f"/persons/{world.child.pk}/notes", {"text": "x", "confidentiality": "secret"})
    )
    assert api.quality.post(f"/persons/{world.child.pk}/notes", {"text": "x"}).status_code == 403
    assert Note.objects.count() == before


def test_documents_upload_download(api, world):
    client = api.director.client
    headers = api.director.headers
    url = f"/api/v1/persons/{world.child.pk}/documents"
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = b"%PDF-1.4\n% jugement\n"
    response = client.post(
        url,
        {"file": SimpleUploadedFile("jugement.pdf", pdf), "kind": "judgement", "title": "Jugement"},
        **headers,
    )
    assert response.status_code == 201, response.content
    doc_id = response.json()["id"]
    bad = client.post(url, {"file": SimpleUploadedFile("virus.exe", b"MZ..."), "kind": "other"}, **headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "file"
    fake = client.post(
        url, {"file": SimpleUploadedFile("faux.pdf", b"not a pdf"), "kind": "other"}, **headers
    )
    assert fake.status_code == 422
    download = client.get(f"/api/v1/documents/{doc_id}/content", **headers)
    assert download.status_code == 200 and download.content == pdf
    assert AuditEvent.objects.filter(action="download", person_id=world.child.pk).count() == 1
    assert api.outsider.get(f"/documents/{doc_id}/content").status_code == 404
    quality = client.post(
        url, {"file": SimpleUploadedFile("a.pdf", pdf), "kind": "other"}, **api.quality.headers
    )
    assert quality.status_code == 403


def test_export_and_merge(api, world):
    export = api.director.get(f"/persons/{world.child.pk}/export")
    assert export.status_code == 200
    assert set(export.data) >= {
        "person",
        "relationships",
        "measures",
        "documents",
        "notes",
        "stays",
        "history",
    }
    assert AuditEvent.objects.filter(action="export", person_id=world.child.pk).exists()
    twin = api.director.post(
        "/persons",
        {
            "first_name": "Joel",
            "last_name": "Dupont Martin",
            "birth_date": "2012-03-04",
            "sex": "m",
            "allow_duplicate": True,
        },
    ).data
    api.director.post(f"/persons/{twin['id']}/notes", {"text": "Note du doublon"})
    assert api.quality.post(f"/persons/{world.child.pk}/merge", {"merged": twin["id"]}).status_code == 403
    merged = api.director.post(f"/persons/{world.child.pk}/merge", {"merged": twin["id"]})
    assert merged.status_code == 200
    assert Note.objects.filter(person=world.child, text="Note du doublon").exists()
    assert Person.objects.get(pk=twin["id"]).merged_into == world.child
    assert api.director.get("/persons", {"search": "joel"}).data["count"] == 1
