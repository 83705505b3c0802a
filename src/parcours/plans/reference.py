"""Reference data of the plans: the needs domains of a projet, and the SERAFIN-PH nomenclature of
needs and services (disability sector, DOMAIN.md), shipped as codes and labels to tag the needs of a
plan and of a referral."""

from parcours.core.serafin import NEED_CODES, SERAFIN_PH, serafin_rows  # noqa: F401 (re-exported)

# Domains of the needs assessment and of the objectives (the GCSMS's harmonised structure).
DOMAINS = {
    "health": "Santé",
    "schooling": "Scolarité, formation",
    "daily_life": "Vie quotidienne et autonomie",
    "family_ties": "Liens familiaux et sociaux",
    "safety": "Sécurité",
    "leisure": "Loisirs",
    "other": "Autre",
}
