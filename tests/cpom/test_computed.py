"""A CPOM indicator bound to a computed indicator answers, for each year, exactly what
GET /api/v1/indicators answers for the same scope and year (to today for the current year); a year
to come has no actual; only a reader of the organisation's CPOM gets its figures."""

from datetime import date
from decimal import Decimal

import pytest

from parcours.core.dates import today
from parcours.directory.models import Establishment, Unit, UnitCapacity
from parcours.pathways.models import Stay
from parcours.people.models import Person
from parcours.steering.cpom.selectors import status


@pytest.fixture
def site(world):
    """A home of the association with a residential unit of 4 places and stays last year and this year."""
    this = today().year
    last = this - 1
    e3 = Establishment.objects.create(
        organisation=world.assoc,
        name="Foyer Ségur",
        finess_et="120000009",
        category="177",
        commune=world.millau,
    )
    unit = Unit.objects.create(
        establishment=e3,
        name="Internat Ségur",
        modality="residential",
        public="child_protection",
        opened_on=date(last - 1, 1, 1),
    )
    UnitCapacity.objects.create(unit=unit, capacity=4, valid_from=date(last - 1, 1, 1))
    people = [
        Person.objects.create(
            first_name=n, last_name="Test", birth_date=date(2012, 1, 1), sex="f", home_establishment=e3
        )
        for n in ("Ana", "Bea", "Cid")
    ]
    Stay.objects.create(person=people[0], unit=unit, start_date=date(last, 3, 1), end_date=date(last, 9, 1))
    Stay.objects.create(person=people[1], unit=unit, start_date=date(last, 6, 15))
    Stay.objects.create(person=people[2], unit=unit, start_date=date(this, 1, 10), end_date=date(this, 2, 1))
    return type("Site", (), {"e3": e3, "unit": unit, "this": this, "last": last})


def test_computed_actuals_equal_the_indicators_endpoint(api, world, site):
    start = site.last - 1
    cpom = api.admin.post(
        "/cpoms", {"organisation": world.assoc.pk, "title": "CPOM", "start_year": start}
    ).data
    objective = api.admin.post(f"/cpoms/{cpom['id']}/objectives", {"title": "Offre"}).data
    action = api.admin.post(
        f"/cpom-objectives/{objective['id']}/actions", {"number": "1.2", "title": "Internat"}
    ).data
    occupancy = api.admin.post(
        f"/cpom-actions/{action['id']}/indicators",
        {
            "label": "Taux d'activité de l'internat",
            "source": "computed",
            "key": "occupancy_rate",
            "scope": f"unit:{site.unit.pk}",
            "direction": "at_least",
            "targets": {str(site.last): 0.95, str(site.this): 0.5},
        },
    )
    assert occupancy.status_code == 201, occupancy.data
    caseload = api.admin.post(
        f"/cpom-actions/{action['id']}/indicators",
        {
            "label": "Nombre de jeunes accueillis",
            "source": "computed",
            "key": "active_caseload",
            "related_keys": ["admissions", "average_length_of_stay"],
            "scope": f"establishment:{site.e3.pk}",
        },
    ).data
    dashboard = api.admin.get(f"/cpoms/{cpom['id']}/dashboard")
    assert dashboard.status_code == 200, dashboard.data
    rows = {row["id"]: row for row in dashboard.data["indicators"]}
    periods = {
        site.last: (date(site.last, 1, 1), date(site.last, 12, 31)),
        site.this: (date(site.this, 1, 1), today()),
    }
    for year, (first, last) in periods.items():
        figures = api.admin.get(
            "/indicators",
            {"scope": f"unit:{site.unit.pk}", "from": first.isoformat(), "to": last.isoformat()},
        ).data
        cell = next(c for c in rows[occupancy.data["id"]]["years"] if c["year"] == year)
        assert Decimal(cell["actual"]) == Decimal(figures["occupancy_rate"])
        assert cell["status"] == status(cell["target"], figures["occupancy_rate"], "at_least")
        est = api.admin.get(
            "/indicators",
            {"scope": f"establishment:{site.e3.pk}", "from": first.isoformat(), "to": last.isoformat()},
        ).data
        cell = next(c for c in rows[caseload["id"]]["years"] if c["year"] == year)
        assert Decimal(cell["actual"]) == est["active_caseload"]
        assert Decimal(cell["related"]["admissions"]) == est["admissions"]
        related_length = cell["related"]["average_length_of_stay"]
        assert (related_length is None) == (est["average_length_of_stay"] is None)
        if related_length is not None:
            assert Decimal(related_length) == Decimal(est["average_length_of_stay"])
        assert cell["status"] is None  # no target
    # the year before: nobody yet; last year 2 persons; this year 2 (Bea still there, Cid)
    last_cell = next(c for c in rows[caseload["id"]]["years"] if c["year"] == site.last)
    assert last_cell["actual"] == "2"
    occupancy_last = next(c for c in rows[occupancy.data["id"]]["years"] if c["year"] == site.last)
    assert Decimal(occupancy_last["actual"]) > 0
    assert occupancy_last["status"] == "red"  # far below 95 %
    future = next(c for c in rows[occupancy.data["id"]]["years"] if c["year"] == site.this + 1)
    assert future["actual"] is None and future["status"] is None and future["note"] == "Année à venir"


