from django.apps import AppConfig


class Config(AppConfig):
    name = "parcours.people"
    label = "people"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from parcours.people import documents  # noqa: F401  (registers the document keys' check)
