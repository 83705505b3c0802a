"""Choices of the meetings register: kinds of sessions, statuses, the practice-analysis request's
frequencies and the facilitator profiles of the SESSAD document."""

from django.db import models


class MeetingKind(models.TextChoices):
    PRACTICE_ANALYSIS = "practice_analysis", "Analyse des pratiques (GAPP)"
    TRAINING = "training", "Formation"
    ETHICS_COMMITTEE = "ethics_committee", "Comité éthique"
    PARTNER_MEETING = "partner_meeting", "Rencontre partenariale"
    COLLECTIVE_ORIENTATION = "collective_orientation", "Session collective d'orientation"
    CASE_REVIEW = "case_review", "Étude de situation"
    OTHER = "other", "Autre réunion"


# Admission commissions are the admissions app's CommissionSession rows: counted, not duplicated.
ADMISSION_COMMISSION = "admission_commission"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Prévue"
    HELD = "held", "Tenue"
    CANCELLED = "cancelled", "Annulée"


class RequestStatus(models.TextChoices):
    OPEN = "open", "Ouverte"
    ANSWERED = "answered", "Propositions reçues"
    ACCEPTED = "accepted", "Proposition retenue"
    CLOSED = "closed", "Close"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Hebdomadaire"
    FORTNIGHTLY = "fortnightly", "Tous les quinze jours"
    MONTHLY = "monthly", "Mensuelle"
    BIMONTHLY = "bimonthly", "Tous les deux mois"
    QUARTERLY = "quarterly", "Trimestrielle"
    OTHER = "other", "Autre (séances réparties sur la période)"


# Step between two sessions: (days, months).
FREQUENCY_STEPS = {
    Frequency.WEEKLY: (7, 0),
    Frequency.FORTNIGHTLY: (14, 0),
    Frequency.MONTHLY: (0, 1),
    Frequency.BIMONTHLY: (0, 2),
    Frequency.QUARTERLY: (0, 3),
}


class PlaceKind(models.TextChoices):
    ON_SITE = "on_site", "Dans le ou les établissements"
    NEARBY = "nearby", "À proximité (organisation par l'établissement)"
    EITHER = "either", "Dans l'établissement ou à proximité"


# The facilitator profiles wanted, as the SESSAD request lists them.
FACILITATOR_PROFILES = [
    ("psychologue", "Psychologue"),
    ("psychologue_du_travail", "Psychologue du travail"),
    ("psychotherapeute", "Psychothérapeute"),
    ("superviseur", "Superviseur"),
    ("professionnel_experience", "Professionnel d'expérience du secteur"),
    ("psychosociologue", "Psychosociologue"),
    ("philosophe", "Philosophe"),
    ("consultant", "Consultant"),
    ("formateur", "Formateur"),
    ("psychopedagogue", "Psychopédagogue"),
    ("sociologue", "Sociologue"),
    ("anthropologue", "Anthropologue"),
]
