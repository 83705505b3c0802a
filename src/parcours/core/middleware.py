"""Bad input never reaches the database as a 500: NUL characters (refused by PostgreSQL) and values out
of the database's range (e.g. an id beyond 64 bits) answer a clear 400; a service error no view caught
answers its page (400, 404, 403, 409). Personal answers are never kept by a cache (NoStoreMiddleware)."""

from django.conf import settings
from django.db import DataError
from django.http import HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers

from parcours.core.errors import Forbidden, NotFound, ServiceError

NUL_MESSAGE = "Caractère nul (0x00) interdit dans les données envoyées."
RANGE_MESSAGE = "Valeur hors des limites acceptées (nombre trop grand ou texte invalide)."


def _bad_request(request, message: str, field: str = "__all__"):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "errors": [{"field": field, "message": message}]}, status=400)
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


def _has_nul(request) -> str | None:
    if "\x00" in request.path:
        return "path"
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in v for v in values):
            return key.replace("\x00", "")
    content_type = request.META.get("CONTENT_TYPE", "")
    if request.method in ("POST", "PUT", "PATCH"):
        if content_type.startswith("application/json"):
            body = request.body
            if b"\x00" in body or b"\\u0000" in body:
                return "body"
        elif content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            for key, values in request.POST.lists():
                if "\x00" in key or any("\x00" in v for v in values):
                    return key.replace("\x00", "")
    return None


class BadInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = _has_nul(request)
        if field:
            return _bad_request(request, NUL_MESSAGE, field)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DataError | OverflowError):
            return _bad_request(request, RANGE_MESSAGE)
        if isinstance(exception, ServiceError) and not request.path.startswith("/api/"):
            return _service_error_page(request, exception)
        return None


def _service_error_page(request, exc: ServiceError):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404
    from django.views.defaults import page_not_found, permission_denied

    from parcours.core.viewtools import bad_request_page

    if isinstance(exc, NotFound):
        return page_not_found(request, Http404(exc.detail))
    if isinstance(exc, Forbidden):
        return permission_denied(request, PermissionDenied(exc.detail))
    return bad_request_page(request, exc)


class NoStoreMiddleware:
    """Cache-Control: no-store on every answer to an authenticated request and on every API answer
    (personal data must not stay in a browser's or a proxy's cache); static files keep their own
    caching (WhiteNoise answers them before this middleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(settings.STATIC_URL):
            return response
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        return response
