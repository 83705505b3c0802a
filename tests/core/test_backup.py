"""Backup and restore (parcours backup / parcours restore), document key rotation
(parcours rotate_document_key) and the clear error for a document the server cannot read."""

import hashlib
import io
import json
import shutil
from contextlib import ExitStack
from datetime import date
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection
from django.http import HttpRequest
from django.test import Client

from parcours.access.models import AuditEvent
from parcours.people import documents as storage
from parcours.people import services as people
from tests import scratch
from tests.conftest import PASSWORD

CONTENT = b"%PDF-1.4 jugement en assistance educative"

READ_BACK = """
import hashlib, json
from django.db import DatabaseError, connection, transaction
from parcours.access.models import AuditEvent, User
from parcours.people import services
from parcours.people.models import Document

director = User.objects.get(username="directeur")
doc = Document.objects.get()
doc, data = services.read_document(director, doc.pk)
events = AuditEvent.objects.filter(object_type="document", object_id=str(doc.pk)).order_by("at", "id")
guard = None
if connection.vendor == "postgresql":  # the restored audit log keeps its triggers
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE access_auditevent")
        guard = "passed"
    except DatabaseError:
        guard = "refused"
print(json.dumps({
    "guard": guard,
    "sha256": hashlib.sha256(data).hexdigest(),
    "filename": doc.filename,
    "trail": [[e.actor_label, e.action] for e in events],
    "events": AuditEvent.objects.count(),
}))
"""


def _client(username):
    client = Client()
    assert client.login(request=HttpRequest(), username=username, password=PASSWORD)
    return client


def _upload(world, name="jugement.pdf", data=CONTENT):
    return people.upload_document(world.director, world.child.pk, filename=name, data=data, kind="judgement")


