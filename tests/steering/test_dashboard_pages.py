from django.http import HttpRequest
from django.test import Client

from parcours.access.models import AuditEvent
from tests.conftest import PASSWORD


def client_for(username):
    client = Client()
    assert client.login(request=HttpRequest(), username=username, password=PASSWORD)
    return client


def test_dashboard_figures_trend_comparison_and_drilldown(world):
    director = client_for("directeur")
    page = director.get(
        "/pilotage/", {"perimetre": f"establishment:{world.e1.pk}", "du": "2026-01-01", "au": "2026-06-30"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-figure="occupancy_rate"' in html and "Internat Millau" in html
    assert 'id="trend-data"' in html and "chart.umd.min.js" in html and "<script>" not in html
    # Joël's stay in u1 (2 places) all half-year: 181 of 362 theoretical days → 50 %
    assert 'data-figure="days_realised"' in html and "181" in html and "362" in html
    drill = director.get(
        "/pilotage/detail/",
        {
            "perimetre": f"unit:{world.u1.pk}",
            "indicateur": "active_caseload",
            "du": "2026-01-01",
            "au": "2026-06-30",
        },
    )
    assert drill.status_code == 200 and "DUPONT-MARTIN" in drill.content.decode()
    assert AuditEvent.objects.filter(actor=world.director, details__section="indicator drill-down").exists()
    # outside the scope: 404; a bad date: an error message, not a 500
    assert (
        client_for("educ_e2").get("/pilotage/", {"perimetre": f"establishment:{world.e1.pk}"}).status_code
        == 404
    )
    assert (
        client_for("educ_e2")
        .get("/pilotage/detail/", {"perimetre": f"unit:{world.u1.pk}", "indicateur": "admissions"})
        .status_code
        == 404
    )
    bad = director.get("/pilotage/", {"perimetre": f"unit:{world.u1.pk}", "du": "2026-13-01"})
    assert bad.status_code == 422 and "AAAA-MM-JJ" in bad.content.decode()
    assert director.get("/pilotage/").status_code == 200  # default scope


def test_large_scope_shows_the_first_units_and_every_unit_on_demand(world, monkeypatch):
    from datetime import date

    from parcours.directory.models import Unit, UnitCapacity
    from parcours.steering import views

    for name in ("Unité B", "Unité C"):
        unit = Unit.objects.create(
            establishment=world.e1,
            name=name,
            modality="residential",
            public="child_protection",
            opened_on=date(2015, 1, 1),
        )
        UnitCapacity.objects.create(unit=unit, capacity=4, valid_from=date(2015, 1, 1))
    monkeypatch.setattr(views, "MAX_COMPARED_UNITS", 2)
    director = client_for("directeur")
    scope = {"perimetre": f"establishment:{world.e1.pk}", "du": "2026-01-01", "au": "2026-06-30"}
    html = director.get("/pilotage/", scope).content.decode()
    table = html[html.index('id="units"') :]
    assert table.count("<tr><td>") == 2 and 'id="more-units"' in html and "unites=toutes" in html
    html = director.get("/pilotage/", {**scope, "unites": "toutes"}).content.decode()
    table = html[html.index('id="units"') :]
    assert table.count("<tr><td>") == 3 and 'id="more-units"' not in html
    assert "Internat Millau" in table and "Unité B" in table and "Unité C" in table


def test_scope_selector_leaves_out_hundreds_of_units_but_keeps_the_current_one(world, monkeypatch):
    from parcours.steering import views

    director = client_for("directeur")
    html = director.get("/pilotage/", {"perimetre": f"establishment:{world.e1.pk}"}).content.decode()
    assert f'value="unit:{world.u1.pk}"' in html
    monkeypatch.setattr(views, "MAX_UNIT_OPTIONS", 0)
    html = director.get("/pilotage/", {"perimetre": f"establishment:{world.e1.pk}"}).content.decode()
    assert f'value="unit:{world.u1.pk}"' not in html and f'value="establishment:{world.e1.pk}"' in html
    html = director.get("/pilotage/", {"perimetre": f"unit:{world.u1.pk}"}).content.decode()
    assert f'value="unit:{world.u1.pk}" selected' in html
