"""demo_cpom enters the whole CPOM of the seed document through the services: 4 strategic
objectives, 9 actions with their fields and calendar, 58 stages with the planned years of the
'programmation prévisionnelle' tables, the 46 indicators of the action sheets (the ones the platform
computes bound to the scope given) plus the adverse events followed for the quality objective."""

from collections import Counter

import pytest

from parcours.access.models import AuditEvent
from parcours.steering.cpom.demo import demo_cpom, seed_data
from parcours.steering.cpom.models import CpomAction, CpomIndicator, IndicatorValue, Stage, StrategicObjective


@pytest.fixture
def demo(world):
    return demo_cpom(world.assoc, [world.e1], f"establishment:{world.e1.pk}", world.director)


def test_demo_cpom_builds_the_whole_seed(world, demo):
    assert demo.title == "CPOM 2024-2028 — Association Accueil Millau Ségur"
    assert (demo.start_year, demo.end_year) == (2024, 2028)
    assert demo.authority == "Conseil départemental de l'Aveyron"
    assert list(demo.establishments.all()) == [world.e1]
    objectives = list(StrategicObjective.objects.filter(cpom=demo))
    assert [o.number for o in objectives] == [1, 2, 3, 4]
    assert objectives[1].title == "Développement de l'offre"
    actions = list(CpomAction.objects.filter(objective__cpom=demo).order_by("objective__number", "position"))
    assert [(a.objective.number, a.number) for a in actions] == [
        (1, "1"),
        (2, "1.1"),
        (2, "1.2"),
        (2, "1.3"),
        (2, "1.4"),
        (2, "2"),
        (2, "3"),
        (3, "1"),
        (4, "1"),
    ]
    assert Stage.objects.filter(action__objective__cpom=demo).count() == 58
    per_action = Counter(
        CpomIndicator.objects.filter(cpom=demo, action__isnull=False).values_list(
            "action__number", "action__objective__number"
        )
    )
    assert sum(per_action.values()) == 46
    assert per_action[("1", 1)] == 9 and per_action[("1", 3)] == 7 and per_action[("1.4", 2)] == 3
    assert CpomIndicator.objects.filter(cpom=demo, objective__isnull=False).count() == 1
    # the same counts as the seed data shipped with the app
    data = seed_data()
    assert len(data["objectives"]) == 4
    assert sum(len(o["actions"]) for o in data["objectives"]) == 9
    assert sum(len(a["indicators"]) for o in data["objectives"] for a in o["actions"]) == 46


def test_demo_fields_programme_and_bindings(world, demo):
    urgence = CpomAction.objects.get(objective__cpom=demo, number="1.3")
    assert urgence.title == "Développer des places d'accueil d'urgence"
    assert urgence.pilot == "Direction et chefs de service Accueil Millau Ségur"
    assert "tunnel défini en préalable" in urgence.context
    assert "Construction d'un protocole interne d'accueil d'urgence" in urgence.means
    assert "Département : Direction de la Prévention" in urgence.partners
    assert [(s.label, s.planned_years) for s in urgence.stages.all()] == [
        ("Définition des modalités en groupe de travail", [2024, 2025]),
        ("Mise en œuvre des accueils d'urgence", [2024, 2025, 2026]),
        ("Evaluation", [2026]),
        ("Autorisation du service (création administrative)", [2027]),
    ]
    vulnerables = CpomAction.objects.get(objective__cpom=demo, number="1.1")
    assert (vulnerables.calendar_start, vulnerables.calendar_end) == (2024, 2026)
    scope = f"establishment:{world.e1.pk}"
    computed = CpomIndicator.objects.filter(cpom=demo, source="computed")
    assert {i.scope for i in computed} == {scope}
    keys = Counter(i.key for i in computed)
    assert keys["occupancy_rate"] == 5
    assert {
        "emergency_admissions",
        "ethics_committee_meetings",
        "practice_analysis_sessions",
        "incidents",
    } <= set(keys)
    emergency = computed.get(key="emergency_admissions")
    assert emergency.related_keys == ["emergency_requests"] and emergency.action == urgence
    assert CpomIndicator.objects.filter(cpom=demo, source="manual").count() == 47 - computed.count()
    assert IndicatorValue.objects.filter(indicator__cpom=demo).count() > 30
    assert not IndicatorValue.objects.filter(indicator__source="computed").exists()
    assert (
        AuditEvent.objects.filter(actor=world.director, action="create", object_type="cpomindicator").count()
        == 47
    )


def test_demo_renders(world, demo, api, client, django_assert_max_num_queries):
    from django.http import HttpRequest

    from tests.conftest import PASSWORD

    dashboard = api.director.get(f"/cpoms/{demo.pk}/dashboard")
    assert dashboard.status_code == 200
    assert len(dashboard.data["indicators"]) == 47
    client.login(request=HttpRequest(), username="directeur", password=PASSWORD)
    with django_assert_max_num_queries(400):
        page = client.get(f"/cpom/{demo.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    for action in CpomAction.objects.filter(objective__cpom=demo):
        assert f'id="programme-{action.pk}"' in html
    assert "Construire et aménager des espaces accueillants" in html
    pdf = client.get(f"/cpom/{demo.pk}/document.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client.get(f"/cpom/{demo.pk}/export.xlsx")
    assert xlsx.status_code == 200
