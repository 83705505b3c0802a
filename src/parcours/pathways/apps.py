from django.apps import AppConfig


class Config(AppConfig):
    name = "parcours.pathways"
    label = "pathways"
    default_auto_field = "django.db.models.BigAutoField"
