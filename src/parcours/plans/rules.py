"""Legal deadlines of the individual plans (DOMAIN.md), as pure functions of dates.

Day 0 is the admission (the stay's entry day) unless stated. These functions say *when* a document is
due; whether it was recorded in time is decided by the plans app that holds the documents.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from parcours.core.dates import add_months, add_years, age_at

# Modalities where support happens at home or in an ambulatory way: a DIPC, not a contrat de séjour.
DIPC_MODALITIES = {"ambulatory", "home_placement", "home_support"}
JUDICIAL_MEASURES = {"judicial_placement", "opp"}
PPE_MEASURES = {"administrative_care", "judicial_placement", "opp", "aemo", "aed", "unaccompanied_minor"}


@dataclass(frozen=True)
class Deadline:
    kind: (
        str  # dipc, stay_contract, stay_contract_signature, personalised_plan, review, ppe, situation_report…
    )
    deadline: date
    label: str


def admission_document(
    modality: str,
    *,
    expected_days: int | None,
    judicial_minor: bool,
    refuses_to_sign: bool = False,
    emergency: bool = False,
) -> str:
    """DIPC or contrat de séjour (L311-4, D311 CASF): a contrat de séjour for stays expected over two
    months; a DIPC for shorter stays, home or ambulatory support, minors placed by a judge, emergencies,
    or when the person refuses to sign."""
    if (
        modality in DIPC_MODALITIES
        or judicial_minor
        or refuses_to_sign
        or emergency
        or (expected_days is not None and expected_days <= 61)
    ):
        return "dipc"
    return "stay_contract"


def admission_deadlines(admission: date, document: str) -> list[Deadline]:
    """Handed over within 15 days of admission; a contrat de séjour signed within one month."""
    out = [
        Deadline(
            document,
            admission + timedelta(days=15),
            "DIPC remis" if document == "dipc" else "Contrat de séjour remis",
        )
    ]
    if document == "stay_contract":
        out.append(Deadline("stay_contract_signature", add_months(admission, 1), "Contrat de séjour signé"))
    return out


def personalised_plan_deadline(admission: date, last_update: date | None = None) -> Deadline:
    """The first projet personnalisé within 6 months of admission, then updated at least every 12 months
    after its last update."""
    if last_update is None:
        return Deadline("personalised_plan", add_months(admission, 6), "Projet personnalisé (avenant)")
    return Deadline("review", add_months(last_update, 12), "Actualisation du projet personnalisé")


def ppe_deadline(birth_date: date, measure_start: date, last_update: date | None = None) -> Deadline:
    """PPE (L223-1-1): within 3 months of the start of the measure, then updated at least yearly, every
    6 months for a child under 2 (age at the date of the last update)."""
    if last_update is None:
        return Deadline("ppe", add_months(measure_start, 3), "Projet pour l'enfant (PPE)")
    months = 6 if age_at(birth_date, last_update) < 2 else 12
    return Deadline("ppe_review", add_months(last_update, months), "Actualisation du PPE")


def situation_report_deadline(birth_date: date, since: date) -> Deadline:
    """Rapport de situation (L223-5): at least yearly, every 6 months under 2 (since the measure start
    or the last report)."""
    months = 6 if age_at(birth_date, since) < 2 else 12
    return Deadline("situation_report", add_months(since, months), "Rapport de situation")


def health_check_deadline(admission: date) -> Deadline:
    """Health and prevention check at entry into child protection (platform convention: 1 month)."""
    return Deadline("health_check", add_months(admission, 1), "Bilan de santé d'entrée")


def autonomy_project_deadline(birth_date: date) -> Deadline:
    """Projet d'accès à l'autonomie in the year before majority: due at the 17th birthday."""
    return Deadline("autonomy_project", add_years(birth_date, 17), "Projet d'accès à l'autonomie")


def emergency_follow_up_deadline(admission: date, follow_up_days: int) -> Deadline:
    """After an emergency admission, the orientation decision within the unit's delay (default 3 days)."""
    return Deadline(
        "emergency_follow_up",
        admission + timedelta(days=follow_up_days),
        "Décision d'orientation après l'urgence",
    )


def is_overdue(deadline: Deadline, met_on: date | None, as_of: date) -> bool:
    """Overdue when the date has passed without the document being recorded (DOMAIN.md)."""
    return met_on is None and deadline.deadline < as_of
