from django.apps import AppConfig


class Config(AppConfig):
    name = "parcours.steering.meetings"
    label = "meetings"
    default_auto_field = "django.db.models.BigAutoField"
