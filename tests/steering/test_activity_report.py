"""The annual activity report, built by a background task: progress, the PDF opened and its text
checked, the Excel workbook opened and its cells checked, scope and audit."""

import io
from datetime import date

from django.http import HttpRequest
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from parcours.access.models import AuditEvent
from parcours.pathways.models import Stay
from parcours.people.models import Person
from parcours.steering.models import ActivityReport
from tests.conftest import PASSWORD


def test_report_is_built_in_the_background_with_its_pdf_and_workbook(api, world):
    leaver = Person.objects.create(
        first_name="Lou", last_name="=Sortie", birth_date=date(2012, 5, 5), sex="f"
    )
    Stay.objects.create(
        person=leaver,
        unit=world.u1,
        start_date=date(2025, 2, 1),
        end_date=date(2025, 5, 1),
        exit_reason="return_home",
    )
    response = api.director.post("/activity-reports", {"scope": f"establishment:{world.e1.pk}", "year": 2025})
    assert response.status_code == 202, response.data
    report = response.data
    status = api.director.get(f"/activity-reports/{report['id']}").data
    assert status["status"] == "done" and status["progress"] == 100  # tasks run inline in tests
    pdf = api.director.client.get(
        f"/api/v1/activity-reports/{report['id']}/report.pdf", **api.director.headers
    )
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    for expected in (
        "Rapport d'activité 2025",
        "MECS Millau",
        "Internat Millau",
        "Retour en famille",
        "Taux d'occupation",
    ):
        assert expected in text, expected
    # 2 places all year (730 days); Joël all year (365) and Lou from 1 February to 1 May (89)
    assert "730,00" in text and "454,00" in text
    xlsx = api.director.client.get(
        f"/api/v1/activity-reports/{report['id']}/report.xlsx", **api.director.headers
    )
    book = load_workbook(io.BytesIO(xlsx.content))
    summary = {row[0]: row[1] for row in book["Synthèse"].iter_rows(min_row=5, values_only=True) if row[0]}
    assert summary["Journées théoriques"] == 730.0 and summary["Journées réalisées"] == 454.0
    assert summary["Admissions"] == 1 and summary["Sorties"] == 1
    flows = [row for row in book["Entrées et sorties"].iter_rows(values_only=True)]
    assert ("Retour en famille", 1) in flows
    assert [row[0] for row in book["Mensuel"].iter_rows(min_row=2, values_only=True)][:2] == [
        "2025-01",
        "2025-02",
    ]
    assert (
        AuditEvent.objects.filter(actor=world.director, action="export", object_type="activityreport").count()
        == 2
    )
    # outside the scope, bad input
    assert api.outsider.get(f"/activity-reports/{report['id']}").status_code == 404
    assert (
        api.outsider.post(
            "/activity-reports", {"scope": f"establishment:{world.e1.pk}", "year": 2025}
        ).status_code
        == 404
    )
    bad = api.director.post("/activity-reports", {"scope": f"establishment:{world.e1.pk}", "year": 1800})
    assert bad.status_code == 422 and bad.data["errors"][0]["field"] == "year"
    assert (
        api.director.client.get(
            f"/api/v1/activity-reports/{report['id']}/report.doc", **api.director.headers
        ).status_code
        == 404
    )


def test_report_pages_and_progress_fragment(world):
    client = Client()
    assert client.login(request=HttpRequest(), username="directeur", password=PASSWORD)
    page = client.get("/pilotage/rapports/")
    assert page.status_code == 200
    done = client.post("/pilotage/rapports/", {"perimetre": f"unit:{world.u1.pk}", "annee": "2025"})
    report = ActivityReport.objects.get()
    assert done["Location"] == f"/pilotage/rapports/{report.pk}/"
    html = client.get(done["Location"]).content.decode()
    assert 'id="report-pdf"' in html and 'value="100"' in html
    # a report still running is polled (htmx) and shows its progress
    ActivityReport.objects.filter(pk=report.pk).update(
        status="running", progress=45, step="Admissions et sorties"
    )
    fragment = client.get(f"/pilotage/rapports/{report.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert (
        'hx-trigger="every 1s"' in fragment
        and "Admissions et sorties" in fragment
        and "<html" not in fragment
    )
    assert client.get(f"/pilotage/rapports/{report.pk}/rapport.pdf").status_code == 409
    bad = client.post("/pilotage/rapports/", {"perimetre": f"unit:{world.u1.pk}", "annee": "x"})
    assert bad.status_code == 422 and "Année attendue" in bad.content.decode()
