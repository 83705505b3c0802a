"""Adverse events pages: the register with its figures, the declaration form (errors next to the
field), the event page and its forms; scope (outsider 404, partner 403); no inline style/script."""

import re
from datetime import date
from html import unescape

import pytest
from django.utils import timezone

from parcours.access.models import AuditAction, AuditEvent
from parcours.people.models import Person
from parcours.steering.incidents import services
from parcours.steering.incidents.models import Incident
from tests.incidents.helpers import client_for, declare, moment, to_analysed

pytestmark = pytest.mark.django_db


def field_error(html: str, field: str) -> str:
    """The error block next to a field, as django-dsfr renders it ("" when none)."""
    marker = f'<div id="id_{field}-desc-error">'
    if marker not in html:
        return ""
    return unescape(html.split(marker)[1].split("</div>")[0])


def assert_csp_friendly(html: str):
    assert " style=" not in html and "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


def test_register_page_with_figures(world):
    a = declare(world, occurred_at=moment(20), description="Bagarre au réfectoire.")
    declare(world, occurred_at=moment(5), unit=None, description="Panne de chauffage.")
    services.classify(world.quality, a.pk, category="violence", serious=True)
    r = client_for("directeur").get("/evenements-indesirables/")
    assert r.status_code == 200
    html = r.content.decode()
    assert_csp_friendly(html)
    assert f'href="/evenements-indesirables/{a.pk}/"' in html
    table = html.split('id="by-category"')[1].split("</table>")[0]
    assert "10. Comportements violents" in unescape(table) and "Non qualifié" in unescape(table)
    by_unit = unescape(html.split('id="by-unit"')[1].split("</table>")[0])
    assert "Internat Millau" in by_unit and "Établissement (sans unité)" in by_unit
    assert "En retard (48 h)" in html
    # filters
    html = client_for("directeur").get("/evenements-indesirables/", {"grave": "oui"}).content.decode()
    register = html.split('id="register"')[1]
    assert f"n° {a.pk}<" in register and "Panne" not in register
    html = client_for("directeur").get("/evenements-indesirables/", {"du": "pas-une-date"}).content.decode()
    assert "filtres sont invalides" in html
    # the outsider sees an empty register, the partner none
    html = client_for("educ_e2").get("/evenements-indesirables/").content.decode()
    assert f"/evenements-indesirables/{a.pk}/" not in html
    assert client_for("referent_ase").get("/evenements-indesirables/").status_code == 403


def test_register_csv_page(world):
    declare(world, description="=1+1")
    r = client_for("directeur").get("/evenements-indesirables/registre.csv")
    assert r.status_code == 200
    assert "'=1+1" in r.content.decode("utf-8-sig")


