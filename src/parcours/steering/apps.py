from django.apps import AppConfig


class Config(AppConfig):
    name = "parcours.steering"
    label = "steering"
    default_auto_field = "django.db.models.BigAutoField"
