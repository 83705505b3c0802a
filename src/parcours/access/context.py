"""Request context for the audit log (client IP), set by AuditContextMiddleware."""

import ipaddress
from contextvars import ContextVar

from django.conf import settings

client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)


def ip_of(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind the HTTPS proxy (BEHIND_PROXY) the last
    X-Forwarded-For entry, the one the proxy appended (earlier entries are written by the client and
    could be forged). The audit log records it and django-axes throttles it (AXES_CLIENT_IP_CALLABLE)."""
    address = request.META.get("REMOTE_ADDR")
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        address = forwarded or address
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None
