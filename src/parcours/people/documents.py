"""Storage of documents: validated, encrypted at rest (Fernet, key from DOCUMENT_KEY), kept under
MEDIA_ROOT which is never served as static files."""

import hashlib
import uuid
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings

from parcours.core.errors import Invalid

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


def _fernet() -> Fernet:
    return Fernet(settings.DOCUMENT_KEY.encode())


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
    return _fernet().decrypt((_folder() / storage_name).read_bytes())


def remove(storage_name: str) -> None:
    (_folder() / storage_name).unlink(missing_ok=True)
