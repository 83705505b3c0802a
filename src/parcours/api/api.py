"""The ninja API object, mounted at /api/v1/, with the uniform error format of API.md."""

import logging

from django.db import DataError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from parcours.api.common import AUTH
from parcours.core.errors import ServiceError

log = logging.getLogger(__name__)

api = NinjaAPI(
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


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    errors = [{"field": _field_of(e.get("loc", [])), "message": e.get("msg", "invalide")} for e in exc.errors]
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
