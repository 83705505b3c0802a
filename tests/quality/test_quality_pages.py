"""Quality pages: the overview (establishments and their next external evaluation, self-assessments,
opening one), the framework import form (admins; errors shown), a self-assessment page with its
results, scores and action plan; scope."""

from html import unescape

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from django.test import Client

from parcours.steering.quality.models import (
    ActionPlanItem,
    EstablishmentQuality,
    Framework,
    Score,
    SelfAssessment,
)
from parcours.steering.quality.sample import workbook_bytes
from tests.conftest import PASSWORD


def client_for(username):
    client = Client()
    assert client.login(request=HttpRequest(), username=username, password=PASSWORD)
    return client


def field_error(html: str, field: str) -> str:
    marker = f'<div id="id_{field}-desc-error">'
    return unescape(html.split(marker)[1].split("</div>")[0]) if marker in html else ""


def test_overview_and_opening(world, framework):
    from datetime import date

    EstablishmentQuality.objects.create(
        establishment=world.e1,
        last_external_evaluation=date(2021, 6, 15),
        next_external_evaluation=date(2026, 6, 15),
    )
    director = client_for("directeur")
    page = director.get("/qualite/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "MECS Millau" in html and "15/06/2026" in html and "SESSAD Saint-Denis" not in html
    assert 'id="new-self-assessment"' in html
    bad = director.post("/qualite/", {"establishment": str(world.e1.pk), "framework": "999999"})
    assert bad.status_code == 422 and field_error(bad.content.decode(), "framework")
    ok = director.post(
        "/qualite/", {"establishment": str(world.e1.pk), "framework": str(framework.pk), "title": "Auto 2025"}
    )
    sa = SelfAssessment.objects.get()
    assert ok.status_code == 302 and ok["Location"] == f"/qualite/autoevaluation/{sa.pk}/"
    again = director.post("/qualite/", {"establishment": str(world.e1.pk), "framework": str(framework.pk)})
    assert again.status_code == 422 and "déjà en cours" in unescape(again.content.decode())
    # the educator sees the page but cannot open one; a partner is refused
    educator = client_for("educ_e1").get("/qualite/").content.decode()
    assert "Auto 2025" in educator and 'id="new-self-assessment"' not in educator
    assert client_for("referent_ase").get("/qualite/").status_code == 403
    # the establishment's quality record: managers only
    record = director.post(
        f"/qualite/etablissements/{world.e1.pk}/", {"last_external_evaluation": "2022-03-01"}
    )
    assert record.status_code == 302
    assert EstablishmentQuality.objects.get(establishment=world.e1).next_external_evaluation == date(
        2027, 3, 1
    )
    assert client_for("educ_e1").get(f"/qualite/etablissements/{world.e1.pk}/").status_code == 403
    assert client_for("educ_e2").get(f"/qualite/etablissements/{world.e1.pk}/").status_code == 404


def test_framework_import_page(world):
    admin = client_for("admin")
    page = admin.get("/qualite/referentiel/")
    assert page.status_code == 200 and 'id="import"' in page.content.decode()
    broken = admin.post(
        "/qualite/referentiel/", {"version": "2022 v1.1", "file": SimpleUploadedFile("has.xlsx", b"nope")}
    )
    assert broken.status_code == 422
    assert "Tableur illisible" in field_error(broken.content.decode(), "file")
    rows = [("1", "Bientraitance et éthique", "", "1.1", "Texte", "non", "")]
    bad_rows = admin.post(
        "/qualite/referentiel/",
        {"version": "2022 v1.1", "file": SimpleUploadedFile("has.xlsx", workbook_bytes(rows))},
    )
    assert bad_rows.status_code == 422 and "Ligne 3 : référence « 1.1 » invalide" in unescape(
        bad_rows.content.decode()
    )
    missing = admin.post("/qualite/referentiel/", {"version": "2022 v1.1"})
    assert missing.status_code == 422 and field_error(missing.content.decode(), "file")
    done = admin.post(
        "/qualite/referentiel/",
        {"version": "2022 v1.1", "file": SimpleUploadedFile("has.xlsx", workbook_bytes())},
    )
    assert done.status_code == 302 and Framework.objects.get().criteria.count() == 13
    listed = admin.get("/qualite/referentiel/").content.decode()
    assert "2022 v1.1" in listed
    # a director reads the list but has no form, and may not post
    director = client_for("directeur")
    assert 'id="import"' not in director.get("/qualite/referentiel/").content.decode()
    refused = director.post(
        "/qualite/referentiel/", {"version": "x", "file": SimpleUploadedFile("has.xlsx", workbook_bytes())}
    )
    assert refused.status_code == 403


def test_self_assessment_page(world, framework):
    sa = SelfAssessment.objects.create(
        establishment=world.e1, framework=framework, started_on="2025-01-15", title="Auto 2025"
    )
    criterion = framework.criteria.get(reference="1.2.1")
    quality = client_for("qualite")
    scored = quality.post(f"/qualite/autoevaluation/{sa.pk}/criteres/{criterion.pk}/", {"score": "nc"})
    assert scored.status_code == 422
    assert "impératif" in field_error(scored.content.decode(), "score")
    scored = quality.post(
        f"/qualite/autoevaluation/{sa.pk}/criteres/{criterion.pk}/",
        {"score": "4", "evidence": "Livret d'accueil"},
    )
    assert scored.status_code == 302 and Score.objects.get().score == "4"
    page = quality.get(f"/qualite/autoevaluation/{sa.pk}/")
    html = unescape(page.content.decode())
    assert page.status_code == 200 and 'id="results"' in html and "Livret d'accueil" in html
    assert "Démarche qualité et gestion des risques" in html
    thematic = quality.get(
        f"/qualite/autoevaluation/{sa.pk}/?thematique={criterion.thematic_id}"
    ).content.decode()
    table = thematic.split('id="criteria"')[1].split("</table>")[0]
    assert "1.2.1" in table and "3.2.1" not in table
    action = quality.post(f"/qualite/autoevaluation/{sa.pk}/", {"action": "", "owner": "Direction"})
    assert action.status_code == 422 and field_error(action.content.decode(), "action")
    action = quality.post(
        f"/qualite/autoevaluation/{sa.pk}/",
        {"action": "Mettre à jour le livret", "owner": "Direction", "criterion": str(criterion.pk)},
    )
    assert action.status_code == 302
    item = ActionPlanItem.objects.get()
    assert quality.post(f"/qualite/actions/{item.pk}/statut", {"status": "done"}).status_code == 302
    item.refresh_from_db()
    assert item.status == "done"
    export = quality.get(f"/qualite/autoevaluation/{sa.pk}/export.xlsx")
    assert export.status_code == 200 and export.content[:2] == b"PK"
    assert quality.post(f"/qualite/autoevaluation/{sa.pk}/statut", {"status": "completed"}).status_code == 302
    sa.refresh_from_db()
    assert sa.status == "completed"
    # the educator reads but does not score; the outsider gets 404
    educator = client_for("educ_e1")
    assert "Coter" not in educator.get(f"/qualite/autoevaluation/{sa.pk}/").content.decode()
    assert educator.get(f"/qualite/autoevaluation/{sa.pk}/criteres/{criterion.pk}/").status_code == 403
    assert client_for("educ_e2").get(f"/qualite/autoevaluation/{sa.pk}/").status_code == 404
    assert client_for("educ_e2").get(f"/qualite/autoevaluation/{sa.pk}/export.xlsx").status_code == 404


def test_demo_quality(world):
    from parcours.steering.quality.demo import demo_quality

    demo_quality(world.e1.pk, world.admin)
    demo_quality(world.e1.pk, world.admin)
    sa = SelfAssessment.objects.get()
    assert sa.establishment_id == world.e1.pk and sa.status == "in_progress"
    assert Framework.objects.count() == 1 and sa.scores.count() == 6 and sa.actions.count() == 2
    record = EstablishmentQuality.objects.get(establishment=world.e1)
    assert record.next_external_evaluation.year == 2025 and "Comité éthique" in record.ethics_committee
