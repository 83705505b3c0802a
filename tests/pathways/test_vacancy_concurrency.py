import threading
from datetime import date

import pytest
from django.db import IntegrityError, connection, connections, transaction

from parcours.core.errors import Conflict, Forbidden, NotFound
from parcours.directory.models import UnitCapacity
from parcours.pathways.models import Stay
from parcours.pathways.selectors import vacancy_on
from parcours.pathways.services import place_person
from parcours.people.models import Person


def newcomer(world, name="Lina"):
    return Person.objects.create(
        first_name=name, last_name="Martin", birth_date=date(2012, 1, 1), sex="f", home_establishment=world.e1
    )


def test_vacancy_rules(world):
    day = date(2025, 3, 1)
    assert vacancy_on(world.u1, day) == {
        "unit": world.u1.pk,
        "on": day,
        "capacity": 2,
        "occupied": 1,
        "held": 0,
        "vacant": 1,
    }
    other = newcomer(world)
    Stay.objects.create(
        person=other, unit=world.u1, start_date=date(2025, 2, 1), end_date=day, exit_reason="return_home"
    )
    assert vacancy_on(world.u1, date(2025, 2, 28))["vacant"] == 0
    assert vacancy_on(world.u1, day)["vacant"] == 1  # the exit day frees the place
    same_day = newcomer(world, "Zoé")
    Stay.objects.create(
        person=same_day,
        unit=world.u1,
        start_date=date(2025, 4, 1),
        end_date=date(2025, 4, 1),
        exit_reason="other",
    )
    assert vacancy_on(world.u1, date(2025, 4, 1))["occupied"] == 2
    UnitCapacity.objects.create(unit=world.u1, capacity=5, valid_from=date(2026, 1, 1))
    assert vacancy_on(world.u1, date(2026, 1, 1))["capacity"] == 5
    assert vacancy_on(world.u1, date(2014, 12, 31))["capacity"] == 0


def test_place_person_refuses_full_unit_overlap_and_scope(world):
    place_person(world.director, person=newcomer(world), unit_id=world.u1.pk, start_date=date(2025, 5, 1))
    third = newcomer(world, "Inès")
    with pytest.raises(Conflict):
        place_person(world.director, person=third, unit_id=world.u1.pk, start_date=date(2025, 6, 1))
    assert not Stay.objects.filter(person=third).exists()
    with pytest.raises(Conflict):
        place_person(
            world.director,
            person=world.child,
            unit_id=world.u1.pk,
            start_date=date(2024, 10, 1),
            end_date=date(2024, 10, 3),
            exit_reason="other",
        )
    with pytest.raises(NotFound):
        place_person(world.outsider, person=third, unit_id=world.u1.pk, start_date=date(2025, 6, 1))
    with pytest.raises(Forbidden):
        place_person(world.quality, person=third, unit_id=world.u1.pk, start_date=date(2025, 6, 1))


@pytest.mark.django_db(transaction=True)
def test_concurrent_placements_take_the_last_place_once(world):
    if connection.vendor != "postgresql":
        pytest.skip("Real concurrent transactions with row locks: PostgreSQL only.")
    candidates = [newcomer(world, "Ana"), newcomer(world, "Bea"), newcomer(world, "Cléa")]
    barrier = threading.Barrier(len(candidates))
    results = []

    def attempt(person):
        try:
            barrier.wait()
            place_person(world.director, person=person, unit_id=world.u1.pk, start_date=date(2025, 9, 1))
            results.append("placed")
        except Conflict:
            results.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(p,)) for p in candidates]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict", "conflict", "placed"]
    assert vacancy_on(world.u1, date(2025, 9, 1))["vacant"] == 0


def test_postgres_exclusion_constraint(world):
    if connection.vendor != "postgresql":
        pytest.skip("The exclusion constraint exists on PostgreSQL only.")
    with pytest.raises(IntegrityError), transaction.atomic():
        Stay.objects.create(person=world.child, unit=world.u1, start_date=date(2025, 1, 1))
