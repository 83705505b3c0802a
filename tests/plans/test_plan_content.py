"""Plan content (expressions, needs with SERAFIN-PH codes, partners), the PDF to sign, deadlines
that follow the measures, and what a partner may see."""

import io
from datetime import date

import pytest
from pypdf import PdfReader

from parcours.access.models import AuditEvent
from parcours.pathways.services import place_person
from parcours.people.models import Measure, Person, Relationship
from parcours.people.services import add_measure, update_measure
from parcours.plans.models import Plan
from tests.api.conftest import fields_of


@pytest.fixture
def placed(world):
    """A 10-year-old admitted on 2026-09-01 to the residential unit under an administrative placement."""
    child = Person.objects.create(
        first_name="Inès",
        last_name="Placée",
        birth_date=date(2016, 2, 29),
        sex="f",
        home_establishment=world.e1,
    )
    measure = Measure.objects.create(
        person=child, kind="administrative_care", start_date=date(2026, 8, 25), authority=world.departement
    )
    stay = place_person(world.director, person=child, unit_id=world.u1.pk, start_date=date(2026, 9, 1))
    return child, measure, stay


def test_admission_with_administrative_placement_opens_a_stay_contract(placed):
    child, _, stay = placed
    plans = {p.kind: p for p in Plan.objects.filter(person=child)}
    assert set(plans) == {"stay_contract", "personalised_plan", "ppe", "situation_report"}
    assert plans["stay_contract"].due_date == date(2026, 9, 16)
    assert plans["ppe"].due_date == date(2026, 11, 25)  # 3 months after the measure


def test_measure_becoming_judicial_recomputes_the_admission_document(world, placed):
    """Administrative → judicial placement: the unsigned contrat de séjour becomes a DIPC, whose
    deadline runs from the court order; the PPE follows the new measure's start."""
    child, measure, stay = placed
    update_measure(world.director, measure.pk, end_date=date(2026, 10, 9))
    judicial = add_measure(
        world.director, child.pk, kind="judicial_placement", start_date=date(2026, 10, 10), authority=None
    )
    plans = {p.kind: p for p in Plan.objects.filter(person=child)}
    assert "stay_contract" not in plans
    assert plans["dipc"].due_date == date(2026, 10, 25)  # 15 days after the court order
    assert plans["dipc"].stay == stay
    # the administrative measure ended: the PPE now follows the running judicial measure
    assert plans["ppe"].start_date == date(2026, 10, 10) and plans["ppe"].due_date == date(2027, 1, 10)
    assert AuditEvent.objects.filter(object_type="plan", reason="measure change").exists()
    # the judicial measure is changed back to an administrative one: a contract again, from admission
    update_measure(world.director, judicial.pk, kind="administrative_care")
    plans = {p.kind: p for p in Plan.objects.filter(person=child)}
    assert plans["stay_contract"].due_date == date(2026, 9, 16)


def test_signed_document_is_not_rewritten_by_a_measure_change(api, world, placed):
    child, measure, _ = placed
    contract = Plan.objects.get(person=child, kind="stay_contract")
    assert (
        api.director.post(
            f"/plans/{contract.pk}/sign", {"date": "2026-09-10", "signatories": ["Inès", "Mme Placée"]}
        ).status_code
        == 200
    )
    add_measure(world.director, child.pk, kind="opp", start_date=date(2026, 10, 1))
    contract.refresh_from_db()
    assert contract.kind == "stay_contract" and contract.status == "signed"


def test_measure_opens_a_ppe_for_a_child_already_admitted(world):
    child = Person.objects.create(
        first_name="Noé",
        last_name="Sansmesure",
        birth_date=date(2015, 1, 1),
        sex="m",
        home_establishment=world.e1,
    )
    place_person(world.director, person=child, unit_id=world.u1.pk, start_date=date(2026, 9, 1))
    assert not Plan.objects.filter(person=child, kind="ppe").exists()
    add_measure(world.director, child.pk, kind="aemo", start_date=date(2026, 9, 15))
    ppe = Plan.objects.get(person=child, kind="ppe")
    assert ppe.due_date == date(2026, 12, 15)


def test_situation_report_every_six_months_under_two(world):
    baby = Person.objects.create(
        first_name="Léa", last_name="Bébé", birth_date=date(2025, 12, 1), sex="f", home_establishment=world.e1
    )
    Measure.objects.create(person=baby, kind="opp", start_date=date(2026, 9, 1))
    place_person(world.director, person=baby, unit_id=world.u1.pk, start_date=date(2026, 9, 1))
    report = Plan.objects.get(person=baby, kind="situation_report")
    assert report.due_date == date(2027, 3, 1)


