from django.apps import AppConfig


class Config(AppConfig):
    name = "parcours.steering.incidents"
    label = "incidents"
    default_auto_field = "django.db.models.BigAutoField"
