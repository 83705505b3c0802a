from parcours.plans.models import Plan
from tests.api.conftest import fields_of


def new_plan(api, world, kind="personalised_plan", start="2024-09-01"):
    response = api.director.post("/plans", {"person": world.child.pk, "kind": kind, "start_date": start})
    assert response.status_code == 201, response.data
    return response.data


def test_create_plans_with_legal_deadlines(api, world):
    assert new_plan(api, world, "dipc", "2024-02-20")["due_date"] == "2024-03-06"
    assert new_plan(api, world, "stay_contract", "2024-01-31")["due_date"] == "2024-02-15"
    assert new_plan(api, world, "personalised_plan", "2023-08-31")["due_date"] == "2024-02-29"
    assert new_plan(api, world, "ppe", "2023-11-30")["due_date"] == "2024-02-29"
    assert (
        api.outsider.post(
            "/plans", {"person": world.child.pk, "kind": "dipc", "start_date": "2024-01-01"}
        ).status_code
        == 404
    )
    assert (
        api.quality.post(
            "/plans", {"person": world.child.pk, "kind": "dipc", "start_date": "2024-01-01"}
        ).status_code
        == 403
    )
    before = Plan.objects.count()
    bad = api.director.post(
        "/plans", {"person": world.child.pk, "kind": "contract", "start_date": "2024-01-01", "stay": 999999}
    )
    assert bad.status_code == 422 and {"kind", "stay"} <= fields_of(bad)
    assert Plan.objects.count() == before


def test_build_sign_amend_and_evaluate(api, world):
    plan = new_plan(api, world)
    objective = api.director.post(
        f"/plans/{plan['id']}/objectives",
        {
            "domain": "schooling",
            "description": "Reprendre une scolarité à temps plein",
            "expected_results": "Assiduité au collège",
            "actions": [
                {
                    "description": "Rencontre avec le CPE",
                    "responsible": "Éducatrice référente",
                    "due_date": "2024-10-15",
                }
            ],
        },
    )
    assert objective.status_code == 201, objective.data
    bad = api.director.post(
        f"/plans/{plan['id']}/objectives",
        {"domain": "magic", "description": "", "actions": [{"description": "x", "responsible": ""}]},
    )
    assert {"domain", "description", "actions[0].responsible"} <= fields_of(bad)
    signed = api.director.post(
        f"/plans/{plan['id']}/sign",
        {"date": "2024-11-15", "signatories": ["Joël", "Mme Dupont", "Directrice"]},
    )
    assert signed.status_code == 200 and signed.data["status"] == "signed"
    assert signed.data["next_review_date"] == "2025-11-15"
    assert (
        api.director.post(
            f"/plans/{plan['id']}/objectives", {"domain": "health", "description": "x"}
        ).status_code
        == 409
    )
    amendment = api.director.post(f"/plans/{plan['id']}/amend")
    assert amendment.status_code == 201 and amendment.data["version"] == 2
    assert len(amendment.data["objectives"]) == 1
    assert api.director.get(f"/plans/{plan['id']}").data["status"] == "signed"  # never overwritten
    evaluation = api.director.post(
        f"/plans/{plan['id']}/evaluations",
        {
            "date": "2025-05-20",
            "participants": [{"name": "Joël", "role": "person"}, {"name": "Mme Dupont", "role": "family"}],
            "results": [
                {"objective": objective.data["id"], "status": "partly", "comment": "Absences en baisse"}
            ],
        },
    )
    assert evaluation.status_code == 201, evaluation.data
    assert api.director.get(f"/plans/{plan['id']}").data["next_review_date"] == "2026-05-20"
    no_family = api.director.post(
        f"/plans/{plan['id']}/evaluations",
        {
            "date": "2025-05-20",
            "participants": [{"name": "X", "role": "educator"}],
            "results": [{"objective": 999999, "status": "maybe"}],
        },
    )
    assert {"participants", "results[0].objective", "results[0].status"} <= fields_of(no_family)


def test_due_deadlines(api, world):
    overdue = new_plan(api, world, "dipc", "2024-01-01")
    later = new_plan(api, world, "personalised_plan", "2026-10-01")
    due = api.director.get("/plans/due", {"before": "2026-12-31"}).data
    kinds = {(d["plan"], d["kind"], d["overdue"]) for d in due}
    assert (overdue["id"], "dipc", True) in kinds
    assert later["id"] not in {d["plan"] for d in due}  # due on 2027-04-01
    assert api.outsider.get("/plans/due", {"before": "2026-12-31"}).data == []


def test_pathway_shows_plans_and_evaluations(api, world):
    plan = new_plan(api, world)
    api.director.post(f"/plans/{plan['id']}/sign", {"date": "2024-11-15", "signatories": ["Joël"]})
    types = [e["type"] for e in api.director.get(f"/persons/{world.child.pk}/pathway").data["events"]]
    assert "plan" in types and "plan_signed" in types


def test_admission_opens_the_required_plans(api, world):
    from datetime import date

    from parcours.pathways.services import place_person
    from parcours.people.models import Measure, Person

    child = Person.objects.create(
        first_name="Adam",
        last_name="Admis",
        birth_date=date(2012, 5, 1),
        sex="m",
        home_establishment=world.e1,
    )
    Measure.objects.create(person=child, kind="judicial_placement", start_date=date(2026, 10, 20))
    stay = place_person(world.director, person=child, unit_id=world.u1.pk, start_date=date(2026, 11, 1))
    plans = {p.kind: p for p in Plan.objects.filter(person=child)}
    # a minor placed by a judge: DIPC, not a contract; the PPE and the rapport de situation
    assert set(plans) == {"dipc", "personalised_plan", "ppe", "situation_report"}
    assert plans["dipc"].due_date == date(2026, 11, 16) and plans["dipc"].stay == stay
    assert plans["personalised_plan"].due_date == date(2027, 5, 1)
    assert plans["ppe"].due_date == date(2027, 1, 20)
    assert plans["situation_report"].due_date == date(2027, 10, 20)
    adult = Person.objects.create(
        first_name="Lise",
        last_name="Majeure",
        birth_date=date(2005, 1, 1),
        sex="f",
        home_establishment=world.e1,
    )
    world.u1.age_max = 21
    world.u1.save()
    world.u1.capacities.create(capacity=5, valid_from=date(2026, 11, 2))
    place_person(world.director, person=adult, unit_id=world.u1.pk, start_date=date(2026, 11, 2))
    assert set(Plan.objects.filter(person=adult).values_list("kind", flat=True)) == {
        "stay_contract",
        "personalised_plan",
    }
