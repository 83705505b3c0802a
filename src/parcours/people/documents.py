"""Storage of documents: validated, encrypted at rest (Fernet), kept under MEDIA_ROOT which is never
served as static files.

Keys: DOCUMENT_KEY encrypts; DOCUMENT_OLD_KEYS (previous keys) are still accepted for reading, so a
key can be rotated: set the new key as DOCUMENT_KEY and the former one in DOCUMENT_OLD_KEYS, run
`parcours rotate_document_key` (every file re-encrypted with the new key), then drop the old key.
A document no configured key opens, or whose file is missing, is DocumentUnreadable (503), never a
500."""

import hashlib
import logging
import os
import uuid
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import checks

from parcours.core.errors import Invalid, ServiceError

log = logging.getLogger(__name__)
UNREADABLE = (
    "Document illisible : la clé de chiffrement configurée sur le serveur ne permet pas de l'ouvrir. "
    "Prévenez l'administrateur de Parcours."
)
MISSING = "Document indisponible : son fichier est absent du stockage. Prévenez l'administrateur de Parcours."
PARTIAL_SUFFIX = ".rotating"  # a file being re-encrypted (replaced atomically once written)


class DocumentUnreadable(ServiceError):
    """The document exists but the server cannot give it back (wrong or lost key, missing file): a
    fault of the server's configuration or storage, not of the request, so 503 Service Unavailable
    with the uniform error body, until an administrator restores the key or the file."""

    status = 503

    def __init__(self, detail: str = UNREADABLE):
        super().__init__(detail)


# Accepted types: extension → (content type, magic-bytes prefixes; empty means text).
ACCEPTED = {
    "pdf": ("application/pdf", [b"%PDF-"]),
    "png": ("image/png", [b"\x89PNG\r\n\x1a\n"]),
    "jpg": ("image/jpeg", [b"\xff\xd8\xff"]),
    "jpeg": ("image/jpeg", [b"\xff\xd8\xff"]),
    "odt": ("application/vnd.oasis.opendocument.text", [b"PK\x03\x04"]),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", [b"PK\x03\x04"]),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", [b"PK\x03\x04"]),
    "txt": ("text/plain", []),
}


def check_upload(filename: str, data: bytes) -> str:
    """The content type of an acceptable upload, or Invalid naming the 'file' field."""
    ext = Path(filename or "").suffix.lower().lstrip(".")
    if ext not in ACCEPTED:
        raise Invalid({"file": "Type de fichier refusé : PDF, PNG, JPEG, ODT, DOCX, XLSX ou TXT."})
    if not data:
        raise Invalid({"file": "Le fichier est vide."})
    if len(data) > settings.DOCUMENT_MAX_BYTES:
        raise Invalid(
            {"file": f"Fichier trop volumineux (maximum {settings.DOCUMENT_MAX_BYTES // (1024 * 1024)} Mo)."}
        )
    content_type, magics = ACCEPTED[ext]
    if magics and not any(data.startswith(m) for m in magics):
        raise Invalid({"file": "Le contenu du fichier ne correspond pas à son extension."})
    if not magics:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise Invalid({"file": "Un fichier texte doit être encodé en UTF-8."}) from None
    return content_type


def configured_keys() -> list[str]:
    """The configured keys, the one that encrypts first."""
    return [settings.DOCUMENT_KEY, *getattr(settings, "DOCUMENT_OLD_KEYS", [])]


def fingerprint(key: str) -> str:
    """A short public name of a key (to tell which key a backup needs), from which the key cannot be
    found."""
    return hashlib.sha256(b"parcours-document-key\0" + key.encode()).hexdigest()[:16]


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in configured_keys()])


@checks.register(checks.Tags.security)
def check_document_keys(app_configs=None, **kwargs):
    """Every configured key must be a Fernet key (32 url-safe base64 bytes)."""
    errors = []
    for index, key in enumerate(configured_keys()):
        try:
            Fernet(key.encode())
        except (ValueError, TypeError):
            name = "DOCUMENT_KEY" if index == 0 else f"DOCUMENT_OLD_KEYS[{index - 1}]"
            errors.append(
                checks.Error(
                    f"{name} n'est pas une clé Fernet (32 octets en base64 url-safe).",
                    hint="Générez-en une : parcours rotate_document_key --generate-key",
                    id="people.E001",
                )
            )
    return errors


def _folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "documents"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store(data: bytes) -> tuple[str, str]:
    """Encrypt and write; returns (storage name, sha256 of the clear content)."""
    name = uuid.uuid4().hex
    (_folder() / name).write_bytes(_fernet().encrypt(data))
    return name, hashlib.sha256(data).hexdigest()


def load(storage_name: str) -> bytes:
    """The clear content; DocumentUnreadable when no configured key opens it or the file is missing."""
    path = _folder() / storage_name
    try:
        return _fernet().decrypt(path.read_bytes())
    except FileNotFoundError:
        log.error("Document file missing from the storage: %s", storage_name)
        raise DocumentUnreadable(MISSING) from None
    except InvalidToken:
        log.error("Document %s cannot be decrypted with the configured keys", storage_name)
        raise DocumentUnreadable() from None


def stored_names() -> list[str]:
    """The names of every stored document file (not the partial files of an interrupted rotation)."""
    return sorted(p.name for p in _folder().iterdir() if p.is_file() and not p.name.endswith(PARTIAL_SUFFIX))


def discard_partials() -> int:
    """Remove the partial files an interrupted rotation left (their original is intact)."""
    partials = list(_folder().glob("*" + PARTIAL_SUFFIX))
    for partial in partials:
        partial.unlink(missing_ok=True)
    return len(partials)


def rotate(storage_name: str, *, dry_run: bool = False) -> bool:
    """Re-encrypt one stored file with the current key (DOCUMENT_KEY), through a partial file replaced
    atomically: an interruption leaves the old or the new file, never half of one. False when the
    file already is under the current key; DocumentUnreadable when no configured key opens it."""
    path = _folder() / storage_name
    token = path.read_bytes()
    try:
        Fernet(settings.DOCUMENT_KEY.encode()).decrypt(token)
        return False
    except InvalidToken:
        pass
    try:
        rotated = _fernet().rotate(token)
    except InvalidToken:
        raise DocumentUnreadable() from None
    if dry_run:
        return True
    partial = path.with_name(path.name + PARTIAL_SUFFIX)
    with open(partial, "wb") as out:
        out.write(rotated)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, path)
    return True


def remove(storage_name: str) -> None:
    (_folder() / storage_name).unlink(missing_ok=True)
