from pathlib import Path

import pytest

from tests.api.conftest import api  # noqa: F401 - the API clients of the personas

SAMPLE = Path(__file__).with_name("referentiel-has-extrait.xlsx")


@pytest.fixture
def has_extract(tmp_path) -> Path:
    """The small extract of the HAS spreadsheet, built with openpyxl (the same layout as the shipped
    tests/quality/referentiel-has-extrait.xlsx: a title line, the header, 13 criteria of which 4
    imperatives)."""
    from parcours.steering.quality.sample import workbook_bytes

    path = tmp_path / "referentiel-has-extrait.xlsx"
    path.write_bytes(workbook_bytes())
    return path


def upload(api_client, content: bytes, filename: str, version: str = "2022 v1.1", **extra):
    """POST /quality/frameworks/import as multipart."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"file": SimpleUploadedFile(filename, content), "version": version, **extra}
    response = api_client.client.post("/api/v1/quality/frameworks/import", data, **api_client.headers)
    try:
        response.data = response.json()
    except ValueError:
        response.data = None
    return response


@pytest.fixture
def framework(world, has_extract):
    from parcours.steering.quality.services import import_framework

    world.admin.refresh_from_db()
    return import_framework(world.admin, has_extract.read_bytes(), has_extract.name, version="2022 v1.1")
