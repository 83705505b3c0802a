"""Name search: a page found through the first names in name order is the same page as the full
search's, for every fragment, offset and scope, and the short way is really taken when it can be."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from parcours.access.models import User
from parcours.people import selectors
from parcours.people.models import Person

SURNAMES = ["Martin", "Bernard", "Lefèvre", "Marchand", "Abadie", "Zébulon", "Dumas", "Marin"]
FIRST_NAMES = ["Marie", "Jean", "Amara", "Lucas", "Émeline"]


@pytest.fixture
def crowd(world):
    persons = []
    for i in range(60):
        persons.append(
            Person.objects.create(
                first_name=FIRST_NAMES[i % len(FIRST_NAMES)],
                last_name=SURNAMES[(i * 7) % len(SURNAMES)],
                birth_date=date(2010, 1, 1 + i % 28),
                sex="f" if i % 2 else "m",
                home_establishment=world.e1 if i % 3 else world.e2,
            )
        )
    Person.objects.filter(pk=persons[1].pk).update(merged_into=persons[2])
    Person.objects.filter(pk__in=[persons[4].pk, persons[5].pk]).update(archived_at=timezone.now())
    return persons


def full(user, query, limit, offset, include_archived=True):
    return list(
        selectors.search_persons(user, query, include_archived=include_archived)[offset : offset + limit]
    )


@pytest.mark.parametrize("head", [5, 25, 1000])
def test_page_equals_the_full_search(world, crowd, monkeypatch, head):
    monkeypatch.setattr(selectors, "SEARCH_HEAD", head)
    superuser = User.objects.create_superuser("root", "root@example.org", "x")
    for user in (superuser, world.admin, world.director, world.outsider, world.partner):
        for query in ("mar", "MAR", "lef", "ber", "a", "jean mar", "zz", "émeline", "dupont"):
            for limit, offset in ((5, 0), (5, 5), (20, 3), (100, 0)):
                for include_archived in (True, False):
                    expected = full(user, query, limit, offset, include_archived)
                    got = selectors.search_page(user, query, limit, offset, include_archived=include_archived)
                    assert got == expected, (user.username, query, limit, offset, include_archived)


def test_frequent_fragment_answered_from_the_head(world, crowd, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_HEAD", 1000)
    user = User.objects.create_superuser("root", "root@example.org", "x")
    with CaptureQueriesContext(connection) as ctx:
        page = selectors.search_page(user, "mar", 5)
    assert len(page) == 5 and len(ctx.captured_queries) == 1  # the head held the page
    assert [p.last_name for p in page] == sorted(p.last_name for p in page)
    monkeypatch.setattr(selectors, "SEARCH_HEAD", 2)
    with CaptureQueriesContext(connection) as ctx:
        assert selectors.search_page(user, "mar", 5) == page
    assert len(ctx.captured_queries) == 2  # too few names looked at first: the full search answered
