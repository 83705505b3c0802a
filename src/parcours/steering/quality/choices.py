"""The HAS evaluation framework's fixed structure (DOMAIN.md, "Quality evaluation"): its 3 chapters
and 9 thematics, the scoring scale; the criteria themselves are imported from the HAS spreadsheet."""

from django.db import models

# Chapter number → title.
CHAPTERS = {1: "La personne", 2: "Les professionnels", 3: "L'ESSMS"}

# The 9 thematics, in the framework's order: (name, other spellings accepted in a spreadsheet).
THEMATICS = [
    ("Bientraitance et éthique", []),
    ("Droits de la personne", ["droits de la personne accompagnee"]),
    ("Expression et participation", ["expression et participation de la personne accompagnee"]),
    (
        "Co-construction et personnalisation du projet",
        ["co construction et personnalisation du projet d accompagnement"],
    ),
    ("Accompagnement à l'autonomie", []),
    ("Accompagnement à la santé", []),
    ("Continuité et fluidité des parcours", []),
    ("Politique ressources humaines", ["politique rh", "politique des ressources humaines"]),
    ("Démarche qualité et gestion des risques", []),
]

EXTERNAL_EVALUATION_YEARS = 5


class ScoreValue(models.TextChoices):
    ONE = "1", "1 — Pas du tout satisfaisant"
    TWO = "2", "2 — Plutôt pas satisfaisant"
    THREE = "3", "3 — Plutôt satisfaisant"
    FOUR = "4", "4 — Tout à fait satisfaisant"
    OPTIMISED = "optimised", "Optimisé"
    NC = "nc", "NC — Non concerné"


# Points of a score in the averages: "optimisé" goes beyond 4 and counts as 4; NC is left out.
POINTS = {"1": 1, "2": 2, "3": 3, "4": 4, "optimised": 4}
TOP = ("4", "optimised")


class Target(models.TextChoices):
    ALL = "all", "Tous ESSMS"
    SPECIFIC = "specific", "ESSMS spécifiques"


class AssessmentStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "En cours"
    COMPLETED = "completed", "Terminée"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", "Prévue"
    IN_PROGRESS = "in_progress", "En cours"
    DONE = "done", "Réalisée"
    ABANDONED = "abandoned", "Abandonnée"