def test_the_home_staff_read_their_figures_not_the_cpom(api, world, site):
    """A CPOM is read through a membership on its organisation, which covers every scope of its
    indicators: the readers get every figure. The staff of one home of the association read their
    unit's figures, not the association's CPOM (404)."""
    from parcours.access.services import issue_token
    from tests.api.conftest import ApiClient
    from tests.conftest import make_user

    cpom = api.admin.post(
        "/cpoms", {"organisation": world.assoc.pk, "title": "CPOM", "start_year": site.last}
    ).data
    objective = api.admin.post(f"/cpoms/{cpom['id']}/objectives", {"title": "Offre"}).data
    api.admin.post(
        f"/cpom-objectives/{objective['id']}/indicators",
        {
            "label": "Occupation",
            "source": "computed",
            "key": "occupancy_rate",
            "scope": f"unit:{site.unit.pk}",
        },
    )
    home = ApiClient(issue_token(make_user("educ_segur", "educator", site.e3)))
    assert home.get("/indicators", {"scope": f"unit:{site.unit.pk}"}).status_code == 200
    assert home.get(f"/cpoms/{cpom['id']}/dashboard").status_code == 404
    cell = api.educator.get(f"/cpoms/{cpom['id']}/dashboard").data["indicators"][0]["years"][0]
    assert cell["actual"] is not None and cell["note"] == ""
    admin_cell = api.admin.get(f"/cpoms/{cpom['id']}/dashboard").data["indicators"][0]["years"][0]
    assert admin_cell["actual"] == cell["actual"]


def test_manual_indicators_status_on_the_dashboard(api, world):
    cpom = api.director.post(
        "/cpoms", {"organisation": world.assoc.pk, "title": "CPOM", "start_year": 2024}
    ).data
    objective = api.director.post(f"/cpoms/{cpom['id']}/objectives", {"title": "RH"}).data
    action = api.director.post(
        f"/cpom-objectives/{objective['id']}/actions", {"number": "1", "title": "Masse salariale"}
    ).data
    hours = api.director.post(
        f"/cpom-actions/{action['id']}/indicators",
        {
            "label": "Heures supplémentaires",
            "direction": "at_most",
            "targets": {"2024": 1200, "2025": 1000, "2026": 900},
        },
    ).data
    meetings = api.director.post(
        f"/cpom-actions/{action['id']}/indicators", {"label": "Réunions", "targets": {"2024": 4, "2025": 4}}
    ).data
    for indicator, year, value in [
        (hours, 2024, 1250),
        (hours, 2025, 960),
        (hours, 2026, 1000),
        (meetings, 2024, 2),
        (meetings, 2025, 4),
    ]:
        assert (
            api.director.put(
                f"/cpom-indicators/{indicator['id']}/values/{year}", {"value": value}
            ).status_code
            == 200
        )
    data = api.quality.get(f"/cpoms/{cpom['id']}/dashboard").data
    got = {(row["label"], c["year"]): c["status"] for row in data["indicators"] for c in row["years"]}
    assert got[("Heures supplémentaires", 2024)] == "amber"  # 1 250 for at most 1 200: within 10 %
    assert got[("Heures supplémentaires", 2025)] == "green"
    assert got[("Heures supplémentaires", 2026)] == "red"  # 1 000 for at most 900: 11 % over
    assert got[("Heures supplémentaires", 2027)] is None
    assert got[("Réunions", 2024)] == "red"
    assert got[("Réunions", 2025)] == "green"  # no direction: at least the target
    assert data["summary"] == {"green": 2, "amber": 1, "red": 2}
