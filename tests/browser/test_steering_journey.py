"""Steering journey in Chromium: the dashboard of an establishment, its trend charts drawn, a figure
drilled down to the stays behind it, then the annual report prepared with its progress bar."""

import re

import pytest

from tests.browser.test_journeys import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def test_dashboard_charts_drilldown_and_report(page, live_server, world):
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    login(page, live_server, "directeur")
    page.click("text=Pilotage")
    page.wait_for_url(re.compile(r".*/pilotage/"))
    page.select_option("select[name=perimetre]", f"establishment:{world.e1.pk}")
    page.fill("input[name=du]", "2026-01-01")
    page.fill("input[name=au]", "2026-06-30")
    page.click("button:has-text('Afficher')")
    page.wait_for_selector("#chart-occupancy[data-drawn=true]")
    page.wait_for_selector("#chart-activity[data-drawn=true]")
    assert "50 %" in page.locator("[data-figure=occupancy_rate]").inner_text()
    assert not [e for e in errors if "Content Security Policy" in e]
    page.locator("[data-figure=active_caseload] a").click()
    page.wait_for_selector("#drill")
    assert "DUPONT-MARTIN" in page.locator("#drill").inner_text()

    page.goto(live_server.url + "/pilotage/rapports/")
    page.select_option("select[name=perimetre]", f"unit:{world.u1.pk}")
    page.select_option("select[name=annee]", "2025")
    page.click("button:has-text('Préparer le rapport')")
    page.wait_for_selector("#report-pdf")
    assert page.locator("#report-progress").get_attribute("value") == "100"
    with page.expect_download() as download:
        page.click("#report-xlsx")
    assert download.value.suggested_filename.endswith(".xlsx")
