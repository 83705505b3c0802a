import threading
from datetime import date, timedelta

import pytest
from django.db import connection, connections

from parcours.admissions import services
from parcours.admissions.models import Decision, Notification, Referral
from parcours.core.dates import today
from parcours.core.errors import Conflict
from parcours.directory.models import Unit, UnitCapacity
from parcours.pathways.models import Stay
from parcours.people.models import Person, Relationship
from tests.api.conftest import fields_of


@pytest.fixture
def intake(world):
    """A second unit of E1 (home placement, 6 places) and a child referred by the partner."""
    u3 = Unit.objects.create(
        establishment=world.e1,
        name="SEAD Millau",
        modality="home_placement",
        public="child_protection",
        age_min=0,
        age_max=18,
        opened_on=date(2015, 1, 1),
    )
    UnitCapacity.objects.create(unit=u3, capacity=6, valid_from=date(2015, 1, 1))
    u3.communes_served.add(world.millau)
    world.u3 = u3
    return world


def day(offset: int) -> str:
    """A date relative to today, so that holds, deadlines and admissions keep their meaning whatever
    the day the suite runs (the tests were written on day 0)."""
    return (today() + timedelta(days=offset)).isoformat()


def referral_body(world, person, **extra):
    body = {
        "person": person,
        "modality": "residential",
        "public": "child_protection",
        "wished_date": day(8),
        "reason": "Placement judiciaire ordonné",
        "target_units": [world.u1.pk],
        "family_informed": True,
        "family_informed_on": day(-3),
    }
    body.update(extra)
    return body


def partner_child(api, world):
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
    return created.data["id"]


def test_partner_submits_and_sees_only_status(api, intake):
    child = partner_child(api, intake)
    response = api.partner.post("/referrals", referral_body(intake, child))
    assert response.status_code == 201, response.data
    rid = response.data["id"]
    assert response.data["status"] == "received" and "reason" not in response.data
    assert Notification.objects.filter(user=intake.director).exists()
    # the unit's staff see the referral in full, the partner only its status and the proposed unit
    assert api.director.get(f"/referrals/{rid}").data["reason"] == "Placement judiciaire ordonné"
    assert (
        api.director.post(
            f"/referrals/{rid}/decisions", {"unit": intake.u1.pk, "decision": "accepted"}
        ).status_code
        == 201
    )
    seen = api.partner.get(f"/referrals/{rid}").data
    assert (
        seen["status"] == "accepted"
        and seen["proposed_unit"] == "Internat Millau"
        and "decisions" not in seen
    )
    assert api.partner.get(f"/referrals/{rid}/matches").status_code == 403
    # the partner cannot see other children of the unit
    assert api.partner.get(f"/persons/{intake.child.pk}").status_code == 404
    assert api.outsider.get(f"/referrals/{rid}").status_code == 404


def test_referral_bad_input_writes_nothing(api, intake):
    before = Referral.objects.count()
    bad = api.director.post(
        "/referrals",
        referral_body(
            intake,
            intake.child.pk,
            modality="castle",
            reason="",
            target_units=[999999],
            family_informed=False,
        ),
    )
    assert bad.status_code == 422
    assert {"modality", "reason", "target_units[0]", "family_informed"} <= fields_of(bad)
    assert api.outsider.post("/referrals", referral_body(intake, intake.child.pk)).status_code == 404
    assert api.quality.post("/referrals", referral_body(intake, intake.child.pk)).status_code == 403
    assert Referral.objects.count() == before


