"""Every indicator formula of DOMAIN.md on hand-built data, with the exact expected figures: a
capacity change within the period, a leap year, a same-day stay, an open stay, a unit open 210 days
a year, a period across two years; the waiting list at a date; ruptures; scope and drill-down."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from parcours.access.models import AuditEvent
from parcours.admissions.models import Decision, Referral
from parcours.core.dates import today
from parcours.directory.models import Establishment, Unit, UnitCapacity
from parcours.pathways.models import Stay
from parcours.people.models import Measure, Person
from tests.api.conftest import fields_of


def person(name, birth=date(2010, 1, 1)):
    return Person.objects.create(first_name=name, last_name="Test", birth_date=birth, sex="f")


@pytest.fixture
def site(world):
    """Establishment e3 of the association: a residential unit A (10 places, 12 from 1 March 2024)
    and a SESSAD unit B open 210 days a year (14 places)."""
    e3 = Establishment.objects.create(
        organisation=world.assoc,
        name="Foyer des Tests",
        finess_et="120000003",
        category="177",
        commune=world.millau,
    )
    a = Unit.objects.create(
        establishment=e3,
        name="Internat A",
        modality="residential",
        public="child_protection",
        opened_on=date(2020, 1, 1),
    )
    UnitCapacity.objects.create(unit=a, capacity=10, valid_from=date(2020, 1, 1))
    UnitCapacity.objects.create(unit=a, capacity=12, valid_from=date(2024, 3, 1))
    b = Unit.objects.create(
        establishment=e3,
        name="SESSAD B",
        modality="ambulatory",
        public="disability",
        opening_days=210,
        opened_on=date(2020, 1, 1),
    )
    UnitCapacity.objects.create(unit=b, capacity=14, valid_from=date(2020, 1, 1))
    p1, p2, p3, p4 = person("Anna"), person("Bruno"), person("Chloé"), person("David")
    Stay.objects.create(
        person=p1, unit=a, start_date=date(2023, 12, 15), end_date=date(2024, 1, 10)
    )  # 9 days in 2024
    Stay.objects.create(
        person=p2, unit=a, start_date=date(2024, 2, 28), end_date=date(2024, 3, 2)
    )  # 28, 29 Feb, 1 Mar
    Stay.objects.create(
        person=p3, unit=a, start_date=date(2024, 6, 1), end_date=date(2024, 6, 1)
    )  # same day: 1
    Stay.objects.create(
        person=p1, unit=a, start_date=date(2024, 11, 1), emergency=True
    )  # open: 61 days in 2024
    Stay.objects.create(person=p4, unit=b, start_date=date(2024, 7, 1), end_date=date(2024, 9, 1))  # 62 days
    return type("Site", (), {"e3": e3, "a": a, "b": b, "p1": p1, "p2": p2, "p3": p3, "p4": p4})


def get(api, scope, start, end, client=None):
    response = (client or api.admin).get("/indicators", {"scope": scope, "from": start, "to": end})
    assert response.status_code == 200, response.data
    return response.data


def test_residential_unit_in_a_leap_year_with_a_capacity_change(api, site):
    data = get(api, f"unit:{site.a.pk}", "2024-01-01", "2024-12-31")
    assert Decimal(data["days_theoretical"]) == Decimal("4272.00")  # 10 × 60 days + 12 × 306 days
    assert Decimal(data["days_realised"]) == Decimal("74.00")  # 9 + 3 + 1 + 61
    assert Decimal(data["occupancy_rate"]) == Decimal("0.0173")
    assert data["active_caseload"] == 3  # Anna twice counts once
    assert data["admissions"] == 3 and data["exits"] == 3
    assert Decimal(data["average_length_of_stay"]) == Decimal("10.00")  # (26 + 3 + 1) / 3
    assert data["emergency_admissions"] == 1


def test_unit_open_210_days_is_weighted(api, site):
    data = get(api, f"unit:{site.b.pk}", "2024-01-01", "2024-12-31")
    assert Decimal(data["days_theoretical"]) == Decimal("2940.00")  # 14 × 366 × 210/366
    assert Decimal(data["days_realised"]) == Decimal("35.57")  # 62 × 210/366
    # across two years: each year weighs by its own length (2023: 365 days, 2024: 366)
    data = get(api, f"unit:{site.b.pk}", "2023-07-01", "2024-06-30")
    assert Decimal(data["days_theoretical"]) == Decimal("2944.05")  # 14 × (184 × 210/365 + 182 × 210/366)


def test_establishment_adds_its_units(api, site):
    data = get(api, f"establishment:{site.e3.pk}", "2024-01-01", "2024-12-31")
    assert Decimal(data["days_theoretical"]) == Decimal("7212.00")
    assert Decimal(data["days_realised"]) == Decimal("109.57")
    assert data["active_caseload"] == 4


def test_open_stay_runs_until_today(api, site):
    day = today()
    Stay.objects.create(person=person("Emma"), unit=site.a, start_date=day - timedelta(days=10))
    data = get(
        api,
        f"unit:{site.a.pk}",
        (day - timedelta(days=30)).isoformat(),
        (day + timedelta(days=30)).isoformat(),
    )
    anna_days = 31  # Anna's stay since 1 November 2024 is still open: the 31 days of the period up to today
    assert Decimal(data["days_realised"]) == Decimal(11 + anna_days)


def test_referrals_waiting_list_and_waiting_times(api, world, site):
    def referral(name, received, emergency=False, status="received", closed_on=None):
        r = Referral.objects.create(
            person=person(name),
            modality="residential",
            public="child_protection",
            wished_date=received,
            reason="x",
            received_on=received,
            emergency=emergency,
            status=status,
            closed_on=closed_on,
        )
        r.target_units.set([site.a])
        return r

    admitted = referral("Admise", date(2024, 3, 1), emergency=True, status="admitted")
    Decision.objects.create(referral=admitted, unit=site.a, decision="accepted", decided_on=date(2024, 3, 11))
    stay = Stay.objects.create(person=admitted.person, unit=site.a, start_date=date(2024, 4, 10))
    admitted.stay = stay
    admitted.save()
    waiting = referral("Attend", date(2024, 5, 1), status="waiting_list")
    Decision.objects.create(
        referral=waiting, unit=site.a, decision="waiting_list", decided_on=date(2024, 5, 20)
    )
    withdrawn = referral("Retirée", date(2024, 5, 2), status="withdrawn", closed_on=date(2024, 8, 1))
    Decision.objects.create(
        referral=withdrawn, unit=site.a, decision="waiting_list", decided_on=date(2024, 5, 21)
    )
    referral("Urgence", date(2024, 7, 1), emergency=True)
    referral("Hors période", date(2023, 7, 1))
    data = get(api, f"unit:{site.a.pk}", "2024-01-01", "2024-06-30")
    assert data["referrals_received"] == 3 and data["emergency_requests"] == 1  # July's is outside
    # at 30 June: the waiting one and the one withdrawn later; the admitted one has left the list
    assert data["waiting_list_size"] == 2
    assert Decimal(data["average_waiting_days"]) == Decimal("30.00")  # 11 March → 10 April
    assert Decimal(data["average_days_referral_to_admission"]) == Decimal("40.00")
    assert data["emergency_admissions"] == 1  # the stay came from an emergency referral
    assert get(api, f"unit:{site.a.pk}", "2024-01-01", "2024-08-31")["waiting_list_size"] == 1
    assert get(api, f"unit:{site.a.pk}", "2024-01-01", "2024-03-31")["waiting_list_size"] == 1


def test_ruptures(api, site):
    # a gap between two stays while a judicial placement runs, dated at the first exit (in 2024)
    Measure.objects.create(person=site.p2, kind="judicial_placement", start_date=date(2024, 1, 1))
    Stay.objects.create(person=site.p2, unit=site.a, start_date=date(2024, 3, 20), end_date=date(2024, 4, 1))
    # an exit without solution
    Stay.objects.filter(person=site.p3).update(exit_reason="no_solution")
    # a referral refused everywhere, no other referral open
    refused = Referral.objects.create(
        person=site.p4,
        modality="residential",
        public="child_protection",
        wished_date=date(2024, 5, 1),
        reason="x",
        received_on=date(2024, 5, 1),
        status="refused",
        closed_on=date(2024, 5, 15),
    )
    refused.target_units.set([site.a])
    assert get(api, f"unit:{site.a.pk}", "2024-01-01", "2024-12-31")["ruptures"] == 3
    assert get(api, f"unit:{site.a.pk}", "2024-04-01", "2024-12-31")["ruptures"] == 2


def test_trend_and_comparison(api, site):
    months = api.admin.get(
        "/indicators/trend",
        {"scope": f"establishment:{site.e3.pk}", "from": "2024-01-01", "to": "2024-03-31"},
    ).data
    assert [m["month"] for m in months] == ["2024-01", "2024-02", "2024-03"]
    assert months[1]["admissions"] == 1 and months[2]["exits"] == 1
    rows = {
        r["name"]: r
        for r in api.admin.get(
            "/indicators/units",
            {"scope": f"establishment:{site.e3.pk}", "from": "2024-01-01", "to": "2024-12-31"},
        ).data
    }
    assert Decimal(rows["Internat A"]["days_theoretical"]) == Decimal("4272.00")
    assert Decimal(rows["SESSAD B"]["days_realised"]) == Decimal("35.57")
    assert Decimal(rows["Internat A"]["occupancy_rate"]) == Decimal("0.0173")


def test_scope_bad_input_and_drilldown(api, world, site):
    assert api.outsider.get("/indicators", {"scope": f"establishment:{site.e3.pk}"}).status_code == 404
    assert api.partner.get("/indicators", {"scope": f"unit:{site.a.pk}"}).status_code == 404
    assert (
        api.director.get("/indicators", {"scope": f"unit:{site.a.pk}"}).status_code == 404
    )  # director of e1 only
    bad = api.admin.get("/indicators", {"scope": "planet:1"})
    assert bad.status_code == 422 and "scope" in fields_of(bad)
    bad = api.admin.get(
        "/indicators", {"scope": f"unit:{site.a.pk}", "from": "2024-02-01", "to": "2024-01-01"}
    )
    assert bad.status_code == 422 and "to" in fields_of(bad)
    drill = api.admin.get(
        "/indicators/drilldown",
        {"scope": f"unit:{site.a.pk}", "figure": "admissions", "from": "2024-01-01", "to": "2024-12-31"},
    ).data
    assert drill["count"] == 3 and {r["person"] for r in drill["items"]} == {
        site.p1.pk,
        site.p2.pk,
        site.p3.pk,
    }
    assert AuditEvent.objects.filter(actor=world.admin, details__section="indicator drill-down").exists()
    assert (
        api.outsider.get(
            "/indicators/drilldown", {"scope": f"unit:{site.a.pk}", "figure": "admissions"}
        ).status_code
        == 404
    )
    assert (
        api.admin.get("/indicators/drilldown", {"scope": f"unit:{site.a.pk}", "figure": "x"}).status_code
        == 422
    )


def test_monthly_figures_equal_the_indicator_set_of_each_month(api, site):
    """The trend (one grouped query for all months) agrees with the indicator set month by month."""
    from parcours.steering import indicators

    Stay.objects.create(person=person("Flore"), unit=site.b, start_date=date(2024, 12, 20))
    units = indicators.UnitSet.of(Unit.objects.filter(establishment=site.e3))
    months = indicators.monthly(units, date(2024, 1, 1), date(2024, 12, 31))
    assert len(months) == 12
    for index, row in enumerate(months):
        a = date(2024, index + 1, 1)
        b = date(2024 + (index == 11), (index + 1) % 12 + 1, 1) - timedelta(days=1)
        one = indicators.activity(units, a, b)
        assert row["occupancy_rate"] == one["occupancy_rate"], row["month"]
        assert (row["active_caseload"], row["admissions"], row["exits"], row["waiting_list_size"]) == (
            one["active_caseload"],
            one["admissions"],
            one["exits"],
            one["waiting_list_size"],
        ), row["month"]
    per_unit = indicators.monthly_by_unit(units, date(2024, 1, 1), date(2024, 12, 31), caseload=True)
    assert [m["month"] for m in per_unit[site.a.pk]][:2] == ["2024-01", "2024-02"]
    assert per_unit[site.b.pk][6]["days_realised"] == Decimal("17.79")  # 31 days of July × 210/366
