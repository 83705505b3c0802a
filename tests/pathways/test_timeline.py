from datetime import date

from parcours.access.models import AuditEvent
from parcours.admissions import services
from parcours.pathways.models import Stay
from parcours.people.models import Measure, Person
from tests.api.conftest import ApiClient


def child(world, name="Rupture"):
    return Person.objects.create(
        first_name=name, last_name="Test", birth_date=date(2010, 1, 1), sex="m", home_establishment=world.e1
    )


def pathway_of(world, person):
    from parcours.access.services import issue_token

    return ApiClient(issue_token(world.director)).get(f"/persons/{person.pk}/pathway")


def test_gap_between_stays_during_placement_is_a_rupture(world):
    p = child(world)
    Measure.objects.create(
        person=p, kind="judicial_placement", start_date=date(2023, 1, 1), end_date=date(2024, 12, 31)
    )
    Stay.objects.create(
        person=p,
        unit=world.u1,
        start_date=date(2023, 1, 10),
        end_date=date(2023, 6, 1),
        exit_reason="runaway",
    )
    Stay.objects.create(
        person=p,
        unit=world.u1,
        start_date=date(2023, 6, 20),
        end_date=date(2023, 9, 1),
        exit_reason="other_unit",
    )
    Stay.objects.create(person=p, unit=world.u2, start_date=date(2023, 9, 1))  # no gap: the same day
    response = pathway_of(world, p)
    assert response.status_code == 200
    assert response.data["ruptures"] == [
        {
            "from": "2023-06-01",
            "to": "2023-06-20",
            "reason": "gap_during_placement",
            "label": response.data["ruptures"][0]["label"],
        }
    ]
    types = [e["type"] for e in response.data["events"]]
    assert types[0] == "measure" and types.count("stay") == 3
    dates = [e["date"] for e in response.data["events"]]
    assert dates == sorted(dates)
    assert AuditEvent.objects.filter(person_id=p.pk, action="view", details__section="pathway").exists()


def test_gap_without_placement_measure_is_not_a_rupture(world):
    p = child(world)
    Measure.objects.create(person=p, kind="aemo", start_date=date(2023, 1, 1))
    Stay.objects.create(
        person=p,
        unit=world.u1,
        start_date=date(2023, 1, 10),
        end_date=date(2023, 6, 1),
        exit_reason="return_home",
    )
    Stay.objects.create(person=p, unit=world.u1, start_date=date(2023, 8, 1))
    assert pathway_of(world, p).data["ruptures"] == []


def test_exit_without_solution_and_refusal_everywhere(world):
    p = child(world)
    Stay.objects.create(
        person=p,
        unit=world.u1,
        start_date=date(2022, 1, 1),
        end_date=date(2022, 3, 1),
        exit_reason="no_solution",
    )
    referral = services.submit_referral(
        world.director,
        person=p.pk,
        modality="residential",
        public="child_protection",
        wished_date=date(2026, 12, 1),
        reason="r",
        target_units=[world.u1.pk],
    )
    services.decide(world.director, referral.pk, unit=world.u1.pk, decision="refused", reason="Complet")
    reasons = [r["reason"] for r in pathway_of(world, p).data["ruptures"]]
    assert reasons == ["exit_no_solution", "refused_everywhere"]


def test_refusal_with_another_open_referral_is_not_a_rupture(world):
    p = child(world)
    first = services.submit_referral(
        world.director,
        person=p.pk,
        modality="residential",
        public="child_protection",
        wished_date=date(2026, 12, 1),
        reason="r",
        target_units=[world.u1.pk],
    )
    services.submit_referral(
        world.director,
        person=p.pk,
        modality="residential",
        public="child_protection",
        wished_date=date(2026, 12, 1),
        reason="r2",
        target_units=[world.u1.pk],
    )
    services.decide(world.director, first.pk, unit=world.u1.pk, decision="refused", reason="Complet")
    assert pathway_of(world, p).data["ruptures"] == []


def test_pathway_scope_and_bounded_queries(world, django_assert_max_num_queries):
    from parcours.access.services import issue_token

    p = child(world)
    for year in range(2015, 2024):
        Stay.objects.create(
            person=p,
            unit=world.u1,
            start_date=date(year, 1, 1),
            end_date=date(year, 6, 1),
            exit_reason="return_home",
        )
    client = ApiClient(issue_token(world.director))
    with django_assert_max_num_queries(20):
        assert client.get(f"/persons/{p.pk}/pathway").status_code == 200
    assert ApiClient(issue_token(world.outsider)).get(f"/persons/{p.pk}/pathway").status_code == 404
