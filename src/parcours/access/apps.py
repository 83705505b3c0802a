from django.apps import AppConfig


class Config(AppConfig):
    name = "parcours.access"
    label = "access"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from parcours.access import login_doors  # noqa: F401  (the audit of every login door)
