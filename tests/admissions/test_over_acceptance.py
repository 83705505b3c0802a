"""Acceptances and the places they hold. An acceptance holds a place in the unit until the admission;
an acceptance beyond the free places goes on the unit's waiting list (DOMAIN.md: accepted and waiting
referrals make up the waiting list). Admitting a referral consumes the place it holds; when more
places are held than are free (a capacity lowered, acceptances recorded before the rule), the first
in priority can still be admitted. Concurrent acceptances never hold more places than are free."""

import threading
from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection, connections
from django.test import Client

from parcours.admissions import services
from parcours.admissions.models import Decision, Referral
from parcours.core.dates import today
from parcours.directory.models import Unit
from parcours.pathways.models import Stay
from parcours.pathways.selectors import vacancy_on
from parcours.people.models import Person
from tests.api.conftest import ApiClient
from tests.conftest import make_unit


def one_place_unit(world) -> Unit:
    return make_unit(world.e1, "Accueil d'urgence Millau", capacity=1, age_min=6)


def referred(world, unit, count: int, **extra) -> list[Referral]:
    """count children of E1 referred to the unit (received, no decision yet)."""
    out = []
    for index in range(count):
        person = Person.objects.create(
            first_name=f"Enfant{index}",
            last_name="Surplus",
            birth_date=date(2012, 1, 1),
            sex="f",
            home_establishment=world.e1,
        )
        referral = Referral.objects.create(
            person=person,
            referrer=world.director,
            modality="residential",
            public="child_protection",
            wished_date=today(),
            reason="Placement",
            received_on=today() - timedelta(days=60),
            **extra,
        )
        referral.target_units.set([unit])
        out.append(referral)
    return out


@pytest.fixture
def director_api(world):
    from parcours.access.services import issue_token

    return ApiClient(issue_token(world.director))


def test_fifty_acceptances_on_one_place_do_not_block_the_unit(world, director_api):
    """The state the bug left: 50 acceptances recorded on a single place. Each admission used to be
    refused (409) for the 49 other places held. The first in priority (the oldest decision) is
    admitted; the others are then refused, the place being taken."""
    unit = one_place_unit(world)
    referrals = referred(world, unit, 50, status="accepted")
    for index, referral in enumerate(referrals):  # the oldest decision first
        Decision.objects.create(
            referral=referral,
            unit=unit,
            decision="accepted",
            decided_on=today() - timedelta(days=50 - index),
            decided_by=world.director,
        )
    start = today().isoformat()
    late = director_api.post(f"/referrals/{referrals[10].pk}/admit", {"unit": unit.pk, "start_date": start})
    assert late.status_code == 409, late.data  # ten referrals hold the place before it
    first = director_api.post(f"/referrals/{referrals[0].pk}/admit", {"unit": unit.pk, "start_date": start})
    assert first.status_code == 201, first.data
    assert Stay.objects.filter(unit=unit).count() == 1
    second = director_api.post(f"/referrals/{referrals[1].pk}/admit", {"unit": unit.pk, "start_date": start})
    assert second.status_code == 409
    assert "place vacante" in second.data["detail"]
    assert Referral.objects.get(pk=referrals[0].pk).status == "admitted"


def test_an_emergency_hold_comes_first(world, director_api):
    unit = one_place_unit(world)
    older, urgent = referred(world, unit, 2, status="accepted")
    Referral.objects.filter(pk=urgent.pk).update(emergency=True)
    for referral, days in ((older, 10), (urgent, 1)):
        Decision.objects.create(
            referral=referral, unit=unit, decision="accepted", decided_on=today() - timedelta(days=days)
        )
    body = {"unit": unit.pk, "start_date": today().isoformat()}
    assert director_api.post(f"/referrals/{older.pk}/admit", body).status_code == 409
    assert director_api.post(f"/referrals/{urgent.pk}/admit", body).status_code == 201


