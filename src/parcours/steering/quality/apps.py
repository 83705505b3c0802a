from django.apps import AppConfig


class Config(AppConfig):
    name = "parcours.steering.quality"
    label = "quality"
    default_auto_field = "django.db.models.BigAutoField"
