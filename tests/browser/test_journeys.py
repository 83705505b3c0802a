"""Main journeys in a real Chromium against the running app."""

import re

import pytest

from parcours.access.models import AuditEvent
from parcours.people.models import Note
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def login(page, live_server, username):
    page.goto(live_server.url + "/connexion/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/offre/"))


def test_director_searches_opens_record_and_adds_note(page, live_server, world):
    login(page, live_server, "directeur")
    assert page.locator("h1").inner_text().startswith("L'offre")
    page.click("text=Personnes")
    page.fill("input[name=q]", "JOEL dupont")
    page.click("button:has-text('Rechercher')")
    page.click("#results a")
    page.wait_for_url(re.compile(rf".*/personnes/{world.child.pk}/"))
    assert "DUPONT-MARTIN Joël" in page.locator("h1").inner_text()
    page.click("a:has-text('Notes')")
    page.fill("textarea[name=text]", "Rencontre avec la famille, bon échange.")
    page.click("button:has-text('Ajouter la note')")
    page.wait_for_selector("text=Note ajoutée.")
    assert "Rencontre avec la famille" in page.locator("#notes").inner_text()
    assert Note.objects.filter(person=world.child, author=world.director).exists()
    assert AuditEvent.objects.filter(actor=world.director, person_id=world.child.pk, action="view").exists()


def test_outsider_cannot_open_the_record(page, live_server, world):
    login(page, live_server, "educ_e2")
    response = page.goto(f"{live_server.url}/personnes/{world.child.pk}/")
    assert response.status == 404
    assert "introuvable" in page.content().lower()


def test_lockout_message_after_five_failures(page, live_server, world):
    page.goto(live_server.url + "/connexion/")
    for _ in range(5):
        page.fill("input[name=username]", "directeur")
        page.fill("input[name=password]", "mauvais")
        with page.expect_navigation():
            page.click("button[type=submit]")
    page.fill("input[name=username]", "directeur")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.wait_for_selector("text=verrouillé")
    assert "/connexion/" in page.url
