"""The external partner's least privilege (L226-2-2 CASF: only what it strictly needs), as
permissions of the one scoping layer: on the children it registered or referred it reads the
identity, the measures of its own organisation, its own documents and those shared with it, the
notes written for it; it writes its referrals, their documents, and the identity of a person it
registered while no unit has admitted the person. Nothing else."""

from datetime import date

import pytest
from django.test import Client

from parcours.access.roles import PERMISSIONS, Perm, Reach, Role
from parcours.core.dates import today
from parcours.directory.models import Organisation
from parcours.pathways.models import Stay
from parcours.people import services as people
from parcours.people.models import Measure


@pytest.fixture
def partner_case(api, world):
    """A child registered and referred by the partner, admitted in U1, with the establishment's file
    (a psychological report, a team note, a measure of another authority) and what is meant for the
    partner (a measure of its département, a note of level "partner")."""
    created = api.partner.post(
        "/persons",
        {
            "first_name": "Noa",
            "last_name": "Roux",
            "birth_date": "2014-06-01",
            "sex": "m",
            "commune": "12145",
        },
    )
    assert created.status_code == 201, created.content
    child = created.data["id"]
    referral = api.partner.post(
        "/referrals",
        {
            "person": child,
            "modality": "residential",
            "public": "child_protection",
            "wished_date": today().isoformat(),
            "reason": "Placement",
            "target_units": [world.u1.pk],
        },
    )
    assert referral.status_code == 201, referral.content
    Stay.objects.create(person_id=child, unit=world.u1, start_date=date(2025, 1, 6))  # admitted
    pjj = Organisation.objects.create(name="PJJ Aveyron", kind="pjj")
    world.report = people.upload_document(
        world.director, child, filename="bilan.pdf", data=b"%PDF-1.4 bilan psy", kind="report"
    )
    world.own_measure = people.add_measure(
        world.director,
        child,
        kind="judicial_placement",
        start_date=date(2024, 1, 5),
        authority=world.departement.pk,
    )
    world.other_measure = people.add_measure(
        world.director, child, kind="pjj", start_date=date(2024, 2, 1), authority=pjj.pk
    )
    people.add_note(world.director, child, text="Note d'équipe", confidentiality="team")
    people.add_note(world.director, child, text="Pour le référent ASE", confidentiality="partner")
    world.noa = child
    world.referral = referral.data["id"]
    return world


def test_partner_reads_only_what_is_meant_for_it(api, partner_case):
    w, partner = partner_case, api.partner
    assert partner.get(f"/persons/{w.noa}").status_code == 200
    assert [m["id"] for m in partner.get(f"/persons/{w.noa}/measures").data] == [w.own_measure.pk]
    assert [n["text"] for n in partner.get(f"/persons/{w.noa}/notes").data] == ["Pour le référent ASE"]
    assert partner.get(f"/persons/{w.noa}/documents").data == []
    content = partner.client.get(f"/api/v1/documents/{w.report.pk}/content", **partner.headers)
    assert content.status_code == 404
    for path in ("/history", "/export", "/relationships", "/pathway"):
        assert partner.get(f"/persons/{w.noa}{path}").status_code == 403, path
    # the establishment sees all of it
    assert len(api.director.get(f"/persons/{w.noa}/measures").data) == 2
    assert len(api.director.get(f"/persons/{w.noa}/notes").data) == 2


def test_partner_writes_nothing_of_the_establishment_file(api, partner_case):
    w, partner = partner_case, api.partner
    body = {"kind": "opp", "start_date": "2024-03-01", "authority": w.departement.pk}
    assert partner.post(f"/persons/{w.noa}/measures", body).status_code == 403
    assert partner.patch(f"/measures/{w.own_measure.pk}", {"reference": "X"}).status_code == 403
    assert partner.post(f"/persons/{w.noa}/notes", {"text": "x"}).status_code == 403
    other = people.create_person(
        w.director, first_name="Léa", last_name="Roux", birth_date=date(2013, 1, 1), sex="f"
    )
    Stay.objects.create(person=other, unit=w.u1, start_date=date(2024, 9, 1))
    assert partner.post(f"/persons/{w.noa}/merge", {"merged": other.pk}).status_code in (403, 404)
    assert Measure.objects.filter(person_id=w.noa).count() == 2


