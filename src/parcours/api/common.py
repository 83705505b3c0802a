"""Shared API pieces: authentication (Bearer token or browser session), pagination, error schema."""

from django.http import HttpRequest
from ninja import Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from parcours.access.services import user_for_token


class TokenAuth(HttpBearer):
    """Authorization: Bearer <token> — a hashed, revocable API token."""

    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class SessionCookieAuth(SessionAuth):
    """A logged-in browser session (CSRF checked on writes). The session is looked at first: a request
    without a logged-in session is unauthenticated (401), and only a request that the session would
    authenticate is refused for a missing or wrong CSRF token (403). django-ninja checks CSRF before
    authenticating, which answered 403 to an anonymous write."""

    def _get_key(self, request: HttpRequest):
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key):
        user = super().authenticate(request, key)
        if user is None:
            return None
        from parcours.access.middleware import SESSION_OTP_KEY
        from parcours.access.services import two_factor_required

        if two_factor_required(user) and not request.session.get(SESSION_OTP_KEY):
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, "Jeton CSRF absent ou invalide : rechargez la page.")
        return user


AUTH = [TokenAuth(), SessionCookieAuth(csrf=True)]


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


def page(queryset, limit: int, offset: int, *, fetch=None) -> tuple[int, list]:
    """Apply ?limit= (default 50, max 500) and ?offset= to a queryset: (count, items). fetch(limit,
    offset), when given, reads the items a faster way than slicing the queryset."""
    from parcours.core.errors import Invalid

    errors = {}
    if limit < 1 or limit > 500:
        errors["limit"] = "Entre 1 et 500."
    if offset < 0 or offset > 100_000_000:
        errors["offset"] = "Entre 0 et 100 000 000."
    if errors:
        raise Invalid(errors)
    items = fetch(limit, offset) if fetch else list(queryset[offset : offset + limit])
    return queryset.count(), items


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def list_of(schema: type[Schema]) -> type[Schema]:
    """The list envelope of API.md for a schema: {"count": N, "items": [...]}."""
    from pydantic import create_model

    return create_model(
        f"{schema.__name__.removesuffix('Out')}List",
        __base__=Schema,
        count=(int, ...),
        items=(list[schema], ...),
    )


def listing(queryset, limit: int, offset: int) -> dict:
    count, items = page(queryset, limit, offset)
    return {"count": count, "items": items}
