from django.apps import AppConfig


class Config(AppConfig):
    name = "parcours.access"
    label = "access"
    default_auto_field = "django.db.models.BigAutoField"
