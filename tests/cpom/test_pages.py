"""CPOM pages: the list with the creation form, the CPOM page with its action sheets, programme
tables and indicators in red/amber/green, the entry forms (errors next to the field, 422), the
exports; educator reads without forms and gets 403 on a post, outsider 404, partner 403."""

import pytest
from django.http import HttpRequest
from django.test import Client

from parcours.access.models import AuditEvent
from parcours.steering.cpom import services
from parcours.steering.cpom.models import Cpom, CpomIndicator, Stage, StrategicObjective
from tests.conftest import PASSWORD


def client_for(username):
    client = Client()
    assert client.login(request=HttpRequest(), username=username, password=PASSWORD)
    return client


@pytest.fixture
def cpom(world):
    cpom = services.create_cpom(
        world.director,
        organisation=world.assoc.pk,
        title="CPOM Accueil Millau Ségur",
        authority="Conseil départemental de l'Aveyron",
        start_year=2024,
        establishments=[world.e1.pk],
    )
    objective = services.add_objective(world.director, cpom.pk, title="Développement de l'offre")
    action = services.add_action(
        world.director,
        objective.pk,
        number="1.3",
        title="Développer des places d'accueil d'urgence",
        pilot="Direction et chefs de service",
        context="Les services d'internat maintiennent historiquement des taux d'activité élevés.",
        means="• Construction d'un protocole interne d'accueil d'urgence",
    )
    stage = services.add_stage(
        world.director,
        action.pk,
        label="Mise en œuvre des accueils d'urgence",
        planned_years=[2024, 2025, 2026],
    )
    services.update_stage(world.director, stage.pk, progress={"2024": "done", "2025": "late"})
    protocol = services.add_indicator(
        world.director, action=action.pk, label="Validation du protocole", targets={"2024": 1, "2025": 1}
    )
    services.record_value(world.director, protocol.pk, 2024, value=0)
    services.record_value(
        world.director, protocol.pk, 2025, value=1, comment="Validé en comité de direction."
    )
    services.add_indicator(
        world.director,
        action=action.pk,
        label="Taux d'activité de l'internat",
        source="computed",
        key="occupancy_rate",
        scope=f"unit:{world.u1.pk}",
        targets={"2025": "0.5"},
    )
    return cpom


