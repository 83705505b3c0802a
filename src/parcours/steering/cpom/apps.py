from django.apps import AppConfig


class Config(AppConfig):
    name = "parcours.steering.cpom"
    label = "cpom"
    default_auto_field = "django.db.models.BigAutoField"
