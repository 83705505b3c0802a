from django.apps import AppConfig


class Config(AppConfig):
    name = "parcours.admissions"
    label = "admissions"
    default_auto_field = "django.db.models.BigAutoField"
