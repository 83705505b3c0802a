"""Fixed vocabularies of the CPOM follow-up: stage progress, indicator source and comparison
direction, and the computed indicators a CPOM indicator may be bound to (the keys of
parcours.steering.selectors.activity, labelled in French)."""

from django.db import models


class Progress(models.TextChoices):
    PLANNED = "planned", "Prévu"
    IN_PROGRESS = "in_progress", "En cours"
    DONE = "done", "Réalisé"
    LATE = "late", "En retard"


class Source(models.TextChoices):
    MANUAL = "manual", "Saisi chaque année"
    COMPUTED = "computed", "Calculé par la plateforme"


class Direction(models.TextChoices):
    AT_LEAST = "at_least", "Au moins la cible"
    AT_MOST = "at_most", "Au plus la cible"


class Status(models.TextChoices):
    GREEN = "green", "Atteint"
    AMBER = "amber", "Proche (à 10 % près)"
    RED = "red", "Non atteint"


# The figures the platform computes for a scope and a period (parcours.steering.selectors.activity).
COMPUTED_KEYS: dict[str, str] = {
    "occupancy_rate": "Taux d'occupation",
    "days_theoretical": "Journées théoriques",
    "days_realised": "Journées réalisées",
    "active_caseload": "File active",
    "admissions": "Admissions",
    "exits": "Sorties",
    "average_length_of_stay": "Durée moyenne de séjour (jours)",
    "waiting_list_size": "Liste d'attente (fin de période)",
    "average_waiting_days": "Délai moyen décision – admission (jours)",
    "average_days_referral_to_admission": "Délai moyen demande – admission (jours)",
    "emergency_requests": "Demandes d'accueil d'urgence",
    "emergency_admissions": "Accueils d'urgence effectifs",
    "referrals_received": "Demandes d'admission reçues",
    "ruptures": "Ruptures de parcours",
    "persons_present": "Personnes présentes (fin de période)",
    "plans_up_to_date_share": "Part des projets à jour",
    "overdue_plans": "Projets en retard",
    "incidents": "Évènements indésirables déclarés",
    "serious_incidents": "Évènements indésirables graves",
    "meetings": "Réunions",
    "ethics_committee_meetings": "Réunions du comité éthique",
    "practice_analysis_sessions": "Séances d'analyse des pratiques",
    "training_sessions": "Sessions de formation",
    "attendance_rate": "Taux de présence aux réunions",
}
# Rates are decimals between 0 and 1 (shown as percentages; targets entered as 0.95 for 95 %).
RATE_KEYS = {"occupancy_rate", "plans_up_to_date_share", "attendance_rate"}

# Amber: the actual misses the target by at most this share of the target.
AMBER_MARGIN = "0.10"
