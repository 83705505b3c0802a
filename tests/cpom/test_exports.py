"""The CPOM exports: the Excel workbook (one sheet per strategic objective and an indicators sheet,
a label starting with = kept as text) and the PDF (action sheets, programme table, indicators),
both audited; out of scope 404."""

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from parcours.access.models import AuditEvent


@pytest.fixture
def cpom(api, world):
    cpom = api.director.post(
        "/cpoms",
        {
            "organisation": world.assoc.pk,
            "title": "CPOM Accueil Millau Ségur",
            "authority": "Conseil départemental de l'Aveyron",
            "start_year": 2024,
            "signatories": ["Président du Conseil départemental"],
        },
    ).data
    first = api.director.post(f"/cpoms/{cpom['id']}/objectives", {"title": "Thématique qualité"}).data
    second = api.director.post(f"/cpoms/{cpom['id']}/objectives", {"title": "Développement de l'offre"}).data
    action = api.director.post(
        f"/cpom-objectives/{first['id']}/actions",
        {"number": "1", "title": "Renforcer la lisibilité", "pilot": "Direction", "means": "• Site internet"},
    ).data
    api.director.post(
        f"/cpom-objectives/{second['id']}/actions",
        {"number": "1.3", "title": "Développer des places d'urgence"},
    )
    stage = api.director.post(
        f"/cpom-actions/{action['id']}/stages",
        {"label": "Mise en place du Comité éthique", "planned_years": [2024]},
    ).data
    api.director.patch(f"/cpom-stages/{stage['id']}", {"progress": {"2024": "done"}})
    formula = api.director.post(
        f"/cpom-actions/{action['id']}/indicators",
        {"label": '=HYPERLINK("http://x")', "targets": {"2024": 4}},
    ).data
    api.director.put(f"/cpom-indicators/{formula['id']}/values/2024", {"value": 4, "comment": "@commentaire"})
    api.director.post(
        f"/cpom-actions/{action['id']}/indicators",
        {"label": "Nombre de réunions du Comité éthique", "unit": "réunions", "targets": {"2024": 3}},
    )
    return cpom


def test_excel_workbook(api, world, cpom):
    response = api.quality.get(f"/cpoms/{cpom['id']}/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["CPOM", "OS1 Thématique qualité", "OS2 Développement de l'offre", "Indicateurs"]
    summary = [[c.value for c in row] for row in wb["CPOM"].iter_rows()]
    assert summary[0][0] == "CPOM Accueil Millau Ségur"
    assert ["Autorité", "Conseil départemental de l'Aveyron"] in summary
    sheet = [[c.value for c in row] for row in wb["OS1 Thématique qualité"].iter_rows()]
    flat = [v for row in sheet for v in row if v is not None]
    assert "Action n° 1 : Renforcer la lisibilité" in flat
    assert [r for r in sheet if r[0] == "Pilote"][0][:2] == ["Pilote", "Direction"]
    programme = [r for r in sheet if r[0] == "Mise en place du Comité éthique"][0]
    assert programme[2] == "X Réalisé" and programme[3] is None
    indicators = wb["Indicateurs"]
    header = [c.value for c in indicators[1]]
    assert header[:3] == ["Objectif", "Action", "Indicateur"]
    rows = [[c.value for c in row] for row in indicators.iter_rows(min_row=2)]
    assert len(rows) == 2 * 5  # two indicators × five years
    formula_rows = [r for r in rows if str(r[2]).startswith("'=")]
    assert formula_rows and formula_rows[0][2] == '\'=HYPERLINK("http://x")'  # text, not a formula
    for cell in indicators["C"]:
        assert cell.data_type != "f"
    first = [r for r in formula_rows if r[8] == 2024][0]
    assert first[9] == 4 and first[10] == 4 and first[11] == "Atteint" and first[12] == "'@commentaire"
    event = AuditEvent.objects.get(action="export", actor=world.quality)
    assert event.object_type == "cpom" and event.details["format"] == "xlsx"


def test_pdf_document(api, world, cpom):
    response = api.educator.get(f"/cpoms/{cpom['id']}/document.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    for expected in [
        "CPOM Accueil Millau Ségur",
        "Conseil départemental de l'Aveyron",
        "Objectif stratégique n° 1 : Thématique qualité",
        "Action n° 1 : « Renforcer la lisibilité »",
        "Programmation prévisionnelle détaillée",
        "Mise en place du Comité éthique",
        "Réalisé",
        "Nombre de réunions du Comité éthique",
        "Action n° 1.3",
        "Atteint",
    ]:
        assert expected in text, expected
    event = AuditEvent.objects.get(action="export", actor=world.educator)
    assert event.details["format"] == "pdf"


def test_exports_out_of_scope(api, cpom):
    assert api.outsider.get(f"/cpoms/{cpom['id']}/export.xlsx").status_code == 404
    assert api.outsider.get(f"/cpoms/{cpom['id']}/document.pdf").status_code == 404
    assert api.partner.get(f"/cpoms/{cpom['id']}/document.pdf").status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()