def test_status_transitions(api, intake):
    rid = api.director.post(
        "/referrals", referral_body(intake, intake.child.pk, organisation=intake.assoc.pk, target_units=[])
    ).data["id"]
    session = api.director.post("/commission-sessions", {"date": day(2), "organisation": intake.assoc.pk})
    assert session.status_code == 403  # an establishment director does not lead the association's commission
    session = api.admin.post(
        "/commission-sessions",
        {"date": day(2), "organisation": intake.assoc.pk, "members": [intake.director.pk]},
    )
    assert session.status_code == 201, session.data
    on_agenda = api.admin.post(f"/commission-sessions/{session.data['id']}/referrals", {"referral": rid})
    assert on_agenda.status_code == 200 and on_agenda.data["status"] == "under_review"
    again = api.admin.post(f"/commission-sessions/{session.data['id']}/referrals", {"referral": rid})
    assert again.status_code == 409
    refused = api.admin.post(f"/referrals/{rid}/decisions", {"unit": intake.u1.pk, "decision": "refused"})
    assert refused.status_code == 422 and "reason" in fields_of(refused)
    assert (
        api.admin.post(
            f"/referrals/{rid}/decisions",
            {"unit": intake.u1.pk, "decision": "refused", "reason": "Pas de place adaptée"},
        ).status_code
        == 201
    )
    assert api.admin.get(f"/referrals/{rid}").data["status"] == "refused"
    assert (
        api.admin.post(
            f"/referrals/{rid}/decisions", {"unit": intake.u1.pk, "decision": "accepted"}
        ).status_code
        == 409
    )
    assert (
        api.admin.post(
            f"/referrals/{rid}/decisions", {"unit": intake.u2.pk, "decision": "accepted"}
        ).status_code
        == 422
    )
    assert (
        api.admin.post(f"/referrals/{rid}/admit", {"unit": intake.u1.pk, "start_date": day(8)}).status_code
        == 409
    )
    assert (
        api.admin.post(
            f"/referrals/{rid}/decisions", {"unit": intake.u3.pk, "decision": "waiting_list"}
        ).status_code
        == 201
    )
    assert api.admin.get(f"/referrals/{rid}").data["status"] == "waiting_list"
    withdrawn = api.admin.post(f"/referrals/{rid}/withdraw", {"reason": "Retour en famille"})
    assert withdrawn.status_code == 200 and withdrawn.data["status"] == "withdrawn"
    assert api.admin.post(f"/referrals/{rid}/withdraw", {"reason": "encore"}).status_code == 409
    assert "reason" in fields_of(api.admin.post(f"/referrals/{rid}/withdraw", {"reason": ""}))


def test_accept_hold_and_admit(api, intake):
    newcomer = Person.objects.create(
        first_name="Lou", last_name="Bes", birth_date=date(2013, 1, 1), sex="f", home_establishment=intake.e1
    )
    rid = api.director.post("/referrals", referral_body(intake, newcomer.pk)).data["id"]
    api.director.post(f"/referrals/{rid}/decisions", {"unit": intake.u1.pk, "decision": "accepted"})
    vacancy = api.director.get(f"/units/{intake.u1.pk}/vacancy", {"on": day(8)}).data
    assert (vacancy["occupied"], vacancy["held"], vacancy["vacant"]) == (
        1,
        1,
        0,
    )  # the accepted child holds it
    stay = api.director.post(f"/referrals/{rid}/admit", {"unit": intake.u1.pk, "start_date": day(8)})
    assert stay.status_code == 201, stay.data
    detail = api.director.get(f"/referrals/{rid}").data
    assert detail["status"] == "admitted" and detail["stay"] == stay.data["id"]
    assert (
        api.director.post(f"/referrals/{rid}/admit", {"unit": intake.u1.pk, "start_date": day(9)}).status_code
        == 409
    )
    other = Person.objects.create(
        first_name="Eva", last_name="Bes", birth_date=date(2013, 1, 1), sex="f", home_establishment=intake.e1
    )
    rid2 = api.director.post("/referrals", referral_body(intake, other.pk)).data["id"]
    api.director.post(f"/referrals/{rid2}/decisions", {"unit": intake.u1.pk, "decision": "waiting_list"})
    full = api.director.post(f"/referrals/{rid2}/admit", {"unit": intake.u1.pk, "start_date": day(12)})
    assert full.status_code == 409
    waiting = api.director.get(f"/units/{intake.u1.pk}/waiting-list").data
    assert [(w["rank"], w["referral"]) for w in waiting] == [(1, rid2)]
    assert api.outsider.get(f"/units/{intake.u1.pk}/waiting-list").status_code == 404


