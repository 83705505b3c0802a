"""CPOM journey in Chromium: the director enters a CPOM through the pages — the contract, a
strategic objective, an action, a stage of its programme and its progress, an indicator with a
target and its yearly value — and sees the programme table and the indicator in green."""

import re

import pytest

from tests.browser.test_journeys import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def test_enter_a_cpom_through_the_pages(page, live_server, world):
    from parcours.access.models import Membership

    # a CPOM is the association's contract: its director holds a membership on the association
    Membership.objects.create(user=world.director, role="director", organisation=world.assoc)
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    login(page, live_server, "directeur")
    page.goto(live_server.url + "/cpom/")
    page.select_option("select[name=organisation]", str(world.assoc.pk))
    page.fill("input[name=title]", "CPOM 2024-2028 Accueil Millau Ségur")
    page.fill("input[name=authority]", "Conseil départemental de l'Aveyron")
    page.fill("input[name=start_year]", "2024")
    page.check(f"input[name=establishments][value='{world.e1.pk}']", force=True)
    page.click("button:has-text('Enregistrer le CPOM')")
    page.wait_for_url(re.compile(r".*/cpom/\d+/$"))

    page.click("#form-objective summary")
    page.fill("input[name=objective-title]", "Thématique qualité")
    page.click('button:has-text("Ajouter l\'objectif")')
    page.wait_for_selector(".cpom-objective h2:has-text('Thématique qualité')")

    page.click("#form-action summary")
    page.fill("input[name=action-number]", "1")
    page.fill("input[name=action-title]", "Renforcer la lisibilité et la qualité des dispositifs")
    page.fill("input[name=action-pilot]", "Direction et chefs de service")
    page.fill("textarea[name=action-means]", "• Mise en place d'un comité éthique")
    page.click('button:has-text("Ajouter l\'action")')
    page.wait_for_selector(".cpom-action h3:has-text('Renforcer la lisibilité')")

    page.click("#form-stage summary")
    page.fill("input[name=stage-label]", "Site internet")
    page.check("input[name=stage-planned_years][value='2024']", force=True)
    page.check("input[name=stage-planned_years][value='2025']", force=True)
    page.click('button:has-text("Ajouter l\'étape")')
    page.wait_for_selector("table.cpom-programme td:has-text('Site internet')")

    page.click("#form-progress summary")
    page.select_option("select[name=progress-year]", "2024")
    page.select_option("select[name=progress-progress]", "done")
    page.click('button:has-text("Enregistrer l\'avancement")')
    cell = page.locator("table.cpom-programme tr:has-text('Site internet') td[data-year='2024']")
    assert "X" in cell.inner_text() and "réalisé" in cell.inner_text().lower()
    assert page.locator(
        "table.cpom-programme tr:has-text('Site internet') td[data-year='2025'][data-planned]"
    ).count()

    page.click("#form-indicator summary")
    page.fill("input[name=indicator-label]", "Parution du site internet")
    page.fill("input[name=indicator-target_2024]", "1")
    page.click('button:has-text("Ajouter l\'indicateur")')
    page.wait_for_selector("table.cpom-indicators td:has-text('Parution du site internet')")

    page.click("#form-value summary")
    page.select_option("select[name=value-year]", "2024")
    page.fill("input[name=value-value]", "1")
    page.fill("input[name=value-comment]", "En ligne en mai.")
    page.click("button:has-text('Enregistrer la valeur')")
    badge = page.locator("table.cpom-indicators td[data-year='2024'] .fr-badge--success")
    assert badge.inner_text().strip().lower() == "atteint"

    with page.expect_download() as download:
        page.click("#cpom-xlsx")
    assert download.value.suggested_filename.endswith(".xlsx")
    assert not [e for e in errors if "Content Security Policy" in e]
