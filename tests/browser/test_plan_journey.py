"""Plan journey in Chromium: a coordinator builds a projet personnalisé (htmx partial saves), prints
it, records the signature, then co-evaluates it with the young person and his mother."""

import re
from datetime import date

import pytest

from parcours.plans.models import Evaluation, Plan
from tests.browser.test_journeys import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def test_build_sign_and_co_evaluate_a_plan(page, live_server, world):
    plan = Plan.objects.create(
        person=world.child,
        stay=world.child.stays.get(),
        kind="personalised_plan",
        start_date=date(2024, 9, 1),
        due_date=date(2025, 3, 1),
    )
    login(page, live_server, "directeur")
    page.goto(f"{live_server.url}/echeances/")
    page.locator("#overdue").get_by_role("link", name="Projet personnalisé").click()
    page.wait_for_url(re.compile(rf".*/projets/{plan.pk}/"))

    # the young person's words, saved without reloading the page (htmx)
    page.fill("textarea[name=person_expression]", "Je veux retourner au collège.")
    page.fill("textarea[name=family_expression]", "Sa mère veut être associée aux rendez-vous.")
    page.locator("#expression button[type=submit]").click()
    page.wait_for_selector("#expression-saved")
    # a need tagged with a SERAFIN-PH code
    page.select_option("#needs select[name=domain]", "schooling")
    page.select_option("#needs select[name=serafin]", "1.3.3.1")
    page.fill("#needs input[name=description]", "Rescolarisation progressive")
    page.locator("#needs button:has-text('Ajouter le besoin')").click()
    page.wait_for_selector("#needs li:has-text('Rescolarisation progressive')")
    # an objective without anyone to act is refused next to the field, then completed
    page.select_option("#objectives select[name=domain]", "schooling")
    page.fill("#objectives input[name=description]", "Retour au collège à temps plein")
    page.fill("#objectives input[name=action]", "Rencontre avec le CPE")
    page.locator("#objectives button:has-text('Ajouter l')").click()
    page.wait_for_selector("#objectives >> text=Qui fait l'action ?")
    page.fill("#objectives input[name=responsible]", "Éducatrice référente")
    page.locator("#objectives button:has-text('Ajouter l')").click()
    page.wait_for_selector("#objectives .objective:has-text('Retour au collège à temps plein')")
    page.fill("#partners input[name=name]", "Collège Marcel-Aymard")
    page.locator("#partners button:has-text('Ajouter le partenaire')").click()
    page.wait_for_selector("#partners li:has-text('Collège Marcel-Aymard')")
    plan.refresh_from_db()
    assert plan.person_expression == "Je veux retourner au collège."
    assert plan.needs[0]["serafin"] == "1.3.3.1" and plan.partners[0]["name"] == "Collège Marcel-Aymard"

    # the PDF to sign
    with page.expect_response(re.compile(r".*/document\.pdf")) as pdf:
        page.evaluate("url => fetch(url)", f"{live_server.url}/projets/{plan.pk}/document.pdf")
    assert pdf.value.status == 200 and pdf.value.headers["content-type"] == "application/pdf"

    # the signature sets the next review by the rule
    page.fill("#signature input[name=date]", "2025-02-20")
    page.fill("#signature textarea[name=signatories]", "Joël\nSandrine Dupont\nMECS Millau")
    page.locator("#signature button[type=submit]").click()
    page.wait_for_selector("text=Signature enregistrée")
    assert "20/02/2026" in page.locator("#next-review").inner_text()

    # co-evaluation with the young person and his mother
    page.click("text=Co-évaluer")
    page.fill("input[name=date]", "2025-09-15")
    page.fill("input[name=participant_0_name]", "Joël")
    page.select_option("select[name=participant_0_role]", "person")
    page.fill("input[name=participant_1_name]", "Sandrine Dupont")
    page.select_option("select[name=participant_1_role]", "family")
    objective = plan.objectives.get()
    page.select_option(f"select[name=result_{objective.pk}]", "partly")
    page.fill(f"input[name=comment_{objective.pk}]", "Assiduité en progrès")
    page.click("button:has-text('Enregistrer la co-évaluation')")
    page.wait_for_selector("text=Co-évaluation enregistrée")
    assert "15/09/2026" in page.locator("#next-review").inner_text()
    assert "Partiellement" in page.locator("#history").inner_text()
    evaluation = Evaluation.objects.get(plan=plan)
    assert {p["role"] for p in evaluation.participants} == {"person", "family"}