def test_emergency_admission_without_decision(api, intake):
    child = Person.objects.create(
        first_name="Sam", last_name="Urg", birth_date=date(2012, 5, 5), sex="m", home_establishment=intake.e1
    )
    rid = api.director.post(
        "/referrals",
        referral_body(intake, child.pk, emergency=True, target_units=[], modality="home_placement"),
    ).data["id"]
    admitted = api.director.post(f"/referrals/{rid}/admit", {"unit": intake.u3.pk, "start_date": day(0)})
    assert admitted.status_code == 201 and admitted.data["emergency"] is True


def test_matches_filters_and_ranking(api, intake):
    child = Person.objects.create(
        first_name="Léo",
        last_name="Match",
        birth_date=date(2014, 2, 1),
        sex="m",
        home_establishment=intake.e1,
        commune=intake.millau,
    )
    sibling = Person.objects.create(
        first_name="Ana",
        last_name="Match",
        birth_date=date(2011, 2, 1),
        sex="f",
        home_establishment=intake.e1,
    )
    Relationship.objects.create(person=child, relative=sibling, kind="sibling")
    Stay.objects.create(person=sibling, unit=intake.u3, start_date=date(2026, 1, 1))
    u4 = Unit.objects.create(
        establishment=intake.e2,
        name="SEAD lointain",
        modality="home_placement",
        public="child_protection",
        age_min=0,
        age_max=18,
        opened_on=date(2015, 1, 1),
    )
    UnitCapacity.objects.create(unit=u4, capacity=3, valid_from=date(2015, 1, 1))
    girls = Unit.objects.create(
        establishment=intake.e1,
        name="SEAD filles",
        modality="home_placement",
        public="child_protection",
        age_min=0,
        age_max=18,
        sex="f",
        opened_on=date(2015, 1, 1),
    )
    UnitCapacity.objects.create(unit=girls, capacity=3, valid_from=date(2015, 1, 1))
    teens = Unit.objects.create(
        establishment=intake.e1,
        name="SEAD ados",
        modality="home_placement",
        public="child_protection",
        age_min=15,
        age_max=18,
        opened_on=date(2015, 1, 1),
    )
    UnitCapacity.objects.create(unit=teens, capacity=3, valid_from=date(2015, 1, 1))
    rid = api.admin.post(
        "/referrals", referral_body(intake, child.pk, modality="home_placement", target_units=[])
    )
    assert rid.status_code == 201, rid.data
    matches = api.admin.get(f"/referrals/{rid.data['id']}/matches", {"on": day(8)}).data
    units = [m["unit"] for m in matches]
    assert units == [intake.u3.pk, u4.pk]  # the girls' unit and the 15–18 unit do not fit
    best = matches[0]
    assert "fratrie déjà accueillie dans l'unité" in best["reasons"]
    assert "commune desservie par l'unité" in best["reasons"]
    assert any("km" in r for r in best["reasons"]) and best["score"] > matches[1]["score"]
    UnitCapacity.objects.create(unit=u4, capacity=0, valid_from=today() + timedelta(days=7))
    assert [
        m["unit"] for m in api.admin.get(f"/referrals/{rid.data['id']}/matches", {"on": day(8)}).data
    ] == [intake.u3.pk]


@pytest.mark.django_db(transaction=True)
def test_concurrent_admissions_to_the_last_place(intake):
    if connection.vendor != "postgresql":
        pytest.skip("Real concurrent transactions: PostgreSQL only.")
    referrals = []
    for name in ("Alix", "Basile", "Côme"):
        person = Person.objects.create(
            first_name=name,
            last_name="Conc",
            birth_date=date(2012, 1, 1),
            sex="m",
            home_establishment=intake.e1,
        )
        referral = services.submit_referral(
            intake.director,
            person=person.pk,
            modality="residential",
            public="child_protection",
            wished_date=date(2026, 12, 1),
            reason="test",
            target_units=[intake.u1.pk],
        )
        services.decide(intake.director, referral.pk, unit=intake.u1.pk, decision="waiting_list")
        referrals.append(referral)
    barrier = threading.Barrier(3)
    outcome = []

    def attempt(referral):
        try:
            barrier.wait()
            services.admit(intake.director, referral.pk, unit=intake.u1.pk, start_date=date(2026, 12, 1))
            outcome.append("admitted")
        except Conflict:
            outcome.append("409")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(r,)) for r in referrals]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcome) == ["409", "409", "admitted"]
    assert Referral.objects.filter(status="admitted").count() == 1
    assert Decision.objects.count() == 3