def test_acceptances_beyond_the_free_places_go_on_the_waiting_list(world, director_api):
    unit = one_place_unit(world)
    first, second, third = referred(world, unit, 3)
    accepted = director_api.post(
        f"/referrals/{first.pk}/decisions", {"unit": unit.pk, "decision": "accepted"}
    )
    assert accepted.status_code == 201 and accepted.data["decision"] == "accepted"
    surplus = director_api.post(
        f"/referrals/{second.pk}/decisions",
        {"unit": unit.pk, "decision": "accepted", "reason": "Profil adapté"},
    )
    assert surplus.status_code == 201, surplus.data
    assert surplus.data["decision"] == "waiting_list"
    assert "sans place libre" in surplus.data["reason"] and surplus.data["reason"].endswith("Profil adapté")
    assert director_api.get(f"/referrals/{second.pk}").data["status"] == "waiting_list"
    vacancy = vacancy_on(unit, today())
    assert (vacancy["held"], vacancy["vacant"]) == (1, 0)  # one place, held once: never more
    ranked = director_api.get(f"/units/{unit.pk}/waiting-list").data
    assert [(r["referral"], r["decision"]) for r in ranked] == [
        (first.pk, "accepted"),
        (second.pk, "waiting_list"),
    ]
    # the accepted referral is admitted on its place; the waiting one when a place frees up
    start = today().isoformat()
    assert (
        director_api.post(f"/referrals/{second.pk}/admit", {"unit": unit.pk, "start_date": start}).status_code
        == 409
    )
    stay = director_api.post(f"/referrals/{first.pk}/admit", {"unit": unit.pk, "start_date": start})
    assert stay.status_code == 201, stay.data
    ended = director_api.post(
        f"/stays/{stay.data['id']}/end", {"end_date": start, "exit_reason": "other_unit"}
    )
    assert ended.status_code == 200, ended.data
    tomorrow = (today() + timedelta(days=1)).isoformat()
    assert (
        director_api.post(
            f"/referrals/{second.pk}/admit", {"unit": unit.pk, "start_date": tomorrow}
        ).status_code
        == 201
    )
    # the page says it too
    client = Client()
    client.force_login(world.director)
    response = client.post(f"/orientations/{third.pk}/decision", {"unit": unit.pk, "decision": "accepted"})
    assert response.status_code == 302
    assert "liste d'attente" in " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert Decision.objects.get(referral=third).decision == "waiting_list"


@pytest.mark.django_db(transaction=True)
def test_concurrent_acceptances_hold_no_more_places_than_are_free(world):
    """Three commissions accept three children at the same moment for the last place: one
    acceptance holds it, the two others go on the waiting list (the unit's lock serialises them)."""
    if connection.vendor != "postgresql":
        pytest.skip("Real concurrent transactions with row locks: PostgreSQL only.")
    unit = one_place_unit(world)
    referrals = referred(world, unit, 3)
    barrier = threading.Barrier(len(referrals))
    outcome = []

    def accept(referral):
        try:
            barrier.wait()
            made = services.decide(world.director, referral.pk, unit=unit.pk, decision="accepted")
            outcome.append(made.decision)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(r,)) for r in referrals]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcome) == ["accepted", "waiting_list", "waiting_list"]
    assert Decision.objects.filter(unit=unit, decision="accepted").count() == 1
    assert vacancy_on(unit, today())["vacant"] == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_acceptance_and_admission_never_double_book(world):
    """An admission from the waiting list and an acceptance race for the last place: whichever
    commits first takes it, the other is refused (409) or put on the waiting list — never both."""
    if connection.vendor != "postgresql":
        pytest.skip("Real concurrent transactions with row locks: PostgreSQL only.")
    from parcours.core.errors import Conflict

    unit = one_place_unit(world)
    waiting, accepting = referred(world, unit, 2)
    services.decide(world.director, waiting.pk, unit=unit.pk, decision="waiting_list")
    barrier = threading.Barrier(2)
    outcome = {}

    def admit():
        try:
            barrier.wait()
            services.admit(world.director, waiting.pk, unit=unit.pk, start_date=today())
            outcome["admit"] = "admitted"
        except Conflict:
            outcome["admit"] = "409"
        finally:
            connections.close_all()

    def accept():
        try:
            barrier.wait()
            outcome["accept"] = services.decide(
                world.director, accepting.pk, unit=unit.pk, decision="accepted"
            ).decision
        finally:
            connections.close_all()

    threads = [threading.Thread(target=admit), threading.Thread(target=accept)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcome in (
        {"admit": "admitted", "accept": "waiting_list"},
        {"admit": "409", "accept": "accepted"},
    )
    vacancy = vacancy_on(unit, today())
    assert vacancy["occupied"] + vacancy["held"] == 1