@pytest.fixture
def key(settings):
    settings.DOCUMENT_KEY = Fernet.generate_key().decode()
    settings.DOCUMENT_OLD_KEYS = []
    return settings.DOCUMENT_KEY


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_a_fresh_database_and_media_folder(world, key, settings, tmp_path):
    doc = _upload(world)
    people.read_document(world.director, doc.pk)
    before = AuditEvent.objects.count()
    out = io.StringIO()
    call_command("backup", output=str(tmp_path / "backup"), stdout=out)
    assert "1 documents" in out.getvalue()

    folder = tmp_path / "backup"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["tables"]["people_document"] == 1
    assert manifest["tables"]["access_auditevent"] == before
    assert manifest["document_keys"] == [storage.fingerprint(key)]
    assert manifest["media"]["files"] == 1
    assert "0001_initial" in manifest["migrations"]["access"]
    for name, expected in manifest["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == expected["sha256"]
    if connection.vendor == "postgresql":
        server_major = str(connection.pg_version // 10000)
        assert f"pg_dump (PostgreSQL) {server_major}." in manifest["database"]["tool"]
    call_command("restore", str(folder), check=True, stdout=io.StringIO())
    # the live database is not empty: a restore never overwrites it
    with pytest.raises(CommandError, match="n'est pas vide"):
        call_command("restore", str(folder), stdout=io.StringIO())
    # a damaged backup is refused before anything is done
    damaged = tmp_path / "damaged"
    shutil.copytree(folder, damaged)
    with open(damaged / "media.tar", "r+b") as f:
        f.seek(600)
        f.write(b"X")
    with pytest.raises(CommandError, match="Somme de contrôle de media.tar"):
        call_command("restore", str(damaged), check=True, stdout=io.StringIO())

    with ExitStack() as stack:

        def fresh_database(name: str) -> str:
            if connection.vendor == "postgresql":
                scratch.require_postgres_superuser()
                return scratch.url(stack.enter_context(scratch.scratch_database()))
            return f"sqlite:///{tmp_path / name}.sqlite3"

        env = {
            "DATABASE_URL": fresh_database("restored"),
            "MEDIA_ROOT": str(tmp_path / "restored-media"),
            "DOCUMENT_KEY": key,
            "PARCOURS_VAR_DIR": str(tmp_path / "var"),
        }
        restored = scratch.parcours("restore", str(folder), env=env)
        assert "1 documents relus avec la clé configurée" in restored.stdout
        result = scratch.parcours("shell", "-c", READ_BACK, env=env)
        read_back = json.loads(result.stdout.strip().splitlines()[-1])
        assert read_back["sha256"] == hashlib.sha256(CONTENT).hexdigest()
        assert read_back["filename"] == "jugement.pdf"
        # the trail from before the backup, then the read just made on the restored instance
        assert read_back["trail"] == [
            ["directeur", "create"],
            ["directeur", "download"],
            ["directeur", "download"],
        ]
        assert read_back["events"] == before + 1
        assert read_back["guard"] == ("refused" if connection.vendor == "postgresql" else None)
        # once restored, the new database is no longer empty: a second restore is refused
        again = scratch.parcours("restore", str(folder), env=env, check=False)
        assert again.returncode != 0 and "n'est pas vide" in again.stderr

        # without the document key, the restore says so (the data is there, the documents unreadable)
        other = {
            **env,
            "DATABASE_URL": fresh_database("other"),
            "MEDIA_ROOT": str(tmp_path / "other-media"),
            "DOCUMENT_KEY": Fernet.generate_key().decode(),
        }
        wrong = scratch.parcours("restore", str(folder), env=other, check=False)
        assert wrong.returncode != 0
        assert "aucune des clés configurées" in wrong.stderr and "1 document(s) illisible(s)" in wrong.stderr


def test_rotate_the_document_key_and_still_read_old_documents(world, key, settings, monkeypatch):
    old_key = key
    first, second = _upload(world, "a.pdf", CONTENT + b" a"), _upload(world, "b.pdf", CONTENT + b" b")

    settings.DOCUMENT_KEY = Fernet.generate_key().decode()
    settings.DOCUMENT_OLD_KEYS = [old_key]
    assert people.read_document(world.director, first.pk)[1] == CONTENT + b" a"  # old key still read
    third = _upload(world, "c.pdf", CONTENT + b" c")  # new documents under the new key

    dry = io.StringIO()
    call_command("rotate_document_key", dry_run=True, stdout=dry)
    assert "Documents à rechiffrer : 2 ; déjà sous la clé actuelle : 1" in dry.getvalue()

    # interrupted after the first file: the next run resumes with what is left
    rotate, calls = storage.rotate, []

    def interrupted(name, **kwargs):
        if calls:
            raise KeyboardInterrupt
        calls.append(name)
        return rotate(name, **kwargs)

    monkeypatch.setattr(storage, "rotate", interrupted)
    with pytest.raises(KeyboardInterrupt):
        call_command("rotate_document_key", stdout=io.StringIO())
    monkeypatch.setattr(storage, "rotate", rotate)
    # a partial file left by a crash in the middle of a write is discarded, its original intact
    (storage._folder() / (second.storage_name + storage.PARTIAL_SUFFIX)).write_bytes(b"half")

    out = io.StringIO()
    call_command("rotate_document_key", stdout=out)
    assert "Documents rechiffrés : 1 ; déjà sous la clé actuelle : 2" in out.getvalue()
    assert "fichiers partiels d'une rotation interrompue supprimés : 1" in out.getvalue()
    assert "DOCUMENT_OLD_KEYS peut être vidée" in out.getvalue()
    files = {d.pk: (storage._folder() / d.storage_name).read_bytes() for d in (first, second, third)}
    again = io.StringIO()
    call_command("rotate_document_key", stdout=again)  # idempotent: nothing rewritten
    assert "Documents rechiffrés : 0 ; déjà sous la clé actuelle : 3" in again.getvalue()
    assert files == {d.pk: (storage._folder() / d.storage_name).read_bytes() for d in (first, second, third)}

    settings.DOCUMENT_OLD_KEYS = []  # the old key withdrawn: everything reads with the new one
    for doc, suffix in ((first, b" a"), (second, b" b"), (third, b" c")):
        assert people.read_document(world.director, doc.pk)[1] == CONTENT + suffix
    rotation = AuditEvent.objects.filter(object_type="document_key")
    assert [(e.actor_label, e.action) for e in rotation] == [("rotate_document_key", "update")] * 2
    assert rotation.first().details["key"] == storage.fingerprint(settings.DOCUMENT_KEY)


def test_an_unreadable_document_is_a_clear_error_not_a_500(world, key, settings):
    from parcours.access.services import issue_token
    from parcours.admissions import services as admissions
    from parcours.people.models import Person

    doc = _upload(world)
    partner_person = Person.objects.create(
        first_name="Zia", last_name="Doc", birth_date=date(2014, 1, 1), sex="f", created_by=world.partner
    )
    referral = admissions.submit_referral(
        world.partner,
        person=partner_person.pk,
        modality="residential",
        public="child_protection",
        wished_date=date(2026, 12, 1),
        reason="OPP",
        target_units=[world.u1.pk],
    )
    admissions.attach_document(world.partner, referral.pk, filename="opp.pdf", data=CONTENT, kind="report")
    shared = referral.shared_documents.get().document_id
    settings.DOCUMENT_KEY = Fernet.generate_key().decode()  # a key that did not encrypt them
    token = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(world.director)}"}
    api = Client()
    for url in (
        f"/api/v1/documents/{doc.pk}/content",
        f"/api/v1/referrals/{referral.pk}/documents/{shared}/content",
    ):
        response = api.get(url, **token)
        assert response.status_code == 503, response.content
        assert response.json() == {"detail": storage.UNREADABLE, "errors": []}

    page = _client("directeur")
    response = page.get(f"/documents/{doc.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/personnes/{world.child.pk}/?onglet=documents"
    assert "Document illisible" in page.get(response["Location"]).content.decode()
    response = page.get(f"/orientations/{referral.pk}/documents/{shared}/")
    assert response.status_code == 302 and response["Location"] == f"/orientations/{referral.pk}/"
    assert "Document illisible" in page.get(response["Location"]).content.decode()
    assert _client("educ_e2").get(f"/documents/{doc.pk}/").status_code == 404  # still out of scope

    with pytest.raises(CommandError, match="2 fichier\\(s\\) qu'aucune clé configurée n'ouvre"):
        call_command("rotate_document_key", stdout=io.StringIO())
    assert not AuditEvent.objects.filter(object_type="document_key").exists()

    Path(storage._folder() / doc.storage_name).unlink()  # a file lost from the storage
    response = api.get(f"/api/v1/documents/{doc.pk}/content", **token)
    assert response.status_code == 503 and response.json()["detail"] == storage.MISSING


def test_a_malformed_document_key_fails_the_system_checks(settings):
    from parcours.people.documents import check_document_keys

    settings.DOCUMENT_KEY = Fernet.generate_key().decode()
    settings.DOCUMENT_OLD_KEYS = ["pas-une-cle"]
    assert [e.id for e in check_document_keys()] == ["people.E001"]
    assert "DOCUMENT_OLD_KEYS[0]" in check_document_keys()[0].msg
