"""Importing the HAS framework from its spreadsheet: admins only, tolerant headers (case, accents,
title lines), .xlsx and .csv, every bad line reported (422) and nothing half-imported."""

from parcours.access.models import AuditEvent
from parcours.steering.quality.models import Criterion, Framework
from parcours.steering.quality.sample import EXTRACT, HEADER, workbook_bytes
from tests.api.conftest import fields_of
from tests.quality.conftest import SAMPLE, upload


def test_admin_imports_the_extract(api, world, has_extract):
    response = upload(api.admin, has_extract.read_bytes(), has_extract.name)
    assert response.status_code == 201, response.data
    data = response.data
    assert data["version"] == "2022 v1.1" and data["criteria_count"] == 13 and data["imperatives_count"] == 4
    assert [c["title"] for c in data["chapters"]] == ["La personne", "Les professionnels", "L'ESSMS"]
    assert (
        len(data["thematics"]) == 9
        and data["thematics"][8]["name"] == "Démarche qualité et gestion des risques"
    )
    first = data["criteria"][0]
    assert first["reference"] == "1.1.1" and first["imperative"] is False and first["target"] == "all"
    health = next(c for c in data["criteria"] if c["reference"] == "1.6.1")
    assert health["target"] == "specific" and health["target_detail"].startswith("ESSMS assurant")
    assert AuditEvent.objects.filter(actor=world.admin, action="create", object_type="framework").exists()
    # read by any professional; the same version twice is a conflict
    assert api.educator.get(f"/quality/frameworks/{data['id']}").data["criteria_count"] == 13
    assert api.educator.get("/quality/frameworks").data["count"] == 1
    assert api.partner.get(f"/quality/frameworks/{data['id']}").status_code == 403
    assert upload(api.admin, has_extract.read_bytes(), has_extract.name).status_code == 409


def test_the_shipped_sample_imports(api, world):
    response = upload(api.admin, SAMPLE.read_bytes(), SAMPLE.name, version="extrait")
    assert response.status_code == 201, response.data
    assert {c["reference"] for c in response.data["criteria"]} == {row[3] for row in EXTRACT}


def test_only_admins_import(api, world, has_extract):
    for client in (api.director, api.quality, api.educator, api.partner):
        assert upload(client, has_extract.read_bytes(), has_extract.name).status_code == 403
    assert upload(api.anonymous, has_extract.read_bytes(), has_extract.name).status_code == 401
    assert not Framework.objects.exists()


def test_csv_with_other_headers(api, world):
    lines = [
        "REFERENTIEL HAS;;;;",
        "CHAPITRE;Thematiques;N° du critère;Libellé du critère;Niveau d'exigence;Champ d'application",
        "Chapitre 1 - La personne;Droits de la personne accompagnée;1.2.1;Informée de ses droits;Impératif;Tous ESSMS",
        "2;8 - Politique RH;2.3.1;Analyse des pratiques;Standard;",
        "L'ESSMS;démarche qualité et gestion des risques;3.2.1;Événements indésirables;oui;",
        ";;;;;",
    ]
    content = "\r\n".join(lines).encode("cp1252")
    response = upload(api.admin, content, "referentiel.CSV", version="csv")
    assert response.status_code == 201, response.data
    criteria = {c["reference"]: c for c in response.data["criteria"]}
    assert set(criteria) == {"1.2.1", "2.3.1", "3.2.1"}
    assert criteria["1.2.1"]["imperative"] and not criteria["2.3.1"]["imperative"]
    thematics = {t["id"]: t["name"] for t in response.data["thematics"]}
    assert thematics[criteria["2.3.1"]["thematic"]] == "Politique ressources humaines"


def test_bad_rows_listed_with_their_line_numbers(api, world):
    rows = list(EXTRACT)
    rows[0] = ("1", "Bientraitance et éthique", "1.1", "1.1", "Texte", "non", "")  # line 3: bad reference
    rows[1] = ("1", "Thématique inventée", "1.2", "1.2.1", "Texte", "non", "")  # line 4
    rows[2] = ("1", "Expression et participation", "1.3", "1.3.1", "Texte", "peut-être", "")  # line 5
    rows[3] = (
        "2",
        "Co-construction et personnalisation du projet",
        "",
        "1.4.1",
        "Texte",
        "non",
        "",
    )  # line 6
    rows[4] = ("4", "Accompagnement à l'autonomie", "", "4.5.1", "", "non", "")  # line 7: chapter and text
    rows.append(
        ("3", "Démarche qualité et gestion des risques", "", "3.2.2", "Doublon", "non", "")
    )  # line 16
    response = upload(api.admin, workbook_bytes(rows), "has.xlsx")
    assert response.status_code == 422
    assert fields_of(response) == {
        "lines[3].reference",
        "lines[4].thematic",
        "lines[5].imperative",
        "lines[6].reference",
        "lines[7].chapter",
        "lines[7].text",
        "lines[16].reference",
    }
    messages = [e["message"] for e in response.data["errors"]]
    assert messages[0].startswith("Ligne 3 :") and "déjà vue ligne 15" in messages[-1]
    assert not Framework.objects.exists() and not Criterion.objects.exists()


def test_malformed_files_are_422(api, world):
    cases = [
        (b"PK\x03\x04 not really a zip", "has.xlsx"),
        (b"", "has.xlsx"),
        (b"%PDF-1.4", "has.pdf"),
        (workbook_bytes([], header=["Nom", "Prénom"]), "has.xlsx"),
        (
            workbook_bytes(
                [("1", "Bientraitance et éthique", "", "1.1.1", "T", "non", "")],
                header=HEADER[:4] + ["Critère"],
            ),
            "x.xlsx",
        ),
        (workbook_bytes([]), "has.xlsx"),
        ("chapitre,thématique\n\x00\x00".encode(), "has.csv"),
    ]
    for content, filename in cases:
        response = upload(api.admin, content, filename)
        assert response.status_code == 422, (filename, response.data)
        assert fields_of(response) == {"file"}, (filename, response.data)
    assert fields_of(upload(api.admin, workbook_bytes(), "has.xlsx", version="v" * 51)) == {"version"}
    no_file = api.admin.client.post(
        "/api/v1/quality/frameworks/import", {"version": "x"}, **api.admin.headers
    )
    assert no_file.status_code == 422
    assert not Framework.objects.exists()


def test_version_defaults_to_the_import_date(api, world):
    from parcours.core.dates import today

    response = upload(api.admin, workbook_bytes(), "has.xlsx", version="")
    assert response.status_code == 201 and response.data["version"] == f"importé le {today():%d/%m/%Y}"
