"""The per-unit-per-month (and per-year) day counts that PostgreSQL keeps up to date on every write of
a stay: after inserts, updates, moves, closings and deletions — single or in bulk — the tables equal
a rebuild from the stays; the horizon follows the calendar; period figures assembled from whole
years, whole months and live edges equal the days counted stay by stay in Python."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from parcours.core.dates import add_months, today
from parcours.directory.models import Unit, UnitCapacity
from parcours.pathways.models import Stay
from parcours.people.models import Person
from parcours.steering import indicators, unit_months

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the day-count tables are kept by PostgreSQL triggers"
)


def snapshot() -> tuple[set, set]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT unit_id, month, stay_days, admissions, exits FROM steering_unitmonth"
            " WHERE (stay_days, admissions, exits) <> (0, 0, 0)"
        )
        months = set(cursor.fetchall())
        cursor.execute(
            "SELECT unit_id, year, stay_days, admissions, exits FROM steering_unityear"
            " WHERE (stay_days, admissions, exits) <> (0, 0, 0)"
        )
        years = set(cursor.fetchall())
        cursor.execute("SELECT year, person_id, unit_id, first FROM steering_personunityear")
        persons = set(cursor.fetchall())
    return months, years, persons


def assert_equals_rebuild():
    kept = snapshot()
    unit_months.rebuild()
    assert snapshot() == kept


def python_persons(units, start: date, end: date) -> int:
    """Distinct persons with a day in the units during [start, end], stay by stay."""
    persons = set()
    for s in Stay.objects.filter(unit__in=units):
        stop = s.start_date + timedelta(days=1) if s.end_date == s.start_date else s.end_date
        stop = stop or min(end, today()) + timedelta(days=1)
        if min(stop, end + timedelta(days=1)) > max(s.start_date, start):
            persons.add(s.person_id)
    return len(persons)


def python_days(units, start: date, end: date) -> int:
    """Days of the stays in [start, end] counted one by one (entry counted, exit not, a same-day stay
    counts one, an open stay runs until today)."""
    total = 0
    for s in Stay.objects.filter(unit__in=units):
        stop = s.end_date if s.end_date and s.end_date != s.start_date else None
        if s.end_date == s.start_date:
            stop = s.start_date + timedelta(days=1)
        if stop is None:
            stop = min(end, today()) + timedelta(days=1)
        total += max((min(stop, end + timedelta(days=1)) - max(s.start_date, start)).days, 0)
    return total


@pytest.fixture
def units(world):
    second = Unit.objects.create(
        establishment=world.e1,
        name="Accueil de jour",
        modality="day_care",
        public="child_protection",
        opened_on=date(2015, 1, 1),
    )
    UnitCapacity.objects.create(unit=second, capacity=30, valid_from=date(2015, 1, 1))
    return [world.u1, second]


def random_stays(units, n, rng):
    horizon_end = today() + timedelta(days=60)
    for i in range(n):
        person = Person.objects.create(first_name=f"P{i}", last_name="Test", birth_date=date(2010, 1, 1))
        start = date(2021, 1, 1) + timedelta(days=rng.randrange((horizon_end - date(2021, 1, 1)).days))
        kind = rng.random()
        if kind < 0.3:
            end = None
        elif kind < 0.4:
            end = start  # same day
        else:
            end = start + timedelta(days=rng.randrange(1, 800))
        Stay.objects.create(
            person=person,
            unit=rng.choice(units),
            start_date=start,
            end_date=end,
            exit_reason="other" if end else "",
        )


def test_writes_keep_the_tables_equal_to_a_rebuild(units):
    rng = random.Random(7)
    unit_months.build()  # the horizon exists: from now on every write goes through the triggers
    random_stays(units, 40, rng)
    assert_equals_rebuild()
    stays = list(Stay.objects.filter(unit__in=units).order_by("id"))
    # close an open stay, reopen a closed one, move one to the other unit, shift one, delete one
    opened = next(s for s in stays if s.end_date is None)
    opened.end_date, opened.exit_reason = opened.start_date + timedelta(days=45), "other"
    opened.save()
    closed = next(s for s in stays if s.end_date and s.end_date > s.start_date and s.pk != opened.pk)
    Stay.objects.filter(pk=closed.pk).update(end_date=None, exit_reason="")
    moved = stays[5]
    Stay.objects.filter(pk=moved.pk).update(unit=units[1] if moved.unit_id == units[0].pk else units[0])
    Stay.objects.filter(pk=stays[6].pk).update(start_date=stays[6].start_date - timedelta(days=40))
    stays[7].delete()
    assert_equals_rebuild()
    # one statement touching many rows, then deleting many
    Stay.objects.filter(unit=units[1], end_date__isnull=False).update(end_date=models_end_plus(3))
    assert_equals_rebuild()
    Stay.objects.filter(unit=units[0], start_date__year=2023).delete()
    assert_equals_rebuild()


def models_end_plus(days):
    from django.db.models import F

    return F("end_date") + timedelta(days=days)


def test_the_horizon_follows_the_calendar_and_catches_up(units):
    rng = random.Random(11)
    random_stays(units, 30, rng)
    assert unit_months.horizon() == unit_months.target_month()
    full = snapshot()
    # as if the figures had last been built 14 months ago: the next read extends them
    earlier = add_months(unit_months.target_month(), -14)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM steering_unitmonth WHERE month > %s", [earlier])
        incomplete = date(earlier.year + (earlier.month == 12), 1, 1)  # the first year not complete then
        cursor.execute("DELETE FROM steering_unityear WHERE year >= %s", [incomplete])
        cursor.execute("DELETE FROM steering_personunityear WHERE year >= %s", [incomplete])
        cursor.execute("UPDATE steering_unitmonthhorizon SET month = %s", [earlier])
    assert unit_months.horizon() == unit_months.target_month()
    assert snapshot() == full


@pytest.mark.parametrize(
    "start, end",
    [
        (date(2023, 1, 1), date(2023, 12, 31)),  # one whole year
        (date(2022, 3, 17), date(2024, 8, 9)),  # edges, whole months, a whole year
        (date(2024, 2, 10), date(2024, 2, 20)),  # within one month
        (date(2022, 1, 1), None),  # up to today: the current month is live
        (date(2021, 12, 31), date(2025, 1, 1)),
    ],
)
def test_period_days_from_years_months_and_edges_equal_the_stays(units, start, end):
    random_stays(units, 60, random.Random(3))
    end = end or today()
    split = unit_months.split(start, end)
    # the parts cover the period exactly once: years, months and live ranges side by side
    parts = [*split.live, *((a, add_months(b, 1) - timedelta(days=1)) for a, b in split.months)]
    if split.years:
        parts.append((split.years[0], date(split.years[1].year, 12, 31)))
    parts.sort()
    assert parts[0][0] == start and parts[-1][1] == end
    assert all(b + timedelta(days=1) == a2 for (_, b), (a2, _) in zip(parts, parts[1:], strict=False))
    unit_set = indicators.UnitSet.of(Unit.objects.filter(pk__in=[u.pk for u in units]))
    figures = indicators.days(unit_set, start, end, with_caseload=True)
    assert figures["days_realised"] == Decimal(python_days(units, start, end))
    assert figures["active_caseload"] == python_persons(units, start, end)
    per_unit = indicators.by_unit(unit_set, start, end)
    for unit in units:
        assert per_unit[unit.pk]["days_realised"] == Decimal(python_days([unit], start, end))


def test_file_active_of_a_kept_year_for_small_and_large_scopes(world, units):
    """A year's file active counted from the person-year rows: a scope of one unit (its own rows), of
    all units but one (everybody minus those seen only outside), of every unit — with persons moving
    between units during the year."""
    rng = random.Random(5)
    random_stays(units, 50, rng)
    for person in Person.objects.filter(stays__unit=units[0], stays__end_date__year=2023)[:10]:
        last = person.stays.order_by("-start_date").first()
        if last.end_date and not Stay.objects.filter(person=person, unit=units[1]).exists():
            Stay.objects.create(person=person, unit=units[1], start_date=last.end_date)
    for i in range(3):  # persons seen only in a unit outside the large scopes
        only = Person.objects.create(first_name=f"O{i}", last_name="Test", birth_date=date(2012, 1, 1))
        Stay.objects.create(person=only, unit=world.u2, start_date=date(2023, 3 + i, 1))
    for stay in Stay.objects.filter(unit=units[0], start_date__year=2023, end_date__isnull=False)[:4]:
        Stay.objects.create(person=stay.person, unit=world.u2, start_date=stay.end_date)
    extra = Unit.objects.create(
        establishment=world.e2, name="Autre", modality="residential", public="child_protection"
    )
    year = (date(2023, 1, 1), date(2023, 12, 31))
    assert unit_months.complete_year(*year) == date(2023, 1, 1)
    scopes = ([units[0]], [world.u2], units, [*units, extra], [*units, world.u2], list(Unit.objects.all()))
    for scope in scopes:
        unit_set = indicators.UnitSet.of(Unit.objects.filter(pk__in=[u.pk for u in scope]))
        assert indicators.file_active(unit_set, *year) == python_persons(scope, *year), scope


def test_figures_command_rebuilds_what_the_triggers_keep(units, capsys):
    from django.core.management import call_command

    random_stays(units, 20, random.Random(9))
    unit_months.build()
    kept = snapshot()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE steering_unitmonth SET stay_days = stay_days + 1")  # damaged
    call_command("figures", "--rebuild")
    assert snapshot() == kept
    assert f"{unit_months.target_month():%m/%Y}" in capsys.readouterr().out


def test_monthly_file_active_counts_a_person_present_twice_once(units):
    """A kept month's file active is the stays present minus the persons' extra stays: transfers
    within a month and two stays at once (residential and day care) still count one person."""
    rng = random.Random(13)
    random_stays(units, 30, rng)
    for i in range(4):  # moves from one unit to the other mid-month
        person = Person.objects.create(first_name=f"T{i}", last_name="Test", birth_date=date(2011, 1, 1))
        Stay.objects.create(
            person=person,
            unit=units[0],
            start_date=date(2023, 2, 3),
            end_date=date(2023, 5, 10 + i),
            exit_reason="other",
        )
        Stay.objects.create(person=person, unit=units[1], start_date=date(2023, 5, 10 + i))
    both = Person.objects.create(first_name="Both", last_name="Test", birth_date=date(2011, 1, 1))
    Stay.objects.create(
        person=both,
        unit=units[0],
        start_date=date(2023, 3, 1),
        end_date=date(2023, 3, 5),
        exit_reason="other",
    )
    Stay.objects.create(
        person=both,
        unit=units[0],
        start_date=date(2023, 3, 20),
        end_date=date(2023, 9, 1),
        exit_reason="other",
    )
    Stay.objects.create(person=both, unit=units[1], start_date=date(2023, 4, 1))
    unit_set = indicators.UnitSet.of(Unit.objects.filter(pk__in=[u.pk for u in units]))
    start, end = date(2023, 1, 1), date(2023, 12, 31)
    month_starts = [date(2023, m, 1) for m in range(1, 13)]
    month_ends = [add_months(m, 1) - timedelta(days=1) for m in month_starts]
    rows = indicators.monthly(unit_set, start, end)
    assert [r["active_caseload"] for r in rows] == [
        python_persons(units, a, b) for a, b in zip(month_starts, month_ends, strict=True)
    ]
    per_unit = indicators.monthly_by_unit(unit_set, start, end, caseload=True)
    for unit in units:
        assert [r["active_caseload"] for r in per_unit[unit.pk]] == [
            python_persons([unit], a, b) for a, b in zip(month_starts, month_ends, strict=True)
        ]
