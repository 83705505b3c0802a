from django.db import models


class OrganisationKind(models.TextChoices):
    ASSOCIATION = "association", "Association"
    GROUP = "group", "Groupement (GCSMS)"
    DEPARTEMENT = "departement", "Département"
    MDPH = "mdph", "MDPH"
    PJJ = "pjj", "PJJ"
    OTHER = "other", "Autre"


class Modality(models.TextChoices):
    RESIDENTIAL = "residential", "Hébergement (internat)"
    DAY_CARE = "day_care", "Accueil de jour"
    HOME_PLACEMENT = "home_placement", "Placement à domicile"
    HOME_SUPPORT = "home_support", "Accompagnement à domicile"
    AMBULATORY = "ambulatory", "Ambulatoire (SESSAD)"
    EMERGENCY = "emergency", "Accueil d'urgence"
    PARENTAL_CENTRE = "parental_centre", "Centre parental"
    INDEPENDENT_LIVING = "independent_living", "Appartements / autonomie"
    FOSTER_FAMILY = "foster_family", "Famille d'accueil"


class Public(models.TextChoices):
    CHILD_PROTECTION = "child_protection", "Protection de l'enfance"
    YOUTH_JUSTICE = "youth_justice", "Protection judiciaire de la jeunesse"
    DISABILITY = "disability", "Handicap"
    UNACCOMPANIED_MINORS = "unaccompanied_minors", "Mineurs non accompagnés"
    YOUNG_ADULTS = "young_adults", "Jeunes majeurs"
    INCLUSION = "inclusion", "Insertion (RSA)"


class UnitSex(models.TextChoices):
    ANY = "any", "Mixte"
    F = "f", "Filles / femmes"
    M = "m", "Garçons / hommes"


class PartnerKind(models.TextChoices):
    DEPARTEMENT = "departement", "Service du Département (ASE)"
    MDPH = "mdph", "MDPH"
    PJJ = "pjj", "PJJ"
    COURT = "court", "Tribunal"
    SCHOOL = "school", "Établissement scolaire"
    HOSPITAL = "hospital", "Établissement de santé"
    OTHER = "other", "Autre"


# FINESS categories most used by the platform's members (code → label).
FINESS_CATEGORIES = {
    "177": "Maison d'enfants à caractère social (MECS)",
    "182": "Service d'éducation spéciale et de soins à domicile (SESSAD)",
    "166": "Centre parents-enfants de moins de 3 ans",
    "175": "Foyer de l'enfance",
    "176": "Pouponnière à caractère social",
    "236": "Centre d'accueil familial spécialisé",
    "183": "Institut médico-éducatif (IME)",
    "186": "Institut thérapeutique, éducatif et pédagogique (ITEP)",
    "178": "Village d'enfants",
    "221": "Service d'accompagnement à la vie sociale",
    "402": "Service AEMO",
    "377": "Établissement expérimental pour l'enfance protégée",
    "189": "Centre médico-psycho-pédagogique (CMPP)",
    "295": "Service d'action éducative (PJJ)",
}