def test_declaration_form_shows_errors_next_to_the_field(world):
    client = client_for("educ_e1")
    r = client.get("/evenements-indesirables/declarer/")
    assert r.status_code == 200
    assert_csp_friendly(r.content.decode())
    stranger = Person.objects.create(
        first_name="Inès",
        last_name="Ailleurs",
        birth_date=date(2011, 1, 1),
        sex="f",
        home_establishment=world.e2,
    )
    future = (timezone.localtime() + timezone.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    r = client.post(
        "/evenements-indesirables/declarer/",
        {
            "establishment": world.e1.pk,
            "occurred_at": future,
            "description": "",
            "victims_count": 0,
            "exposed_count": 0,
            "person_0": stranger.pk,
            "role_0": "victim",
            "person_1": world.child.pk,
        },
    )
    assert r.status_code == 422
    html = r.content.decode()
    assert "Ce champ est obligatoire" in field_error(html, "description")
    assert f"Aucun dossier n° {stranger.pk}" in field_error(html, "person_0")
    assert "rôle" in field_error(html, "role_1")
    assert not Incident.objects.exists()
    # the service's own check (a date in the future) lands next to its field
    r = client.post(
        "/evenements-indesirables/declarer/",
        {
            "establishment": world.e1.pk,
            "occurred_at": future,
            "description": "Chute",
            "victims_count": 0,
            "exposed_count": 0,
        },
    )
    assert r.status_code == 422
    assert "futur" in field_error(r.content.decode(), "occurred_at")


def test_declaration_form_creates_the_event(world):
    client = client_for("educ_e1")
    r = client.post(
        "/evenements-indesirables/declarer/",
        {
            "establishment": world.e1.pk,
            "unit": world.u1.pk,
            "occurred_at": moment(1).strftime("%Y-%m-%dT%H:%M"),
            "place": "Cour",
            "description": "Chute dans l'escalier de la cour.",
            "victims_count": 1,
            "exposed_count": 0,
            "immediate_measures": "Glace, urgences.",
            "person_0": world.child.pk,
            "role_0": "victim",
            "informed_0_who": "Famille",
            "informed_0_when": moment(1).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    incident = Incident.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/evenements-indesirables/{incident.pk}/"
    assert incident.unit == world.u1 and incident.persons.get().person == world.child
    assert incident.informed[0]["who"] == "Famille"
    r = client.get(r["Location"])
    html = r.content.decode()
    assert r.status_code == 200 and "Chute dans l" in html and "DUPONT-MARTIN" in html
    assert_csp_friendly(html)
    assert 'id="classify"' not in html  # the educator does not classify
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="incident", person_id=world.child.pk, actor=world.educator
    ).exists()


def test_event_page_forms(world):
    incident = declare(world, occurred_at=moment(3), discovered_at=moment(3))
    client = client_for("qualite")
    html = client.get(f"/evenements-indesirables/{incident.pk}/").content.decode()
    assert 'id="classify"' in html
    r = client.post(
        f"/evenements-indesirables/{incident.pk}/qualification", {"category": "abuse", "serious": "on"}
    )
    assert r.status_code == 302
    html = client.get(f"/evenements-indesirables/{incident.pk}/").content.decode()
    assert 'id="report-overdue"' in html and 'id="eig-pdf"' in html and 'id="report"' in html
    r = client.post(
        f"/evenements-indesirables/{incident.pk}/transmission",
        {"reported_on": f"{timezone.localdate().year + 5}-01-01"},
    )
    assert r.status_code == 422 and "futur" in field_error(r.content.decode(), "reported_on")
    r = client.post(
        f"/evenements-indesirables/{incident.pk}/transmission",
        {"reported_on": timezone.localdate().isoformat()},
    )
    assert r.status_code == 302
    r = client.post(f"/evenements-indesirables/{incident.pk}/analyse", {"causes": "Défaut de surveillance."})
    assert r.status_code == 302
    r = client.post(
        f"/evenements-indesirables/{incident.pk}/actions",
        {"description": "Former l'équipe", "owner": "Directeur", "due_date": "2030-06-30"},
    )
    assert r.status_code == 302
    r = client.post(f"/evenements-indesirables/{incident.pk}/cloture", {})
    assert r.status_code == 422
    assert "Motif obligatoire" in field_error(r.content.decode(), "reason")
    action = incident.actions.get()
    r = client.post(f"/evenements-indesirables/{incident.pk}/actions/{action.pk}/realisee", {})
    assert r.status_code == 302
    r = client.post(f"/evenements-indesirables/{incident.pk}/cloture", {})
    assert r.status_code == 302
    incident.refresh_from_db()
    assert incident.status == "closed"
    html = client.get(f"/evenements-indesirables/{incident.pk}/").content.decode()
    assert 'id="closure"' in html and 'id="classify"' not in html


def test_event_page_scope(world):
    incident = to_analysed(world, declare(world))
    assert client_for("educ_e2").get(f"/evenements-indesirables/{incident.pk}/").status_code == 404
    assert client_for("referent_ase").get(f"/evenements-indesirables/{incident.pk}/").status_code == 404
    assert client_for("educ_e2").get(f"/evenements-indesirables/{incident.pk}/eig.pdf").status_code == 404
    assert (
        client_for("educ_e1").post(f"/evenements-indesirables/{incident.pk}/cloture", {}).status_code == 403
    )
    assert (
        client_for("educ_e2").post(f"/evenements-indesirables/{incident.pk}/cloture", {}).status_code == 404
    )
    r = client_for("educ_e1").get(f"/evenements-indesirables/{incident.pk}/eig.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert client_for("referent_ase").get("/evenements-indesirables/declarer/").status_code == 403
    assert client_for("educ_e1").get("/evenements-indesirables/9999999999999999999999/").status_code == 404


def test_register_page_query_count_does_not_grow(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("directeur")
    declare(world)
    client.get("/evenements-indesirables/")
    with CaptureQueriesContext(connection) as one:
        client.get("/evenements-indesirables/")
    for _ in range(4):
        declare(world, unit=None)
    with CaptureQueriesContext(connection) as five:
        client.get("/evenements-indesirables/")
    assert len(five) == len(one)


def test_quality_cannot_link_a_person_from_the_page(world):
    incident = declare(world)
    url = f"/evenements-indesirables/{incident.pk}/personnes"
    refused = client_for("qualite").post(url, {"person": world.child.pk, "role": "victim"})
    assert refused.status_code == 403
    assert not incident.persons.exists()
    done = client_for("educ_e1").post(url, {"person": world.child.pk, "role": "victim"})
    assert done.status_code == 302 and incident.persons.count() == 1
