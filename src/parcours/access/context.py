"""Request context for the audit log (client IP), set by AuditContextMiddleware."""

from contextvars import ContextVar

client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)


def ip_of(request) -> str | None:
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR") if request.META.get("PARCOURS_TRUST_PROXY") else None
    return (forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR")) or None
