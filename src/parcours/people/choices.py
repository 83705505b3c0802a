from django.db import models


class Sex(models.TextChoices):
    F = "f", "Féminin"
    M = "m", "Masculin"
    X = "x", "Non précisé"


class RelationshipKind(models.TextChoices):
    MOTHER = "mother", "Mère"
    FATHER = "father", "Père"
    SIBLING = "sibling", "Frère / sœur"
    GUARDIAN = "guardian", "Tuteur"
    CHILD = "child", "Enfant"
    WARD = "ward", "Pupille (sous tutelle)"
    OTHER = "other", "Autre"


# The relationship recorded on the other side when one is created.
INVERSE_KIND = {
    "mother": "child",
    "father": "child",
    "sibling": "sibling",
    "guardian": "ward",
    "child": None,
    "ward": None,
    "other": "other",
}


class MeasureKind(models.TextChoices):
    ADMINISTRATIVE_CARE = "administrative_care", "Accueil provisoire (ASE, administratif)"
    JUDICIAL_PLACEMENT = "judicial_placement", "Placement judiciaire (assistance éducative)"
    OPP = "opp", "Ordonnance de placement provisoire (OPP)"
    AEMO = "aemo", "AEMO (milieu ouvert judiciaire)"
    AED = "aed", "AED (aide éducative à domicile)"
    GUARDIANSHIP = "guardianship", "Tutelle / délégation d'autorité parentale"
    YOUNG_ADULT_CONTRACT = "young_adult_contract", "Contrat jeune majeur"
    UNACCOMPANIED_MINOR = "unaccompanied_minor", "Mineur non accompagné (accueil provisoire d'urgence)"
    MDPH_ORIENTATION = "mdph_orientation", "Orientation CDAPH (MDPH)"
    PJJ = "pjj", "Mesure PJJ"
    OTHER = "other", "Autre"


# Measures under which the person is placed away from home: a gap between two stays while one of
# these runs is a rupture of the pathway.
PLACEMENT_MEASURES = {"administrative_care", "judicial_placement", "opp", "unaccompanied_minor"}


class DocumentKind(models.TextChoices):
    JUDGEMENT = "judgement", "Jugement / ordonnance"
    DECISION = "decision", "Décision administrative"
    MDPH_DECISION = "mdph_decision", "Notification MDPH"
    REPORT = "report", "Rapport / évaluation"
    MEDICAL = "medical", "Document médical"
    SCHOOL = "school", "Document scolaire"
    IDENTITY = "identity", "Pièce d'identité"
    CONTRACT = "contract", "DIPC / contrat de séjour"
    CONSENT = "consent", "Accord / consentement"
    OTHER = "other", "Autre"


class NoteConfidentiality(models.TextChoices):
    TEAM = "team", "Équipe"
    COORDINATOR = "coordinator", "Coordination et encadrement seulement"
    PARTNER = "partner", "Partageable avec le partenaire"
