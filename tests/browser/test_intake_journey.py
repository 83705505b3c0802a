"""Intake journey in Chromium: a partner submits a referral, the establishment decides and admits."""

import re

import pytest

from parcours.admissions.models import Referral
from parcours.pathways.models import Stay
from tests.browser.test_journeys import login
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def test_partner_submits_then_director_decides_and_admits(page, live_server, world):
    page.goto(live_server.url + "/connexion/")
    page.fill("input[name=username]", "referent_ase")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/orientations/"))
    page.click("text=Nouvelle orientation")
    page.fill("input[name=last_name]", "Lefèvre")
    page.fill("input[name=first_name]", "Maëlys")
    page.fill("input[name=birth_date]", "2013-04-02")
    page.select_option("select[name=sex]", "f")
    page.fill("input[name=commune]", "12145")
    page.select_option("select[name=modality]", "residential")
    page.select_option("select[name=public]", "child_protection")
    page.fill("input[name=wished_date]", "2026-12-01")
    page.fill("textarea[name=reason]", "Ordonnance de placement provisoire.")
    page.select_option("select[name=organisation]", str(world.assoc.pk))
    page.click("label[for=id_family_informed]")
    page.click("button:has-text('Transmettre')")
    page.wait_for_selector("text=transmise")
    referral = Referral.objects.get(person__last_name="Lefèvre")
    assert "Reçue" in page.locator("#status").inner_text()
    assert "Ordonnance" not in page.content()  # the partner sees the status, not the file

    page.context.clear_cookies()
    login(page, live_server, "directeur")
    page.goto(f"{live_server.url}/orientations/{referral.pk}/")
    row = page.locator("#matches tr", has_text="Internat Millau")
    row.locator("select[name=decision]").select_option("accepted")
    row.locator("button:has-text('Décider')").click()
    page.wait_for_selector("text=Décision enregistrée.")
    assert "Acceptée" in page.locator("#status").inner_text()
    page.locator("#matches tr", has_text="Internat Millau").locator("button:has-text('Admettre')").click()
    page.wait_for_selector("text=Admission enregistrée")
    assert "Admis" in page.locator("#status").inner_text()
    assert Stay.objects.filter(person=referral.person, unit=world.u1).exists()


def test_commission_decides_then_admission_from_the_waiting_list(page, live_server, world):
    from datetime import date

    from parcours.admissions import services
    from parcours.people.models import Person

    newcomer = Person.objects.create(
        first_name="Yanis",
        last_name="Attente",
        birth_date=date(2012, 2, 2),
        sex="m",
        home_establishment=world.e1,
    )
    referral = services.submit_referral(
        world.director,
        person=newcomer.pk,
        modality="residential",
        public="child_protection",
        wished_date=date(2026, 12, 1),
        reason="Orientation vers l'internat",
        organisation=world.assoc.pk,
    )
    login(page, live_server, "admin")
    page.goto(live_server.url + "/commissions/")
    page.fill("input[name=date]", "2026-11-30")
    page.select_option("select[name=organisation]", str(world.assoc.pk))
    page.click("button:has-text('Programmer')")
    page.wait_for_url(re.compile(r".*/commissions/\d+/"))
    page.select_option("select[name=referral]", str(referral.pk))
    page.click("button:has-text('Inscrire')")
    page.wait_for_selector("text=inscrite à l'ordre du jour")
    page.click(f"#agenda a:has-text('n° {referral.pk}')")
    row = page.locator("#matches tr", has_text="Internat Millau")
    row.locator("select[name=decision]").select_option("waiting_list")
    row.locator("button:has-text('Décider')").click()
    page.wait_for_selector("text=Décision enregistrée.")
    page.goto(f"{live_server.url}/unites/{world.u1.pk}/attente/")
    assert "1" in page.locator("#waiting tbody tr").first.inner_text()
    page.click(f"#waiting a:has-text('n° {referral.pk}')")
    page.locator("#matches tr", has_text="Internat Millau").locator("button:has-text('Admettre')").click()
    page.wait_for_selector("text=Admission enregistrée")
    referral.refresh_from_db()
    assert referral.status == "admitted" and referral.session is not None
