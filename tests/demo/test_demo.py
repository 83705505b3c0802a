import hashlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import RequestFactory

from parcours.access.services import authenticate
from parcours.demo.generator import DEMO_PASSWORD, DEMO_USERS
from parcours.directory.models import Organisation, Unit
from parcours.pathways.models import Stay
from parcours.pathways.selectors import occupying_q
from parcours.people.models import Person


def fingerprint() -> str:
    rows = list(Person.objects.order_by("id").values_list("first_name", "last_name", "birth_date"))
    rows += list(
        Stay.objects.order_by("id").values_list("unit__name", "start_date", "end_date", "exit_reason")
    )
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.fixture
def demo(db):
    from tests.conftest import ensure_communes

    ensure_communes()
    out = StringIO()
    call_command("demo", "--scale", "demo", "--seed", "7", stdout=out)
    return out.getvalue()


def test_demo_models_the_seeds_and_prints_logins(demo):
    check_plans_in_every_state_and_grids()  # one demo build for all the seeds' checks
    check_steering_seeds()
    for username, *_ in DEMO_USERS:
        assert username in demo
    assert DEMO_PASSWORD in demo
    assert Organisation.objects.filter(kind="group", name__icontains="GCSMS").exists()
    segur = Unit.objects.get(name="Internat de Ségur")
    assert segur.capacity_on(segur.opened_on) == 20 and segur.establishment.commune_id == "12266"
    assert Unit.objects.get(name="Internat de Millau").capacity_on(segur.opened_on) == 12
    sessad = Unit.objects.filter(modality="ambulatory", public="disability")
    assert sorted(u.communes_served.count() for u in sessad) == [14, 16]
    assert all(u.antennas.exists() and u.opening_days == 210 for u in sessad)
    assert Unit.objects.filter(modality="parental_centre", capacities__valid_from__year=2025).exists()
    assert 250 <= Person.objects.count() <= 700
    assert Person.objects.filter(archived_at__isnull=False).exists()
    assert Stay.objects.filter(exit_reason="no_solution").exists()
    assert Stay.objects.filter(end_date__isnull=True).exists()
    assert (
        Person.objects.filter(search_name__contains="joel dupont").exists()
        or Person.objects.filter(search_name__contains="dupont martin joel").exists()
    )


def test_demo_never_overbooks_nor_overlaps(demo):
    for unit in Unit.objects.all():
        starts = set(Stay.objects.filter(unit=unit).values_list("start_date", flat=True))
        for day in starts:
            occupied = Stay.objects.filter(occupying_q(day), unit=unit).count()
            assert occupied <= unit.capacity_on(day), (unit.name, day, occupied)
        stays = list(Stay.objects.filter(unit=unit).order_by("person_id", "start_date"))
        for a, b in zip(stays, stays[1:], strict=False):
            if a.person_id == b.person_id:
                assert a.end_date is not None and a.end_date <= b.start_date, (unit.name, a.person_id)


def test_demo_logins_authenticate(demo):
    for username, *_ in DEMO_USERS:
        request = RequestFactory().post("/connexion/")
        assert authenticate(request, username, DEMO_PASSWORD).username == username


def test_demo_is_deterministic_and_if_empty_is_idempotent(demo):
    first = fingerprint()
    out = StringIO()
    call_command("demo", "--scale", "demo", "--seed", "7", "--if-empty", stdout=out)
    assert "déjà" in out.getvalue() and fingerprint() == first
    call_command("demo", "--scale", "demo", "--seed", "7", "--reset", stdout=StringIO())
    assert fingerprint() == first
    call_command("demo", "--scale", "demo", "--seed", "8", "--reset", stdout=StringIO())
    assert fingerprint() != first


def test_small_department_scale(db):
    from tests.conftest import ensure_communes

    ensure_communes()
    call_command(
        "demo",
        "--scale",
        "department",
        "--seed",
        "3",
        "--persons",
        "300",
        "--stays",
        "1200",
        stdout=StringIO(),
    )
    stays = Stay.objects.count()
    assert 600 <= stays <= 2400
    group = Organisation.objects.get(kind="group")  # the département's GCSMS groups its associations
    assert set(Organisation.objects.filter(kind="association").values_list("member_of", flat=True)) == {
        group.pk
    }
    assert Person.objects.count() < stays
    unit = Unit.objects.order_by("id").first()
    for day in set(Stay.objects.filter(unit=unit).values_list("start_date", flat=True)):
        assert Stay.objects.filter(occupying_q(day), unit=unit).count() <= unit.capacity_on(day)


def check_plans_in_every_state_and_grids():
    from parcours.assessments.models import Grid
    from parcours.core.dates import today
    from parcours.plans.models import Evaluation, Plan

    day = today()
    assert {"draft", "signed", "superseded"} <= set(Plan.objects.values_list("status", flat=True))
    assert {"dipc", "stay_contract", "personalised_plan", "ppe", "situation_report"} <= set(
        Plan.objects.values_list("kind", flat=True)
    )
    assert Plan.objects.filter(status="draft", due_date__lt=day).exists()  # overdue
    assert Plan.objects.filter(status="draft", due_date__gte=day).exists()  # due soon
    assert Plan.objects.filter(status="signed", next_review_date__lt=day, amendment__isnull=True).exists()
    assert Plan.objects.filter(previous__isnull=False, status="draft").exists()  # amendment in progress
    assert Evaluation.objects.filter(results__isnull=False).exists()
    # the walkthrough's child: placed in Millau, his projet personnalisé in preparation with his words
    joel = Plan.objects.get(person__last_name="Dupont-Martin", kind="personalised_plan")
    assert joel.stay is not None and joel.stay.end_date is None and "collège" in joel.person_expression
    assert set(Grid.objects.filter(status="published").values_list("name", flat=True)) >= {
        "Évaluation multidimensionnelle à l'admission",
        "Entretien d'orientation RSA",
    }


def check_steering_seeds():
    from parcours.steering.cpom.models import Cpom, CpomAction, StrategicObjective
    from parcours.steering.incidents.models import Incident
    from parcours.steering.meetings.models import Meeting, PracticeAnalysisRequest
    from parcours.steering.quality.models import SelfAssessment

    cpom = Cpom.objects.get()
    assert StrategicObjective.objects.filter(cpom=cpom).count() == 4
    assert CpomAction.objects.filter(objective__cpom=cpom).count() == 9
    assert Incident.objects.filter(serious=True, reported_on__isnull=False).exists()
    assert Meeting.objects.filter(kind="ethics_committee").exists()
    assert PracticeAnalysisRequest.objects.exists() and SelfAssessment.objects.exists()
