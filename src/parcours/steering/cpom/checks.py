"""Input checks of the CPOM services: texts, years within the CPOM's period, numbers, targets per
year, stage progress, establishments and computed-indicator scopes. Each check records a French
message under the field's name in `errors` and returns the cleaned value."""

import re
from decimal import Decimal

from parcours.access import scoping
from parcours.core.errors import Invalid, NotFound
from parcours.steering.cpom import selectors
from parcours.steering.cpom.choices import RATE_KEYS, Progress
from parcours.steering.cpom.models import Cpom

MAX_YEARS = 5
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_TEXT = 20000
MAX_VALUE = Decimal("1e10")
ACTION_NUMBER = re.compile(r"^[0-9A-Za-z]{1,5}([.\-][0-9A-Za-z]{1,5}){0,3}$")


def clean_text(errors: dict, field: str, value, *, required: bool = False, max_length: int = MAX_TEXT) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[field] = "Texte attendu."
        return ""
    value = value.strip()
    if required and not value:
        errors[field] = "Champ obligatoire."
    elif len(value) > max_length:
        errors[field] = f"{max_length} caractères au plus."
    return value


def clean_year(
    errors: dict, field: str, value, cpom: Cpom | None = None, *, required: bool = True
) -> int | None:
    if value in (None, ""):
        if required:
            errors[field] = "Année obligatoire."
        return None
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        errors[field] = "Année attendue (ex. 2025)."
        return None
    if isinstance(value, bool) or isinstance(value, float) and value != year:
        errors[field] = "Année attendue (ex. 2025)."
        return None
    if cpom is not None and not cpom.start_year <= year <= cpom.end_year:
        errors[field] = f"Année hors de la période du CPOM ({cpom.start_year}–{cpom.end_year})."
        return None
    if not MIN_YEAR <= year <= MAX_YEAR:
        errors[field] = f"Année entre {MIN_YEAR} et {MAX_YEAR}."
        return None
    return year


def clean_number(errors: dict, field: str, value) -> Decimal | None:
    if isinstance(value, str):
        value = value.strip().replace(",", ".").replace("\u202f", "").replace(" ", "")
    number = selectors.decimal_or_none(value)
    if number is None or value == "":
        errors[field] = "Nombre attendu."
        return None
    if abs(number) >= MAX_VALUE:
        errors[field] = "Nombre trop grand."
        return None
    return number.quantize(Decimal("0.0001"))


def canonical(number: Decimal) -> str:
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def clean_years(errors: dict, field: str, value, cpom: Cpom) -> list[int]:
    if value is None:
        return []
    if not isinstance(value, (list, tuple, set)):
        errors[field] = "Liste d'années attendue."
        return []
    years = set()
    for index, item in enumerate(value):
        year = clean_year(errors, f"{field}[{index}]", item, cpom)
        if year is not None:
            years.add(year)
    return sorted(years)


def clean_signatories(errors: dict, value) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        errors["signatories"] = "Liste de signataires attendue."
        return []
    out = []
    for index, item in enumerate(value):
        name = clean_text(errors, f"signatories[{index}]", item, required=True, max_length=255)
        if name:
            out.append(name)
    return out


def clean_period(errors: dict, start_year, end_year) -> tuple[int | None, int | None]:
    start = clean_year(errors, "start_year", start_year)
    end = clean_year(errors, "end_year", end_year, required=False)
    if start is not None and end is None and "end_year" not in errors:
        end = start + MAX_YEARS - 1
    if start is not None and end is not None:
        if end < start:
            errors["end_year"] = "La dernière année précède la première."
        elif end - start + 1 > MAX_YEARS:
            errors["end_year"] = f"Un CPOM couvre {MAX_YEARS} ans au plus."
    return start, end


def family_of(organisations: int | set[int]) -> set[int]:
    """The organisation(s) and, for a group, its members."""
    ids = {organisations} if isinstance(organisations, int) else set(organisations)
    return scoping._with_group_members(ids)


def clean_establishments(errors: dict, actor, value, organisation_id: int | None) -> list:
    if value is None:
        return []
    if not isinstance(value, (list, tuple)) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        errors["establishments"] = "Liste d'identifiants d'établissements attendue."
        return []
    visible = scoping.establishments_visible_to(actor).filter(pk__in=[v for v in value if 0 < v < 2**63])
    found = {e.pk: e for e in visible}
    if len(found) != len(set(value)):
        errors["establishments"] = "Établissement introuvable."
        return []
    if organisation_id is not None:
        family = family_of(organisation_id)
        if any(e.organisation_id not in family for e in found.values()):
            errors["establishments"] = "Les établissements doivent relever du gestionnaire du CPOM."
            return []
    return list(found.values())


def clean_targets(errors: dict, value, cpom: Cpom, key: str = "") -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        errors["targets"] = 'Cibles attendues par année : {"2025": 0.95}.'
        return {}
    out = {}
    for raw_year, raw_target in value.items():
        field = f"targets.{raw_year}"
        year = clean_year(errors, field, raw_year, cpom)
        if year is None:
            continue
        if raw_target in (None, ""):
            continue  # no target that year
        number = clean_number(errors, field, raw_target)
        if number is None:
            continue
        if key in RATE_KEYS and not Decimal(0) <= number <= Decimal(2):
            errors[field] = "Taux attendu sous forme décimale (0,95 pour 95 %)."
            continue
        out[str(year)] = canonical(number)
    return dict(sorted(out.items()))


def clean_progress(errors: dict, value, cpom: Cpom) -> dict[str, str | None]:
    """{year: status or null (null or "" removes the year's mark)}."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        errors["progress"] = 'Avancement attendu par année : {"2025": "done"}.'
        return {}
    out = {}
    for raw_year, raw_status in value.items():
        field = f"progress.{raw_year}"
        year = clean_year(errors, field, raw_year, cpom)
        if year is None:
            continue
        if raw_status in (None, ""):
            out[str(year)] = None
        elif raw_status not in Progress.values:
            errors[field] = "Avancement attendu : " + ", ".join(Progress.values) + "."
        else:
            out[str(year)] = raw_status
    return out


def clean_scope(errors: dict, actor, value, cpom: Cpom) -> str:
    """A scope string the actor sees (steering.scope.resolve), within the CPOM's organisation."""
    from parcours.directory.models import Establishment, Unit
    from parcours.steering.scope import resolve

    value = (value or "").strip() if isinstance(value, str) else value
    if not value:
        errors["scope"] = "Périmètre obligatoire pour un indicateur calculé (unit:ID, establishment:ID…)."
        return ""
    if not isinstance(value, str):
        errors["scope"] = "Périmètre attendu : unit:ID, establishment:ID ou organisation:ID."
        return ""
    try:
        scope = resolve(actor, value)
    except Invalid:
        errors["scope"] = "Périmètre attendu : unit:ID, establishment:ID ou organisation:ID."
        return ""
    except NotFound:
        errors["scope"] = "Périmètre introuvable ou hors de votre accès."
        return ""
    family = family_of(cpom.organisation_id)
    if scope.kind == "unit":
        owner = (
            Unit.objects.filter(pk=scope.id).values_list("establishment__organisation_id", flat=True).first()
        )
    elif scope.kind == "establishment":
        owner = Establishment.objects.filter(pk=scope.id).values_list("organisation_id", flat=True).first()
    else:
        owner = scope.id
    if owner not in family:
        errors["scope"] = "Le périmètre doit relever du gestionnaire du CPOM."
        return ""
    return scope.key


def raise_if(errors: dict) -> None:
    if errors:
        raise Invalid(errors)
