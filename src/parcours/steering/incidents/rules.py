"""The authority to which a serious adverse event is reported (DOMAIN.md — Adverse events): the one
that authorised the establishment — the Président du Conseil départemental for child protection
(MECS…), the ARS for disability services (SESSAD…), both for joint authorisations.

Decided from the public of the unit concerned (or of all the establishment's units) and from the
establishment's FINESS category; when both sides appear, the authorisation is joint."""

from parcours.directory.choices import FINESS_CATEGORIES
from parcours.steering.incidents.choices import Authority

# Publics authorised by the département (child protection, young adults, RSA) or by the ARS.
DEPARTEMENT_PUBLICS = {
    "child_protection",
    "unaccompanied_minors",
    "young_adults",
    "youth_justice",
    "inclusion",
}
ARS_PUBLICS = {"disability"}
# FINESS categories: child-protection establishments and services (département) and medico-social
# services for disabled children under the ARS (SESSAD, IME, ITEP, CMPP).
DEPARTEMENT_CATEGORIES = {"177", "175", "176", "166", "178", "236", "402", "377", "221"}
ARS_CATEGORIES = {"182", "183", "186", "189"}
_CODE_OF_LABEL = {label.casefold(): code for code, label in FINESS_CATEGORIES.items()}


def category_code(category: str) -> str:
    """The FINESS category code of an establishment's category (stored as a code or as its label)."""
    value = (category or "").strip()
    if value.isdigit():
        return value
    return _CODE_OF_LABEL.get(value.casefold(), "")


def authority_of(category: str, publics: set[str]) -> str:
    """Authority for an establishment category and the publics concerned (default: the département,
    which authorises child-protection services, the platform's main field)."""
    code = category_code(category)
    departement = bool(publics & DEPARTEMENT_PUBLICS) or code in DEPARTEMENT_CATEGORIES
    ars = bool(publics & ARS_PUBLICS) or code in ARS_CATEGORIES
    if departement and ars:
        return Authority.BOTH
    if ars:
        return Authority.ARS
    return Authority.DEPARTEMENT


def authority_for(establishment, unit=None) -> str:
    """Authority for an event in a unit (its public) or in the establishment as a whole (the publics
    of all its units)."""
    if unit is not None:
        publics = {unit.public}
    else:
        publics = set(establishment.units.values_list("public", flat=True).distinct())
    return authority_of(establishment.category, publics)
