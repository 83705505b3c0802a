from django.db import models


class ExitReason(models.TextChoices):
    RETURN_HOME = "return_home", "Retour en famille"
    OTHER_UNIT = "other_unit", "Orientation vers un autre dispositif"
    ADULTHOOD = "adulthood", "Majorité / fin de prise en charge"
    RUNAWAY = "runaway", "Fugue"
    NO_SOLUTION = "no_solution", "Sortie sans solution"
    OTHER = "other", "Autre"


class Intensity(models.TextChoices):
    OCCASIONAL = "occasional", "Appui ponctuel"
    PART_TIME = "part_time", "Temps partiel"
    FULL_TIME = "full_time", "Temps plein"
    SEQUENTIAL = "sequential", "Séquentiel"


class AssignmentRole(models.TextChoices):
    REFERENT = "referent", "Référent éducatif"
    PATHWAY_COORDINATOR = "pathway_coordinator", "Coordinateur de parcours"
