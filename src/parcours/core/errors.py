"""Errors raised by services and selectors, turned into the uniform API error format and into form
messages. {"detail": "...", "errors": [{"field": "...", "message": "..."}]}"""


class ServiceError(Exception):
    status = 400

    def __init__(self, detail: str, errors: list[dict] | None = None):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []

    def as_dict(self) -> dict:
        return {"detail": self.detail, "errors": self.errors}


class Invalid(ServiceError):
    """Bad input: 422 with the fields and reasons."""

    status = 422

    def __init__(self, errors: dict[str, str] | list[dict] | str, detail: str = "Données invalides."):
        if isinstance(errors, str):
            errors = {"__all__": errors}
        if isinstance(errors, dict):
            errors = [{"field": field, "message": message} for field, message in errors.items()]
        super().__init__(detail, errors)

    @classmethod
    def from_django(cls, exc) -> "Invalid":
        """From a django.core.exceptions.ValidationError (model full_clean)."""
        if hasattr(exc, "message_dict"):
            return cls([{"field": f, "message": " ".join(m)} for f, m in exc.message_dict.items()])
        return cls({"__all__": " ".join(exc.messages)})


class Forbidden(ServiceError):
    status = 403

    def __init__(self, detail: str = "Action non autorisée pour votre rôle."):
        super().__init__(detail)


class NotFound(ServiceError):
    status = 404

    def __init__(self, detail: str = "Introuvable."):
        super().__init__(detail)


class Conflict(ServiceError):
    status = 409
