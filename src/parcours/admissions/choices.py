from django.db import models


class Status(models.TextChoices):
    RECEIVED = "received", "Reçue"
    UNDER_REVIEW = "under_review", "En commission"
    ACCEPTED = "accepted", "Acceptée"
    WAITING_LIST = "waiting_list", "Sur liste d'attente"
    REFUSED = "refused", "Refusée"
    ADMITTED = "admitted", "Admis"
    WITHDRAWN = "withdrawn", "Retirée"


OPEN_STATUSES = {"received", "under_review", "accepted", "waiting_list"}

# Allowed transitions (API.md): received → under_review → accepted / waiting_list / refused → admitted,
# withdrawn from any open status. Decisions may also be taken outside a session (received → decided),
# and an emergency referral may be admitted at once (the service allows it for emergencies only).
TRANSITIONS = {
    "received": {"under_review", "accepted", "waiting_list", "refused", "withdrawn", "admitted"},
    "under_review": {"accepted", "waiting_list", "refused", "withdrawn", "admitted"},
    "accepted": {"admitted", "waiting_list", "refused", "withdrawn", "accepted"},
    "waiting_list": {"accepted", "admitted", "refused", "withdrawn", "waiting_list"},
    "refused": {"accepted", "waiting_list", "refused"},
    "admitted": set(),
    "withdrawn": set(),
}


class DecisionKind(models.TextChoices):
    ACCEPTED = "accepted", "Acceptée"
    WAITING_LIST = "waiting_list", "Liste d'attente"
    REFUSED = "refused", "Refusée"


class SessionKind(models.TextChoices):
    ADMISSION_COMMISSION = "admission_commission", "Commission d'admission (CBDE)"
    COLLECTIVE_ORIENTATION = "collective_orientation", "Session collective d'orientation"


# Export mapping to the national disability orientation statuses (ViaTrajectoire PH).
VIATRAJECTOIRE_CODES = {
    "received": 40,
    "under_review": 42,
    "accepted": 72,
    "waiting_list": 42,
    "refused": 46,
    "admitted": 47,
    "withdrawn": 49,
}


class InclusionOutcome(models.TextChoices):
    """Outcomes of the RSA orientation platforms of the département's scheme."""

    EMPLOYMENT = "employment", "Orientation professionnelle (emploi)"
    SOCIO_PROFESSIONAL = "socio_professional", "Accompagnement socio-professionnel"
    SOCIAL = "social", "Accompagnement social"
