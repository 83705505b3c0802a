"""The grid pages: list and creation, designer, filler with the messages next to the fields."""

import re

import pytest
from django.http import HttpRequest
from django.test import Client

from parcours.access.models import AuditAction, AuditEvent
from parcours.assessments.models import Assessment, Grid, GridStatus
from tests.conftest import PASSWORD


def client_for(user):
    client = Client()
    assert client.login(request=HttpRequest(), username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def director(world):
    return client_for(world.director)


def no_inline_code(html: str) -> None:
    """Strict CSP: no inline script nor style attribute."""
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "style=" not in html


def test_design_a_grid_with_the_pages(director, world):
    assert Client().get("/grilles/").status_code == 302  # login required
    page = director.get("/grilles/")
    assert page.status_code == 200 and "Créer une grille" in page.content.decode()
    created = director.post(
        "/grilles/", {"organisation": world.assoc.pk, "name": "Évaluation d'admission", "description": ""}
    )
    assert created.status_code == 302
    grid = Grid.objects.get(name="Évaluation d'admission")
    assert created["Location"] == f"/grilles/{grid.pk}/"
    assert director.post(f"/grilles/{grid.pk}/sections", {"title": "Santé"}).status_code == 302
    section = grid.sections.get()
    question = {
        "section": section.pk,
        "label": "Suivi médical à jour",
        "kind": "choice",
        "choices": "Oui\nNon\nnsp | Ne sait pas",
        "required": "on",
    }
    assert director.post(f"/grilles/{grid.pk}/questions", question).status_code == 302
    assert grid.questions.get().choices == [
        {"value": "oui", "label": "Oui"},
        {"value": "non", "label": "Non"},
        {"value": "nsp", "label": "Ne sait pas"},
    ]
    invalid = director.post(f"/grilles/{grid.pk}/questions", {**question, "choices": "Oui seulement"})
    html = invalid.content.decode()
    assert invalid.status_code == 422 and "Au moins deux choix distincts." in html
    scale = {"section": section.pk, "label": "Santé", "kind": "scale", "scale_min": "4", "scale_max": "1"}
    invalid = director.post(f"/grilles/{grid.pk}/questions", scale)
    assert invalid.status_code == 422 and "supérieur au minimum" in invalid.content.decode()
    designer = director.get(f"/grilles/{grid.pk}/")
    html = designer.content.decode()
    assert designer.status_code == 200 and "Suivi médical à jour" in html and "Ajouter une question" in html
    no_inline_code(html)
    assert director.post(f"/grilles/{grid.pk}/publier").status_code == 302
    grid.refresh_from_db()
    assert grid.status == GridStatus.PUBLISHED
    html = director.get(f"/grilles/{grid.pk}/").content.decode()
    assert "Ajouter une question" not in html and "nouvelle version" in html
    late = director.post(f"/grilles/{grid.pk}/questions", {**question, "label": "Tardive"})
    assert late.status_code == 422 and "Grille publiée" in late.content.decode()
    version = director.post(f"/grilles/{grid.pk}/nouvelle-version")
    new = Grid.objects.get(previous=grid)
    assert version["Location"] == f"/grilles/{new.pk}/" and new.version == 2


def test_publishing_an_empty_grid_shows_why(director, world):
    director.post("/grilles/", {"organisation": world.assoc.pk, "name": "Vide"})
    grid = Grid.objects.get(name="Vide")
    response = director.post(f"/grilles/{grid.pk}/publier")
    assert response.status_code == 422 and "au moins une question" in response.content.decode()


def test_partner_and_outsider_cannot_reach_the_designer(world, director):
    director.post("/grilles/", {"organisation": world.assoc.pk, "name": "Grille"})
    grid = Grid.objects.get(name="Grille")
    assert client_for(world.partner).get(f"/grilles/{grid.pk}/").status_code == 404
    assert client_for(world.outsider).get(f"/grilles/{grid.pk}/").status_code == 404
    quality = client_for(world.quality)  # a draft is the association's: not seen from one establishment
    assert quality.post(f"/grilles/{grid.pk}/sections", {"title": "x"}).status_code == 404
    assert "Créer une grille" not in quality.get("/grilles/").content.decode()


@pytest.fixture
def published(api, world):
    from tests.assessments.helpers import build_grid

    return Grid.objects.get(pk=build_grid(api.director, world.assoc.pk)["id"])


def test_fill_a_grid_for_a_person(director, world, published):
    url = f"/grilles/{published.pk}/remplir/?personne={world.child.pk}"
    page = director.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="answers.sante"' in html and 'type="radio"' in html
    assert 'name="answers.freins"' in html and 'type="checkbox"' in html
    assert 'type="date"' in html and "<textarea" in html and "<select" in html
    no_inline_code(html)
    assert AuditEvent.objects.filter(
        actor=world.director, action=AuditAction.VIEW, person_id=world.child.pk, details__section="fill"
    ).exists()
    bad = director.post(
        url,
        {"answers.sante": "9", "answers.mois": "beaucoup", "answers.orientation": "", "action": "complete"},
    )
    html = bad.content.decode()
    assert bad.status_code == 422
    assert "Entier entre 1 et 4 attendu." in html and "Nombre attendu." in html
    assert "Réponse obligatoire." in html
    assert 'id="q-sante-error"' in html and 'id="q-mois-error"' in html
    assert 'value="beaucoup"' in html  # what was typed is kept
    assert not Assessment.objects.exists()
    draft = director.post(url, {"answers.sante": "2", "answers.observations": "RAS", "action": "draft"})
    assert draft.status_code == 302
    item = Assessment.objects.get()
    assert item.answers == {"sante": 2, "observations": "RAS"} and item.status == "draft"
    again = director.get(url).content.decode()  # the draft is taken up again
    assert f'name="evaluation" value="{item.pk}"' in again and "RAS" in again
    done = director.post(
        url,
        {
            "evaluation": item.pk,
            "answers.sante": "3",
            "answers.orientation": "sociale",
            "answers.freins": ["mobilite", "logement"],
            "answers.date_entretien": "2025-03-14",
            "answers.mois": "7,5",
            "answers.observations": "RAS",
            "action": "complete",
        },
    )
    assert done.status_code == 302 and done["Location"] == f"/grilles/evaluations/{item.pk}/"
    item.refresh_from_db()
    assert item.status == "completed" and item.answers["mois"] == 7.5
    assert item.answers["freins"] == ["mobilite", "logement"]
    shown = director.get(done["Location"])
    assert shown.status_code == 200 and "Mobilité, Logement" in shown.content.decode()
    assert client_for(world.outsider).get(done["Location"]).status_code == 404


def test_filler_scope(world, published):
    url = f"/grilles/{published.pk}/remplir/?personne={world.child.pk}"
    assert client_for(world.outsider).get(url).status_code == 404
    assert client_for(world.outsider).post(url, {"answers.sante": "2"}).status_code == 404
    assert client_for(world.partner).get(url).status_code == 404
    assert client_for(world.quality).get(url).status_code == 403
    director = client_for(world.director)
    assert director.get(f"/grilles/{published.pk}/remplir/?personne=abc").status_code == 404
    assert director.get(f"/grilles/{published.pk}/remplir/").status_code == 302
    from django.utils import timezone

    from parcours.people.models import Person

    Person.objects.filter(pk=world.child.pk).update(archived_at=timezone.now())
    archived = client_for(world.admin).get(url, follow=True)
    assert archived.status_code == 200 and "Dossier archivé" in archived.content.decode()