def test_non_emergency_referral_needs_a_decision_before_admission(api, intake):
    child = Person.objects.create(
        first_name="Tim", last_name="Att", birth_date=date(2012, 5, 5), sex="m", home_establishment=intake.e1
    )
    rid = api.director.post("/referrals", referral_body(intake, child.pk)).data["id"]
    response = api.director.post(f"/referrals/{rid}/admit", {"unit": intake.u1.pk, "start_date": day(8)})
    assert response.status_code == 409 and response.data["errors"][0]["field"] == "status"
    assert not Stay.objects.filter(person=child).exists()


def test_place_freed_notifies_head_of_service_and_emergency_deadlines(api, intake):
    from tests.conftest import make_user

    head = make_user("chef_u1", "head_of_service", intake.u1)
    waiting = Person.objects.create(
        first_name="Wan", last_name="Wait", birth_date=date(2012, 1, 1), sex="m", home_establishment=intake.e1
    )
    rid = api.director.post("/referrals", referral_body(intake, waiting.pk)).data["id"]
    api.director.post(f"/referrals/{rid}/decisions", {"unit": intake.u1.pk, "decision": "waiting_list"})
    stay = Stay.objects.get(person=intake.child)
    assert (
        api.director.post(
            f"/stays/{stay.pk}/end", {"end_date": day(-3), "exit_reason": "return_home"}
        ).status_code
        == 200
    )
    note = Notification.objects.get(user=head, text__contains="place se libère")
    assert f"n° {rid}" in note.text and "Internat Millau" in note.text
    urgent = Person.objects.create(
        first_name="Ugo", last_name="Urg", birth_date=date(2012, 1, 1), sex="m", home_establishment=intake.e1
    )
    rid2 = api.director.post("/referrals", referral_body(intake, urgent.pk, emergency=True)).data["id"]
    api.director.post(f"/referrals/{rid2}/admit", {"unit": intake.u1.pk, "start_date": day(-2)})
    detail = api.director.get(f"/referrals/{rid2}").data
    assert detail["follow_up_due"] == day(1) and detail["emergency_end_due"] == day(28)


