"""Adverse event journey in Chromium: an educator declares an event involving a child (linked to his
record), the director classifies it as serious, downloads the EIG form and records its sending."""

import re

import pytest

from parcours.steering.incidents.models import Incident
from tests.browser.test_journeys import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def test_declare_classify_and_report_an_adverse_event(page, live_server, world):
    login(page, live_server, "educ_e1")
    page.goto(live_server.url + "/evenements-indesirables/declarer/")
    page.select_option("select[name=establishment]", str(world.e1.pk))
    page.fill("input[name=occurred_at]", "2026-11-20T21:30")
    page.fill("textarea[name=description]", "Fugue nocturne d'un jeune, retrouvé par la gendarmerie.")
    page.fill("textarea[name=immediate_measures]", "Alerte de la gendarmerie, information de l'astreinte.")
    page.fill("input[name=person_0]", str(world.child.pk))
    page.select_option("select[name=role_0]", "victim")
    page.click("button[type=submit]:has-text('Déclarer')")
    page.wait_for_url(re.compile(r".*/evenements-indesirables/\d+/"))
    incident = Incident.objects.get()
    assert "DUPONT-MARTIN" in page.locator("#persons").inner_text()
    assert incident.status == "declared"

    page.context.clear_cookies()
    login(page, live_server, "directeur")
    page.goto(f"{live_server.url}/evenements-indesirables/{incident.pk}/")
    page.select_option("#classify select[name=category]", "disappearance")
    page.click("#classify label[for=id_serious]")  # DSFR checkboxes are clicked by their label
    page.click("#classify button[type=submit]")
    page.wait_for_selector("#classification:has-text('grave (EIG)')")
    link = page.locator("#eig-pdf").first.get_attribute("href")
    with page.expect_response(re.compile(r".*/eig\.pdf")) as pdf:
        page.evaluate("url => fetch(url)", live_server.url + link)
    assert pdf.value.status == 200 and pdf.value.headers["content-type"] == "application/pdf"
    page.fill("#report input[name=reported_on]", "2026-11-21")
    page.click("#report button[type=submit]")
    page.wait_for_selector("#report-status:has-text('21/11/2026')")
    incident.refresh_from_db()
    assert incident.status == "reported" and incident.authority
