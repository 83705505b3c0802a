"""API: token, users, me, audit (API.md — Users and audit)."""

from django.db import transaction
from ninja import Query, Router, Status

from parcours.access import selectors, services
from parcours.access.schemas import (
    ApiTokenOut,
    AuditFilters,
    AuditList,
    TokenIn,
    TokenOut,
    UserIn,
    UserList,
    UserOut,
)
from parcours.api.common import ERRORS, page
from parcours.core.errors import ServiceError

router = Router(tags=["Utilisateurs et audit"])


class Unauthorized(ServiceError):
    status = 401


@router.post("/auth/token", auth=None, response={200: TokenOut, **ERRORS})
def create_token(request, data: TokenIn):
    """Exchange a username and password (and the TOTP code when two-factor is required) for a token
    that expires after API_TOKEN_DAYS days. The same lockout as the login page applies; a code is
    accepted once, and wrong codes make the next try wait."""
    try:
        user = services.authenticate(request, data.username, data.password)
        otp_verified = services.check_second_factor(user, data.otp)
    except services.AuthenticationFailed as exc:
        raise Unauthorized(exc.message) from None
    with transaction.atomic():
        token = services.issue_token(user, "api", otp_verified=otp_verified)
        services.logged_in(request, user)
    return {"token": token}


@router.get("/tokens", response={200: list[ApiTokenOut], **ERRORS})
def my_tokens(request):
    return list(request.user.api_tokens.order_by("-created_at"))


@router.delete("/tokens/{token_id}", response={200: ApiTokenOut, **ERRORS})
def revoke_token(request, token_id: int):
    return services.revoke_token(request.user, token_id)


@router.get("/me", response={200: UserOut, **ERRORS})
def me(request):
    return request.user


@router.get("/users", response={200: UserList, **ERRORS})
def list_users(request, limit: int = 50, offset: int = 0):
    count, items = page(selectors.users(request.user), limit, offset)
    return {"count": count, "items": items}


@router.post("/users", response={201: UserOut, **ERRORS})
def create_user(request, data: UserIn):
    user = services.create_user(
        request.user,
        username=data.username,
        password=data.password,
        first_name=data.first_name,
        last_name=data.last_name,
        email=data.email,
        memberships=[m.dict() for m in data.memberships],
    )
    return Status(201, user)


@router.get("/audit", response={200: AuditList, **ERRORS})
def audit_log(request, filters: Query[AuditFilters]):
    """Audit events, newest first (admin and quality roles only)."""
    qs = selectors.audit_events(
        request.user,
        person=filters.person,
        actor_id=filters.actor,
        action=filters.action,
        date_from=filters.from_,
        date_to=filters.to,
    )
    count, items = page(qs, filters.limit, filters.offset)
    return {"count": count, "items": items}
