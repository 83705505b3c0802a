"""Identifiers of the French administration: FINESS, INSEE commune codes, NIR; the plausible ranges
of the dates and texts people enter."""

import re
from datetime import date, datetime

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


# --- plausible input (README, « Saisies plausibles ») ------------------------------------------------
# One set of rules for every date and text a person enters, applied to every API write (api.api) and
# to every form submitted through core.viewtools.submit: a typo (0001-01-01, 9999-12-31, a paste of a
# whole file) is refused with the field named instead of being stored.

EARLIEST_DATE = date(1900, 1, 1)
FUTURE_YEARS = 30  # measures, plans, capacities, deadlines: planned years ahead, not centuries
TEXT_MAX_LENGTH = 50_000  # a note, minutes, a free text: about twenty typed pages


def latest_date() -> date:
    from parcours.core.dates import add_years, today

    return add_years(today(), FUTURE_YEARS)


def _fr(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def date_error(value: date) -> str | None:
    """Why a date (or a datetime's day) is implausible: before 1900 or more than 30 years ahead."""
    day = value.date() if isinstance(value, datetime) else value
    latest = latest_date()
    if not EARLIEST_DATE <= day <= latest:
        return f"Date hors des limites plausibles : entre le {_fr(EARLIEST_DATE)} et le {_fr(latest)}."
    return None


def birth_date_error(value: date | None) -> str | None:
    """Why a birth date is implausible: in the future or before 1900."""
    from parcours.core.dates import today

    if value is None:
        return None
    if value > today():
        return "La date de naissance est dans le futur."
    if value < EARLIEST_DATE:
        return f"Date de naissance invalide : le {_fr(EARLIEST_DATE)} au plus tôt."
    return None


def text_error(value: str, limit: int = TEXT_MAX_LENGTH) -> str | None:
    if len(value) > limit:
        return f"Texte trop long : {limit:,} caractères au plus.".replace(",", "\u202f")
    return None


def plausibility_errors(value, field: str = "", limits: dict[str, int] | None = None) -> dict[str, str]:
    """The implausible dates and too long texts in an input, whatever its shape (a schema, a form's
    cleaned data, nested lists and mappings), by field path ("needs[0].description"). A text whose
    name is in limits has that length at most (the column's), any other text TEXT_MAX_LENGTH."""
    errors: dict[str, str] = {}
    if isinstance(value, date):  # datetime included
        message = date_error(value)
    elif isinstance(value, str):
        name = field.rsplit(".", 1)[-1].split("[", 1)[0]
        message = text_error(value, (limits or {}).get(name, TEXT_MAX_LENGTH))
    else:
        message = None
        if hasattr(value, "model_fields_set"):  # a pydantic (ninja) schema: the fields sent
            items = ((name, getattr(value, name)) for name in sorted(value.model_fields_set))
        elif isinstance(value, dict):
            items = ((str(k), v) for k, v in value.items())
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value):
                errors.update(plausibility_errors(item, f"{field}[{index}]", limits))
            items = ()
        else:
            items = ()
        for name, item in items:
            errors.update(plausibility_errors(item, f"{field}.{name}" if field else name, limits))
    if message:
        errors[field or "__all__"] = message
    return errors
