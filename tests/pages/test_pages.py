import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from django.test import Client

from parcours.access.models import AuditEvent
from parcours.people.models import Document, Measure, Note
from tests.conftest import PASSWORD


def client_for(user):
    client = Client()
    assert client.login(request=HttpRequest(), username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def pages(world):
    class P:
        director = client_for(world.director)
        quality = client_for(world.quality)
        outsider = client_for(world.outsider)
        admin = client_for(world.admin)
        anonymous = Client()

    return P


def test_login_page_and_lockout(world):
    client = Client()
    assert client.get("/connexion/").status_code == 200
    for attempt in range(5):
        response = client.post("/connexion/", {"username": "directeur", "password": "faux"})
        assert response.status_code == (429 if attempt == 4 else 200)  # the fifth failure locks
    response = client.post("/connexion/", {"username": "directeur", "password": PASSWORD})
    assert "verrouillé" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_redirects_and_pages_need_login(world):
    assert Client().get("/offre/").status_code == 302
    response = Client().post("/connexion/", {"username": "directeur", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"


def test_security_headers(pages):
    response = pages.director.get("/offre/")
    assert response["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "<script>" not in response.content.decode()


def test_offer_shows_capacity_and_occupancy(pages, world):
    html = pages.director.get("/offre/").content.decode()
    assert "Internat Millau" in html and "1 / 2 places occupées" in html
    assert "SESSAD TCC" not in html
    assert "SESSAD TCC" in pages.outsider.get("/offre/").content.decode()


def test_unit_page_scoped(pages, world):
    assert pages.director.get(f"/unites/{world.u1.pk}/").status_code == 200
    assert pages.outsider.get(f"/unites/{world.u1.pk}/").status_code == 404


def test_search_and_record_audited_and_scoped(pages, world):
    html = pages.director.get("/personnes/", {"q": "JOEL dupont"}).content.decode()
    assert f"/personnes/{world.child.pk}/" in html
    assert (
        f"/personnes/{world.child.pk}/"
        not in pages.outsider.get("/personnes/", {"q": "joel"}).content.decode()
    )
    before = AuditEvent.objects.filter(person_id=world.child.pk, action="view").count()
    for tab in ("identite", "famille", "mesures", "documents", "notes", "sejours", "historique"):
        assert pages.director.get(f"/personnes/{world.child.pk}/", {"onglet": tab}).status_code == 200
    assert AuditEvent.objects.filter(person_id=world.child.pk, action="view").count() == before + 7
    assert pages.outsider.get(f"/personnes/{world.child.pk}/").status_code == 404
    assert pages.outsider.get(f"/personnes/{world.child.pk}/export.json").status_code == 404


def test_add_note_and_measure(pages, world):
    response = pages.director.post(
        f"/personnes/{world.child.pk}/notes", {"text": "Visite médiatisée", "confidentiality": "team"}
    )
    assert response.status_code == 302
    assert Note.objects.filter(person=world.child, text="Visite médiatisée").exists()
    response = pages.director.post(
        f"/personnes/{world.child.pk}/mesures", {"kind": "opp", "start_date": "2025-01-05"}
    )
    assert response.status_code == 302 and Measure.objects.filter(person=world.child, kind="opp").exists()


def test_bad_form_input_shows_errors_and_writes_nothing(pages, world):
    response = pages.director.post(
        f"/personnes/{world.child.pk}/mesures",
        {"kind": "opp", "start_date": "2025-01-05", "end_date": "2024-01-01"},
    )
    assert response.status_code == 422
    assert "La date de fin précède la date de début." in response.content.decode()
    response = pages.director.post(
        f"/personnes/{world.child.pk}/notes", {"text": "", "confidentiality": "team"}
    )
    assert response.status_code == 422
    assert not Measure.objects.filter(person=world.child).exists()
    assert not Note.objects.filter(person=world.child).exists()


def test_read_only_role_gets_403_and_outsider_404_on_writes(pages, world):
    url = f"/personnes/{world.child.pk}/notes"
    assert pages.quality.post(url, {"text": "x", "confidentiality": "team"}).status_code == 403
    assert pages.outsider.post(url, {"text": "x", "confidentiality": "team"}).status_code == 404
    assert not Note.objects.exists()


def test_document_upload_and_download(pages, world):
    response = pages.director.post(
        f"/personnes/{world.child.pk}/documents",
        {
            "file": SimpleUploadedFile("ordonnance.pdf", b"%PDF-1.4 ordonnance"),
            "kind": "judgement",
            "title": "Ordonnance",
        },
    )
    assert response.status_code == 302
    doc = Document.objects.get(person=world.child)
    download = pages.director.get(f"/documents/{doc.pk}/")
    assert download.status_code == 200 and download.content == b"%PDF-1.4 ordonnance"
    assert pages.outsider.get(f"/documents/{doc.pk}/").status_code == 404
    bad = pages.director.post(
        f"/personnes/{world.child.pk}/documents",
        {"file": SimpleUploadedFile("x.exe", b"MZ"), "kind": "other"},
    )
    assert bad.status_code == 422 and "Type de fichier refusé" in bad.content.decode()


def test_create_person_shows_duplicates(pages, world):
    data = {"last_name": "Dupont Martin", "first_name": "Joel", "birth_date": "2012-03-04", "sex": "m"}
    response = pages.director.post("/personnes/nouvelle/", data)
    assert response.status_code == 200 and "Dossiers probablement identiques" in response.content.decode()
    response = pages.director.post("/personnes/nouvelle/", dict(data, allow_duplicate="on"))
    assert response.status_code == 302


def test_audit_page_roles(pages, world):
    pages.director.get(f"/personnes/{world.child.pk}/")
    assert pages.director.get("/audit/").status_code == 403
    html = pages.quality.get("/audit/", {"person": world.child.pk}).content.decode()
    assert "directeur" in html and "Consultation" in html
    assert pages.admin.get("/audit/", {"action": "view"}).status_code == 200


def test_two_factor_policy_and_enforcement(pages, world):
    from django_otp.oath import TOTP

    assert pages.director.get("/administration/double-authentification").status_code == 403
    response = pages.admin.post("/administration/double-authentification", {"roles": ["director"]})
    assert response.status_code == 302
    client = Client()
    response = client.post("/connexion/", {"username": "directeur", "password": PASSWORD})
    assert "/compte/2fa/activer" in response["Location"]
    assert client.get("/offre/")["Location"].startswith("/compte/2fa/activer")
    secret = client.get("/compte/2fa/activer").context["secret"]
    code = f"{TOTP(base64.b32decode(secret + '=' * (-len(secret) % 8))).token():06d}"
    assert client.post("/compte/2fa/activer", {"code": code}).status_code == 302
    assert client.get("/offre/").status_code == 200


def test_account_tokens(pages, world):
    response = pages.director.post("/compte/", {"name": "tableur"})
    token = response.context["new_token"]
    assert token.startswith("prc_")
    api = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.status_code == 200
    token_id = world.director.api_tokens.get(name="tableur").pk
    assert pages.director.post(f"/compte/jetons/{token_id}/revoquer").status_code == 302
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_admission_terms_form(pages, world):
    url = f"/unites/{world.u1.pk}/admission"
    assert pages.quality.post(url, {"admission_criteria": "x"}).status_code == 403
    assert pages.outsider.post(url, {"admission_criteria": "x"}).status_code == 404
    assert (
        pages.director.post(
            url, {"admission_criteria": "Garçons et filles de 6 à 18 ans", "max_emergency_days": "21"}
        ).status_code
        == 302
    )
    world.u1.refresh_from_db()
    assert world.u1.admission_criteria.startswith("Garçons") and world.u1.max_emergency_days == 21
    assert "Garçons et filles" in pages.director.get(f"/unites/{world.u1.pk}/").content.decode()
