"""figures(start, end, establishment_ids): exact counts on hand-built data, both ends of the period
included (local dates), with aggregate queries only."""

from datetime import date, datetime, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from parcours.steering.incidents.choices import Authority, Category
from parcours.steering.incidents.models import Incident
from parcours.steering.incidents.selectors import figures

pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 12):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def make(establishment, day, category="", serious=False, hour=12):
    moment = at(day, hour)
    return Incident.objects.create(
        establishment=establishment,
        occurred_at=moment,
        discovered_at=moment,
        description="x",
        category=category,
        serious=serious,
        authority=Authority.DEPARTEMENT,
    )


def test_exact_counts(world):
    e1, e2 = world.e1, world.e2
    make(e1, date(2025, 1, 1), "violence", hour=0)  # first day, just after midnight local time
    make(e1, date(2025, 3, 15), "violence", serious=True)
    make(e1, date(2025, 6, 30), "abuse", serious=True, hour=23)  # last day, late evening
    make(e1, date(2025, 4, 2))  # not classified yet
    make(e2, date(2025, 5, 5), "disappearance", serious=True)
    make(e1, date(2024, 12, 31), "violence", hour=23)  # the day before
    make(e1, date(2025, 7, 1), "violence", hour=0)  # the day after

    with CaptureQueriesContext(connection) as queries:
        out = figures(date(2025, 1, 1), date(2025, 6, 30), {e1.pk})
    assert len(queries) == 2
    assert out["incidents"] == 4
    assert out["serious_incidents"] == 2
    by_category = out["incidents_by_category"]
    assert set(by_category) == set(Category.values) | {"unclassified"}
    assert by_category["violence"] == 2 and by_category["abuse"] == 1 and by_category["unclassified"] == 1
    assert sum(by_category.values()) == 4

    everything = figures(date(2025, 1, 1), date(2025, 6, 30), None)
    assert (everything["incidents"], everything["serious_incidents"]) == (5, 3)
    assert everything["incidents_by_category"]["disappearance"] == 1

    both = figures(date(2025, 1, 1), date(2025, 6, 30), {e1.pk, e2.pk})
    assert both["incidents"] == 5
    assert figures(date(2025, 1, 1), date(2025, 6, 30), set())["incidents"] == 0
    one_day = figures(date(2025, 7, 1), date(2025, 7, 1), None)
    assert one_day == {
        "incidents": 1,
        "serious_incidents": 0,
        "incidents_by_category": {**{c: 0 for c in Category.values}, "unclassified": 0, "violence": 1},
    }