def test_expressions_needs_and_partners(api, world):
    plan = api.director.post(
        "/plans", {"person": world.child.pk, "kind": "personalised_plan", "start_date": "2024-09-01"}
    ).data
    body = {
        "person_expression": "Je veux retourner au collège et voir ma sœur le week-end.",
        "family_expression": "Nous souhaitons être associés aux rendez-vous médicaux.",
        "needs": [
            {"domain": "schooling", "serafin": "1.3.3.1", "description": "Rescolarisation progressive"},
            {"domain": "family_ties", "description": "Maintenir le lien avec la fratrie"},
        ],
        "partners": [{"name": "Collège Marcel Aymard", "role": "établissement scolaire"}],
    }
    response = api.director.patch(f"/plans/{plan['id']}", body)
    assert response.status_code == 200, response.data
    got = api.director.get(f"/plans/{plan['id']}").data
    assert got["person_expression"].startswith("Je veux retourner")
    assert got["needs"][0] == {
        "domain": "schooling",
        "serafin": "1.3.3.1",
        "description": "Rescolarisation progressive",
    }
    assert got["partners"][0]["name"] == "Collège Marcel Aymard"
    bad = api.director.patch(
        f"/plans/{plan['id']}",
        {"needs": [{"domain": "magic", "serafin": "9.9", "description": ""}], "partners": [{"name": " "}]},
    )
    assert bad.status_code == 422
    assert {"needs[0].domain", "needs[0].serafin", "needs[0].description", "partners[0].name"} <= fields_of(
        bad
    )
    assert api.director.get(f"/plans/{plan['id']}").data["needs"] == got["needs"]  # nothing lost
    assert api.outsider.patch(f"/plans/{plan['id']}", body).status_code == 404
    assert api.quality.patch(f"/plans/{plan['id']}", body).status_code == 403
    # signed: the content is frozen, an amendment carries it over
    api.director.post(f"/plans/{plan['id']}/sign", {"date": "2024-10-01", "signatories": ["Joël"]})
    assert api.director.patch(f"/plans/{plan['id']}", {"person_expression": "autre"}).status_code == 409
    amendment = api.director.post(f"/plans/{plan['id']}/amend").data
    assert amendment["needs"] == got["needs"] and amendment["person_expression"] == got["person_expression"]


def test_serafin_reference(api):
    rows = api.director.get("/reference/serafin-ph").data
    codes = {r["code"]: r for r in rows}
    assert codes["1.3.3.1"]["kind"] == "need" and "scolaire" in codes["1.3.3.1"]["label"]
    assert codes["2.4"]["kind"] == "direct_service"
    assert codes["3.1.4.2"]["kind"] == "indirect_service"


def test_plan_pdf_to_sign(api, world):
    mother = Person.objects.create(
        first_name="Sandrine", last_name="Dupont", birth_date=date(1985, 6, 1), sex="f"
    )
    Relationship.objects.create(person=world.child, relative=mother, kind="mother", parental_authority=True)
    plan = api.director.post(
        "/plans", {"person": world.child.pk, "kind": "personalised_plan", "start_date": "2024-09-01"}
    ).data
    api.director.patch(
        f"/plans/{plan['id']}",
        {
            "person_expression": "Je voudrais faire du foot.",
            "needs": [{"domain": "leisure", "serafin": "1.3.4", "description": "Activité sportive"}],
        },
    )
    api.director.post(
        f"/plans/{plan['id']}/objectives",
        {
            "domain": "leisure",
            "description": "Inscription au club de football",
            "expected_results": "Une séance par semaine",
            "actions": [
                {
                    "description": "Contacter le club",
                    "responsible": "Éducateur référent",
                    "due_date": "2024-10-01",
                }
            ],
        },
    )
    response = api.director.client.get(f"/api/v1/plans/{plan['id']}/document.pdf", **api.director.headers)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in (
        "Projet personnalisé",
        "DUPONT-MARTIN Joël",
        "Je voudrais faire du foot.",
        "Inscription au club de football",
        "Contacter le club",
        "1.3.4",
        "Sandrine DUPONT",
        "Signatures",
        "autorité parentale",
    ):
        assert expected in text, expected
    assert AuditEvent.objects.filter(action="export", object_type="plan", object_id=str(plan["id"])).exists()
    assert (
        api.outsider.client.get(
            f"/api/v1/plans/{plan['id']}/document.pdf", **api.outsider.headers
        ).status_code
        == 404
    )