def test_list_page(world, cpom):
    response = client_for("directeur").get("/cpom/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "CPOM Accueil Millau Ségur" in html and 'id="new-cpom"' in html
    educator = client_for("educ_e1").get("/cpom/").content.decode()
    assert "CPOM Accueil Millau Ségur" in educator and 'id="new-cpom"' not in educator
    assert "CPOM Accueil Millau Ségur" not in client_for("educ_e2").get("/cpom/").content.decode()
    assert client_for("referent_ase").get("/cpom/").status_code == 403
    assert client_for("educ_e1").post("/cpom/", {"title": "X"}).status_code == 403


def test_create_through_the_page(world):
    client = client_for("directeur")
    bad = client.post(
        "/cpom/", {"organisation": world.assoc.pk, "title": "CPOM", "start_year": 2024, "end_year": 2030}
    )
    assert bad.status_code == 422
    assert "5 ans au plus" in bad.content.decode()
    response = client.post(
        "/cpom/",
        {
            "organisation": world.assoc.pk,
            "title": "CPOM 2024-2028",
            "start_year": 2024,
            "signatories": "Président du Conseil départemental\nPrésident de l'association\n",
            "establishments": [world.e1.pk],
        },
    )
    cpom = Cpom.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cpom/{cpom.pk}/"
    assert cpom.end_year == 2028 and cpom.signatories == [
        "Président du Conseil départemental",
        "Président de l'association",
    ]


def test_cpom_page(world, cpom):
    response = client_for("qualite").get(f"/cpom/{cpom.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    for expected in [
        "Objectif stratégique n° 1 : Développement de l&#x27;offre",
        "Action n° 1.3 : « Développer des places d&#x27;accueil d&#x27;urgence »",
        "Direction et chefs de service",
        "taux d&#x27;activité élevés",
        "Construction d&#x27;un protocole interne",
        "Programmation prévisionnelle détaillée",
        "Mise en œuvre des accueils d&#x27;urgence",
        f"/cpom/{cpom.pk}/document.pdf",
        f"/cpom/{cpom.pk}/export.xlsx",
    ]:
        assert expected in html, expected
    assert html.count('data-planned="1"') == 3
    assert 'fr-badge--error">Non atteint' in html.replace("fr-badge fr-badge--sm ", "")
    assert 'fr-badge--success">Atteint' in html.replace("fr-badge fr-badge--sm ", "")
    assert "Validé en comité de direction." in html
    assert 'id="entry"' in html  # quality manages the CPOM
    assert 'style="' not in html and "<style" not in html
    educator = client_for("educ_e1").get(f"/cpom/{cpom.pk}/").content.decode()
    assert "Programmation prévisionnelle" in educator and 'id="entry"' not in educator
    assert client_for("educ_e2").get(f"/cpom/{cpom.pk}/").status_code == 404
    assert client_for("referent_ase").get(f"/cpom/{cpom.pk}/").status_code == 403


def test_entry_forms(world, cpom):
    client = client_for("directeur")
    objective = StrategicObjective.objects.get(cpom=cpom)
    action = objective.actions.get()
    stage = Stage.objects.get(action=action)
    base = f"/cpom/{cpom.pk}"
    ok = client.post(f"{base}/objectifs", {"objective-title": "Ressources humaines"})
    assert ok.status_code == 302 and cpom.objectives.count() == 2
    ok = client.post(
        f"{base}/actions",
        {
            "action-objective": objective.pk,
            "action-number": "1.4",
            "action-title": "Places MNA",
            "action-calendar_start": "2024",
        },
    )
    assert ok.status_code == 302 and objective.actions.get(number="1.4").calendar_start == 2024
    ok = client.post(
        f"{base}/etapes",
        {"stage-action": action.pk, "stage-label": "Evaluation", "stage-planned_years": ["2026"]},
    )
    assert ok.status_code == 302 and Stage.objects.get(label="Evaluation").planned_years == [2026]
    ok = client.post(
        f"{base}/avancement",
        {"progress-stage": stage.pk, "progress-year": "2025", "progress-progress": "done"},
    )
    assert ok.status_code == 302
    stage.refresh_from_db()
    assert stage.progress == {"2024": "done", "2025": "done"}
    ok = client.post(
        f"{base}/indicateurs",
        {
            "indicator-parent": f"action:{action.pk}",
            "indicator-label": "Nombre d'accueils d'urgence",
            "indicator-source": "computed",
            "indicator-key": "emergency_admissions",
            "indicator-scope": f"establishment:{world.e1.pk}",
            "indicator-direction": "at_least",
            "indicator-target_2025": "4",
        },
    )
    assert ok.status_code == 302
    indicator = CpomIndicator.objects.get(key="emergency_admissions")
    assert indicator.targets == {"2025": "4"} and indicator.scope == f"establishment:{world.e1.pk}"
    manual = CpomIndicator.objects.get(label="Validation du protocole")
    ok = client.post(
        f"{base}/valeurs", {"value-indicator": manual.pk, "value-year": "2026", "value-value": "1,0"}
    )
    assert ok.status_code == 302 and manual.values.get(year=2026).value == 1

    bad = client.post(
        f"{base}/indicateurs",
        {
            "indicator-parent": f"objective:{objective.pk}",
            "indicator-label": "X",
            "indicator-source": "manual",
            "indicator-target_2025": "beaucoup",
        },
    )
    assert bad.status_code == 422
    form = bad.context["indicator_form"]
    assert "target_2025" in form.errors and bad.context["open_form"] == "indicator"
    bad = client.post(
        f"{base}/indicateurs",
        {
            "indicator-parent": f"objective:{objective.pk}",
            "indicator-label": "X",
            "indicator-source": "computed",
            "indicator-key": "occupancy_rate",
        },
    )
    assert bad.status_code == 422 and "scope" in bad.context["indicator_form"].errors
    bad = client.post(
        f"{base}/valeurs", {"value-indicator": manual.pk, "value-year": "2025", "value-value": "oui"}
    )
    assert bad.status_code == 422 and "value" in bad.context["value_form"].errors
    bad = client.post(
        f"{base}/actions",
        {"action-objective": objective.pk, "action-number": "1.3", "action-title": "Doublon"},
    )
    assert bad.status_code == 422 and "number" in bad.context["action_form"].errors
    # a part of another CPOM is not among the choices
    other = services.create_cpom(world.admin, organisation=world.assoc.pk, title="Autre", start_year=2024)
    other_objective = services.add_objective(world.admin, other.pk, title="Ailleurs")
    bad = client.post(
        f"{base}/actions", {"action-objective": other_objective.pk, "action-number": "9", "action-title": "X"}
    )
    assert bad.status_code == 422 and not other_objective.actions.exists()


def test_writes_refused_on_pages(world, cpom):
    base = f"/cpom/{cpom.pk}"
    assert client_for("educ_e1").post(f"{base}/objectifs", {"objective-title": "X"}).status_code == 403
    assert client_for("educ_e2").post(f"{base}/objectifs", {"objective-title": "X"}).status_code == 404
    assert client_for("referent_ase").post(f"{base}/objectifs", {"objective-title": "X"}).status_code == 403
    assert cpom.objectives.count() == 1


def test_page_exports_are_audited(world, cpom):
    client = client_for("qualite")
    pdf = client.get(f"/cpom/{cpom.pk}/document.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client.get(f"/cpom/{cpom.pk}/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    formats = sorted(
        e.details["format"] for e in AuditEvent.objects.filter(action="export", actor=world.quality)
    )
    assert formats == ["pdf", "xlsx"]
    assert client_for("educ_e2").get(f"/cpom/{cpom.pk}/document.pdf").status_code == 404
