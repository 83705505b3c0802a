from datetime import date

from django.http import HttpRequest
from django.test import Client

from parcours.access.models import AuditEvent
from parcours.admissions import services
from tests.conftest import PASSWORD


def client_for(username):
    client = Client()
    assert client.login(request=HttpRequest(), username=username, password=PASSWORD)
    return client


def test_intake_pages_scope_and_audit(world):
    referral = services.submit_referral(
        world.director,
        person=world.child.pk,
        modality="home_placement",
        public="child_protection",
        wished_date=date(2026, 12, 1),
        reason="Suivi",
        target_units=[world.u1.pk],
    )
    director = client_for("directeur")
    assert director.get("/orientations/").status_code == 200
    assert director.get(f"/orientations/{referral.pk}/").status_code == 200
    assert client_for("educ_e2").get(f"/orientations/{referral.pk}/").status_code == 404
    assert director.get(f"/unites/{world.u1.pk}/attente/").status_code == 200
    assert client_for("educ_e2").get(f"/unites/{world.u1.pk}/attente/").status_code == 404
    assert director.get("/offre/partagee/").status_code == 200
    response = director.get(f"/personnes/{world.child.pk}/parcours/")
    assert response.status_code == 200 and "Orientation reçue" in response.content.decode()
    assert AuditEvent.objects.filter(person_id=world.child.pk, details__section="pathway").exists()
    assert client_for("educ_e2").get(f"/personnes/{world.child.pk}/parcours/").status_code == 404


def test_decision_form_errors_and_read_only(world):
    referral = services.submit_referral(
        world.director,
        person=world.child.pk,
        modality="residential",
        public="child_protection",
        wished_date=date(2026, 12, 1),
        reason="Suivi",
        target_units=[world.u1.pk],
    )
    director = client_for("directeur")
    response = director.post(
        f"/orientations/{referral.pk}/decision", {"unit": world.u1.pk, "decision": "refused"}
    )
    assert response.status_code == 422 and "Un refus doit être motivé." in response.content.decode()
    quality = client_for("qualite")
    assert (
        quality.post(
            f"/orientations/{referral.pk}/decision", {"unit": world.u1.pk, "decision": "accepted"}
        ).status_code
        == 403
    )


def test_allocation_page_accepts_line_by_line(world):
    from parcours.people.models import Person

    newcomer = Person.objects.create(
        first_name="Nina",
        last_name="Alloc",
        birth_date=date(2013, 1, 1),
        sex="f",
        home_establishment=world.e1,
    )
    referral = services.submit_referral(
        world.director,
        person=newcomer.pk,
        modality="residential",
        public="child_protection",
        wished_date=date(2026, 12, 1),
        reason="Suivi",
        organisation=world.assoc.pk,
    )
    admin = client_for("admin")
    response = admin.get("/orientations/affectation/", {"organisation": world.assoc.pk, "on": "2026-12-01"})
    assert response.status_code == 200
    assert response.context["rows"][0]["referral"] == referral.pk
    accepted = admin.post(
        f"/orientations/{referral.pk}/decision", {"unit": world.u1.pk, "decision": "accepted"}
    )
    assert accepted.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "accepted"
    assert client_for("referent_ase").get("/orientations/affectation/").status_code == 403


def test_sessions_and_notifications_pages(world):
    from parcours.admissions.models import Notification

    admin = client_for("admin")
    response = admin.post("/commissions/", {"date": "2026-12-03", "organisation": world.assoc.pk})
    assert response.status_code == 302
    assert client_for("educ_e2").get(response["Location"]).status_code == 404
    assert admin.get(response["Location"]).status_code == 200
    assert (
        client_for("directeur")
        .post("/commissions/", {"date": "2026-12-03", "organisation": world.assoc.pk})
        .status_code
        == 403
    )
    Notification.objects.create(user=world.director, text="Une place se libère")
    director = client_for("directeur")
    assert "Une place se libère" in director.get("/notifications/").content.decode()
    director.post("/notifications/")
    assert not Notification.objects.filter(user=world.director, read_at__isnull=True).exists()


def test_partner_attaches_document_and_intake_asks_information(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from parcours.admissions.models import Notification
    from parcours.people.models import Person

    partner = client_for("referent_ase")
    person = Person.objects.create(
        first_name="Zia", last_name="Doc", birth_date=date(2014, 1, 1), sex="f", created_by=world.partner
    )
    referral = services.submit_referral(
        world.partner,
        person=person.pk,
        modality="residential",
        public="child_protection",
        wished_date=date(2026, 12, 1),
        reason="OPP",
        target_units=[world.u1.pk],
    )
    response = partner.post(
        f"/orientations/{referral.pk}/documents",
        {"file": SimpleUploadedFile("opp.pdf", b"%PDF-1.4 OPP"), "kind": "report"},
    )
    assert response.status_code == 302
    director = client_for("directeur")
    page = director.get(f"/orientations/{referral.pk}/").content.decode()
    assert "opp.pdf" in page
    doc_id = referral.shared_documents.get().document_id
    assert director.get(f"/orientations/{referral.pk}/documents/{doc_id}/").content == b"%PDF-1.4 OPP"
    assert client_for("educ_e2").get(f"/orientations/{referral.pk}/documents/{doc_id}/").status_code == 404
    director.post(f"/orientations/{referral.pk}/informations", {"message": "Jugement complet SVP"})
    assert Notification.objects.filter(user=world.partner, text__contains="Jugement complet SVP").exists()
    assert (
        client_for("qualite").post(f"/orientations/{referral.pk}/informations", {"message": "x"}).status_code
        == 403
    )


def test_emergency_follow_up_deadline_on_the_referral_page(world):
    from parcours.people.models import Person

    urgent = Person.objects.create(
        first_name="Ilan",
        last_name="Urgence",
        birth_date=date(2012, 1, 1),
        sex="m",
        home_establishment=world.e1,
    )
    referral = services.submit_referral(
        world.director,
        person=urgent.pk,
        modality="residential",
        public="child_protection",
        wished_date=date(2026, 11, 20),
        reason="Urgence",
        emergency=True,
        target_units=[world.u1.pk],
    )
    services.admit(world.director, referral.pk, unit=world.u1.pk, start_date=date(2026, 11, 20))
    page = client_for("directeur").get(f"/orientations/{referral.pk}/").content.decode()
    assert "décision d'orientation attendue au plus tard le 23/11/2026" in page
