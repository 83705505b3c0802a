from django.apps import AppConfig


class Config(AppConfig):
    name = "parcours.assessments"
    label = "assessments"
    verbose_name = "Grilles d'évaluation"
    default_auto_field = "django.db.models.BigAutoField"
