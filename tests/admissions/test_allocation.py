import itertools
import random
from datetime import date

import pytest

from parcours.admissions import selectors, services
from parcours.directory.models import Unit, UnitCapacity
from parcours.people.models import Person, Relationship

ON = date(2026, 12, 1)


def brute_force(options: dict[int, dict[int, float]], vacancies: dict[int, int]):
    """Best (number placed, total score) over every assignment, by exhaustive search."""
    slots = [u for u, n in vacancies.items() for _ in range(n)]
    referrals = list(options)
    best = (0, 0.0)
    for k in range(min(len(referrals), len(slots)), 0, -1):
        for chosen in itertools.combinations(referrals, k):
            for perm in itertools.permutations(slots, k):
                if all(u in options[r] for r, u in zip(chosen, perm, strict=True)):
                    total = round(sum(options[r][u] for r, u in zip(chosen, perm, strict=True)), 2)
                    best = max(best, (k, total))
        if best[0] == k:
            return best
    return best


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_allocation_matches_brute_force(world, seed):
    rng = random.Random(seed)
    units = []
    for i in range(3):
        unit = Unit.objects.create(
            establishment=world.e1,
            name=f"U{i}",
            modality="home_placement",
            public="child_protection",
            age_min=rng.choice([0, 6, 10]),
            age_max=18,
            sex=rng.choice(["any", "any", "f"]),
            opened_on=date(2015, 1, 1),
        )
        UnitCapacity.objects.create(unit=unit, capacity=rng.randint(1, 2), valid_from=date(2015, 1, 1))
        unit.communes_served.add(world.millau) if rng.random() < 0.5 else None
        units.append(unit)
    referral_ids = []
    people = []
    for i in range(5):
        person = Person.objects.create(
            first_name=f"E{i}",
            last_name="Alloc",
            sex=rng.choice(["f", "m"]),
            birth_date=date(2026 - rng.randint(3, 16), 1, 1),
            home_establishment=world.e1,
            commune=world.millau if rng.random() < 0.5 else world.saint_denis,
        )
        people.append(person)
        if i == 1:  # two siblings referred together: the score counts it
            Relationship.objects.create(person=person, relative=people[0], kind="sibling")
            Relationship.objects.create(person=people[0], relative=person, kind="sibling")
        targets = rng.sample([u.pk for u in units], rng.randint(1, 3))
        referral = services.submit_referral(
            world.admin,
            person=person.pk,
            modality="home_placement",
            public="child_protection",
            wished_date=ON,
            reason="r",
            target_units=targets,
        )
        referral_ids.append(referral.pk)
    result = selectors.allocation(world.admin, f"organisation:{world.assoc.pk}", ON)
    vacancies = {u.pk: u.capacity_on(ON) for u in units}
    options = {}
    for rid in referral_ids:
        found = selectors.matches(world.admin, rid, ON, vacancies=vacancies, within=set(vacancies))
        if found:
            options[rid] = {m["unit"]: m["score"] for m in found}
    from parcours.admissions.models import Referral

    waiting = list(Referral.objects.filter(pk__in=referral_ids).order_by("id"))
    assert selectors.batch_options(waiting, units, vacancies, ON) == options  # same scores, in bulk
    expected = brute_force(options, vacancies)
    got = (len(result["assignments"]), round(sum(a["score"] for a in result["assignments"]), 2))
    assert got == expected
    used = {}
    for a in result["assignments"]:
        assert a["unit"] in options[a["referral"]]
        used[a["unit"]] = used.get(a["unit"], 0) + 1
    assert all(n <= vacancies[u] for u, n in used.items())
    assert sorted(result["unplaced"] + [a["referral"] for a in result["assignments"]]) == sorted(referral_ids)


def test_allocation_endpoint_scope(api, world):
    assert (
        api.admin.get(
            "/allocation", {"scope": f"organisation:{world.assoc.pk}", "on": "2026-12-01"}
        ).status_code
        == 200
    )
    assert api.outsider.get("/allocation", {"scope": f"organisation:{world.assoc.pk}"}).status_code == 404
    assert api.partner.get("/allocation", {"scope": f"organisation:{world.assoc.pk}"}).status_code == 403
    bad = api.admin.get("/allocation", {"scope": "unit:1"})
    assert bad.status_code == 422 and bad.data["errors"][0]["field"] == "scope"


def test_national_search_starts_near_home(world):
    """Among hundreds of qualifying units, the units near the family (and those the child knows) come
    first; all of them when none is near or the home is unknown."""
    from parcours.admissions.selectors import _near_first

    far = Unit.objects.create(
        establishment=world.e2, name="Loin", modality="residential", public="child_protection", opened_on=ON
    )
    near = world.u1
    units = Unit.objects.filter(pk__in=[near.pk, far.pk])
    child = Person.objects.create(
        first_name="N", last_name="Près", birth_date=date(2014, 1, 1), sex="m", commune=world.millau
    )
    assert set(_near_first(units, child, set())) == {near.pk}
    assert set(_near_first(units, child, {far.pk})) == {near.pk, far.pk}  # a unit the child or siblings know
    child.commune = None
    assert _near_first(units, child, set()) is None  # home unknown: all the units
    child.commune = world.saint_denis  # near the far one only
    assert _near_first(units.filter(pk=near.pk), child, set()) is None  # nothing near: all