def test_documents_shared_per_unit_until_admission(api, intake):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from parcours.access.services import issue_token
    from tests.api.conftest import ApiClient
    from tests.conftest import make_user

    head_u3 = ApiClient(issue_token(make_user("chef_u3", "head_of_service", intake.u3)))
    child = partner_child(api, intake)
    rid = api.partner.post(
        "/referrals", referral_body(intake, child, target_units=[intake.u1.pk, intake.u3.pk])
    ).data["id"]
    url = f"/api/v1/referrals/{rid}/documents"
    upload = api.partner.client.post(
        url,
        {
            "file": SimpleUploadedFile("opp.pdf", b"%PDF-1.4 OPP"),
            "kind": "judgement",
            "units": str(intake.u1.pk),
        },
        **api.partner.headers,
    )
    assert upload.status_code == 201, upload.content
    doc_id = upload.json()["id"]
    assert [d["id"] for d in api.director.get(f"/referrals/{rid}/documents").data] == [doc_id]
    assert head_u3.get(f"/referrals/{rid}").status_code == 200
    assert head_u3.get(f"/referrals/{rid}/documents").data == []
    assert head_u3.get(f"/referrals/{rid}/documents/{doc_id}/content").status_code == 404
    content = api.director.client.get(f"{url}/{doc_id}/content", **api.director.headers)
    assert content.status_code == 200 and content.content == b"%PDF-1.4 OPP"
    # the unit knows the person referred to it; the record itself opens on admission only
    assert api.director.get(f"/persons/{child}").status_code == 200
    assert api.director.get(f"/persons/{child}/documents").status_code == 403
    assert head_u3.get(f"/persons/{child}/documents").status_code == 403
    bad = api.partner.client.post(
        url,
        {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4"), "kind": "judgement", "units": str(intake.u2.pk)},
        **api.partner.headers,
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "units[0]"
    assert api.outsider.get(f"/referrals/{rid}/documents").status_code == 404


def test_commission_minutes_pdf(api, intake):
    import io

    from pypdf import PdfReader

    rid = api.director.post(
        "/referrals", referral_body(intake, intake.child.pk, organisation=intake.assoc.pk, target_units=[])
    ).data["id"]
    session = api.admin.post(
        "/commission-sessions",
        {"date": day(2), "organisation": intake.assoc.pk, "members": [intake.director.pk]},
    ).data
    api.admin.post(f"/commission-sessions/{session['id']}/referrals", {"referral": rid})
    api.admin.post(
        f"/referrals/{rid}/decisions",
        {"unit": intake.u1.pk, "decision": "refused", "reason": "Profil hors projet de service"},
    )
    response = api.admin.client.get(
        f"/api/v1/commission-sessions/{session['id']}/minutes.pdf", **api.admin.headers
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in (
        date.fromisoformat(day(2)).strftime("%d/%m/%Y"),
        "DUPONT-MARTIN",
        "Internat Millau",
        "Profil hors projet de service",
        "Directeur",
    ):
        assert expected in text, expected
    assert (
        api.outsider.client.get(
            f"/api/v1/commission-sessions/{session['id']}/minutes.pdf", **api.outsider.headers
        ).status_code
        == 404
    )


def test_inclusion_outcome_export_and_notifications(api, intake):
    from parcours.directory.models import Unit, UnitCapacity

    platform = Unit.objects.create(
        establishment=intake.e1,
        name="Plateforme d'orientation RSA",
        modality="day_care",
        public="inclusion",
        age_min=18,
        age_max=99,
        opened_on=date(2015, 1, 1),
    )
    UnitCapacity.objects.create(unit=platform, capacity=40, valid_from=date(2015, 1, 1))
    adult = Person.objects.create(
        first_name="Rémi", last_name="Rsa", birth_date=date(1990, 1, 1), sex="m", home_establishment=intake.e1
    )
    rid = api.director.post(
        "/referrals",
        referral_body(intake, adult.pk, modality="day_care", public="inclusion", target_units=[platform.pk]),
    ).data["id"]
    assert "outcome" in fields_of(api.director.post(f"/referrals/{rid}/outcome", {"outcome": "job"}))
    done = api.director.post(f"/referrals/{rid}/outcome", {"outcome": "socio_professional"})
    assert (
        done.status_code == 200
        and done.data["outcome"] == "socio_professional"
        and done.data["status"] == "accepted"
    )
    child_rid = api.director.post("/referrals", referral_body(intake, intake.child.pk)).data["id"]
    assert api.director.post(f"/referrals/{child_rid}/outcome", {"outcome": "social"}).status_code == 409
    export = api.director.client.get("/api/v1/referrals.csv", **api.director.headers).content.decode(
        "utf-8-sig"
    )
    assert f"{rid};{adult.pk};non" in export and ";accepted;72" in export and ";received;40" in export
    notes = api.director.get("/notifications").data
    assert notes and all(n["read_at"] is None for n in notes)
    assert api.director.post(f"/notifications/{notes[0]['id']}/read").data["read_at"] is not None
    assert api.outsider.post(f"/notifications/{notes[0]['id']}/read").status_code == 404


def test_referral_needs_tagged_with_serafin_codes(api, intake):
    ok = api.director.post(
        "/referrals",
        referral_body(intake, intake.child.pk, public="disability", needs=["1.3.3.1", "1.2.1.2"]),
    )
    assert ok.status_code == 201, ok.data
    assert ok.data["needs"] == ["1.2.1.2", "1.3.3.1"]
    bad = api.director.post("/referrals", referral_body(intake, intake.child.pk, needs=["2.1", "9"]))
    assert bad.status_code == 422 and {"needs[0]", "needs[1]"} <= fields_of(bad)  # services are not needs