def test_partner_sees_only_the_ppe_of_children_of_its_departement(api, world):
    """The département's referent sees the PPE (and the rapport de situation) of a child it referred
    when its département holds the measure; never the establishment's own plans, never other
    children's PPE; and it writes none."""
    from parcours.admissions.models import Referral

    child = Person.objects.create(
        first_name="Tom",
        last_name="Orienté",
        birth_date=date(2014, 4, 4),
        sex="m",
        home_establishment=world.e1,
    )
    Referral.objects.create(
        person=child,
        referrer=world.partner,
        modality="residential",
        public="child_protection",
        wished_date=date(2026, 9, 1),
        received_on=date(2026, 8, 20),
    )
    Measure.objects.create(
        person=child, kind="judicial_placement", start_date=date(2026, 9, 1), authority=world.departement
    )
    place_person(world.director, person=child, unit_id=world.u1.pk, start_date=date(2026, 9, 1))
    ppe = Plan.objects.get(person=child, kind="ppe")
    dipc = Plan.objects.get(person=child, kind="dipc")
    listed = api.partner.get("/plans", {"person": child.pk}).data
    assert {p["kind"] for p in listed["items"]} == {"ppe", "situation_report"}
    assert api.partner.get(f"/plans/{ppe.pk}").status_code == 200
    assert api.partner.get(f"/plans/{dipc.pk}").status_code == 404
    assert (
        api.partner.post(f"/plans/{ppe.pk}/objectives", {"domain": "health", "description": "x"}).status_code
        == 403
    )
    assert (
        api.partner.post(
            "/plans", {"person": child.pk, "kind": "ppe", "start_date": "2026-09-01"}
        ).status_code
        == 403
    )
    # the child of another département's measure: no PPE for this partner
    Measure.objects.filter(person=child).update(authority=None)
    assert api.partner.get(f"/plans/{ppe.pk}").status_code == 404
    # a child it did not refer: nothing at all
    other = Plan.objects.filter(person=world.child).first() or Plan.objects.create(
        person=world.child, kind="ppe", start_date=date(2024, 9, 1), due_date=date(2024, 12, 1)
    )
    assert api.partner.get(f"/plans/{other.pk}").status_code == 404
    assert api.partner.get("/plans/due", {"before": "2030-01-01"}).data == []


def test_remove_objective_from_a_draft(api, world):
    plan = api.director.post(
        "/plans", {"person": world.child.pk, "kind": "personalised_plan", "start_date": "2024-09-01"}
    ).data
    objective = api.director.post(
        f"/plans/{plan['id']}/objectives", {"domain": "health", "description": "Bilan orthophonique"}
    ).data
    assert api.outsider.delete(f"/objectives/{objective['id']}").status_code == 404
    assert api.director.delete(f"/objectives/{objective['id']}").status_code == 204
    assert api.director.get(f"/plans/{plan['id']}").data["objectives"] == []
    assert api.director.delete(f"/objectives/{objective['id']}").status_code == 404


def test_partner_sees_only_the_plans_it_may_see_not_the_pathway(api, world):
    from parcours.admissions.models import Referral

    child = Person.objects.create(
        first_name="Léo", last_name="Suivi", birth_date=date(2014, 4, 4), sex="m", home_establishment=world.e1
    )
    Referral.objects.create(
        person=child,
        referrer=world.partner,
        modality="residential",
        public="child_protection",
        wished_date=date(2026, 9, 1),
        received_on=date(2026, 8, 20),
    )
    Measure.objects.create(
        person=child, kind="judicial_placement", start_date=date(2026, 9, 1), authority=world.departement
    )
    place_person(world.director, person=child, unit_id=world.u1.pk, start_date=date(2026, 9, 1))
    # the pathway (stays, other units, the establishment's plans) is not the partner's to read
    assert api.partner.get(f"/persons/{child.pk}/pathway").status_code == 403
    kinds = {p["kind"] for p in api.partner.get("/plans", {"person": child.pk}).data["items"]}
    assert "ppe" in kinds and not kinds & {"dipc", "stay_contract", "personalised_plan"}
    director_view = api.director.get(f"/persons/{child.pk}/pathway").data
    assert "DIPC" in " ".join(e["label"] for e in director_view["events"])
