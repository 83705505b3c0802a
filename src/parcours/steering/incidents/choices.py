"""Choices of the adverse events register (DOMAIN.md — Adverse events; arrêté of 28 December 2016)."""

from django.db import models


class Category(models.TextChoices):
    """The 11 categories of the arrêté of 28 December 2016 (order and wording of the annex)."""

    DISASTER = "disaster", "1. Sinistres et événements météorologiques exceptionnels"
    EQUIPMENT_FAILURE = (
        "equipment_failure",
        "2. Défaillance d'équipement technique et événements en santé environnementale",
    )
    WORK_ORGANISATION = (
        "work_organisation",
        "3. Perturbations de l'organisation du travail et de la gestion des ressources humaines",
    )
    CARE_FAILURE = "care_failure", "4. Erreur ou défaut de soin ou de surveillance"
    RELATIONAL_DIFFICULTIES = (
        "relational_difficulties",
        "5. Perturbations dues à des relations difficiles récurrentes avec la famille, les proches "
        "ou des personnes extérieures",
    )
    ACCIDENTAL_DEATH = (
        "accidental_death",
        "6. Décès accidentel ou consécutif à un défaut de surveillance ou de prise en charge",
    )
    SUICIDE = "suicide", "7. Suicide ou tentative de suicide au sein de la structure"
    ABUSE = "abuse", "8. Situation de maltraitance à l'égard de personnes accueillies"
    DISAPPEARANCE = (
        "disappearance",
        "9. Disparition d'une personne accueillie (police ou gendarmerie alertée)",
    )
    VIOLENCE = "violence", "10. Comportements violents de la part d'usagers"
    MALICIOUS_ACT = "malicious_act", "11. Actes de malveillance au sein de la structure"


UNCLASSIFIED = "unclassified"
UNCLASSIFIED_LABEL = "Non qualifié"


class Status(models.TextChoices):
    DECLARED = "declared", "Déclaré"
    CLASSIFIED = "classified", "Qualifié"
    REPORTED = "reported", "Transmis à l'autorité"
    ANALYSED = "analysed", "Analysé"
    CLOSED = "closed", "Clôturé"


class Authority(models.TextChoices):
    """The authority that authorised the establishment, to which a serious event is reported."""

    DEPARTEMENT = "departement", "Président du Conseil départemental"
    ARS = "ars", "Agence régionale de santé (ARS)"
    BOTH = "both", "Président du Conseil départemental et ARS (autorisation conjointe)"


class PersonRole(models.TextChoices):
    VICTIM = "victim", "Victime"
    AUTHOR = "author", "Auteur"
    WITNESS = "witness", "Témoin"
    OTHER = "other", "Autre"
