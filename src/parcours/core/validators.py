"""Identifiers of the French administration: FINESS, INSEE commune codes, NIR."""

import re

from django.core.exceptions import ValidationError
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import nir

FINESS_RE = re.compile(r"^(?:(?:0[1-9]|[1-8]\d|9[0-5]|2[AB])[0-9A-Z]{7}|97\d[0-9A-Z]{6})$")
INSEE_RE = re.compile(r"^(0[1-9]|[1-8]\d|9[0-5]|2[AB])\d{3}$|^97[1-8]\d{2}$")


def departement_of_finess(value: str) -> str:
    return value[:3] if value.startswith("97") else value[:2]


def validate_finess(value: str) -> None:
    """A FINESS number: 9 characters starting with a département code (01–95, 2A, 2B, 97x).

    The check key is not verified: its rule is not established (DOMAIN.md)."""
    if not value or not FINESS_RE.match(value):
        raise ValidationError(
            "Numéro FINESS invalide : 9 caractères commençant par un code de département.",
            code="finess",
        )


def validate_insee_commune(value: str) -> None:
    """An INSEE commune code: département code (2A/2B for Corsica) then 3 digits, 5 characters."""
    if not value or not INSEE_RE.match(value):
        raise ValidationError(
            "Code commune INSEE invalide : 5 caractères (département puis 3 chiffres).", code="insee"
        )


def validate_nir(value: str) -> None:
    """A NIR / INS: 15 characters whose key is checked (python-stdnum)."""
    try:
        nir.validate(value)
    except StdnumError as exc:
        raise ValidationError("NIR invalide : numéro ou clé incorrects.", code="nir") from exc