def test_partner_edits_identity_only_until_admission(api, partner_case):
    w, partner = partner_case, api.partner
    body = {"first_name": "Lou", "last_name": "Roux", "birth_date": "2016-02-03", "sex": "f"}
    lou = partner.post("/persons", body).data["id"]
    assert partner.patch(f"/persons/{lou}", {"phone": "0600000000"}).status_code == 200
    Stay.objects.create(person_id=lou, unit=w.u1, start_date=date(2025, 3, 3))
    refused = partner.patch(f"/persons/{lou}", {"phone": "0611111111"})
    assert refused.status_code == 403
    assert partner.get(f"/persons/{lou}").data["phone"] == "0600000000"
    # the child admitted earlier: known to it, not editable, its referral still readable
    assert partner.patch(f"/persons/{w.noa}", {"phone": "0622222222"}).status_code == 403
    assert partner.get(f"/persons/{w.noa}").status_code == 200
    assert partner.get(f"/referrals/{w.referral}").status_code == 200


def test_partner_documents_own_and_shared(api, partner_case):
    from django.core.files.uploadedfile import SimpleUploadedFile

    w, partner = partner_case, api.partner
    upload = partner.client.post(
        f"/api/v1/persons/{w.noa}/documents",
        {"file": SimpleUploadedFile("ordonnance.pdf", b"%PDF-1.4 OPP"), "kind": "judgement"},
        **partner.headers,
    )
    assert upload.status_code == 201, upload.content
    own = upload.json()["id"]
    assert [d["id"] for d in partner.get(f"/persons/{w.noa}/documents").data] == [own]
    assert partner.client.get(f"/api/v1/documents/{own}/content", **partner.headers).status_code == 200
    # a unit explicitly shares its report with the département: the partner reads it
    shared = api.director.post(f"/documents/{w.report.pk}/shares", {"organisation": w.departement.pk})
    assert shared.status_code == 201, shared.content
    assert {d["id"] for d in partner.get(f"/persons/{w.noa}/documents").data} == {own, w.report.pk}
    content = partner.client.get(f"/api/v1/documents/{w.report.pk}/content", **partner.headers)
    assert content.status_code == 200 and content.content == b"%PDF-1.4 bilan psy"
    # neither the partner nor a read-only role may share; an outsider does not even see it
    assert partner.post(f"/documents/{own}/shares", {"organisation": w.departement.pk}).status_code == 403
    assert (
        api.quality.post(f"/documents/{w.report.pk}/shares", {"organisation": w.departement.pk}).status_code
        == 403
    )
    assert (
        api.outsider.post(f"/documents/{w.report.pk}/shares", {"organisation": w.departement.pk}).status_code
        == 404
    )


def test_partner_record_page_shows_only_its_part(partner_case):
    w = partner_case
    client = Client()
    client.force_login(w.partner)
    page = client.get(f"/personnes/{w.noa}/?onglet=mesures")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Placement judiciaire" in html or "placement" in html.lower()
    assert "PJJ Aveyron" not in html
    assert "Historique" not in html and "Export RGPD" not in html
    # a tab it may not see falls back to the identity
    history = client.get(f"/personnes/{w.noa}/?onglet=historique").content.decode()
    assert "Ancienne valeur" not in history
    documents = client.get(f"/personnes/{w.noa}/?onglet=documents").content.decode()
    assert "bilan.pdf" not in documents and w.report.title not in documents
    assert client.get(f"/personnes/{w.noa}/export.json").status_code == 403
    notes = client.get(f"/personnes/{w.noa}/?onglet=notes").content.decode()
    assert "Pour le référent ASE" in notes and "Note d'équipe" not in notes


def test_partner_rights_are_permissions():
    """The partner's rights are entries of the permission table, not special cases: it reaches only
    its own persons, and holds none of the permissions that open the establishment's file."""
    granted = {perm for perm, grants in PERMISSIONS.items() if Role.PARTNER in grants}
    assert granted == {
        Perm.VIEW_IDENTITY,
        Perm.EDIT_IDENTITY,
        Perm.REGISTER_PERSONS,
        Perm.VIEW_MEASURES,
        Perm.VIEW_DOCUMENTS,
        Perm.ADD_DOCUMENTS,
        Perm.VIEW_NOTES,
        Perm.VIEW_PLANS,
        Perm.REFER,
    }
    assert all(PERMISSIONS[p][Role.PARTNER] != Reach.MEMBERSHIP for p in granted)
    assert PERMISSIONS[Perm.EDIT_IDENTITY][Role.PARTNER] == Reach.OWN_UNADMITTED
