"""The ninja API object, mounted at /api/v1/, with the uniform error format of API.md."""

import logging
from datetime import date
from functools import lru_cache, wraps

from django.apps import apps as django_apps
from django.db import DataError, IntegrityError, models
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from pydantic import BaseModel

from parcours.api.common import AUTH
from parcours.core.errors import Invalid, ServiceError
from parcours.core.validators import plausibility_errors

log = logging.getLogger(__name__)


class ParcoursAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """django-ninja's document with the links between operations and the request examples
        (api/openapi.py)."""
        from parcours.api.openapi import complete

        return complete(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))


api = ParcoursAPI(
    title="Parcours API",
    version="1",
    description="API publique de Parcours (contrat : API.md). Authentification : `Authorization: Bearer <jeton>`.",
    auth=AUTH,
    docs_url="/docs",
    openapi_url="/openapi.json",
    urls_namespace="api",
)


def _field_of(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "file", "payload")]
    # ninja nests the body under the parameter name (e.g. 'data'): drop it.
    if len(parts) > 1 and parts[0] in ("data", "payload", "filters", "params"):
        parts = parts[1:]
    out = ""
    for part in parts:
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out or "__all__"


@api.exception_handler(ServiceError)
def service_error(request, exc: ServiceError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


def _message_of(error: dict) -> str:
    if "input" in error and error["input"] is None and error.get("type", "").endswith("_type"):
        return "Ce champ ne peut pas être nul."
    return error.get("msg", "invalide")


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    errors = [{"field": _field_of(e.get("loc", [])), "message": _message_of(e)} for e in exc.errors]
    return api.create_response(request, {"detail": "Données invalides.", "errors": errors}, status=422)


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
    return api.create_response(
        request, {"detail": "Authentification requise (jeton ou session).", "errors": []}, status=401
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Introuvable.", "errors": []}, status=404)


@api.exception_handler(DataError)
@api.exception_handler(OverflowError)
def data_error(request, exc):
    """A value the database cannot hold (an id beyond 64 bits…): a clear 400, never a 500."""
    from parcours.core.middleware import RANGE_MESSAGE

    return api.create_response(
        request,
        {"detail": RANGE_MESSAGE, "errors": [{"field": "__all__", "message": RANGE_MESSAGE}]},
        status=400,
    )


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return api.create_response(request, {"detail": str(exc), "errors": []}, status=exc.status_code)


@api.exception_handler(IntegrityError)
def null_into_required_column(request, exc: IntegrityError):
    """A null that reached a required column (a schema that let it through) is the client's input: a
    422 naming the field, never a 500. Any other integrity error is a bug and stays one."""
    column = _not_null_column(exc)
    if column is None:
        raise exc
    field = column.removesuffix("_id")
    message = "Ce champ ne peut pas être nul."
    return api.create_response(
        request,
        {"detail": "Données invalides.", "errors": [{"field": field, "message": message}]},
        status=422,
    )


def _not_null_column(exc: IntegrityError) -> str | None:
    cause = exc.__cause__
    diag = getattr(cause, "diag", None)
    if diag is not None:  # PostgreSQL (psycopg): SQLSTATE 23502 not_null_violation
        return diag.column_name if getattr(cause, "sqlstate", None) == "23502" else None
    text = str(exc)
    if text.startswith("NOT NULL constraint failed: "):  # SQLite
        return text.rsplit(".", 1)[-1].strip()
    return None


@lru_cache
def _text_limits(module: str) -> dict[str, int]:
    """The length of the text columns of the app an operation belongs to, by name: a text sent for a
    field of that name may not be longer than its column (the largest one when several models of the
    app share the name; none when one of them is a free text)."""
    app = django_apps.get_containing_app_config(module)
    if app is None:
        return {}
    limits: dict[str, int] = {}
    free = set()
    for model in app.get_models():
        for column in model._meta.concrete_fields:
            if isinstance(column, models.TextField):
                free.add(column.name)
            elif isinstance(column, models.CharField) and column.max_length:
                limits[column.name] = max(limits.get(column.name, 0), column.max_length)
    free.add("password")  # the column holds its hash
    return {name: limit for name, limit in limits.items() if name not in free}


def plausible_inputs(view_func):
    """Every API write is checked against the shared plausible ranges (core.validators): a date between
    1900 and 30 years ahead, a text no longer than its column or than 50 000 characters — a 422 naming
    the field."""

    @wraps(view_func)
    def checked(request, *args, **kwargs):
        if request.method in ("POST", "PUT", "PATCH"):
            limits = _text_limits(view_func.__module__)
            errors = {}
            for name, value in kwargs.items():
                if isinstance(value, BaseModel):
                    errors.update(plausibility_errors(value, limits=limits))
                elif isinstance(value, str | date):  # a form field of a multipart upload
                    errors.update(plausibility_errors(value, name, limits))
            if errors:
                raise Invalid(errors)
        return view_func(request, *args, **kwargs)

    return checked


api.add_decorator(plausible_inputs, mode="operation")


from parcours.access.api import router as access_router  # noqa: E402
from parcours.admissions.api import router as admissions_router  # noqa: E402
from parcours.assessments.api import router as assessments_router  # noqa: E402
from parcours.directory.api import router as directory_router  # noqa: E402
from parcours.pathways.api import router as pathways_router  # noqa: E402
from parcours.people.api import router as people_router  # noqa: E402
from parcours.plans.api import router as plans_router  # noqa: E402
from parcours.steering.api import router as steering_router  # noqa: E402
from parcours.steering.cpom.api import router as cpom_router  # noqa: E402
from parcours.steering.incidents.api import router as incidents_router  # noqa: E402
from parcours.steering.meetings.api import router as meetings_router  # noqa: E402
from parcours.steering.quality.api import router as quality_router  # noqa: E402

api.add_router("", access_router)
api.add_router("", directory_router)
api.add_router("", people_router)
api.add_router("", pathways_router)
api.add_router("", admissions_router)
api.add_router("", plans_router)
api.add_router("", assessments_router)
api.add_router("", steering_router)
api.add_router("", incidents_router)
api.add_router("", meetings_router)
api.add_router("", quality_router)
api.add_router("", cpom_router)
