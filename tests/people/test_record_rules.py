from datetime import date, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from parcours.core.dates import today
from parcours.core.errors import Conflict, Invalid, NotFound
from parcours.pathways.models import Stay
from parcours.people import services
from parcours.people.models import Document, Person


def old_record(world):
    person = Person.objects.create(
        first_name="Ancien",
        last_name="Dossier",
        birth_date=date(2005, 1, 1),
        sex="m",
        home_establishment=world.e1,
    )
    Person.objects.filter(pk=person.pk).update(created_at=person.created_at - timedelta(days=5 * 365))
    ended = today() - timedelta(days=3 * 365)
    Stay.objects.create(
        person=person,
        unit=world.u1,
        start_date=ended - timedelta(days=300),
        end_date=ended,
        exit_reason="adulthood",
    )
    return person


def test_archive_dry_run_then_archive(world):
    person = old_record(world)
    out = StringIO()
    call_command("archive", "--dry-run", stdout=out)
    assert "DOSSIER Ancien" in out.getvalue() and "1 dossier(s) seraient archivés" in out.getvalue()
    person.refresh_from_db()
    assert person.archived_at is None
    found = services.archive_inactive()
    assert [p.pk for p, _ in found] == [person.pk]  # the child with an open stay is kept
    person.refresh_from_db()
    assert person.archived_at is not None
    assert not Person.objects.visible_to(world.educator).filter(pk=person.pk).exists()
    assert Person.objects.visible_to(world.director).filter(pk=person.pk).exists()
    with pytest.raises(Conflict):
        services.add_note(world.director, person.pk, text="x")


def test_documents_are_encrypted_at_rest(world):
    clear = b"%PDF-1.4 secret de l'enfant"
    doc = services.upload_document(
        world.director, world.child.pk, filename="rapport.pdf", data=clear, kind="report"
    )
    stored = (Path(settings.MEDIA_ROOT) / "documents" / doc.storage_name).read_bytes()
    assert clear not in stored and b"secret" not in stored
    assert services.read_document(world.director, doc.pk)[1] == clear
    with pytest.raises(NotFound):
        services.read_document(world.outsider, doc.pk)


def test_document_size_limit(world, settings):
    settings.DOCUMENT_MAX_BYTES = 10
    with pytest.raises(Invalid) as exc:
        services.upload_document(
            world.director, world.child.pk, filename="a.txt", data=b"x" * 11, kind="other"
        )
    assert exc.value.errors[0]["field"] == "file"
    assert not Document.objects.exists()


def test_duplicates_ignore_accents_hyphens_and_order(world):
    for first, last in [("Joel", "Dupont Martin"), ("DUPONT-MARTIN", "Joël"), ("Joël", "Dupont-Martn")]:
        found = services.likely_duplicates(
            world.director, first_name=first, last_name=last, birth_date=date(2012, 3, 4)
        )
        assert found == [world.child], (first, last)
    assert (
        services.likely_duplicates(
            world.director, first_name="Lina", last_name="Dupont", birth_date=date(2012, 3, 4)
        )
        == []
    )
    assert (
        services.likely_duplicates(
            world.outsider, first_name="Joël", last_name="Dupont-Martin", birth_date=date(2012, 3, 4)
        )
        == []
    )
